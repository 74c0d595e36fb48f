import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseJsonLenient } from '../util/json.js';
import { ModelLoadError, RequestError } from './errors.js';
import { ClipTokenizer } from './tokenizer.js';
import { ModelSession, type SessionOptions } from './onnx-session.js';
import { defaultsFor } from './defaults.js';
import type { SchedulerConfig } from './schedulers/types.js';
import type { GenerationDefaults } from './defaults.js';

/** SD 1.x/2.x (incl. SD-Turbo) share one path; SDXL adds a second encoder and micro-conditioning. */
export type ModelFamily = 'sd1' | 'sd2' | 'sdxl' | 'lcm' | 'lcm-sdxl';

export type { GenerationDefaults };
export { defaultsFor };

export interface ModelLimits {
  minSize: number;
  maxSize: number;
  /** Largest width×height in pixels. */
  maxPixels: number;
  maxSteps: number;
  maxBatch: number;
  /** Set when the UNet export has a fixed sample size: then only this size is possible. */
  fixedSize?: { width: number; height: number };
}

/** A model folder's own hints for this bot (optional `imagine.json` beside model_index.json). */
interface ModelHints {
  name?: string;
  description?: string;
  defaults?: Partial<GenerationDefaults>;
  limits?: Partial<ModelLimits>;
}

export interface ModelInfo {
  dir: string;
  name: string;
  description?: string;
  family: ModelFamily;
  turbo: boolean;
  schedulerConfig: SchedulerConfig;
  defaults: GenerationDefaults;
  limits: ModelLimits;
  /** Multiplier applied to VAE latents before diffusion (0.18215 SD, 0.13025 SDXL). */
  vaeScalingFactor: number;
  /** Pixels per latent cell along each axis. */
  vaeScaleFactor: number;
  latentChannels: number;
  /** Fixed UNet batch size of the export, or undefined when dynamic. */
  unetBatch?: number;
  canImg2Img: boolean;
  /** Use zero embeddings, not the encoded empty string, as the unconditional side when the negative prompt is empty. */
  forceZerosForEmptyPrompt?: boolean;
}

export { ModelLoadError, RequestError };

const KNOWN_PIPELINES = /^(Onnx|ORT)?(StableDiffusion(XL)?|LatentConsistencyModel)(Img2Img|Inpaint)?Pipeline$/;
const TEXT_ENCODER_INPUTS = new Set(['input_ids', 'attention_mask', 'position_ids']);
const UNET_INPUTS = new Set(['sample', 'timestep', 'encoder_hidden_states', 'timestep_cond', 'text_embeds', 'time_ids']);

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

function requireFile(dir: string, rel: string, what: string): string {
  const file = join(dir, rel);
  if (!existsSync(file)) throw new ModelLoadError(`model folder ${dir} is missing ${rel} (${what})`);
  return file;
}

/** The loaded parts of a model folder: tokenizers, ONNX sessions and what the pipeline needs to know about them. */
export interface LoadedModel {
  info: ModelInfo;
  tokenizer: ClipTokenizer;
  tokenizer2?: ClipTokenizer;
  textEncoder: ModelSession;
  textEncoder2?: ModelSession;
  unet: ModelSession;
  vaeDecoder: ModelSession;
  vaeEncoder?: ModelSession;
  /** Output names chosen from the exports' metadata. */
  io: {
    textHidden: string;
    text2Hidden?: string;
    text2Pooled?: string;
    unetOut: string;
    vaeDecoderOut: string;
    vaeEncoderOut?: string;
    /** 'latent_parameters' holds mean and log-variance; 'latent_sample' is a sample already. */
    vaeEncoderKind?: 'parameters' | 'sample';
    /** Width of the LCM guidance embedding (timestep_cond). */
    timestepCondDim?: number;
  };
  release(): Promise<void>;
}

