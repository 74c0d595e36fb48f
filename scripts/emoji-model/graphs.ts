/**
 * The four ONNX graphs of the emoji model, written with GraphBuilder:
 *  - text encoder: CLIP token ids → per-token relevance of every emoji concept (exact, sparse);
 *  - UNet: the closed-form MMSE denoiser of the caption-weighted training latents (plus one broad
 *    Gaussian) → the noise prediction a diffusers scheduler expects;
 *  - VAE encoder: 2×2 average pool → PCA coefficients;
 *  - VAE decoder: PCA reconstruction, or near a training latent that tile itself.
 */
import { GraphBuilder, type TensorData } from '../onnx-writer/graph.js';

export const OPSET = 18;

/** Symmetric per-row int8 quantisation: rows × cols values and one scale a row. */
export interface QuantisedMatrix {
  rows: number;
  cols: number;
  values: Int8Array;
  scales: Float32Array;
}

export function quantiseRows(data: Float32Array, rows: number, cols: number): QuantisedMatrix {
  const values = new Int8Array(rows * cols);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let c = 0; c < cols; c++) max = Math.max(max, Math.abs(data[r * cols + c]!));
    const scale = max / 127 || 1;
    scales[r] = scale;
    for (let c = 0; c < cols; c++) values[r * cols + c] = Math.round(data[r * cols + c]! / scale);
  }
  return { rows, cols, values, scales };
}

/** Symmetric per-column int8 quantisation (one scale a column), for tables read by column. */
export function quantiseColumns(data: Float32Array, rows: number, cols: number): QuantisedMatrix {
  const values = new Int8Array(rows * cols);
  const scales = new Float32Array(cols);
  for (let c = 0; c < cols; c++) {
    let max = 0;
    for (let r = 0; r < rows; r++) max = Math.max(max, Math.abs(data[r * cols + c]!));
    scales[c] = max / 127 || 1;
  }
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) values[r * cols + c] = Math.round(data[r * cols + c]! / scales[c]!);
  return { rows, cols, values, scales };
}

/** The float values a QuantisedMatrix stands for (rows scaled if byRow, else columns), times `factor`. */
export function dequantise(q: QuantisedMatrix, byRow: boolean, factor = 1): Float32Array {
  const out = new Float32Array(q.rows * q.cols);
  for (let r = 0; r < q.rows; r++) {
    for (let c = 0; c < q.cols; c++) out[r * q.cols + c] = q.values[r * q.cols + c]! * (byRow ? q.scales[r]! : q.scales[c]!) * factor;
  }
  return out;
}

/** An int8 table dequantised in the graph (onnxruntime folds it to float once, at load). */
function dequantised(g: GraphBuilder, q: QuantisedMatrix, byRow: boolean, factor = 1): string {
  const v = g.initializer({ dtype: 'int8', dims: [q.rows, q.cols], values: q.values });
  const scales = Float32Array.from(q.scales, (s) => s * factor);
  const s = g.constant(scales, 'float32', byRow ? [q.rows, 1] : [1, q.cols]);
  return g.op('Mul', [g.op('Cast', [v], { to: 1 }), s]);
}

const f32 = (g: GraphBuilder, v: number) => g.constant(v);

/** Pad amounts (ONNX order) that grow a [B, C, h, w] block at the top left to the size in `shape`. */
function marginPads(g: GraphBuilder, shape: string, h: number, w: number): string {
  const hw = g.op('Slice', [shape, g.int64([2]), g.int64([4])]);
  return g.op('Concat', [g.int64([0, 0, 0, 0, 0, 0]), g.op('Sub', [hw, g.int64([h, w])])], { axis: 0 });
}

/** [B, 3, H, W] pictures: the centred square of side min(H, W) and its place. */
function centredSquare(g: GraphBuilder, shape: string): { side: string; top: string; left: string; height: string; width: string } {
  const height = g.op('Slice', [shape, g.int64([2]), g.int64([3])]);
  const width = g.op('Slice', [shape, g.int64([3]), g.int64([4])]);
  const side = g.op('Min', [height, width]);
  const two = g.int64([2]);
  return { side, top: g.op('Div', [g.op('Sub', [height, side]), two]), left: g.op('Div', [g.op('Sub', [width, side]), two]), height, width };
}
const i64 = (g: GraphBuilder, v: number[] | number) => g.int64(v);

