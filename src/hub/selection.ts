/**
 * Which files of a Hub repository make a model folder the pipeline loads: the diffusers ONNX
 * layout (model_index.json, one folder per component with model.onnx and its external data,
 * configs, tokenizers), never the PyTorch or safetensors weights published beside it. Exports
 * that keep several precisions per component (`model.onnx` beside `model_fp16.onnx`, also in an
 * `onnx/` folder as transformers.js lays them out) give the one the variant asks for, saved as
 * `<component>/model.onnx`.
 */
import { posix } from 'node:path';
import type { HubFile } from './client.js';

export type Variant = 'fp32' | 'fp16';
export const VARIANTS: readonly Variant[] = ['fp32', 'fp16'];

/** A repository file and where it goes in the model folder. */
export interface PlannedFile extends HubFile {
  local: string;
}

export interface Selection {
  /** The folder of the repository the model was taken from ('' for its root). */
  subfolder: string;
  files: PlannedFile[];
  /** What was decided, in words (a variant missing, a folder picked). */
  notes: string[];
}

/** The folders of a diffusers ONNX model the pipeline reads (vae_approx: a tiny preview decoder). */
const COMPONENTS = new Set(['text_encoder', 'text_encoder_2', 'unet', 'vae_decoder', 'vae_encoder', 'safety_checker', 'tokenizer', 'tokenizer_2', 'scheduler', 'feature_extractor', 'vae_approx']);
/** Weights in formats the pipeline does not read. */
const OTHER_WEIGHTS = /\.(safetensors|bin|ckpt|pt|pth|msgpack|h5|ot|gguf|onnx\.lock)$/i;
const ROOT_FILES = /^(model_index\.json|imagine\.json|README\.md|LICEN[CS]E([._-].*)?|NOTICE(\..*)?)$/i;
const SMALL_TEXT = /\.(json|txt|model)$/i;

/** The precision of an ONNX file, by the names exports give them. */
function precisionOf(name: string): Variant | 'quantized' | 'other' {
  const base = name.replace(/\.onnx$/i, '').toLowerCase();
  if (base === 'model') return 'fp32';
  if (/^model[._-]?(fp16|float16|f16)$/.test(base)) return 'fp16';
  if (/^model[._-]?(quantized|q4|q4f16|int8|uint8|bnb4|q8)$/.test(base)) return 'quantized';
  return 'other';
}

/** Where the diffusers layout starts: the given folder, the root, or the one folder that holds a model_index.json. */
function findSubfolder(files: readonly HubFile[], given: string | undefined, notes: string[]): string {
  if (given !== undefined) return given.replace(/^\/+|\/+$/g, '');
  if (files.some((f) => f.path === 'model_index.json')) return '';
  const candidates = files.filter((f) => posix.basename(f.path) === 'model_index.json' && files.some((o) => o.path.startsWith(posix.dirname(f.path) + '/') && o.path.endsWith('.onnx')));
  if (candidates.length === 1) {
    const dir = posix.dirname(candidates[0]!.path);
    notes.push(`the ONNX model is in the repository's ${dir}/ folder; taking it from there`);
    return dir;
  }
  return '';
}

/**
 * The files to download, or a ModelSelectionError saying why the repository holds no loadable model
 * (no model_index.json, only PyTorch weights, a component without ONNX file).
 */