/** Checks the folder layout before any session is opened, so the error is about files, not ONNX. */
export function inspectModelFolder(dir: string): { index: Record<string, unknown>; sdxl: boolean } {
  const abs = resolve(dir);
  if (!existsSync(abs)) throw new ModelLoadError(`model folder ${abs} does not exist`);
  const index = readJson(requireFile(abs, 'model_index.json', 'the diffusers pipeline description'));
  const className = String(index._class_name ?? '');
  if (!KNOWN_PIPELINES.test(className)) {
    throw new ModelLoadError(
      `${join(abs, 'model_index.json')}: unknown model family '${className || '(no _class_name)'}'; expected a Stable Diffusion 1.x/2.x, SDXL or LCM pipeline`,
    );
  }
  const sdxl = className.includes('XL') || existsSync(join(abs, 'text_encoder_2'));
  requireFile(abs, 'text_encoder/model.onnx', 'the CLIP text encoder');
  requireFile(abs, 'unet/model.onnx', 'the denoising UNet');
  requireFile(abs, 'vae_decoder/model.onnx', 'the VAE decoder');
  requireFile(abs, 'tokenizer/vocab.json', 'the CLIP vocabulary');
  requireFile(abs, 'tokenizer/merges.txt', 'the CLIP BPE merges');
  requireFile(abs, 'scheduler/scheduler_config.json', 'the noise schedule');
  if (sdxl) {
    requireFile(abs, 'text_encoder_2/model.onnx', 'the second (OpenCLIP) text encoder of SDXL');
    requireFile(abs, 'tokenizer_2/vocab.json', 'the second tokenizer of SDXL');
    requireFile(abs, 'tokenizer_2/merges.txt', 'the second tokenizer of SDXL');
  }
  return { index, sdxl };
}