// ---------------------------------------------------------------------------------------------
// Text encoder

export interface TextEncoderSpec {
  /** 1 where a token id ends a word. */
  wordEnd: Uint8Array;
  radix: bigint;
  /** Sorted word codes and their word feature (1-based). */
  wordCodes: { code: bigint; feature: number }[];
  wordFeatures: number;
  /** Word pairs (feature, feature); pair index i is feature wordFeatures + 1 + i. */
  bigrams: [number, number][];
  /** postings[f] for features 0..total; postings[0] is empty. */
  postings: { column: number; value: number }[][];
  dim: number;
}

export function textEncoderGraph(spec: TextEncoderSpec): GraphBuilder {
  const g = new GraphBuilder('emoji_text_encoder');
  const inputIds = g.input('input_ids', 'int64', ['batch', 'sequence']);
  const ids = g.op('Cast', [inputIds], { to: 7 });

  const shiftRight = (x: string, fill: number) => {
    // x[:, :-1] with `fill` in front: the value of the previous position.
    const cut = g.op('Slice', [x, i64(g, [0]), i64(g, [-1]), i64(g, [1])]);
    return g.op('Pad', [cut, i64(g, [0, 1, 0, 0]), g.int64([fill], [])]);
  };

  const endTable = g.initializer({ dtype: 'uint8', dims: [spec.wordEnd.length], values: spec.wordEnd });
  const ends = g.op('Cast', [g.op('Gather', [endTable, ids])], { to: 7 }); // [B,S] 1 where a word ends
  const starts = shiftRight(ends, 1); // a word starts after a word end (and at 0)
  const cont = g.op('Sub', [i64(g, 1), starts]); // 1 inside a word
  const radix = g.int64([Number(spec.radix)], []);
  let code = ids;
  for (let k = 1; k < 4; k++) code = g.op('Add', [ids, g.op('Mul', [g.op('Mul', [radix, cont]), shiftRight(code, 0)])]);

  // Word feature at each word's last piece (0 when unknown). Codes are unique, so max picks the match.
  const codes = g.initializer({ dtype: 'int64', dims: [spec.wordCodes.length], values: spec.wordCodes.map((w) => w.code) });
  const codeFeatures = g.initializer({ dtype: 'int64', dims: [spec.wordCodes.length], values: spec.wordCodes.map((w) => w.feature) });
  const match = g.op('Equal', [g.op('Unsqueeze', [code, i64(g, [2])]), codes]); // [B,S,W]
  const wordFeature = g.op('ReduceMax', [g.op('Where', [match, codeFeatures, i64(g, 0)]), i64(g, [2])], { keepdims: 0 }); // [B,S]

  // The previous word's feature: scatter features by word index, read back at index - 1.
  const wordIndex = g.op('Sub', [g.op('CumSum', [starts, i64(g, 1)]), i64(g, 1)]); // [B,S]
  const shape = g.op('Shape', [ids]);
  const seq = g.op('Slice', [shape, i64(g, [1]), i64(g, [2])]);
  const wordsShape = g.op('Concat', [g.op('Slice', [shape, i64(g, [0]), i64(g, [1])]), g.op('Add', [seq, i64(g, [1])])], { axis: 0 });
  const trash = g.op('Where', [g.op('Cast', [ends], { to: 9 }), wordIndex, seq]);
  const byWord = g.op('ScatterElements', [g.op('ConstantOfShape', [wordsShape], { value: { tensor: { dtype: 'int64', dims: [1], values: [0] } } }), trash, wordFeature], {
    axis: 1,
    reduction: 'max',
  });
  const prevIndex = g.op('Max', [g.op('Sub', [wordIndex, i64(g, 1)]), i64(g, 0)]);
  const hasPrev = g.op('Cast', [g.op('Greater', [wordIndex, i64(g, 0)])], { to: 7 });
  const prevFeature = g.op('Mul', [g.op('GatherElements', [byWord, prevIndex], { axis: 1 }), hasPrev]);

  // Word pair feature where this word and the previous one form a pair of some name.
  const pairBase = spec.wordFeatures + 1;
  const pairCodes = g.initializer({ dtype: 'int64', dims: [Math.max(1, spec.bigrams.length)], values: spec.bigrams.length ? spec.bigrams.map(([a, b]) => a * pairBase + b) : [-1] });
  const pairIds = g.initializer({ dtype: 'int64', dims: [Math.max(1, spec.bigrams.length)], values: spec.bigrams.length ? spec.bigrams.map((_, i) => pairBase + i) : [0] });
  const bothKnown = g.op('Mul', [g.op('Mul', [prevFeature, wordFeature]), ends]);
  const pairCode = g.op('Where', [g.op('Cast', [bothKnown], { to: 9 }), g.op('Add', [g.op('Mul', [prevFeature, i64(g, pairBase)]), wordFeature]), i64(g, -2)]);
  const pairMatch = g.op('Equal', [g.op('Unsqueeze', [pairCode, i64(g, [2])]), pairCodes]);
  const pairFeature = g.op('ReduceMax', [g.op('Where', [pairMatch, pairIds, i64(g, 0)]), i64(g, [2])], { keepdims: 0 });

  // Sparse rows of the features, scattered into [B,S,dim].
  const offsets: number[] = [];
  const counts: number[] = [];
  const columns: number[] = [];
  const values: number[] = [];
  for (const list of spec.postings) {
    offsets.push(columns.length);
    counts.push(list.length);
    for (const p of list) {
      columns.push(p.column);
      values.push(p.value);
    }
  }
  const dummy = columns.length;
  columns.push(0);
  values.push(0);
  const longest = Math.max(1, ...counts);
  const features = g.op('Concat', [g.op('Unsqueeze', [wordFeature, i64(g, [2])]), g.op('Unsqueeze', [pairFeature, i64(g, [2])])], { axis: 2 }); // [B,S,2]
  const start = g.op('Unsqueeze', [g.op('Gather', [g.int64(offsets), features]), i64(g, [3])]); // [B,S,2,1]
  const count = g.op('Unsqueeze', [g.op('Gather', [g.int64(counts), features]), i64(g, [3])]);
  const lane = g.int64(Array.from({ length: longest }, (_, i) => i));
  const slot = g.op('Where', [g.op('Less', [lane, count]), g.op('Add', [start, lane]), i64(g, dummy)]); // [B,S,2,L]
  const flatShape = g.op('Concat', [g.op('Slice', [shape, i64(g, [0]), i64(g, [2])]), i64(g, [-1])], { axis: 0 });
  const col = g.op('Reshape', [g.op('Gather', [g.int64(columns), slot]), flatShape]);
  const val = g.op('Reshape', [g.op('Gather', [g.constant(values), slot]), flatShape]);
  const hiddenShape = g.op('Concat', [g.op('Slice', [shape, i64(g, [0]), i64(g, [2])]), i64(g, [spec.dim])], { axis: 0 });
  const zeros = g.op('ConstantOfShape', [hiddenShape], { value: { tensor: { dtype: 'float32', dims: [1], values: [0] } } });
  const hidden = g.op('ScatterElements', [zeros, col, val], { axis: 2, reduction: 'add' });
  g.output(hidden, 'last_hidden_state', 'float32', ['batch', 'sequence', spec.dim]);
  return g;
}

