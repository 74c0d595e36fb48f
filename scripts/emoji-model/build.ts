/**
 * Builds models/emoji-diffusion: a closed-form diffusion model (Scarvelis, Borde & Solomon,
 * "Closed-Form Diffusion Models", 2023) over Noto, Twemoji and Fluent emoji, in the diffusers
 * ONNX folder layout, deterministically from the npm packages.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLIP_EOS_TOKEN, clipVocabulary, readClipBpeMerges, writeClipTokenizerFolder } from '../../src/pipeline/clip-vocab.js';
import { ClipTokenizer } from '../../src/pipeline/tokenizer.js';
import type { GraphBuilder } from '../onnx-writer/graph.js';
import { buildCaptionModel, DEFAULT_CAPTION_OPTIONS, WORD_CODE_RADIX, type CaptionModel } from './captions.js';
import { dequantise, OPSET, quantiseColumns, quantiseRows, textEncoderGraph, unetGraph, vaeDecoderGraph, vaeEncoderGraph, type QuantisedMatrix } from './graphs.js';
import { colourMembership, colourShares, COLOUR_NAMES } from './colours.js';
import { matrix, OrtMath, randomisedPca, type Matrix } from './linalg.js';
import { packNibbles, PALETTE_SIZE, quantiseTile } from './palette.js';
import { mapLimited, rasteriseSvg, tileToChw } from './raster.js';
import { loadEmojiSources, STYLE_SOURCES, STYLES, type EmojiConcept, type EmojiDrawing, type EmojiStyle } from './sources.js';

export const MODEL_NAME = 'emoji-diffusion';
export const TILE_SIZE = 64;
/** Longest side of a picture; the other side stays TILE_SIZE or more. */
export const MAX_SIDE = 112;
/** Latent channels × 8 × 8 at 64×64 pixels: 256 PCA components. */
export const LATENT_SHAPE: [number, number, number] = [4, 8, 8];

/** The noise schedule of Stable Diffusion 1.x, which the UNet's σ(t) table follows. */
export const SCHEDULER_CONFIG = {
  _class_name: 'DDIMScheduler',
  _diffusers_version: '0.30.0',
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  beta_start: 0.00085,
  clip_sample: false,
  num_train_timesteps: 1000,
  prediction_type: 'epsilon',
  set_alpha_to_one: false,
  steps_offset: 1,
  timestep_spacing: 'trailing',
  trained_betas: null,
};

/** Knobs of the denoiser and decoder; the defaults are what the committed model uses. */
export interface ModelTuning {
  /** Logits per unit of prompt coverage. */
  temperature: number;
  /** Weight of how much of an emoji's name the prompt covers, relative to coverage. */
  specificity: number;
  /** Multiplier of the denoiser's log-likelihoods (1 = exact MMSE). */
  sharpness: number;
  /** The broad Gaussian's prior weight, max·ᾱ_t^power. */
  gaussianWeight: { max: number; power: number };
  /** The broad Gaussian counts as a picture that matches no prompt word. */
  promptAwareGaussian: boolean;
  /** Snap radius as a fraction of the 5th percentile of nearest-neighbour distances. */
  snapFraction: number;
}

export const DEFAULT_TUNING: ModelTuning = {
  temperature: 30,
  specificity: 0.25,
  sharpness: 2,
  gaussianWeight: { max: 0.05, power: 4 },
  promptAwareGaussian: true,
  snapFraction: 0.35,
};

export interface BuildOptions {
  outDir: string;
  /** Use only the first this many emoji (small builds for tests). */
  maxConcepts?: number;
  tuning?: Partial<ModelTuning>;
  log?: (line: string) => void;
}

/** σ(t) of a scaled-linear schedule, in float32 steps as torch computes it. */
export function scheduleSigmas(c: typeof SCHEDULER_CONFIG): Float64Array {
  const n = c.num_train_timesteps;
  const f = Math.fround;
  const lo = f(Math.sqrt(c.beta_start));
  const hi = f(Math.sqrt(c.beta_end));
  const step = f((hi - lo) / (n - 1));
  const half = Math.floor(n / 2);
  const sigmas = new Float64Array(n);
  let cum = 1;
  for (let i = 0; i < n; i++) {
    const root = i < half ? f(lo + f(step * i)) : f(hi - f(step * (n - i - 1)));
    const beta = f(root * root);
    cum = f(cum * f(1 - beta));
    sigmas[i] = Math.sqrt((1 - cum) / cum);
  }
  return sigmas;
}

