/**
 * The shipped ONNX graphs one by one, straight on onnxruntime-node: the text encoder matches
 * words and whole phrases, the VAE gives a training drawing back unchanged, and the UNet's noise
 * prediction denoises towards the emoji the prompt names.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClipTokenizer } from '../../src/pipeline/tokenizer.js';
import { loadEmojiSources } from '../../scripts/emoji-model/sources.js';
import type { RgbImage } from '../../src/pipeline/types.js';
import { colourShare, mse, MODEL_DIR, referenceDrawings } from './helpers.js';

const sessions: Record<string, ort.InferenceSession> = {};
let tokenizer: ClipTokenizer;
let scalingFactor: number;
const concepts = loadEmojiSources().concepts;
const conceptIndex = (label: string) => concepts.findIndex((c) => c.label === label);

beforeAll(async () => {
  for (const part of ['text_encoder', 'unet', 'vae_encoder', 'vae_decoder']) sessions[part] = await ort.InferenceSession.create(join(MODEL_DIR, part, 'model.onnx'));
  tokenizer = ClipTokenizer.fromDirectory(join(MODEL_DIR, 'tokenizer'));
  scalingFactor = (JSON.parse(readFileSync(join(MODEL_DIR, 'vae_decoder', 'config.json'), 'utf8')) as { scaling_factor: number }).scaling_factor;
});
afterAll(async () => {
  for (const s of Object.values(sessions)) await s.release();
});

async function embed(prompt: string): Promise<{ hidden: Float32Array; dim: number; pooled: Float32Array }> {
  const ids = tokenizer.encodePadded(prompt);
  const out = await sessions.text_encoder!.run({ input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, 77]) });
  const t = out.last_hidden_state!;
  const dim = t.dims[2]!;
  const hidden = t.data as Float32Array;
  const pooled = new Float32Array(dim);
  for (let p = 0; p < 77; p++) for (let d = 0; d < dim; d++) pooled[d]! += hidden[p * dim + d]!;
  return { hidden, dim, pooled };
}

function toChw(img: RgbImage): Float32Array {
  const plane = img.width * img.height;
  const out = new Float32Array(3 * plane);
  for (let p = 0; p < plane; p++) for (let c = 0; c < 3; c++) out[c * plane + p] = img.data[p * 3 + c]! / 127.5 - 1;
  return out;
}

function fromChw(chw: Float32Array, size = 64): RgbImage {
  const plane = size * size;
  const data = new Uint8Array(plane * 3);
  for (let p = 0; p < plane; p++) for (let c = 0; c < 3; c++) data[p * 3 + c] = Math.max(0, Math.min(255, Math.round((chw[c * plane + p]! + 1) * 127.5)));
  return { width: size, height: size, data };
}

async function encode(img: RgbImage): Promise<Float32Array> {
  const out = await sessions.vae_encoder!.run({ sample: new ort.Tensor('float32', toChw(img), [1, 3, 64, 64]) });
  return out.latent_sample!.data as Float32Array;
}

async function decode(latent: Float32Array): Promise<RgbImage> {
  const out = await sessions.vae_decoder!.run({ latent_sample: new ort.Tensor('float32', latent, [1, 4, 8, 8]) });
  return fromChw(out.sample!.data as Float32Array);
}

/** σ(t) of Stable Diffusion's scaled-linear schedule, which the model is built on. */
function alphaBar(t: number): number {
  const n = 1000;
  let cum = 1;
  for (let i = 0; i <= t; i++) {
    const root = Math.sqrt(0.00085) + ((Math.sqrt(0.012) - Math.sqrt(0.00085)) * i) / (n - 1);
    cum *= 1 - root * root;
  }
  return cum;
}

/** The UNet's estimate of the clean latent for x_t = a·z + s·noise. */
async function denoise(x: Float32Array, t: number, prompt: string): Promise<Float32Array> {
  const { hidden, dim } = await embed(prompt);
  const out = await sessions.unet!.run({
    sample: new ort.Tensor('float32', x, [1, 4, 8, 8]),
    timestep: new ort.Tensor('float32', Float32Array.of(t), [1]),
    encoder_hidden_states: new ort.Tensor('float32', hidden, [1, 77, dim]),
  });
  const eps = out.out_sample!.data as Float32Array;
  const ab = alphaBar(t);
  return Float32Array.from(x, (v, i) => (v - Math.sqrt(1 - ab) * eps[i]!) / Math.sqrt(ab));
}

function noise(seed: number, n = 256): Float32Array {
  let s = seed;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  return Float32Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next()));
}