// ---------------------------------------------------------------------------------------------
// UNet (closed-form denoiser)

export interface UnetSpec {
  /** Training latents in diffusion units (VAE latents × scaling factor), N×D, int8 by column. */
  latents: QuantisedMatrix;
  /** Multiplier from the stored latents to diffusion units. */
  latentFactor: number;
  latentShape: [number, number, number];
  /** Concept and style of each training image. */
  imageConcept: Int32Array;
  imageStyle: Int32Array;
  concepts: number;
  styles: number;
  /** How well each colour word describes each image, N×colours. */
  imageColour: Float32Array;
  colours: number;
  textDim: number;
  /** Column of the prompt's total weight. */
  weightColumn: number;
  /** 1 / total caption weight of each concept (specificity). */
  inverseCaptionWeight: Float32Array;
  /** Prior log-weight of each image before the prompt (style balance). */
  baseLogPrior: Float32Array;
  /**
   * Treat the broad Gaussian as a picture no words describe: a prompt that matches some emoji
   * then all but rules it out, so only an empty (or unmatched) prompt keeps unfamiliar pictures.
   */
  promptAwareGaussian: boolean;
  /** Logits per unit of prompt coverage. */
  temperature: number;
  /** Weight of caption specificity relative to coverage. */
  specificity: number;
  /**
   * Multiplier of the log-likelihoods (1 = the exact MMSE denoiser). Above 1 the posterior commits
   * to one training image earlier, so 20 steps rarely end between two emoji.
   */
  sharpness: number;
  /** σ(t) for t = 0..T-1 of the scheduler's training schedule. */
  sigmas: Float64Array;
  /** Per-dimension variance of the training latents (diffusion units), for the broad Gaussian. */
  variances: Float32Array;
  /**
   * Prior weight of the broad Gaussian: max·ᾱ_t^power. Large at low noise, so img2img of a picture
   * unlike any emoji stays close to it; vanishing at high noise, so text-to-image ends on emoji.
   */
  gaussianWeight: { max: number; power: number };
}

