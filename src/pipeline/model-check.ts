/**
 * `npm run model -- check`: a model folder read as the pipeline reads it, without running a job.
 * Where readModelFolder stops at the first problem, this looks at every file and every session and
 * names each problem in plain words, with what the model is and what it can do when it loads.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ModelLoadError } from './errors.js';
import { isSdxlLayout, MODEL_FILES, onnxBytes, readModelFolder, readOnnx, type ModelDescription, type ModelFileSpec } from './model-folder.js';
import type { OnnxMetadata } from './onnx-metadata.js';
import type { Device } from './providers.js';

export interface SessionReport {
  /** The file, relative to the model folder. */
  rel: string;
  what: string;
  /** The .onnx file with its external data. */
  bytes: number;
  meta: OnnxMetadata;
}

/** An execution provider of onnxruntime-node, as this machine has it. */
export interface ProviderInfo {
  device: Device;
  /** 'yes': installed; 'no': absent here; 'untested': built in, but needs hardware a check does not try. */
  installed: 'yes' | 'no' | 'untested';
  how?: string;
}

export interface ProviderReport extends ProviderInfo {
  /** Whether this model can run on it (installed and no operator it lacks). */
  runs: boolean;
  why?: string;
}

export interface ModelCheckReport {
  dir: string;
  /** What the model is, when it loads. */
  model?: ModelDescription;
  sessions: SessionReport[];
  providers: ProviderReport[];
  /** Anything that stops the bot from loading or running it. */
  problems: string[];
  /** Worth knowing, not in the way. */
  notes: string[];
}

/** The family as people name it: SD 1.x, SD 2.x, SDXL, LCM …, with Turbo and inpainting. */
export function familyLabel(m: Pick<ModelDescription, 'family' | 'turbo' | 'canInpaint'>): string {
  const base = { sd1: 'SD 1.x', sd2: 'SD 2.x', sdxl: 'SDXL', lcm: 'LCM (SD 1.x)', 'lcm-sdxl': 'LCM (SDXL)' }[m.family];
  return [base, m.turbo ? 'Turbo' : '', m.canInpaint ? 'inpainting' : ''].filter(Boolean).join(' · ');
}

/** One line a person reads: family, native size, default steps, guidance, sampler. */
export function modelSummary(m: Pick<ModelDescription, 'family' | 'turbo' | 'canInpaint' | 'defaults'>): string {
  const d = m.defaults;
  return `${familyLabel(m)} · ${d.width}×${d.height} · ${d.steps} ${d.steps === 1 ? 'step' : 'steps'} · guidance ${d.guidance} · ${d.scheduler}`;
}

/** Largest token id + 1 of a CLIP vocabulary file. */
function vocabularySize(file: string): number | undefined {
  try {
    const vocab = JSON.parse(readFileSync(file, 'utf8')) as Record<string, number>;
    return Math.max(...Object.values(vocab)) + 1;
  } catch {
    return undefined;
  }
}

