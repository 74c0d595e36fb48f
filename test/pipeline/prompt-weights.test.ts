/**
 * Prompts as A1111 users write them: its parse_prompt_attention (checked against the examples in
 * its docstring), its chunking with weights and BREAK, and its "Original" emphasis on the text
 * encoder's output, through the real text encoders of SD 1.x- and SDXL-shaped models.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DiffusionPipeline } from '../../src/pipeline/diffusion.js';
import { RunTimer } from '../../src/pipeline/onnx-session.js';
import { applyEmphasis, parsePromptAttention } from '../../src/pipeline/prompt-weights.js';
import { encodePrompt } from '../../src/pipeline/text-conditioning.js';
import { ClipTokenizer } from '../../src/pipeline/tokenizer.js';
import { writeTinyModel } from '../fixtures/tiny-models.js';

const root = mkdtempSync(join(tmpdir(), 'prompt-weights-'));
const pipelines: DiffusionPipeline[] = [];
afterAll(async () => {
  for (const p of pipelines) await p.release();
  rmSync(root, { recursive: true, force: true });
});

describe('parse_prompt_attention', () => {
  it('reads A1111’s documented examples the way A1111 does', () => {
    expect(parsePromptAttention('normal text')).toEqual([['normal text', 1]]);
    expect(parsePromptAttention('an (important) word')).toEqual([['an ', 1], ['important', 1.1], [' word', 1]]);
    expect(parsePromptAttention('(unbalanced')).toEqual([['unbalanced', 1.1]]);
    expect(parsePromptAttention('\\(literal\\]')).toEqual([['(literal]', 1]]);
    expect(parsePromptAttention('(unnecessary)(parens)')).toEqual([['unnecessaryparens', 1.1]]);
    const example = parsePromptAttention('a (((house:1.3)) [on] a (hill:0.5), sun, (((sky))).');
    const expected: [string, number][] = [
      ['a ', 1],
      ['house', 1.5730000000000004],
      [' ', 1.1],
      ['on', 1],
      [' a ', 1.1],
      ['hill', 0.55],
      [', sun, ', 1.1],
      ['sky', 1.4641000000000006],
      ['.', 1.1],
    ];
    expect(example.map(([t]) => t)).toEqual(expected.map(([t]) => t));
    example.forEach(([, w], i) => expect(w).toBeCloseTo(expected[i]![1], 12));
  });

  it('splits at BREAK, and keeps a colon that is not a weight as text', () => {
    expect(parsePromptAttention('a cat BREAK a dog')).toEqual([['a cat', 1], ['BREAK', -1], ['a dog', 1]]);
    expect(parsePromptAttention('time: 3pm, [ratio 4:3]')).toEqual([['time: 3pm, ', 1], ['ratio 4:3', 1 / 1.1]]);
  });
});

describe('chunks with weights', () => {
  const tok = ClipTokenizer.fromOpenAiVocabulary();
  it('gives each token its run’s weight and starts a new chunk at BREAK', () => {
    const { ids, weights } = tok.encodeWeightedChunks(parsePromptAttention('a (red:1.5) heart BREAK [blue] sky'));
    expect(ids).toHaveLength(2);
    expect(ids[0]!.slice(0, 5)).toEqual([tok.bosTokenId, ...tok.tokenIds('a red heart'), tok.eosTokenId]);
    expect(weights[0]!.slice(0, 5)).toEqual([1, 1, 1.5, 1, 1]);
    expect(weights[1]!.slice(0, 4)).toEqual([1, 1 / 1.1, 1, 1]);
    expect(weights.every((w) => w.length === 77)).toBe(true);
  });

  it('chunks a prompt without brackets exactly as before', () => {
    const prompt = Array.from({ length: 90 }, (_, i) => (i % 10 === 9 ? 'cat,' : 'cat')).join(' ');
    expect(tok.encodeWeightedChunks(parsePromptAttention(prompt)).ids).toEqual(tok.encodeChunks(prompt));
  });
});

describe('emphasis', () => {
  it('multiplies each token and restores the chunk’s mean (A1111’s Original emphasis)', () => {
    const z = Float32Array.from([1, 2, 3, 4, 5, 6]);
    applyEmphasis(z, [1, 2, 1], 2);
    // ×[1,1,2,2,1,1] gives a sum of 28 from 21: everything × 21/28 brings the mean back.
    const expected = [1, 2, 6, 8, 5, 6].map((v) => (v * 21) / 28);
    z.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    const untouched = Float32Array.from([1, 2, 3]);
    applyEmphasis(untouched, [1, 1, 1], 1);
    expect([...untouched]).toEqual([1, 2, 3]);
  });

  for (const family of ['sd1', 'sdxl'] as const) {
    it(`weighs the text encoder’s output token by token (${family})`, async () => {
      const pipeline = await DiffusionPipeline.load(writeTinyModel(join(root, family), { generation: 'optimum-2025', family }));
      pipelines.push(pipeline);
      const timer = new RunTimer();
      const plain = await encodePrompt(pipeline.model, 'a red heart', 1, timer);
      // Brackets are syntax: weight 1 is the plain prompt, bit for bit.
      expect([...(await encodePrompt(pipeline.model, '(a red heart:1)', 1, timer)).hidden]).toEqual([...plain.hidden]);
      const weighted = await encodePrompt(pipeline.model, 'a (red:1.5) heart', 1, timer);
      const weights = new Array<number>(77).fill(1);
      weights[2] = 1.5;
      // Each text encoder's output is weighed on its own, as A1111 weighs each SDXL embedder (the
      // tiny SDXL's first encoder gives 24 of the 64 columns, its second 40).
      const widths = family === 'sdxl' ? [24, 40] : [plain.dim];
      const expected = new Float32Array(plain.hidden.length);
      let col = 0;
      for (const width of widths) {
        const part = new Float32Array(77 * width);
        for (let t = 0; t < 77; t++) part.set(plain.hidden.subarray(t * plain.dim + col, t * plain.dim + col + width), t * width);
        applyEmphasis(part, weights, width);
        for (let t = 0; t < 77; t++) expected.set(part.subarray(t * width, (t + 1) * width), t * plain.dim + col);
        col += width;
      }
      expect(weighted.hidden.length).toBe(expected.length);
      weighted.hidden.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
      expect(weighted.hidden[2 * plain.dim]).not.toBeCloseTo(plain.hidden[2 * plain.dim]!, 5);
      if (family === 'sdxl') expect([...weighted.pooled!]).toEqual([...plain.pooled!]);
      // BREAK makes a second chunk.
      expect((await encodePrompt(pipeline.model, 'a red BREAK heart', 2, timer)).seqLen).toBe(154);
    });
  }
});