/** Per colour channel, the 2-D cosines (DCT-II) of frequencies below `f` in x and y. */
export const GENERAL_FREQUENCIES = 4;

/** Orthonormal rows: 3·f² DCT-II basis images of a size×size, 3-channel CHW picture. */
export function lowFrequencyBasis(size: number, f: number): Matrix {
  const plane = size * size;
  const out = matrix(3 * f * f, 3 * plane);
  const cos = (u: number, x: number) => (u === 0 ? Math.sqrt(1 / size) : Math.sqrt(2 / size) * Math.cos((Math.PI * (2 * x + 1) * u) / (2 * size)));
  let row = 0;
  for (let c = 0; c < 3; c++) {
    for (let v = 0; v < f; v++) {
      for (let u = 0; u < f; u++) {
        for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) out.data[row * 3 * plane + c * plane + y * size + x] = cos(v, y) * cos(u, x);
        row++;
      }
    }
  }
  return out;
}

function transpose(m: Matrix): Matrix {
  const out = matrix(m.cols, m.rows);
  for (let r = 0; r < m.rows; r++) for (let c = 0; c < m.cols; c++) out.data[c * m.rows + r] = m.data[r * m.cols + c]!;
  return out;
}

function downsample2(chw: Float32Array, size: number): Float32Array {
  const half = size / 2;
  const out = new Float32Array(3 * half * half);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < half; y++) {
      for (let x = 0; x < half; x++) {
        const o = c * size * size + 2 * y * size + 2 * x;
        out[c * half * half + y * half + x] = (chw[o]! + chw[o + 1]! + chw[o + size]! + chw[o + size + 1]!) / 4;
      }
    }
  }
  return out;
}