export function unetGraph(spec: UnetSpec): GraphBuilder {
  const g = new GraphBuilder('emoji_closed_form_unet');
  const [c, h, w] = spec.latentShape;
  const d = c * h * w;
  const n = spec.latents.rows;
  // Any latent size of at least [c, h, w]: the emoji's PCA coefficients are the top-left
  // [c, h, w] block, everything else is margin whose clean value is 0 (see the VAE).
  const sample = g.input('sample', 'float32', ['batch', c, 'height', 'width']);
  const timestep = g.input('timestep', 'float32', ['batch']);
  const text = g.input('encoder_hidden_states', 'float32', ['batch', 'sequence', spec.textDim]);

  // Prompt prior over training images.
  const pooled = g.op('ReduceSum', [text, i64(g, [1])], { keepdims: 0 }); // [B,dim]
  const conceptScore = g.op('Slice', [pooled, i64(g, [0]), i64(g, [spec.concepts]), i64(g, [1])]);
  const styleScore = g.op('Slice', [pooled, i64(g, [spec.concepts]), i64(g, [spec.concepts + spec.styles]), i64(g, [1])]);
  const total = g.op('Slice', [pooled, i64(g, [spec.weightColumn]), i64(g, [spec.weightColumn + 1]), i64(g, [1])]);
  const imageConcept = g.initializer({ dtype: 'int64', dims: [n], values: Array.from(spec.imageConcept) });
  const imageStyle = g.initializer({ dtype: 'int64', dims: [n], values: Array.from(spec.imageStyle) });
  const colourStart = spec.concepts + spec.styles;
  const colourScore = g.op('Slice', [pooled, i64(g, [colourStart]), i64(g, [colourStart + spec.colours]), i64(g, [1])]);
  const imageColour = g.constant(spec.imageColour, 'float32', [n, spec.colours]);
  const matched = g.op('Add', [
    g.op('Add', [g.op('Gather', [conceptScore, imageConcept], { axis: 1 }), g.op('Gather', [styleScore, imageStyle], { axis: 1 })]),
    g.op('MatMul', [colourScore, g.op('Transpose', [imageColour], { perm: [1, 0] })]),
  ]);
  const coverage = g.op('Div', [matched, g.op('Max', [total, f32(g, 1e-3)])]);
  const specific = g.op('Gather', [g.op('Mul', [conceptScore, g.constant(spec.inverseCaptionWeight, 'float32', [1, spec.concepts])]), imageConcept], { axis: 1 });
  const score = g.op('Add', [coverage, g.op('Mul', [specific, f32(g, spec.specificity)])]);
  const logPriorRaw = g.op('Add', [g.op('Mul', [score, f32(g, spec.temperature)]), g.constant(spec.baseLogPrior, 'float32', [1, n])]);
  const logPrior = g.op('LogSoftmax', [logPriorRaw], { axis: 1 });

  // Noise level from the timestep: σ(t) interpolated linearly, as diffusers' Euler does.
  const sigmaTable = g.constant(Float32Array.from(spec.sigmas));
  const last = spec.sigmas.length - 1;
  const t = g.op('Clip', [timestep, f32(g, 0), f32(g, last)]);
  const t0 = g.op('Floor', [t]);
  const frac = g.op('Sub', [t, t0]);
  const i0 = g.op('Cast', [t0], { to: 7 });
  const i1 = g.op('Min', [g.op('Add', [i0, i64(g, 1)]), i64(g, last)]);
  const s0 = g.op('Gather', [sigmaTable, i0]);
  const s1 = g.op('Gather', [sigmaTable, i1]);
  const sigma = g.op('Unsqueeze', [g.op('Add', [s0, g.op('Mul', [g.op('Sub', [s1, s0]), frac])]), i64(g, [1])]); // [B,1]
  const one = f32(g, 1);
  const a = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [one, g.op('Mul', [sigma, sigma])])])]); // sqrt(ᾱ)
  const s = g.op('Mul', [sigma, a]); // sqrt(1-ᾱ)
  const s2 = g.op('Mul', [s, s]);
  const a2 = g.op('Mul', [a, a]);

  const block = g.op('Slice', [sample, i64(g, [0, 0]), i64(g, [h, w]), i64(g, [2, 3])]);
  const x = g.op('Reshape', [block, i64(g, [-1, d])]); // [B,D]
  const z = dequantised(g, spec.latents, false, spec.latentFactor); // [N,D]
  const zn = new Float32Array(n);
  const zf = dequantise(spec.latents, false, spec.latentFactor);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let k = 0; k < d; k++) acc += zf[i * d + k]! ** 2;
    zn[i] = acc;
  }
  // Log-likelihood of x under each training point, up to terms shared by all of them.
  const xz = g.op('MatMul', [x, g.op('Transpose', [z], { perm: [1, 0] })]); // [B,N]
  const halfInvS2 = g.op('Div', [f32(g, 0.5), s2]);
  const loglik = g.op('Sub', [g.op('Mul', [xz, g.op('Div', [a, s2])]), g.op('Mul', [g.op('Mul', [a2, halfInvS2]), g.constant(zn, 'float32', [1, n])])]);
  let logGaussWeight = g.op('Add', [f32(g, Math.log(spec.gaussianWeight.max)), g.op('Mul', [f32(g, spec.gaussianWeight.power), g.op('Log', [a2])])]); // [B,1]
  if (spec.promptAwareGaussian) {
    // Its prompt score is 0: relative to the images' mean prior weight, exp(0) / mean(exp(T·score)).
    const meanPrior = g.op('Sub', [g.op('ReduceLogSumExp', [logPriorRaw, i64(g, [1])], { keepdims: 1 }), f32(g, Math.log(n))]);
    logGaussWeight = g.op('Min', [g.op('Sub', [logGaussWeight, meanPrior]), f32(g, Math.log(0.5))]);
  }
  const logEmojiWeight = g.op('Log', [g.op('Sub', [one, g.op('Exp', [logGaussWeight])])]);
  const sharpness = f32(g, spec.sharpness);
  const emojiLogits = g.op('Add', [g.op('Add', [g.op('Mul', [loglik, sharpness]), logPrior]), logEmojiWeight]);

  // The broad Gaussian N(0, diag(var)) relative to the same shared terms: -|x|²/2g - ½Σlog g + |x|²/2s² + (D/2) log s².
  const variances = g.constant(spec.variances, 'float32', [1, d]);
  const gv = g.op('Add', [g.op('Mul', [a2, variances]), s2]); // [B,D]
  const x2 = g.op('Mul', [x, x]);
  const quadG = g.op('ReduceSum', [g.op('Div', [x2, gv]), i64(g, [1])], { keepdims: 1 });
  const logdetG = g.op('ReduceSum', [g.op('Log', [gv]), i64(g, [1])], { keepdims: 1 });
  const quadS = g.op('Div', [g.op('ReduceSum', [x2, i64(g, [1])], { keepdims: 1 }), s2]);
  const gaussLogit = g.op('Add', [
    g.op('Mul', [g.op('Mul', [f32(g, 0.5), sharpness]), g.op('Sub', [g.op('Add', [quadS, g.op('Mul', [f32(g, d), g.op('Log', [s2])])]), g.op('Add', [quadG, logdetG])])]),
    logGaussWeight,
  ]); // [B,1]

  const weights = g.op('Softmax', [g.op('Concat', [emojiLogits, gaussLogit], { axis: 1 })], { axis: 1 }); // [B,N+1]
  const wEmoji = g.op('Slice', [weights, i64(g, [0]), i64(g, [n]), i64(g, [1])]);
  const wGauss = g.op('Slice', [weights, i64(g, [n]), i64(g, [n + 1]), i64(g, [1])]);
  const meanEmoji = g.op('MatMul', [wEmoji, z]); // [B,D]
  const meanGauss = g.op('Mul', [g.op('Div', [g.op('Mul', [a, variances]), gv]), x]);
  const denoised = g.op('Add', [meanEmoji, g.op('Mul', [wGauss, meanGauss])]);
  const eps = g.op('Div', [g.op('Sub', [x, g.op('Mul', [a, denoised])]), s]);
  // Outside the block the denoised value is 0, so ε = x / s there.
  const pads = marginPads(g, g.op('Shape', [sample]), h, w);
  const inBlock = g.op('Pad', [g.constant(new Float32Array(h * w).fill(1), 'float32', [1, 1, h, w]), pads, f32(g, 0)]);
  const margin = g.op('Mul', [g.op('Div', [sample, g.op('Reshape', [s, i64(g, [-1, 1, 1, 1])])]), g.op('Sub', [one, inBlock])]);
  const blockEps = g.op('Pad', [g.op('Reshape', [eps, i64(g, [-1, c, h, w])]), pads, f32(g, 0)]);
  g.output(g.op('Add', [blockEps, margin]), 'out_sample', 'float32', ['batch', c, 'height', 'width']);
  return g;
}