describe('text encoder', () => {
  it('an empty prompt embeds to zeros (no preference: any emoji)', async () => {
    const { pooled } = await embed('');
    expect(pooled.every((v) => v === 0)).toBe(true);
  });

  it('"red heart" points at the red heart more than at any other emoji', async () => {
    const { pooled } = await embed('red heart');
    const scores = pooled.subarray(0, concepts.length);
    const best = scores.indexOf(Math.max(...scores));
    expect(concepts[best]!.label).toBe('red heart');
    expect(scores[conceptIndex('red heart')]!).toBeGreaterThan(2 * scores[conceptIndex('woman: red hair')]!);
  });

  it('a whole phrase counts more than the same words apart or reversed', async () => {
    const heart = conceptIndex('red heart');
    const phrase = (await embed('red heart')).pooled[heart]!;
    const reversed = (await embed('heart red')).pooled[heart]!;
    const apart = (await embed('red and a heart')).pooled[heart]!;
    expect(phrase).toBeGreaterThan(reversed * 1.3);
    expect(phrase).toBeGreaterThan(apart * 1.3);
  });

  it('plurals, letter case and punctuation do not matter', async () => {
    const cat = (await embed('cat')).pooled;
    expect(Array.from((await embed('Cats!')).pooled)).toEqual(Array.from(cat));
    expect(cat[conceptIndex('cat')]!).toBeGreaterThan(0);
  });

  it('an emoji character asks for exactly that emoji, with or without its variation selector', async () => {
    for (const [text, label] of [['🐱', 'cat face'], ['❤️', 'red heart'], ['❤', 'red heart'], ['🏳️‍🌈', 'rainbow flag']] as const) {
      const scores = (await embed(text)).pooled.subarray(0, concepts.length);
      expect(concepts[scores.indexOf(Math.max(...scores))]!.label, text).toBe(label);
    }
  });

  it('words the emoji never use embed to nothing', async () => {
    const { pooled } = await embed('xyzzyplugh qwrtp');
    expect(pooled.every((v) => v === 0)).toBe(true);
  });
});

describe('VAE', () => {
  it('gives a training drawing back as it was drawn (16 colours, no PCA grain)', async () => {
    const refs = await referenceDrawings('red heart');
    for (const img of refs.values()) {
      const back = await decode(await encode(img));
      expect(mse(back, img)).toBeLessThan(15);
    }
  });

  it('keeps the broad colours of a picture unlike any emoji', async () => {
    const data = new Uint8Array(64 * 64 * 3);
    for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) data.set([200, 40 + x * 2, 60 + y * 2], (y * 64 + x) * 3);
    const picture: RgbImage = { width: 64, height: 64, data };
    expect(mse(await decode(await encode(picture)), picture)).toBeLessThan(600);
  });
});

describe('UNet', () => {
  it('at low noise it returns the emoji the sample came from, whatever the prompt', async () => {
    const refs = await referenceDrawings('frog');
    const z = Float32Array.from(await encode(refs.get('twemoji')!), (v) => v * scalingFactor);
    const t = 60;
    const ab = alphaBar(t);
    const eps = noise(7);
    const x = Float32Array.from(z, (v, i) => Math.sqrt(ab) * v + Math.sqrt(1 - ab) * eps[i]!);
    for (const prompt of ['frog', 'red heart', '']) {
      const estimate = await denoise(x, t, prompt);
      let err = 0;
      let norm = 0;
      for (let i = 0; i < z.length; i++) {
        err += (estimate[i]! - z[i]!) ** 2;
        norm += z[i]! ** 2;
      }
      expect(Math.sqrt(err / norm)).toBeLessThan(0.02);
    }
  });

  it('outside the emoji block (wider latents) the clean value is the white margin, 0', async () => {
    const { hidden, dim } = await embed('frog');
    const x = noise(3, 4 * 8 * 11);
    const t = 400;
    const out = await sessions.unet!.run({
      sample: new ort.Tensor('float32', x, [1, 4, 8, 11]),
      timestep: new ort.Tensor('float32', Float32Array.of(t), [1]),
      encoder_hidden_states: new ort.Tensor('float32', hidden, [1, 77, dim]),
    });
    expect(out.out_sample!.dims).toEqual([1, 4, 8, 11]);
    const eps = out.out_sample!.data as Float32Array;
    const ab = alphaBar(t);
    for (let c = 0; c < 4; c++) {
      for (let y = 0; y < 8; y++) {
        for (let xx = 8; xx < 11; xx++) {
          const i = (c * 8 + y) * 11 + xx;
          expect((x[i]! - Math.sqrt(1 - ab) * eps[i]!) / Math.sqrt(ab)).toBeCloseTo(0, 4);
        }
      }
    }
  });

  it('at high noise the prompt decides what the estimate looks like', async () => {
    const t = 950;
    const red = (await Promise.all([1, 2, 3].map(async (seed) => decode(Float32Array.from(await denoise(noise(seed), t, 'red heart'), (v) => v / scalingFactor))))).map((img) => colourShare(img, 'red'));
    const green = (await Promise.all([1, 2, 3].map(async (seed) => decode(Float32Array.from(await denoise(noise(seed), t, 'green apple'), (v) => v / scalingFactor))))).map((img) => colourShare(img, 'green'));
    for (const share of [...red, ...green]) expect(share).toBeGreaterThan(0.5);
  });
});
