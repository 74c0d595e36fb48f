/**
 * A model folder's sessions and tokenizers, opened from its description (model-folder.ts):
 * what the pipeline runs. Sessions fall back to the CPU together when the wanted execution
 * provider is missing, with one warning.
 */
import { join } from 'node:path';
import { ModelLoadError } from './errors.js';
import { readModelFolder, type ModelDescription } from './model-folder.js';
import { ModelSession, type SessionOptions } from './onnx-session.js';
import { ClipTokenizer } from './tokenizer.js';

export interface LoadedModel {
  info: ModelDescription;
  tokenizer: ClipTokenizer;
  tokenizer2?: ClipTokenizer;
  textEncoder: ModelSession;
  textEncoder2?: ModelSession;
  unet: ModelSession;
  vaeDecoder: ModelSession;
  vaeEncoder?: ModelSession;
  /** The Tiny AutoEncoder previews decode with, when the folder has vae_approx/. */
  vaeApprox?: ModelSession;
  /** Output names chosen from the exports' metadata. */
  io: ModelDescription['io'];
  release(): Promise<void>;
}

/** Opens a model folder (read now, or as described earlier by the catalog). */
export async function loadModel(folder: string | ModelDescription, options: SessionOptions = {}): Promise<LoadedModel> {
  const info = typeof folder === 'string' ? readModelFolder(folder) : folder;
  const loadTokenizer = (rel: string) => {
    try {
      return ClipTokenizer.fromDirectory(join(info.dir, rel));
    } catch (err) {
      throw new ModelLoadError(`${join(info.dir, rel)}: ${(err as Error).message}`);
    }
  };
  const tokenizer = loadTokenizer('tokenizer');
  const tokenizer2 = info.components.textEncoder2 ? loadTokenizer('tokenizer_2') : undefined;

  // After one session falls back to cpu, the rest go straight there (one warning, not one per file).
  let sessionOptions = options;
  const sessions: ModelSession[] = [];
  const open = async (file: string | undefined) => {
    if (!file) return undefined;
    const s = await ModelSession.open(file, sessionOptions);
    sessions.push(s);
    if (s.device !== sessionOptions.device) sessionOptions = { ...sessionOptions, device: s.device };
    return s;
  };
  try {
    const c = info.components;
    const textEncoder = (await open(c.textEncoder.file))!;
    const textEncoder2 = await open(c.textEncoder2?.file);
    const unet = (await open(c.unet.file))!;
    const vaeDecoder = (await open(c.vaeDecoder.file))!;
    const vaeEncoder = await open(c.vaeEncoder?.file);
    const vaeApprox = info.previewDecoder === 'vae_approx' ? await open(c.vaeApprox?.file) : undefined;
    options.log?.(
      'info',
      `model ${info.name} (${info.family}${info.turbo ? ', turbo' : ''}) loaded on ${unet.device}${options.threads ? ` with ${options.threads} threads` : ''}`,
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
      vaeApprox,
      io: info.io,
      release: async () => {
        await Promise.all(sessions.map((s) => s.release()));
      },
    };
  } catch (err) {
    await Promise.all(sessions.map((s) => s.release().catch(() => undefined)));
    throw err;
  }
}