// ---------------------------------------------------------------------------------------------
// VAE

export interface VaeSpec {
  /** Output tile size in pixels; the PCA works at half of it. */
  size: number;
  latentShape: [number, number, number];
  /** PCA components K×P (P = 3·(size/2)²), int8 by row. */
  basis: QuantisedMatrix;
  /** Mean of the half-size tiles, length P. */
  mean: Float32Array;
}

export function vaeEncoderGraph(spec: VaeSpec): GraphBuilder {
  const g = new GraphBuilder('emoji_vae_encoder');
  const [c, h, w] = spec.latentShape;
  // Any picture size: its centred square, resized to the tile size, gives the emoji block of the latent.
  const sample = g.input('sample', 'float32', ['batch', 3, 'height', 'width']);
  const shape = g.op('Shape', [sample]);
  const sq = centredSquare(g, shape);
  const square = g.op('Slice', [sample, g.op('Concat', [sq.top, sq.left], { axis: 0 }), g.op('Concat', [g.op('Add', [sq.top, sq.side]), g.op('Add', [sq.left, sq.side])], { axis: 0 }), i64(g, [2, 3])]);
  const tileSizes = g.op('Concat', [g.op('Slice', [shape, i64(g, [0]), i64(g, [2])]), i64(g, [spec.size, spec.size])], { axis: 0 });
  const tile = g.op('Resize', [square, '', '', tileSizes], { mode: 'linear', antialias: 1 });
  const small = g.op('AveragePool', [tile], { kernel_shape: [2, 2], strides: [2, 2] });
  const flat = g.op('Sub', [g.op('Reshape', [small, i64(g, [-1, spec.basis.cols])]), g.constant(spec.mean, 'float32', [1, spec.basis.cols])]);
  const basis = dequantised(g, spec.basis, true);
  const coeffs = g.op('MatMul', [flat, g.op('Transpose', [basis], { perm: [1, 0] })]);
  const latentShape = g.op('Concat', [g.op('Slice', [shape, i64(g, [0]), i64(g, [2])]), g.op('Div', [g.op('Slice', [shape, i64(g, [2]), i64(g, [4])]), i64(g, [8])])], { axis: 0 });
  const block = g.op('Reshape', [coeffs, i64(g, [-1, c, h, w])]);
  g.output(g.op('Pad', [block, marginPads(g, latentShape, h, w), f32(g, 0)]), 'latent_sample', 'float32', ['batch', c, 'latent_height', 'latent_width']);
  return g;
}

