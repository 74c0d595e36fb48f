/**
 * Reads a diffusers ONNX model folder once, without opening a session: its JSON files and what
 * each .onnx file declares (onnx-metadata.ts). The result says what the model can make (its
 * capabilities, the same in a gateway that never runs it and in the pipeline) and how to feed
 * each session. Every problem is named with its file; a folder with problems is not a model.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseJsonLenient } from '../util/json.js';
import { defaultsFor, type GenerationDefaults, type ModelCapabilities, type ModelFamily, type ModelLimits } from './capabilities.js';
import { ModelLoadError } from './errors.js';
import { readOnnxMetadata, type OnnxMetadata, type OnnxTensorInfo } from './onnx-metadata.js';
import { gpuOnlyOps, type Device } from './providers.js';
import type { SchedulerConfig } from './schedulers/types.js';
import { ClipTokenizer } from './tokenizer.js';

/** The ONNX files of a model, as their metadata. */
export interface ModelComponents {
  textEncoder: OnnxMetadata;
  textEncoder2?: OnnxMetadata;
  unet: OnnxMetadata;
  vaeDecoder: OnnxMetadata;
  vaeEncoder?: OnnxMetadata;
  /** diffusers' StableDiffusionSafetyChecker when the export carries one (inputs clip_input, images; output has_nsfw_concepts). */
  safetyChecker?: OnnxMetadata;
  /** A Tiny AutoEncoder decoder (TAESD/TAESDXL) for previews: the UNet's latents in, an image in [-1, 1] out. */
  vaeApprox?: OnnxMetadata;
}

/** Which output of each session the pipeline reads. */
export interface ModelIo {
  textHidden: string;
  text2Hidden?: string;
  text2Pooled?: string;
  unetOut: string;
  vaeDecoderOut: string;
  vaeEncoderOut?: string;
  /** 'parameters' holds mean and log-variance; 'sample' is a sample already. */
  vaeEncoderKind?: 'parameters' | 'sample';
  /** Width of the LCM guidance embedding (timestep_cond). */
  timestepCondDim?: number;
}

/** Everything known about a model folder before it runs. */
export interface ModelDescription extends ModelCapabilities {
  dir: string;
  /** model_index.json `_class_name`. */
  pipelineClass: string;
  /** Which tool wrote the export, as far as its signature tells. */
  exportGeneration: string;
  /** Multiplier applied to VAE latents before diffusion (0.18215 SD, 0.13025 SDXL). */
  vaeScalingFactor: number;
  latentChannels: number;
  /** Fixed UNet batch size of the export, or undefined when dynamic. */
  unetBatch?: number;
  /** imagine.json `maxBatch`: jobs that may share one UNet call (PIPELINE_MAX_BATCH when absent). */
  maxBatchJobs?: number;
  /** Use zero embeddings, not the encoded empty string, as the unconditional side when the negative prompt is empty. */
  forceZerosForEmptyPrompt: boolean;
  /** How live previews are decoded. */
  previewDecoder: PreviewDecoderKind;
  /** Operators only a GPU execution provider runs (a CUDA-optimised export), by file. */
  gpuOnlyOps: { file: string; op: string; provider: Device }[];
  components: ModelComponents;
  io: ModelIo;
}

/** The files of a diffusers ONNX model folder, with what each one is. */
export const MODEL_FILES = {
  index: { rel: 'model_index.json', what: 'the diffusers pipeline description' },
  vocab: { rel: 'tokenizer/vocab.json', what: 'the CLIP vocabulary' },
  merges: { rel: 'tokenizer/merges.txt', what: 'the CLIP BPE merges' },
  scheduler: { rel: 'scheduler/scheduler_config.json', what: 'the noise schedule' },
  vocab2: { rel: 'tokenizer_2/vocab.json', what: 'the second tokenizer of SDXL', sdxl: true },
  merges2: { rel: 'tokenizer_2/merges.txt', what: 'the second tokenizer of SDXL', sdxl: true },
  textEncoder: { rel: 'text_encoder/model.onnx', what: 'the CLIP text encoder', onnx: true },
  textEncoder2: { rel: 'text_encoder_2/model.onnx', what: 'the second (OpenCLIP) text encoder of SDXL', onnx: true, sdxl: true },
  unet: { rel: 'unet/model.onnx', what: 'the denoising UNet', onnx: true },
  vaeDecoder: { rel: 'vae_decoder/model.onnx', what: 'the VAE decoder', onnx: true },
  vaeEncoder: { rel: 'vae_encoder/model.onnx', what: 'the VAE encoder', onnx: true, optional: true },
  safetyChecker: { rel: 'safety_checker/model.onnx', what: "diffusers' safety checker", onnx: true, optional: true },
  vaeApprox: { rel: 'vae_approx/model.onnx', what: 'a Tiny AutoEncoder (TAESD) for live previews', onnx: true, optional: true },
} as const;