/** Checks a model folder; `providers` is what onnxruntime-node offers here (onnx-session.ts installedProviders()). */
export function checkModelFolder(dir: string, providers: readonly ProviderInfo[]): ModelCheckReport {
  const abs = resolve(dir);
  const report: ModelCheckReport = { dir: abs, sessions: [], providers: [], problems: [], notes: [] };
  if (!existsSync(abs)) {
    report.problems.push(`${abs} does not exist`);
    return report;
  }
  let pipelineClass = '';
  try {
    pipelineClass = String((JSON.parse(readFileSync(join(abs, MODEL_FILES.index.rel), 'utf8')) as { _class_name?: unknown })._class_name ?? '');
  } catch {
    // readModelFolder names a missing or broken model_index.json below.
  }
  const sdxl = isSdxlLayout(abs, pipelineClass);
  const specs: ModelFileSpec[] = Object.values(MODEL_FILES).filter((s) => !('sdxl' in s) || sdxl);
  // Every file on its own, so each missing one is named, not only the first.
  for (const spec of specs) {
    const present = existsSync(join(abs, spec.rel));
    if (!present) {
      if (!spec.optional) report.problems.push(`${spec.rel} is missing (${spec.what})`);
      continue;
    }
    if (!spec.onnx) continue;
    try {
      const meta = readOnnx(abs, spec);
      report.sessions.push({ rel: spec.rel, what: spec.what, bytes: onnxBytes(meta), meta });
    } catch (err) {
      report.problems.push(plain(err, abs));
    }
  }
  try {
    report.model = readModelFolder(abs);
  } catch (err) {
    const message = plain(err, abs);
    // A missing file was named above already; anything else (wrong inputs, unknown family) is new.
    const known = report.problems.some((p) => p === message || (p.includes(' is missing ') && message.includes(`missing ${p.split(' ')[0]}`)));
    if (!known) report.problems.push(message);
  }

  for (const [tokenizer, encoder] of [
    ['tokenizer', 'text_encoder/model.onnx'],
    ['tokenizer_2', 'text_encoder_2/model.onnx'],
  ] as const) {
    const session = report.sessions.find((s) => s.rel === encoder);
    const rows = session?.meta.lookupRows.input_ids;
    const tokens = vocabularySize(join(abs, tokenizer, 'vocab.json'));
    if (session && rows !== undefined && tokens !== undefined && tokens > rows) {
      report.problems.push(`${tokenizer}/ has ${tokens} tokens but ${encoder} knows only ${rows}: the tokenizer belongs to another model, and prompts with the missing tokens would fail`);
    }
  }

  const gpuOnly = report.model?.gpuOnlyOps ?? [];
  for (const p of providers) {
    const blocked = gpuOnly.filter((o) => o.provider !== p.device);
    const runs = p.installed !== 'no' && blocked.length === 0;
    const why =
      blocked.length > 0
        ? `${[...new Set(blocked.map((o) => o.op))].join(', ')} in ${[...new Set(blocked.map((o) => o.file.slice(abs.length + 1)))].join(', ')} run on ${blocked[0]!.provider} only`
        : p.installed === 'no'
          ? p.how
          : p.installed === 'untested'
            ? p.how
            : undefined;
    report.providers.push({ ...p, runs, why });
  }
  if (report.model && gpuOnly.length > 0 && !report.providers.some((p) => p.runs && p.installed === 'yes')) {
    const needs = [...new Set(gpuOnly.map((o) => o.provider))].join(', ');
    report.problems.push(
      `the export uses operators only ${needs} runs (${[...new Set(gpuOnly.map((o) => o.op))].join(', ')}: a GPU-optimised export), and this machine has no ${needs} provider installed; use a CPU export of the model here`,
    );
  }

  const m = report.model;
  if (m) {
    if (m.components.unet.inputs.find((i) => i.name === 'sample')?.type === 'float16') {
      report.notes.push('fp16 weights: made for GPUs; on a CPU it runs, but slower than an fp32 export');
    }
    if (!m.canImg2Img) report.notes.push('no vae_encoder/: variations, zoom out and image prompts are off for this model');
    if (m.limits.fixedSize) report.notes.push(`the export has a fixed size: it makes ${m.limits.fixedSize.width}×${m.limits.fixedSize.height} only`);
    if (m.unetBatch !== undefined) report.notes.push(`the UNet takes batches of ${m.unetBatch} only: a grid runs image by image`);
    if (m.components.safetyChecker) report.notes.push("safety_checker/ is diffusers' own NSFW checker: every result is checked with it too, beside the bot's classifier");
  }
  return report;
}

/** An error's message, with the folder's own path shortened away. */
function plain(err: unknown, dir: string): string {
  const message = err instanceof ModelLoadError || err instanceof Error ? err.message : String(err);
  return message.replaceAll(`model folder ${dir} is `, '').replaceAll(`${dir}/`, '');
}
