/**
 * Builds models/emoji-diffusion: a closed-form diffusion model (Scarvelis, Borde & Solomon,
 * "Closed-Form Diffusion Models", 2023) over Noto, Twemoji and Fluent emoji, in the diffusers
 * ONNX folder layout, deterministically from the npm packages.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clipVocabulary, readClipBpeMerges, writeClipTokenizerFolder } from '../../src/pipeline/clip-vocab.js';
import { ClipTokenizer } from '../../src/pipeline/tokenizer.js';
import { buildCaptionModel, DEFAULT_CAPTION_OPTIONS, WORD_CODE_RADIX } from './captions.js';
import { dequantise, OPSET, quantiseColumns, quantiseRows, textEncoderGraph, unetGraph, vaeDecoderGraph, vaeEncoderGraph } from './graphs.js';
import { matrix, OrtMath, randomisedPca } from './linalg.js';
import { packNibbles, PALETTE_SIZE, quantiseTile } from './palette.js';
import { mapLimited, rasteriseSvg, tileToChw } from './raster.js';
import { loadEmojiSources, STYLE_SOURCES, STYLES, type EmojiStyle } from './sources.js';

export const MODEL_NAME = 'emoji-diffusion';
export const TILE_SIZE = 64;
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
  timestep_spacing: 'leading',
  trained_betas: null,
};

export interface BuildOptions {
  outDir: string;
  /** Tuning knobs of the denoiser. */
  temperature?: number;
  specificity?: number;
  gaussianWeight?: number;
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

export async function buildEmojiModel(options: BuildOptions): Promise<BuildReport> {
  const log = options.log ?? (() => undefined);
  const seconds: Record<string, number> = {};
  let mark = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    seconds[name] = Math.round((now - mark) / 100) / 10;
    mark = now;
    log(`${name}: ${seconds[name]} s`);
  };

  const { concepts, drawings } = loadEmojiSources();
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

  // 2. PCA latent space.
  const math = await OrtMath.create(2);
  const original = Float32Array.from(x.data);
  const pca = await randomisedPca(math, x, k, { iterations: 3, seed: 20230601 });
  lap('pca');
  const basis = quantiseRows(pca.components.data, k, p);
  const basisT = matrix(p, k);
  const deq = dequantise(basis, true);
  for (let r = 0; r < k; r++) for (let c = 0; c < p; c++) basisT.data[c * k + r] = deq[r * p + c]!;
  const centred = matrix(n, p, original);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) centred.data[i * p + j]! -= pca.mean[j]!;
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
  const explained = pca.variances.reduce((a, b) => a + b, 0) / pca.totalVariance;
  log(`PCA keeps ${(explained * 100).toFixed(1)}% of the variance; scaling factor ${scalingFactor}`);

  // Distances to the nearest other training latent set how close a latent must come to take a tile's detail.
  const nearest = nearestDistances(zq, n, k);
  const sorted = Float64Array.from(nearest).sort();
  const snapRadius = Math.max(1e-3, 0.35 * sorted[Math.floor(sorted.length * 0.05)]!);
  log(`nearest-neighbour distance: 5% ${sorted[Math.floor(sorted.length * 0.05)]!.toFixed(3)}, median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(3)}; snap radius ${snapRadius.toFixed(3)}`);
  lap('latents');

  // 3. Captions.
  const tokenizerDir = join(options.outDir, 'tokenizer');
  rmSync(options.outDir, { recursive: true, force: true });
  mkdirSync(options.outDir, { recursive: true });
  writeClipTokenizerFolder(tokenizerDir, { padToken: '<|endoftext|>' });
  const tokenizer = ClipTokenizer.fromDirectory(tokenizerDir);
  const vocabulary = clipVocabulary(readClipBpeMerges());
  const captions = buildCaptionModel(concepts, tokenizer, vocabulary, DEFAULT_CAPTION_OPTIONS);
  lap('captions');

  // 4. Graphs.
  const save = (g: { save(path: string, o: object): void }, dir: string) => g.save(join(options.outDir, dir, 'model.onnx'), { opset: OPSET, producer: 'imagine-bot build-model' });
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
  const imageConcept = Int32Array.from(drawings, (d) => d.concept);
  const imageStyle = Int32Array.from(drawings, (d) => STYLES.indexOf(d.style));
  save(
    unetGraph({
      latents,
      latentFactor: scalingFactor,
      latentShape: LATENT_SHAPE,
      imageConcept,
      imageStyle,
      concepts: concepts.length,
      styles: STYLES.length,
      textDim: captions.dim,
      weightColumn: captions.weightColumn,
      inverseCaptionWeight: Float32Array.from(captions.captionWeight, (w) => (w > 0 ? 1 / w : 0)),
      baseLogPrior: new Float32Array(n),
      temperature: options.temperature ?? 20,
      specificity: options.specificity ?? 0.15,
      sigmas: scheduleSigmas(SCHEDULER_CONFIG),
      variances: Float32Array.from(variances, (v) => v * scalingFactor * scalingFactor),
      gaussianWeight: options.gaussianWeight ?? 1e-4,
    }),
    'unet',
  );
  const vae = { size, latentShape: LATENT_SHAPE, basis, mean: pca.mean };
  save(vaeEncoderGraph(vae), 'vae_encoder');
  save(
    vaeDecoderGraph({ ...vae, latents, packedTiles, palettes, paletteSize: PALETTE_SIZE, snapRadius, snapSoftness: 0.05, neighbours: 2 }),
    'vae_decoder',
  );
  lap('graphs');

  // 5. Configs.
  const dir = options.outDir;
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
    vocab_size: vocabulary.length,
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
    description: `Emoji from a prompt: a closed-form diffusion model over ${n} Noto, Twemoji and Fluent emoji (64×64). Add noto, twemoji or fluent to pick a style.`,
    defaults: { steps: 20, guidance: 3, width: size, height: size, scheduler: 'ddim' },
    limits: { maxSteps: 100, maxBatch: 8, fixedSize: { width: size, height: size } },
  });
  writeFileSync(join(dir, 'ATTRIBUTION.md'), attribution(perStyle, concepts.length));
  lap('configs');
  return { images: n, concepts: concepts.length, perStyle, explainedVariance: explained, scalingFactor, snapRadius, seconds };
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