/** How live previews are decoded (previews.ts): a Tiny AutoEncoder, the model's VAE, or the linear latent→RGB map. */
export type PreviewDecoderKind = 'vae_approx' | 'vae' | 'linear';

/** A VAE decoder up to this size (with its weights) decodes previews itself in a few ms (the shipped model's is 13 MB). */
export const CHEAP_VAE_BYTES = 32 * 1024 * 1024;

export interface ModelFileSpec {
  rel: string;
  what: string;
  /** Only SDXL models have it. */
  sdxl?: boolean;
  /** An ONNX graph (the others are JSON or text). */
  onnx?: boolean;
  optional?: boolean;
}

/** Whether the folder is laid out as an SDXL model (its pipeline class or its second text encoder say so). */
export function isSdxlLayout(dir: string, pipelineClass: string): boolean {
  return pipelineClass.includes('XL') || existsSync(join(dir, 'text_encoder_2'));
}

const KNOWN_PIPELINES = /^(Onnx|ORT)?(StableDiffusion(XL)?|LatentConsistencyModel)(Img2Img|Inpaint)?Pipeline$/;
const TEXT_ENCODER_INPUTS = new Set(['input_ids', 'attention_mask', 'position_ids']);
const UNET_INPUTS = new Set(['sample', 'timestep', 'encoder_hidden_states', 'timestep_cond', 'text_embeds', 'time_ids']);