function writeJson(file: string, value: unknown): void {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

export interface BuildReport {
  images: number;
  concepts: number;
  perStyle: Record<EmojiStyle, number>;
  explainedVariance: number;
  scalingFactor: number;
  snapRadius: number;
  seconds: Record<string, number>;
}

/** Everything the graphs are made of, before any file is written. */
export interface TrainingData {
  concepts: EmojiConcept[];
  drawings: EmojiDrawing[];
  packedTiles: Uint8Array;
  palettes: Uint8Array;
  basis: QuantisedMatrix;
  mean: Float32Array;
  /** Training latents in VAE units, int8 by column. */
  latents: QuantisedMatrix;
  /** Per-dimension variance of the (dequantised) latents, VAE units. */
  variances: Float32Array;
  scalingFactor: number;
  explainedVariance: number;
  /** Sorted distances from each training latent to its nearest other one. */
  nearestDistances: Float64Array;
  captions: CaptionModel;
  /** How well each colour word describes each drawing, N×COLOUR_NAMES. */
  imageColour: Float32Array;
  vocabularySize: number;
}

function timer(log: (line: string) => void, seconds: Record<string, number>): (name: string) => void {
  let mark = performance.now();
  return (name) => {
    const now = performance.now();
    seconds[name] = Math.round((now - mark) / 100) / 10;
    mark = now;
    log(`${name}: ${seconds[name]} s`);
  };
}

export interface PrepareOptions {
  log?: (line: string) => void;
  /** Filled with the seconds each stage took. */
  seconds?: Record<string, number>;
  /** Use only the first this many emoji (small builds for tests). */
  maxConcepts?: number;
}

/** Rasterises, quantises and projects the emoji, and builds the caption features. */
export async function prepareTrainingData(options: PrepareOptions = {}): Promise<TrainingData> {
  const log = options.log ?? (() => undefined);
  const lap = timer(log, options.seconds ?? {});
  const { concepts, drawings } = loadEmojiSources(STYLES, options.maxConcepts);
  const n = drawings.length;
  log(`${concepts.length} emoji, ${n} drawings`);
  const size = TILE_SIZE;
  const half = size / 2;
  const pixels = size * size;
  const p = 3 * half * half;
  const k = LATENT_SHAPE[0] * LATENT_SHAPE[1] * LATENT_SHAPE[2];

  // 1. Rasterise, keep each tile as 16 colours, and the half-size picture for the PCA.
  const tiles = await mapLimited(drawings, 4, (d) => rasteriseSvg(d.svg, { size, content: size - 4 }));
  lap('rasterise');
  const x = matrix(n, p);
  const imageColour = new Float32Array(n * COLOUR_NAMES.length);
  tiles.forEach((tile, i) => imageColour.set(colourMembership(colourShares(tile)), i * COLOUR_NAMES.length));
  // A colour word weighs like a rare word when few drawings are of that colour, and three times that:
  // in a prompt it is usually the point ("yellow flower" is a sunflower before a white flower).
  const colourWeights = COLOUR_NAMES.map((_, c) => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += imageColour[i * COLOUR_NAMES.length + c]!;
    return 3 * Math.log(1 + n / Math.max(1, sum));
  });
  log(`colour word weights: ${COLOUR_NAMES.map((c, i) => `${c} ${colourWeights[i]!.toFixed(2)}`).join(', ')}`);
  const packedTiles = new Uint8Array((n * pixels) / 2);
  const palettes = new Uint8Array(n * PALETTE_SIZE * 3);
  tiles.forEach((tile, i) => {
    const chw = tileToChw(tile);
    const paletted = quantiseTile(chw, pixels);
    packedTiles.set(packNibbles(paletted.indices), (i * pixels) / 2);
    for (let j = 0; j < PALETTE_SIZE * 3; j++) palettes[i * PALETTE_SIZE * 3 + j] = Math.max(0, Math.min(255, Math.round((paletted.palette[j]! + 1) * 127.5)));
    x.data.set(downsample2(chw, size), i * p);
  });
  lap('palettes');

  // 2. Latent space: the lowest 2-D cosines of each colour channel, so any picture keeps its broad
  // colours (corners included, where no emoji ever draws), then the PCA of what the emoji have left.
  const math = await OrtMath.create(2);
  const original = Float32Array.from(x.data);
  const mean = new Float32Array(p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) mean[j]! += x.data[i * p + j]!;
  for (let j = 0; j < p; j++) mean[j]! /= n;
  let totalVariance = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) {
      const v = (x.data[i * p + j]! -= mean[j]!);
      totalVariance += v * v;
    }
  }
  totalVariance /= n;
  const general = lowFrequencyBasis(half, GENERAL_FREQUENCIES);
  const generalCoeffs = await math.mul(x, transpose(general));
  const generalPart = await math.mul(generalCoeffs, general);
  let generalVariance = 0;
  for (let i = 0; i < generalCoeffs.data.length; i++) generalVariance += generalCoeffs.data[i]! ** 2;
  generalVariance /= n;
  for (let i = 0; i < x.data.length; i++) x.data[i]! -= generalPart.data[i]!;
  const pca = await randomisedPca(math, x, k - general.rows, { iterations: 3, seed: 20230601 });
  lap('pca');
  const components = new Float32Array(k * p);
  components.set(general.data, 0);
  components.set(pca.components.data, general.data.length);
  const basis = quantiseRows(components, k, p);
  const basisT = matrix(p, k);
  const deq = dequantise(basis, true);
  for (let r = 0; r < k; r++) for (let c = 0; c < p; c++) basisT.data[c * k + r] = deq[r * p + c]!;
  const centred = matrix(n, p, original);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) centred.data[i * p + j]! -= mean[j]!;
  const coeffs = await math.mul(centred, basisT); // N×K, what the encoder graph computes
  await math.release();
  const latents = quantiseColumns(coeffs.data, n, k);
  const zq = dequantise(latents, false);
  const variances = new Float32Array(k);
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += zq[i * k + j]! ** 2;
    variances[j] = s / n;
  }
  const meanVariance = variances.reduce((a, b) => a + b, 0) / k;
  const scalingFactor = Math.fround(1 / Math.sqrt(meanVariance));
  const explainedVariance = (generalVariance + pca.variances.reduce((a, b) => a + b, 0)) / totalVariance;
  log(`the latent keeps ${(explainedVariance * 100).toFixed(1)}% of the variance; scaling factor ${scalingFactor}`);
  const nearest = nearestDistances(zq, n, k).sort();
  log(`nearest-neighbour distance: 5% ${nearest[Math.floor(n * 0.05)]!.toFixed(3)}, median ${nearest[Math.floor(n / 2)]!.toFixed(3)}`);
  lap('latents');

  // 3. Captions, tokenised exactly as prompts will be.
  const tokenizer = ClipTokenizer.fromOpenAiVocabulary({ padToken: CLIP_EOS_TOKEN });
  const vocabulary = clipVocabulary(readClipBpeMerges());
  const captions = buildCaptionModel(concepts, tokenizer, vocabulary, colourWeights, DEFAULT_CAPTION_OPTIONS);
  lap('captions');
  return {
    concepts,
    drawings,
    packedTiles,
    palettes,
    basis,
    mean,
    latents,
    variances,
    scalingFactor,
    explainedVariance,
    nearestDistances: nearest,
    captions,
    imageColour,
    vocabularySize: vocabulary.length,
  };
}

