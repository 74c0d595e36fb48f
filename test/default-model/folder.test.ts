/**
 * The committed model folder: the diffusers ONNX layout a real export has, the real CLIP
 * vocabulary, the hints the bot reads, the licences of the drawings, and the size budget.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_DIR, loadConfig } from '../../src/config.js';
import { readModelFolder } from '../../src/pipeline/model-folder.js';
import { ClipTokenizer } from '../../src/pipeline/tokenizer.js';
import { MODEL_DIR } from './helpers.js';

const json = (rel: string) => JSON.parse(readFileSync(join(MODEL_DIR, rel), 'utf8')) as Record<string, unknown>;

function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? folderBytes(path) : statSync(path).size;
  }
  return total;
}

describe('models/emoji-diffusion', () => {
  it('is the model a fresh install runs when no MODEL_DIR is set', () => {
    expect(loadConfig({}).MODEL_DIR).toBe(DEFAULT_MODEL_DIR);
    expect(MODEL_DIR).toBe(DEFAULT_MODEL_DIR);
    expect(() => readModelFolder(MODEL_DIR)).not.toThrow();
  });

  it('has the diffusers ONNX layout of a Stable Diffusion 1.x export', () => {
    for (const rel of [
      'model_index.json',
      'text_encoder/model.onnx',
      'unet/model.onnx',
      'vae_decoder/model.onnx',
      'vae_encoder/model.onnx',
      'tokenizer/vocab.json',
      'tokenizer/merges.txt',
      'tokenizer/tokenizer_config.json',
      'tokenizer/special_tokens_map.json',
      'scheduler/scheduler_config.json',
      'vae_decoder/config.json',
      'unet/config.json',
    ]) {
      expect(existsSync(join(MODEL_DIR, rel)), rel).toBe(true);
    }
    expect(json('model_index.json')._class_name).toBe('OnnxStableDiffusionPipeline');
    expect(json('scheduler/scheduler_config.json')).toMatchObject({ _class_name: 'DDIMScheduler', prediction_type: 'epsilon', beta_schedule: 'scaled_linear' });
    expect(json('vae_decoder/config.json')).toMatchObject({ latent_channels: 4 });
  });

  it('tokenizes with the real CLIP vocabulary', () => {
    const shipped = ClipTokenizer.fromDirectory(join(MODEL_DIR, 'tokenizer'));
    const reference = ClipTokenizer.fromOpenAiVocabulary();
    const vocab = json('tokenizer/vocab.json');
    expect(Object.keys(vocab)).toHaveLength(49408);
    for (const text of ['red heart', 'smiling face with sunglasses, twemoji', 'Ünïcode 🙂 and numbers 1234']) {
      expect(shipped.encodePadded(text)).toEqual(reference.encodePadded(text));
    }
    expect(shipped.padTokenId).toBe(49407);
  });

  it('tells the bot its name, defaults and sizes (64×64, other shapes up to 112 pixels)', () => {
    const entry = readModelFolder(MODEL_DIR);
    expect(entry.name).toBe('emoji-diffusion');
    expect(entry.description).toMatch(/emoji/i);
    expect(entry.defaults).toMatchObject({ width: 64, height: 64, steps: 20, scheduler: 'ddim' });
    expect(entry.limits).toMatchObject({ minSize: 64, maxSize: 112, maxPixels: 112 * 64, maxBatch: 8 });
    // Not fixed: the bot offers --ar, and skips the pointless detail pass of a 128-pixel upscale.
    expect(entry.limits.fixedSize).toBeUndefined();
  });

  it('credits each emoji set under its licence', () => {
    const attribution = readFileSync(join(MODEL_DIR, 'ATTRIBUTION.md'), 'utf8');
    for (const needle of ['Noto Emoji', 'Apache-2.0', 'Twemoji', 'CC-BY-4.0', 'Fluent Emoji', 'MIT', '@iconify-json/noto', '@iconify-json/twemoji', '@iconify-json/fluent-emoji-flat', 'emojibase']) {
      expect(attribution).toContain(needle);
    }
    expect(attribution).not.toMatch(/openmoji|apple|facebook/i);
  });

  it('stays under 20 MB', () => {
    expect(folderBytes(MODEL_DIR)).toBeLessThan(20 * 1024 * 1024);
  });
});