export function selectModelFiles(all: readonly HubFile[], o: { subfolder?: string; variant?: Variant; repo: string }): Selection {
  const notes: string[] = [];
  const variant = o.variant ?? 'fp32';
  const subfolder = findSubfolder(all, o.subfolder, notes);
  const prefix = subfolder ? `${subfolder}/` : '';
  const files = all.filter((f) => f.path.startsWith(prefix)).map((f) => ({ ...f, rel: f.path.slice(prefix.length) }));
  const where = `${o.repo}${subfolder ? ` (folder ${subfolder}/)` : ''}`;
  if (files.length === 0) throw new ModelSelectionError(`${o.repo} has no folder ${subfolder}/`);
  if (!files.some((f) => f.rel === 'model_index.json')) {
    throw new ModelSelectionError(`${where} has no model_index.json, so it is not a diffusers model folder; name the folder that holds one with --subfolder`);
  }
  const plan: PlannedFile[] = [];
  const byComponent = new Map<string, typeof files>();
  for (const f of files) {
    const parts = f.rel.split('/');
    if (parts.length === 1) {
      if (ROOT_FILES.test(f.rel)) plan.push({ ...strip(f), local: f.rel });
      continue;
    }
    if (!COMPONENTS.has(parts[0]!) || OTHER_WEIGHTS.test(f.rel)) continue;
    const list = byComponent.get(parts[0]!) ?? [];
    list.push(f);
    byComponent.set(parts[0]!, list);
  }
  let onnxCount = 0;
  for (const [component, list] of byComponent) {
    for (const f of list) if (SMALL_TEXT.test(f.rel) && !f.rel.endsWith('.onnx')) plan.push({ ...strip(f), local: relocate(f.rel, component) });
    const onnx = list.filter((f) => /\.onnx$/i.test(f.rel));
    if (onnx.length === 0) continue;
    const pick = pickPrecision(onnx, variant);
    if (!pick) {
      throw new ModelSelectionError(`${where}: ${component}/ has ONNX files of no precision this tool knows (${onnx.map((f) => f.rel).join(', ')})`);
    }
    if (pick.precision !== variant && onnx.length > 1) notes.push(`${component}: no ${variant} file, taking ${posix.basename(pick.file.rel)}`);
    onnxCount++;
    plan.push({ ...strip(pick.file), local: `${component}/model.onnx` });
    // Its external data: the other files of its folder that belong to it, under their own names (the .onnx refers to them so).
    const dir = posix.dirname(pick.file.rel);
    const base = posix.basename(pick.file.rel).replace(/\.onnx$/i, '');
    const bases = onnx.filter((f) => posix.dirname(f.rel) === dir).map((f) => posix.basename(f.rel).replace(/\.onnx$/i, ''));
    const owner = (name: string) => bases.filter((b) => name.startsWith(`${b}.`) || name.startsWith(`${b}_`)).sort((a, b) => b.length - a.length)[0];
    for (const f of list) {
      if (posix.dirname(f.rel) !== dir || /\.onnx$/i.test(f.rel) || SMALL_TEXT.test(f.rel)) continue;
      const name = posix.basename(f.rel);
      // model.onnx_data belongs to model.onnx, model_fp16.onnx_data to model_fp16.onnx; weights.pb to whichever is taken.
      const mine = (owner(name) ?? base) === base;
      if (mine) plan.push({ ...strip(f), local: `${component}/${name}` });
    }
  }
  if (onnxCount === 0) {
    throw new ModelSelectionError(
      `${where} has no ONNX files: it publishes PyTorch/safetensors weights only. Convert it to ONNX first (README: "From a checkpoint to an ONNX folder"), or pull a repository that carries an ONNX export`,
    );
  }
  const seen = new Set<string>();
  for (const f of plan) {
    if (seen.has(f.local)) throw new ModelSelectionError(`${where}: two files would be saved as ${f.local}`);
    seen.add(f.local);
  }
  plan.sort((a, b) => (a.local < b.local ? -1 : 1));
  return { subfolder, files: plan, notes };
}

export class ModelSelectionError extends Error {
  override name = 'ModelSelectionError';
}

function strip<T extends HubFile & { rel: string }>(f: T): HubFile {
  return { path: f.path, size: f.size, sha256: f.sha256, gitOid: f.gitOid };
}

/** A config inside a component's `onnx/` folder belongs to the component. */
function relocate(rel: string, component: string): string {
  const rest = rel.slice(component.length + 1).replace(/^onnx\//, '');
  return `${component}/${rest}`;
}

function pickPrecision<T extends { rel: string }>(onnx: T[], variant: Variant): { file: T; precision: Variant | 'other' } | undefined {
  const withPrecision = onnx.map((file) => ({ file, precision: precisionOf(posix.basename(file.rel)) }));
  const order: (Variant | 'other')[] = variant === 'fp16' ? ['fp16', 'fp32'] : ['fp32', 'fp16'];
  // Prefer the component's own folder over an onnx/ sub-folder when both hold the same precision.
  for (const precision of order) {
    const found = withPrecision.filter((w) => w.precision === precision).sort((a, b) => a.file.rel.split('/').length - b.file.rel.split('/').length)[0];
    if (found) return { file: found.file, precision };
  }
  const others = withPrecision.filter((w) => w.precision === 'other');
  if (others.length === 1) return { file: others[0]!.file, precision: 'other' };
  return undefined;
}