/** Writes the model folder (graphs, configs, tokenizer, attribution) from prepared data. */
export function writeModelFolder(data: TrainingData, outDir: string, tuning: ModelTuning = DEFAULT_TUNING): { snapRadius: number } {
  const { concepts, drawings, captions, latents, scalingFactor } = data;
  const n = drawings.length;
  const size = TILE_SIZE;
  const dir = outDir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeClipTokenizerFolder(join(dir, 'tokenizer'), { padToken: CLIP_EOS_TOKEN });

  const save = (g: GraphBuilder, sub: string) => g.save(join(dir, sub, 'model.onnx'), { opset: OPSET, producer: 'imagine-bot build-model' });
  save(
    textEncoderGraph({
      wordEnd: captions.wordEnd,
      radix: WORD_CODE_RADIX,
      wordCodes: captions.wordCodes,
      wordFeatures: captions.words.length,
      bigrams: captions.bigrams,
      postings: captions.postings,
      dim: captions.dim,
    }),
    'text_encoder',
  );
  save(
    unetGraph({
      latents,
      latentFactor: scalingFactor,
      latentShape: LATENT_SHAPE,
      imageConcept: Int32Array.from(drawings, (d) => d.concept),
      imageStyle: Int32Array.from(drawings, (d) => STYLES.indexOf(d.style)),
      concepts: concepts.length,
      styles: STYLES.length,
      imageColour: data.imageColour,
      colours: COLOUR_NAMES.length,
      textDim: captions.dim,
      weightColumn: captions.weightColumn,
      inverseCaptionWeight: Float32Array.from(captions.captionWeight, (w) => (w > 0 ? 1 / w : 0)),
      baseLogPrior: new Float32Array(n),
      temperature: tuning.temperature,
      specificity: tuning.specificity,
      sharpness: tuning.sharpness,
      sigmas: scheduleSigmas(SCHEDULER_CONFIG),
      variances: Float32Array.from(data.variances, (v) => v * scalingFactor * scalingFactor),
      gaussianWeight: tuning.gaussianWeight,
      promptAwareGaussian: tuning.promptAwareGaussian,
    }),
    'unet',
  );
  const snapRadius = Math.max(1e-3, tuning.snapFraction * data.nearestDistances[Math.floor(n * 0.05)]!);
  const vae = { size, latentShape: LATENT_SHAPE, basis: data.basis, mean: data.mean };
  save(vaeEncoderGraph(vae), 'vae_encoder');
  save(
    vaeDecoderGraph({ ...vae, latents, packedTiles: data.packedTiles, palettes: data.palettes, paletteSize: PALETTE_SIZE, snapRadius, snapSoftness: 0.05, neighbours: 2 }),
    'vae_decoder',
  );
  // 5. Configs.
  writeJson(join(dir, 'model_index.json'), {
    _class_name: 'OnnxStableDiffusionPipeline',
    _diffusers_version: '0.30.0',
    feature_extractor: [null, null],
    requires_safety_checker: false,
    safety_checker: [null, null],
    scheduler: ['diffusers', SCHEDULER_CONFIG._class_name],
    text_encoder: ['diffusers', 'OnnxRuntimeModel'],
    tokenizer: ['transformers', 'CLIPTokenizer'],
    unet: ['diffusers', 'OnnxRuntimeModel'],
    vae_decoder: ['diffusers', 'OnnxRuntimeModel'],
    vae_encoder: ['diffusers', 'OnnxRuntimeModel'],
  });
  mkdirSync(join(dir, 'scheduler'), { recursive: true });
  writeJson(join(dir, 'scheduler', 'scheduler_config.json'), SCHEDULER_CONFIG);
  writeJson(join(dir, 'text_encoder', 'config.json'), {
    architectures: ['EmojiCaptionEncoder'],
    hidden_size: captions.dim,
    max_position_embeddings: 77,
    vocab_size: data.vocabularySize,
  });
  writeJson(join(dir, 'unet', 'config.json'), {
    _class_name: 'ClosedFormDenoiser',
    cross_attention_dim: captions.dim,
    in_channels: LATENT_SHAPE[0],
    out_channels: LATENT_SHAPE[0],
    sample_size: LATENT_SHAPE[1],
    training_images: n,
  });
  const vaeConfig = {
    _class_name: 'AutoencoderKL',
    block_out_channels: [128, 256, 512, 512],
    in_channels: 3,
    latent_channels: LATENT_SHAPE[0],
    out_channels: 3,
    sample_size: size,
    scaling_factor: scalingFactor,
  };
  writeJson(join(dir, 'vae_encoder', 'config.json'), vaeConfig);
  writeJson(join(dir, 'vae_decoder', 'config.json'), vaeConfig);
  const perStyle = Object.fromEntries(STYLES.map((s) => [s, drawings.filter((d) => d.style === s).length])) as Record<EmojiStyle, number>;
  writeJson(join(dir, 'imagine.json'), {
    name: MODEL_NAME,
    description: `Emoji from a prompt: a closed-form diffusion model over ${n} Noto, Twemoji and Fluent emoji (64×64; other shapes up to ${MAX_SIDE} pixels add white margins). Add noto, twemoji or fluent to pick a style.`,
    defaults: { steps: 20, guidance: 3, width: size, height: size, scheduler: 'ddim' },
    // Other shapes put the emoji in the centred square on white (--ar 16:9 gives 88×64); nothing larger
    // than 112 pixels, where a bigger emoji would only be the 64-pixel drawing enlarged.
    limits: { maxSteps: 100, maxBatch: 8, minSize: size, maxSize: MAX_SIDE, maxPixels: MAX_SIDE * size },
  });
  writeFileSync(join(dir, 'ATTRIBUTION.md'), attribution(perStyle, concepts.length));
  writeFileSync(join(dir, 'README.md'), modelCard(data, perStyle, tuning));
  return { snapRadius };
}