export interface VaeDecoderSpec extends VaeSpec {
  /** Training latents in VAE units (before the scaling factor), N×K, int8 by column. */
  latents: QuantisedMatrix;
  /** Each training tile as 4-bit palette indices, two a byte: N × size²/2. */
  packedTiles: Uint8Array;
  /** N × 16 × 3 palette colours as bytes (0..255 for -1..1). */
  palettes: Uint8Array;
  paletteSize: number;
  /** Distance (VAE units) at which a tile and the PCA picture weigh the same. */
  snapRadius: number;
  /** Width of that transition, as a fraction of snapRadius. */
  snapSoftness: number;
  /** How many nearest training tiles may contribute. */
  neighbours: number;
}

export function vaeDecoderGraph(spec: VaeDecoderSpec): GraphBuilder {
  const g = new GraphBuilder('emoji_vae_decoder');
  const [c, h, w] = spec.latentShape;
  const k = spec.basis.rows;
  const half = spec.size / 2;
  const pixels = spec.size * spec.size;
  const n = spec.latents.rows;
  const latent = g.input('latent_sample', 'float32', ['batch', c, 'latent_height', 'latent_width']);
  const u = g.op('Reshape', [g.op('Slice', [latent, i64(g, [0, 0]), i64(g, [h, w]), i64(g, [2, 3])]), i64(g, [-1, k])]); // [B,K]
  const basis = dequantised(g, spec.basis, true); // [K,P]
  const mean = g.constant(spec.mean, 'float32', [1, spec.basis.cols]);

  // PCA reconstruction at half size, upsampled (bicubic).
  const upsample = (flat: string, lead: number[]) => {
    const img = g.op('Reshape', [flat, i64(g, [-1, 3, half, half])]);
    const up = g.op('Resize', [img, '', g.constant([1, 1, 2, 2])], { mode: 'cubic', cubic_coeff_a: { float: -0.75 } });
    return g.op('Reshape', [up, i64(g, [...lead, 3, spec.size, spec.size])]);
  };
  const base = upsample(g.op('Add', [g.op('MatMul', [u, basis]), mean]), [-1]); // [B,3,S,S]

  // Nearest training latents: within the snap radius their own tile replaces the PCA picture.
  const z = dequantised(g, spec.latents, false); // [N,K]
  const zf = dequantise(spec.latents, false);
  const zn = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let j = 0; j < k; j++) acc += zf[i * k + j]! ** 2;
    zn[i] = acc;
  }
  const un = g.op('ReduceSum', [g.op('Mul', [u, u]), i64(g, [1])], { keepdims: 1 });
  const dist2 = g.op('Add', [g.op('Sub', [un, g.op('Mul', [f32(g, 2), g.op('MatMul', [u, g.op('Transpose', [z], { perm: [1, 0] })])])]), g.constant(zn, 'float32', [1, n])]); // [B,N]
  const width = spec.snapRadius * spec.snapSoftness;
  // logit = (r² − d²)/(2·r·width): 0 at the radius, falling with distance; 'none' has logit 0.
  const logits = g.op('Div', [g.op('Sub', [f32(g, spec.snapRadius ** 2), dist2]), f32(g, 2 * spec.snapRadius * width)]);
  const [nearLogits, nearIndex] = g.opN('TopK', [logits, i64(g, [spec.neighbours])], 2, { axis: 1, largest: 1, sorted: 1 }) as [string, string]; // [B,M]
  const shape = g.op('Shape', [nearLogits]);
  const noneLogit = g.op('ConstantOfShape', [g.op('Concat', [g.op('Slice', [shape, i64(g, [0]), i64(g, [1])]), i64(g, [1])], { axis: 0 })], {
    value: { tensor: { dtype: 'float32', dims: [1], values: [0] } },
  });
  const allWeights = g.op('Softmax', [g.op('Concat', [nearLogits, noneLogit], { axis: 1 })], { axis: 1 });
  const nearWeights = g.op('Slice', [allWeights, i64(g, [0]), i64(g, [spec.neighbours]), i64(g, [1])]); // [B,M]

  const packed = g.initializer({ dtype: 'uint8', dims: [n, pixels / 2], values: spec.packedTiles });
  const bytes = g.op('Cast', [g.op('Gather', [packed, nearIndex], { axis: 0 })], { to: 7 }); // [B,M,pixels/2]
  const high = g.op('Div', [bytes, i64(g, 16)]);
  const low = g.op('Sub', [bytes, g.op('Mul', [high, i64(g, 16)])]);
  const pairs = g.op('Concat', [g.op('Unsqueeze', [high, i64(g, [3])]), g.op('Unsqueeze', [low, i64(g, [3])])], { axis: 3 });
  const indexShape = g.op('Concat', [g.op('Shape', [nearIndex]), i64(g, [pixels])], { axis: 0 });
  const colourIndex = g.op('Reshape', [pairs, indexShape]); // [B,M,pixels]
  const paletteRow = g.op('Add', [g.op('Mul', [g.op('Unsqueeze', [nearIndex, i64(g, [2])]), i64(g, spec.paletteSize)]), colourIndex]);
  const paletteTable = g.op('Sub', [
    g.op('Div', [g.op('Cast', [g.initializer({ dtype: 'uint8', dims: [n * spec.paletteSize, 3], values: spec.palettes })], { to: 1 }), f32(g, 127.5)]),
    one(g),
  ]);
  const rgb = g.op('Gather', [paletteTable, paletteRow], { axis: 0 }); // [B,M,pixels,3]
  const tiles = g.op('Transpose', [rgb, ], { perm: [0, 1, 3, 2] }); // [B,M,3,pixels]
  const weighted = g.op('ReduceSum', [g.op('Mul', [tiles, g.op('Unsqueeze', [nearWeights, i64(g, [2, 3])])]), i64(g, [1])], { keepdims: 0 }); // [B,3,pixels]
  const noneWeight = g.op('Slice', [allWeights, i64(g, [spec.neighbours]), i64(g, [spec.neighbours + 1]), i64(g, [1])]); // [B,1]
  const out = g.op('Add', [g.op('Mul', [base, g.op('Unsqueeze', [noneWeight, i64(g, [2, 3])])]), g.op('Reshape', [weighted, i64(g, [-1, 3, spec.size, spec.size])])]);
  // Other sizes: the emoji fills the centred square of side min(H, W) on a white picture.
  const latentShapeOf = g.op('Shape', [latent]);
  const pictureShape = g.op('Concat', [g.op('Slice', [latentShapeOf, i64(g, [0]), i64(g, [2])]), g.op('Mul', [g.op('Slice', [latentShapeOf, i64(g, [2]), i64(g, [4])]), i64(g, [8])])], { axis: 0 });
  const sq = centredSquare(g, pictureShape);
  const squareSizes = g.op('Concat', [g.op('Slice', [g.op('Shape', [out]), i64(g, [0]), i64(g, [2])]), sq.side, sq.side], { axis: 0 });
  const square = g.op('Resize', [g.op('Clip', [out, f32(g, -1), one(g)]), '', '', squareSizes], { mode: 'cubic', cubic_coeff_a: { float: -0.75 }, antialias: 1 });
  const bottom = g.op('Sub', [g.op('Sub', [sq.height, sq.side]), sq.top]);
  const right = g.op('Sub', [g.op('Sub', [sq.width, sq.side]), sq.left]);
  const pads = g.op('Concat', [i64(g, [0, 0]), sq.top, sq.left, i64(g, [0, 0]), bottom, right], { axis: 0 });
  const picture = g.op('Pad', [square, pads, one(g)]);
  g.output(g.op('Clip', [picture, f32(g, -1), one(g)]), 'sample', 'float32', ['batch', 3, 'height', 'width']);
  return g;
}

function one(g: GraphBuilder): string {
  return g.constant(1);
}

export type { TensorData };
