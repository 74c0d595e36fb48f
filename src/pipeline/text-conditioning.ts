import type { ClipTokenizer } from './tokenizer.js';
import { readFloat, type ModelSession, type RunTimer } from './onnx-session.js';
import type { LoadedModel } from './model.js';
import { applyEmphasis, parsePromptAttention } from './prompt-weights.js';

/**
 * Embeddings of one prompt: hidden states [1, 77·chunks, dim] and, for SDXL, the pooled vector.
 * Prompts are read as A1111 users write them: emphasis and BREAK (prompt-weights.ts), chunks of 75
 * tokens for prompts past 77.
 */
export interface TextConditioning {
  hidden: Float32Array;
  seqLen: number;
  dim: number;
  pooled?: Float32Array;
}

/** How many 75-token chunks the prompt pair needs (BREAK included), limited by a UNet whose sequence axis is fixed. */
export function chunksFor(model: LoadedModel, prompts: string[]): { chunks: number; truncated: boolean } {
  const wanted = Math.max(1, ...prompts.map((p) => model.tokenizer.encodeWeightedChunks(parsePromptAttention(p)).ids.length));
  const fixedSeq = model.unet.fixedDim('encoder_hidden_states', 1);
  const maxChunks = fixedSeq ? Math.max(1, Math.floor(fixedSeq / 77)) : 8;
  return { chunks: Math.min(wanted, maxChunks), truncated: wanted > maxChunks };
}

/** The prompt's chunks with each token's emphasis weight, padded with empty chunks to `chunks`. */
function chunkIds(tokenizer: ClipTokenizer, text: string, chunks: number): { ids: number[][]; weights: number[][] } {
  const out = tokenizer.encodeWeightedChunks(parsePromptAttention(text), { maxChunks: chunks });
  while (out.ids.length < chunks) {
    out.ids.push(tokenizer.encodeChunks('')[0]!);
    out.weights.push(new Array<number>(77).fill(1));
  }
  return out;
}

/** The encoder's hidden states, chunk after chunk, with each chunk's emphasis applied. */
function weightedHidden(perChunk: Float32Array[], weights: number[][]): Float32Array {
  const hidden = concat(perChunk);
  const per = hidden.length / weights.length;
  weights.forEach((w, c) => applyEmphasis(hidden.subarray(c * per, (c + 1) * per), w, per / w.length));
  return hidden;
}

/** Runs one text encoder over every chunk (in one batch when its batch axis allows) and returns the named outputs. */
async function runEncoder(
  session: ModelSession,
  chunkList: number[][],
  outputs: string[],
  timer: RunTimer,
): Promise<Map<string, Float32Array[]>> {
  const perChunk = new Map<string, Float32Array[]>(outputs.map((o) => [o, []]));
  const fixedBatch = session.fixedDim('input_ids', 0);
  // An export with a fixed batch axis (1 in practice) gets the chunks one at a time.
  const groups = fixedBatch !== undefined ? chunkList.map((c) => [c]) : [chunkList];
  for (const group of groups) {
    const flat = group.flat();
    const feeds: Record<string, import('onnxruntime-node').Tensor> = {
      input_ids: session.numberTensor('input_ids', flat, [group.length, 77]),
    };
    if (session.inputs.has('attention_mask')) feeds.attention_mask = session.numberTensor('attention_mask', flat.map(() => 1), [group.length, 77]);
    if (session.inputs.has('position_ids')) {
      const positions = Array.from({ length: 77 }, (_, i) => i);
      feeds.position_ids = session.numberTensor('position_ids', group.flatMap(() => positions), [group.length, 77]);
    }
    const result = await session.run(feeds, outputs, timer, 'text_encoder');
    for (const name of outputs) {
      const t = readFloat(result[name]!);
      const per = t.data.length / group.length;
      for (let i = 0; i < group.length; i++) perChunk.get(name)!.push(t.data.subarray(i * per, (i + 1) * per));
    }
  }
  return perChunk;
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** Interleaves two [seq, d1] and [seq, d2] matrices into [seq, d1+d2], as SDXL concatenates its encoders. */
function concatLastAxis(a: Float32Array, d1: number, b: Float32Array, d2: number, seq: number): Float32Array {
  const out = new Float32Array(seq * (d1 + d2));
  for (let s = 0; s < seq; s++) {
    out.set(a.subarray(s * d1, (s + 1) * d1), s * (d1 + d2));
    out.set(b.subarray(s * d2, (s + 1) * d2), s * (d1 + d2) + d1);
  }
  return out;
}

export async function encodePrompt(model: LoadedModel, text: string, chunks: number, timer: RunTimer): Promise<TextConditioning> {
  const { ids, weights } = chunkIds(model.tokenizer, text, chunks);
  const seqLen = 77 * chunks;
  const first = await runEncoder(model.textEncoder, ids, [model.io.textHidden], timer);
  const hidden1 = weightedHidden(first.get(model.io.textHidden)!, weights);
  const dim1 = hidden1.length / seqLen;
  if (!model.textEncoder2) return { hidden: hidden1, seqLen, dim: dim1 };

  const second2 = chunkIds(model.tokenizer2!, text, chunks);
  const second = await runEncoder(model.textEncoder2, second2.ids, [model.io.text2Hidden!, model.io.text2Pooled!], timer);
  const hidden2 = weightedHidden(second.get(model.io.text2Hidden!)!, second2.weights);
  const dim2 = hidden2.length / seqLen;
  // The pooled vector of the first chunk stands for the whole prompt, as A1111 and ComfyUI do.
  const pooled = Float32Array.from(second.get(model.io.text2Pooled!)![0]!);
  return { hidden: concatLastAxis(hidden1, dim1, hidden2, dim2, seqLen), seqLen, dim: dim1 + dim2, pooled };
}

/** SDXL base zeroes the unconditional embeddings when the negative prompt is empty (force_zeros_for_empty_prompt). */
export function zerosLike(c: TextConditioning): TextConditioning {
  return { hidden: new Float32Array(c.hidden.length), seqLen: c.seqLen, dim: c.dim, pooled: c.pooled ? new Float32Array(c.pooled.length) : undefined };
}