export async function buildEmojiModel(options: BuildOptions): Promise<BuildReport> {
  const log = options.log ?? (() => undefined);
  const seconds: Record<string, number> = {};
  const data = await prepareTrainingData({ log, seconds, maxConcepts: options.maxConcepts });
  const lap = timer(log, seconds);
  const { snapRadius } = writeModelFolder(data, options.outDir, { ...DEFAULT_TUNING, ...options.tuning });
  lap('write');
  const perStyle = Object.fromEntries(STYLES.map((s) => [s, data.drawings.filter((d) => d.style === s).length])) as Record<EmojiStyle, number>;
  return { images: data.drawings.length, concepts: data.concepts.length, perStyle, explainedVariance: data.explainedVariance, scalingFactor: data.scalingFactor, snapRadius, seconds };
}


/** Euclidean distance from each row to its nearest other row (N×K, row-major). */
function nearestDistances(z: Float32Array, n: number, k: number): Float64Array {
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) norms[i]! += z[i * k + j]! ** 2;
  const out = new Float64Array(n).fill(Infinity);
  for (let i = 0; i < n; i++) {
    for (let m = i + 1; m < n; m++) {
      let dot = 0;
      for (let j = 0; j < k; j++) dot += z[i * k + j]! * z[m * k + j]!;
      const d = norms[i]! + norms[m]! - 2 * dot;
      if (d < out[i]!) out[i] = d;
      if (d < out[m]!) out[m] = d;
    }
  }
  return out.map((d) => Math.sqrt(Math.max(0, d)));
}