function hiddenStateIndices(session: ModelSession): number[] {
  return [...session.outputs.keys()]
    .map((n) => /^hidden_states\.(\d+)$/.exec(n)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

function pickOutput(session: ModelSession, preferred: string[], what: string): string {
  for (const name of preferred) if (session.outputs.has(name)) return name;
  const first = session.outputs.keys().next().value;
  if (first === undefined) throw new ModelLoadError(`${session.file} has no outputs; expected ${what}`);
  return first;
}

function expectInput(session: ModelSession, name: string, what: string): void {
  if (!session.inputs.has(name)) {
    throw new ModelLoadError(`${session.file} has no input '${name}' (${what}); its inputs are: ${[...session.inputs.keys()].join(', ')}`);
  }
}

export async function loadModel(dir: string, options: SessionOptions = {}): Promise<LoadedModel> {
  const abs = resolve(dir);
  const { index, sdxl } = inspectModelFolder(abs);
  const hints = (readJsonIfExists(join(abs, 'imagine.json')) ?? {}) as ModelHints;
  const schedulerConfig = readJson(join(abs, 'scheduler/scheduler_config.json'));
  const loadTokenizer = (rel: string) => {
    try {
      return ClipTokenizer.fromDirectory(join(abs, rel));
    } catch (err) {
      throw new ModelLoadError(`${join(abs, rel)}: ${(err as Error).message}`);
    }
  };
  const tokenizer = loadTokenizer('tokenizer');
  const tokenizer2 = sdxl ? loadTokenizer('tokenizer_2') : undefined;

  // After one session falls back to cpu, the rest go straight there (one warning, not one per file).
  let sessionOptions = options;
  const open = (rel: string) => ModelSession.open(join(abs, rel, 'model.onnx'), sessionOptions);
  const sessions: ModelSession[] = [];
  const track = async (p: Promise<ModelSession>) => {
    const s = await p;
    sessions.push(s);
    if (s.device !== sessionOptions.device) sessionOptions = { ...sessionOptions, device: s.device };
    return s;
  };
  try {
    const textEncoder = await track(open('text_encoder'));
    const textEncoder2 = sdxl ? await track(open('text_encoder_2')) : undefined;
    const unet = await track(open('unet'));
    const vaeDecoder = await track(open('vae_decoder'));
    const vaeEncoder = existsSync(join(abs, 'vae_encoder/model.onnx')) ? await track(open('vae_encoder')) : undefined;

    for (const encoder of [textEncoder, textEncoder2]) {
      if (!encoder) continue;
      expectInput(encoder, 'input_ids', 'token ids');
      for (const name of encoder.inputs.keys()) {
        if (!TEXT_ENCODER_INPUTS.has(name)) {
          throw new ModelLoadError(`${encoder.file} has an input '${name}' this pipeline cannot feed; expected only ${[...TEXT_ENCODER_INPUTS].join(', ')}`);
        }
      }
    }
    expectInput(unet, 'sample', 'noisy latents');
    expectInput(unet, 'timestep', 'the diffusion timestep');
    expectInput(unet, 'encoder_hidden_states', 'text embeddings');
    for (const name of unet.inputs.keys()) {
      if (!UNET_INPUTS.has(name)) {
        throw new ModelLoadError(
          `${unet.file} has an input '${name}' this pipeline cannot feed; expected only ${[...UNET_INPUTS].join(', ')}`,
        );
      }
    }
    expectInput(vaeDecoder, 'latent_sample', 'latents to decode');
    if (vaeEncoder) expectInput(vaeEncoder, 'sample', 'the image to encode');

    const isLcm = unet.inputs.has('timestep_cond') || /LatentConsistency/.test(String(index._class_name));
    if (sdxl && !(unet.inputs.has('text_embeds') && unet.inputs.has('time_ids'))) {
      throw new ModelLoadError(`${unet.file} is an SDXL UNet without the 'text_embeds' and 'time_ids' inputs SDXL needs`);
    }

    let textHidden = pickOutput(textEncoder, ['last_hidden_state'], 'last_hidden_state');
    let text2Hidden: string | undefined;
    let text2Pooled: string | undefined;
    if (sdxl && textEncoder2) {
      // SDXL conditions on the penultimate layer of both encoders (hidden_states.11 and hidden_states.31 in real exports).
      const h1 = hiddenStateIndices(textEncoder);
      const h2 = hiddenStateIndices(textEncoder2);
      if (h1.length < 2) throw new ModelLoadError(`${textEncoder.file} has no hidden_states.N outputs; SDXL needs the penultimate layer (hidden_states.11)`);
      if (h2.length < 2) throw new ModelLoadError(`${textEncoder2.file} has no hidden_states.N outputs; SDXL needs the penultimate layer (hidden_states.31)`);
      textHidden = `hidden_states.${h1[h1.length - 2]}`;
      text2Hidden = `hidden_states.${h2[h2.length - 2]}`;
      if (!textEncoder2.outputs.has('text_embeds')) throw new ModelLoadError(`${textEncoder2.file} has no 'text_embeds' output (the pooled projection SDXL needs)`);
      text2Pooled = 'text_embeds';
    }
    const unetOut = pickOutput(unet, ['out_sample'], 'out_sample');
    const vaeDecoderOut = pickOutput(vaeDecoder, ['sample'], 'sample');
    let vaeEncoderOut: string | undefined;
    let vaeEncoderKind: 'parameters' | 'sample' | undefined;
    if (vaeEncoder) {
      vaeEncoderOut = pickOutput(vaeEncoder, ['latent_parameters', 'latent_sample'], 'latent_parameters or latent_sample');
      vaeEncoderKind = vaeEncoderOut === 'latent_parameters' ? 'parameters' : 'sample';
    }

    const hiddenDim = textEncoder.outputs.get(textHidden)?.shape[2];
    const family: ModelFamily = sdxl ? (isLcm ? 'lcm-sdxl' : 'sdxl') : isLcm ? 'lcm' : hiddenDim === 1024 || tokenizer.padTokenId === 0 ? 'sd2' : 'sd1';
    const turbo = /turbo/i.test(`${basename(abs)} ${String(index._name_or_path ?? '')} ${hints.name ?? ''}`);

    const vaeConfig = readJsonIfExists(join(abs, 'vae_decoder/config.json')) ?? {};
    const unetConfig = readJsonIfExists(join(abs, 'unet/config.json')) ?? {};
    const vaeScalingFactor = Number(vaeConfig.scaling_factor ?? (sdxl ? 0.13025 : 0.18215));
    const blocks = Array.isArray(vaeConfig.block_out_channels) ? vaeConfig.block_out_channels.length : 4;
    const vaeScaleFactor = 2 ** (blocks - 1);
    const latentChannels = unet.fixedDim('sample', 1) ?? Number(vaeConfig.latent_channels ?? unetConfig.in_channels ?? 4);

    const fixedH = unet.fixedDim('sample', 2);
    const fixedW = unet.fixedDim('sample', 3);
    // A fixed latent size in the export wins; otherwise imagine.json may declare the one size the model makes.
    const fixedSize = fixedH && fixedW ? { width: fixedW * vaeScaleFactor, height: fixedH * vaeScaleFactor } : hints.limits?.fixedSize;
    const sampleSize = Number(unetConfig.sample_size ?? (sdxl ? 128 : family === 'sd2' ? 96 : 64)) * vaeScaleFactor;
    const nativeSize = fixedSize?.width ?? sampleSize;

    const familyDefaults = defaultsFor({ turbo, lcm: isLcm, sdxl, schedulerClass: String(schedulerConfig._class_name ?? ''), width: nativeSize, height: nativeSize });
    if (fixedSize) Object.assign(familyDefaults, fixedSize);
    const defaults: GenerationDefaults = { ...familyDefaults, ...hints.defaults };
    const unetBatch = unet.fixedDim('sample', 0);
    const limits: ModelLimits = {
      minSize: fixedSize ? Math.min(fixedSize.width, fixedSize.height) : 64,
      maxSize: fixedSize ? Math.max(fixedSize.width, fixedSize.height) : sdxl ? 2048 : 1536,
      maxPixels: fixedSize ? fixedSize.width * fixedSize.height : (sdxl ? 1536 * 1536 : 1024 * 1024),
      maxSteps: 150,
      maxBatch: 8,
      ...hints.limits,
      ...(fixedSize ? { fixedSize } : {}),
    };

    const info: ModelInfo = {
      dir: abs,
      name: hints.name ?? basename(abs),
      description: hints.description,
      family,
      turbo,
      schedulerConfig,
      defaults,
      limits,
      vaeScalingFactor,
      vaeScaleFactor,
      latentChannels,
      unetBatch,
      canImg2Img: vaeEncoder !== undefined,
      // SDXL base zeroes the unconditional embeddings of an empty negative prompt (model_index.json says so).
      forceZerosForEmptyPrompt: sdxl && index.force_zeros_for_empty_prompt !== false && !turbo,
    };
    const timestepCondDim = isLcm ? (unet.fixedDim('timestep_cond', 1) ?? Number(unetConfig.time_cond_proj_dim ?? 256)) : undefined;
    options.log?.(
      'info',
      `model ${info.name} (${family}${turbo ? ', turbo' : ''}) loaded on ${unet.device}${options.threads ? ` with ${options.threads} threads` : ''}`,
    );
    return {
      info,
      tokenizer,
      tokenizer2,
      textEncoder,
      textEncoder2,
      unet,
      vaeDecoder,
      vaeEncoder,
      io: { textHidden, text2Hidden, text2Pooled, unetOut, vaeDecoderOut, vaeEncoderOut, vaeEncoderKind, timestepCondDim },
      release: async () => {
        await Promise.all(sessions.map((s) => s.release()));
      },
    };
  } catch (err) {
    await Promise.all(sessions.map((s) => s.release().catch(() => undefined)));
    throw err;
  }
}
