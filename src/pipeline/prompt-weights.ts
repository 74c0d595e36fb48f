/**
 * AUTOMATIC1111's prompt emphasis, as its users write it: `(word)` ×1.1, `[word]` ÷1.1,
 * `(word:1.3)` an explicit weight, nesting multiplies, `\(` a literal bracket, and `BREAK` to start
 * a new 75-token chunk. The parse follows A1111's parse_prompt_attention rule for rule (its
 * documented examples are the tests); applyEmphasis is its "Original" emphasis: each token's
 * embedding times its weight, then the whole chunk rescaled to its old mean.
 */

/** A run of prompt text and its weight; BREAK is the text 'BREAK' with weight -1. */
export type WeightedText = [text: string, weight: number];

// A1111's re_attention: escapes, brackets, `:weight)`, plain text, a lone colon.
const ATTENTION = /\\\(|\\\)|\\\[|\\]|\\\\|\\|\(|\[|:\s*([+-]?[.\d]+)\s*\)|\)|]|[^\\()[\]:]+|:/g;
const BREAK = /\s*\bBREAK\b\s*/s;

const ROUND = 1.1;
const SQUARE = 1 / 1.1;

/** The prompt as runs of text with their weights, neighbouring runs of equal weight merged. */
export function parsePromptAttention(text: string): WeightedText[] {
  const res: WeightedText[] = [];
  const round: number[] = [];
  const square: number[] = [];
  const multiply = (from: number, by: number) => {
    for (let p = from; p < res.length; p++) res[p]![1] *= by;
  };
  for (const m of text.matchAll(ATTENTION)) {
    const piece = m[0];
    const weight = m[1];
    if (piece.startsWith('\\')) res.push([piece.slice(1), 1]);
    else if (piece === '(') round.push(res.length);
    else if (piece === '[') square.push(res.length);
    else if (weight !== undefined && round.length) multiply(round.pop()!, Number.parseFloat(weight));
    else if (piece === ')' && round.length) multiply(round.pop()!, ROUND);
    else if (piece === ']' && square.length) multiply(square.pop()!, SQUARE);
    else {
      piece.split(BREAK).forEach((part, i) => {
        if (i > 0) res.push(['BREAK', -1]);
        res.push([part, 1]);
      });
    }
  }
  // Brackets left open count as closed at the end.
  for (const p of round) multiply(p, ROUND);
  for (const p of square) multiply(p, SQUARE);
  if (res.length === 0) res.push(['', 1]);
  for (let i = 0; i + 1 < res.length; ) {
    if (res[i]![1] === res[i + 1]![1]) {
      res[i]![0] += res[i + 1]![0];
      res.splice(i + 1, 1);
    } else i++;
  }
  return res;
}

/**
 * A1111's "Original" emphasis on one chunk's hidden states ([tokens, dim], in place): every token's
 * row times its weight, then everything times (old mean / new mean). A chunk of weights 1 is left
 * exactly as it was.
 */
export function applyEmphasis(hidden: Float32Array, weights: readonly number[], dim: number): void {
  if (weights.every((w) => w === 1)) return;
  let before = 0;
  for (let i = 0; i < hidden.length; i++) before += hidden[i]!;
  let after = 0;
  for (let t = 0; t < weights.length; t++) {
    const w = Math.fround(weights[t]!);
    for (let k = t * dim; k < (t + 1) * dim; k++) {
      hidden[k] = Math.fround(hidden[k]! * w);
      after += hidden[k]!;
    }
  }
  if (after === 0) return;
  const scale = Math.fround(Math.fround(before / hidden.length) / Math.fround(after / hidden.length));
  for (let i = 0; i < hidden.length; i++) hidden[i] = Math.fround(hidden[i]! * scale);
}