function modelCard(data: TrainingData, perStyle: Record<EmojiStyle, number>, tuning: ModelTuning): string {
  const n = data.drawings.length;
  return `# ${MODEL_NAME}

The model that ships with imagine-bot, so \`/imagine red heart\` shows a red heart on a machine with
no GPU and no download. Made by \`npm run build:model\` (scripts/emoji-model/) from ${data.concepts.length} emoji
drawn ${n} times: Noto ${perStyle.noto}, Twemoji ${perStyle.twemoji}, Fluent Flat ${perStyle.fluent} (see ATTRIBUTION.md).
Nothing in it was trained by gradient descent: it is a closed-form diffusion model (Scarvelis,
Borde & Solomon, "Closed-Form Diffusion Models", 2023) in the diffusers ONNX layout, so the
pipeline runs it like any Stable Diffusion 1.x export.

| part | what it computes |
| --- | --- |
| tokenizer | OpenAI's CLIP BPE vocabulary (pad = \`<|endoftext|>\`) |
| text_encoder | exact sparse caption matching: each word of the prompt (CLIP pieces up to \`</w>\`, plurals folded) and each word pair of an emoji name becomes, at its last token, a row of ${data.captions.dim} numbers: its weight for each of the ${data.concepts.length} emoji, the 3 styles, ${COLOUR_NAMES.length} colours, and its own weight |
| unet | the minimum-mean-square-error denoiser of the ${n} training latents, each weighted by how much of the prompt its caption covers (word pairs count: "red heart" beats "woman: red hair"), plus one broad Gaussian that keeps img2img of unfamiliar pictures close to them; returns ε for a DDIM / Euler / DPM++ scheduler on Stable Diffusion's noise schedule |
| vae_encoder | the centred square at 64×64, 2×2 average, then 48 low-frequency cosines and 208 PCA components of 32×32 emoji (together ${(data.explainedVariance * 100).toFixed(1)}% of their variance) as a [4, 8, 8] latent |
| vae_decoder | the PCA picture, or, when the latent lands on a training latent, that emoji's own 16-colour 64×64 drawing (crisp, no PCA grain) |

Prompts: emoji names and keywords ("smiling face with sunglasses", "frog", "party"), the emoji
itself ("🐱"), colours ("blue heart", "yellow flower"; matched on the pixels), and a style word:
noto (google), twemoji (twitter) or fluent (microsoft). An empty prompt gives any emoji. Guidance and the negative prompt
work as usual ("heart" with negative prompt "red" gives hearts of other colours).

Sizes: 64×64 natively. Other shapes up to ${MAX_SIDE} pixels a side (and ${MAX_SIDE * TILE_SIZE} pixels in all) take the
latent [4, H/8, W/8] whose top-left [4, 8, 8] block is the emoji and the rest a margin whose clean
value is 0: the picture is the emoji in the centred square on white (\`--ar 16:9\` gives 88×64).

Limits: every text-to-image result is one of the training drawings (a closed-form model
memorises); img2img of a picture unlike any emoji keeps only its low-frequency colours and
PCA outline (256 numbers); bigger pictures are the 64-pixel drawing enlarged.

Tuning: temperature ${tuning.temperature}, specificity ${tuning.specificity},
likelihood sharpness ${tuning.sharpness}, broad Gaussian ${tuning.gaussianWeight.max}·ᾱ^${tuning.gaussianWeight.power}.
`;
}

function attribution(perStyle: Record<EmojiStyle, number>, concepts: number): string {
  const lines = [
    '# Attribution',
    '',
    `This model was built by \`npm run build:model\` from ${concepts} emoji drawn by the sets below. Its`,
    'VAE decoder keeps a 16-colour copy of every drawing at 64×64 pixels, and its UNet the PCA',
    'coefficients of each, so the model folder contains adapted versions of these works.',
    '',
  ];
  for (const s of STYLES) {
    const src = STYLE_SOURCES[s];
    lines.push(`- **${src.title}** (${perStyle[s]} drawings), © ${src.author}, licensed under ${src.licence}.`);
    lines.push(`  Source: ${src.url}, taken from the npm package \`${src.pkg}\`. Changes: rasterised to`);
    lines.push('  64×64, cropped and centred, reduced to 16 colours.');
  }
  lines.push(
    '',
    'Emoji names and keywords: emojibase-data (MIT), https://github.com/milesj/emojibase.',
    'CLIP tokenizer vocabulary: OpenAI CLIP (MIT), https://github.com/openai/CLIP.',
    '',
    'Licence texts: Apache-2.0 https://www.apache.org/licenses/LICENSE-2.0,',
    'CC-BY-4.0 https://creativecommons.org/licenses/by/4.0/, MIT https://opensource.org/licenses/MIT.',
    '',
  );
  return lines.join('\n');
}