/** A model_index.json or imagine.json key missing from the folder is not an error; a broken one is. */
function readJson(file: string): Record<string, unknown> {
  try {
    return parseJsonLenient(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new ModelLoadError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
}

function readJsonIfExists(file: string): Record<string, unknown> | undefined {
  return existsSync(file) ? readJson(file) : undefined;
}

function requireFile(dir: string, { rel, what }: ModelFileSpec): string {
  const file = join(dir, rel);
  if (!existsSync(file)) throw new ModelLoadError(`model folder ${dir} is missing ${rel} (${what})`);
  return file;
}

function startsWith(file: string, text: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(text.length);
    readSync(fd, head, 0, head.length, 0);
    return head.toString('latin1') === text;
  } finally {
    closeSync(fd);
  }
}

/** An ONNX file's declarations; throws ModelLoadError when it is missing, unreadable or lacks its external data. */
export function readOnnx(dir: string, spec: ModelFileSpec): OnnxMetadata {
  const file = requireFile(dir, spec);
  const rel = spec.rel;
  let meta: OnnxMetadata;
  try {
    meta = readOnnxMetadata(file);
  } catch (err) {
    if (startsWith(file, 'version https://git-lfs')) throw new ModelLoadError(`cannot load ${file}: it is a Git LFS pointer, not the model (the clone skipped LFS files: run git lfs pull there, or get the model with npm run model -- pull)`);
    throw new ModelLoadError(`cannot load ${file}: ${(err as Error).message}`);
  }
  for (const data of meta.externalData) {
    if (!existsSync(join(dir, rel, '..', data))) throw new ModelLoadError(`${file} keeps its weights in ${data}, which is missing beside it`);
  }
  return meta;
}

const input = (m: OnnxMetadata, name: string): OnnxTensorInfo | undefined => m.inputs.find((i) => i.name === name);
const output = (m: OnnxMetadata, name: string): OnnxTensorInfo | undefined => m.outputs.find((o) => o.name === name);

/** The fixed size of an input axis, or undefined when it is dynamic. */
export function fixedDim(m: OnnxMetadata, name: string, axis: number): number | undefined {
  const d = input(m, name)?.shape[axis];
  return typeof d === 'number' && d > 0 ? d : undefined;
}

function expectInput(m: OnnxMetadata, name: string, what: string): void {
  if (!input(m, name)) throw new ModelLoadError(`${m.file} has no input '${name}' (${what}); its inputs are: ${m.inputs.map((i) => i.name).join(', ')}`);
}

function pickOutput(m: OnnxMetadata, preferred: string[], what: string): string {
  for (const name of preferred) if (output(m, name)) return name;
  const first = m.outputs[0]?.name;
  if (first === undefined) throw new ModelLoadError(`${m.file} has no outputs; expected ${what}`);
  return first;
}

function hiddenStateIndices(m: OnnxMetadata): number[] {
  return m.outputs
    .map((o) => /^hidden_states\.(\d+)$/.exec(o.name)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

function exportGenerationOf(unet: OnnxMetadata, textEncoder: OnnxMetadata): string {
  const ts = input(unet, 'timestep');
  const ids = input(textEncoder, 'input_ids');
  if (input(unet, 'sample')?.type === 'float16') return 'fp16 export (Olive or optimum --fp16)';
  if (ts && ts.shape.length === 0) return 'optimum (2024 and later)';
  if (ids?.type === 'int32') return 'diffusers conversion script';
  return 'optimum (before 2024)';
}

interface ModelHints {
  name?: string;
  description?: string;
  /** Force a preview decoder ('linear', 'vae' or 'vae_approx'). */
  preview?: string;
  defaults?: Partial<GenerationDefaults>;
  limits?: Partial<ModelLimits>;
  /** Jobs that may share one UNet call (cross-job batching), overriding PIPELINE_MAX_BATCH. */
  maxBatch?: number;
}

/** The size of an ONNX file with its external weights. */
export function onnxBytes(meta: Pick<OnnxMetadata, 'file' | 'externalData'>): number {
  return [meta.file, ...meta.externalData.map((d) => join(meta.file, '..', d))].reduce((s, file) => s + (existsSync(file) ? statSync(file).size : 0), 0);
}

/** imagine.json's `preview` when it names a decoder the folder has, else the cheapest good one. */
function previewDecoderFor(vae: OnnxMetadata, approx: OnnxMetadata | undefined, hint: string | undefined): PreviewDecoderKind {
  if (hint === 'linear' || hint === 'vae' || (hint === 'vae_approx' && approx)) return hint;
  if (approx) return 'vae_approx';
  return onnxBytes(vae) <= CHEAP_VAE_BYTES ? 'vae' : 'linear';
}

/** Reads a model folder; throws ModelLoadError naming the file and what was expected. */
export function readModelFolder(dir: string): ModelDescription {
  const abs = resolve(dir);
  if (!existsSync(abs)) throw new ModelLoadError(`model folder ${abs} does not exist`);
  const f = MODEL_FILES;
  const index = readJson(requireFile(abs, f.index));
  const pipelineClass = String(index._class_name ?? '');
  if (!KNOWN_PIPELINES.test(pipelineClass)) {
    throw new ModelLoadError(
      `${join(abs, 'model_index.json')}: unknown model family '${pipelineClass || '(no _class_name)'}'; expected a Stable Diffusion 1.x/2.x, SDXL or LCM pipeline`,
    );
  }
  const hints = (readJsonIfExists(join(abs, 'imagine.json')) ?? {}) as ModelHints;
  const sdxl = isSdxlLayout(abs, pipelineClass);
  requireFile(abs, f.vocab);
  requireFile(abs, f.merges);
  const schedulerConfig = readJson(requireFile(abs, f.scheduler)) as SchedulerConfig;
  if (sdxl) {
    requireFile(abs, f.vocab2);
    requireFile(abs, f.merges2);
  }

  const textEncoder = readOnnx(abs, f.textEncoder);
  const textEncoder2 = sdxl ? readOnnx(abs, f.textEncoder2) : undefined;
  const unet = readOnnx(abs, f.unet);
  const vaeDecoder = readOnnx(abs, f.vaeDecoder);
  const optional = (spec: ModelFileSpec) => (existsSync(join(abs, spec.rel)) ? readOnnx(abs, spec) : undefined);
  const vaeEncoder = optional(f.vaeEncoder);
  const safetyChecker = optional(f.safetyChecker);
  const vaeApprox = optional(f.vaeApprox);
  if (safetyChecker) {
    expectInput(safetyChecker, 'clip_input', 'the CLIP-normalised 224×224 pictures');
    expectInput(safetyChecker, 'images', 'the pictures themselves');
    if (!safetyChecker.outputs.some((o) => o.name === 'has_nsfw_concepts')) throw new ModelLoadError(`${safetyChecker.file} has no output has_nsfw_concepts`);
  }

  for (const encoder of [textEncoder, textEncoder2]) {
    if (!encoder) continue;
    expectInput(encoder, 'input_ids', 'token ids');
    for (const i of encoder.inputs) {
      if (!TEXT_ENCODER_INPUTS.has(i.name)) {
        throw new ModelLoadError(`${encoder.file} has an input '${i.name}' this pipeline cannot feed; expected only ${[...TEXT_ENCODER_INPUTS].join(', ')}`);
      }
    }
  }
  expectInput(unet, 'sample', 'noisy latents');
  expectInput(unet, 'timestep', 'the diffusion timestep');
  expectInput(unet, 'encoder_hidden_states', 'text embeddings');
  for (const i of unet.inputs) {
    if (!UNET_INPUTS.has(i.name)) throw new ModelLoadError(`${unet.file} has an input '${i.name}' this pipeline cannot feed; expected only ${[...UNET_INPUTS].join(', ')}`);
  }
  expectInput(vaeDecoder, 'latent_sample', 'latents to decode');
  if (vaeEncoder) expectInput(vaeEncoder, 'sample', 'the image to encode');
  if (sdxl && !(input(unet, 'text_embeds') && input(unet, 'time_ids'))) {
    throw new ModelLoadError(`${unet.file} is an SDXL UNet without the 'text_embeds' and 'time_ids' inputs SDXL needs`);
  }
  const lcm = input(unet, 'timestep_cond') !== undefined || pipelineClass.includes('LatentConsistency');

  let textHidden = pickOutput(textEncoder, ['last_hidden_state'], 'last_hidden_state');
  let text2Hidden: string | undefined;
  let text2Pooled: string | undefined;
  if (textEncoder2) {
    // SDXL conditions on the penultimate layer of both encoders (hidden_states.11 and hidden_states.31 in real exports).
    const h1 = hiddenStateIndices(textEncoder);
    const h2 = hiddenStateIndices(textEncoder2);
    if (h1.length < 2) throw new ModelLoadError(`${textEncoder.file} has no hidden_states.N outputs; SDXL needs the penultimate layer (hidden_states.11)`);
    if (h2.length < 2) throw new ModelLoadError(`${textEncoder2.file} has no hidden_states.N outputs; SDXL needs the penultimate layer (hidden_states.31)`);
    textHidden = `hidden_states.${h1[h1.length - 2]}`;
    text2Hidden = `hidden_states.${h2[h2.length - 2]}`;
    if (!output(textEncoder2, 'text_embeds')) throw new ModelLoadError(`${textEncoder2.file} has no 'text_embeds' output (the pooled projection SDXL needs)`);
    text2Pooled = 'text_embeds';
  }
  const vaeEncoderOut = vaeEncoder ? pickOutput(vaeEncoder, ['latent_parameters', 'latent_sample'], 'latent_parameters or latent_sample') : undefined;

  const unetConfig = readJsonIfExists(join(abs, 'unet/config.json')) ?? {};
  const vaeConfig = readJsonIfExists(join(abs, 'vae_decoder/config.json')) ?? {};
  // SD 2.x: OpenCLIP pads with '!' and its hidden states are 1024 wide.
  const hiddenDim = output(textEncoder, textHidden)?.shape[2];
  const sd2 =
    !sdxl &&
    (ClipTokenizer.padTokenOf(join(abs, 'tokenizer')) === '!' || hiddenDim === 1024 || Number(unetConfig.cross_attention_dim) === 1024);
  const family: ModelFamily = sdxl ? (lcm ? 'lcm-sdxl' : 'sdxl') : lcm ? 'lcm' : sd2 ? 'sd2' : 'sd1';
  const name = hints.name ?? basename(abs);
  const turbo = /turbo/i.test(`${basename(abs)} ${String(index._name_or_path ?? '')} ${name}`);

  const vaeScaleFactor = 2 ** ((Array.isArray(vaeConfig.block_out_channels) ? vaeConfig.block_out_channels.length : 4) - 1);
  const unetInChannels = fixedDim(unet, 'sample', 1) ?? Number(unetConfig.in_channels ?? vaeConfig.latent_channels ?? 4);
  // Inpainting exports take the latents, the mask and the masked picture's latents: 4 + 1 + 4 channels.
  const canInpaint = unetInChannels === 9;
  const latentChannels = canInpaint ? Number(vaeConfig.latent_channels ?? 4) : unetInChannels;
  const fixedH = fixedDim(unet, 'sample', 2);
  const fixedW = fixedDim(unet, 'sample', 3);
  // A fixed latent size in the export wins; otherwise imagine.json may declare the one size the model makes.
  const fixedSize = fixedH && fixedW ? { width: fixedW * vaeScaleFactor, height: fixedH * vaeScaleFactor } : hints.limits?.fixedSize;
  const native = Number(unetConfig.sample_size ?? (sdxl ? 128 : sd2 ? 96 : 64)) * vaeScaleFactor;
  const defaults: GenerationDefaults = {
    ...defaultsFor({ turbo, lcm, sdxl, schedulerClass: String(schedulerConfig._class_name ?? ''), width: fixedSize?.width ?? native, height: fixedSize?.height ?? native }),
    ...hints.defaults,
  };
  const limits: ModelLimits = {
    minSize: fixedSize ? Math.min(fixedSize.width, fixedSize.height) : 64,
    maxSize: fixedSize ? Math.max(fixedSize.width, fixedSize.height) : sdxl ? 2048 : 1536,
    maxPixels: fixedSize ? fixedSize.width * fixedSize.height : sdxl ? 1536 * 1536 : 1024 * 1024,
    maxSteps: 150,
    maxBatch: 8,
    ...hints.limits,
    ...(fixedSize ? { fixedSize } : {}),
  };
  const vaeScalingFactor = Number(vaeConfig.scaling_factor ?? (sdxl ? 0.13025 : 0.18215));

  return {
    dir: abs,
    name,
    description: hints.description,
    family,
    turbo,
    defaults,
    limits,
    canImg2Img: vaeEncoder !== undefined,
    canInpaint,
    vaeScaleFactor,
    schedulerConfig,
    pipelineClass,
    exportGeneration: exportGenerationOf(unet, textEncoder),
    vaeScalingFactor,
    latentChannels,
    unetBatch: fixedDim(unet, 'sample', 0),
    ...(Number.isInteger(hints.maxBatch) && hints.maxBatch! >= 1 ? { maxBatchJobs: hints.maxBatch } : {}),
    // SDXL base zeroes the unconditional embeddings of an empty negative prompt (model_index.json says so).
    forceZerosForEmptyPrompt: sdxl && index.force_zeros_for_empty_prompt !== false && !turbo,
    gpuOnlyOps: [textEncoder, textEncoder2, unet, vaeDecoder, vaeEncoder].flatMap((m) => (m ? gpuOnlyOps(m.ops).map((o) => ({ file: m.file, ...o })) : [])),
    previewDecoder: previewDecoderFor(vaeDecoder, vaeApprox, hints.preview),
    components: { textEncoder, textEncoder2, unet, vaeDecoder, vaeEncoder, safetyChecker, vaeApprox },
    io: {
      textHidden,
      text2Hidden,
      text2Pooled,
      unetOut: pickOutput(unet, ['out_sample'], 'out_sample'),
      vaeDecoderOut: pickOutput(vaeDecoder, ['sample'], 'sample'),
      vaeEncoderOut,
      vaeEncoderKind: vaeEncoderOut === undefined ? undefined : vaeEncoderOut === 'latent_parameters' ? 'parameters' : 'sample',
      timestepCondDim: lcm ? (fixedDim(unet, 'timestep_cond', 1) ?? Number(unetConfig.time_cond_proj_dim ?? 256)) : undefined,
    },
  };
}
