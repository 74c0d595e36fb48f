/**
 * The models a deployment offers, read from their folders' JSON files only (no ONNX session is
 * opened), so gateways that never run a model still know names, defaults and limits.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { GenerationDefaults, ModelLimits } from './model.js';
import { schedulerNameFromClass } from './schedulers/index.js';

export interface CatalogEntry {
  name: string;
  dir: string;
  description?: string;
  defaults: GenerationDefaults;
  limits: Omit<ModelLimits, 'maxBatch'> & { maxBatch: number };
}

function readJson(file: string): Record<string, unknown> | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Reads one diffusers ONNX folder's description; undefined when it is not a model folder. */
export function describeModelFolder(dir: string): CatalogEntry | undefined {
  const abs = resolve(dir);
  const index = readJson(join(abs, 'model_index.json'));
  if (!index) return undefined;
  const hints = (readJson(join(abs, 'imagine.json')) ?? {}) as {
    name?: string;
    description?: string;
    defaults?: Partial<GenerationDefaults>;
    limits?: Partial<ModelLimits>;
  };
  const className = String(index._class_name ?? '');
  const sdxl = className.includes('XL') || existsSync(join(abs, 'text_encoder_2'));
  const lcm = className.includes('LatentConsistency');
  const name = hints.name ?? basename(abs);
  const turbo = /turbo/i.test(`${basename(abs)} ${name}`);
  const scheduler = readJson(join(abs, 'scheduler', 'scheduler_config.json')) ?? {};
  const unetConfig = readJson(join(abs, 'unet', 'config.json')) ?? {};
  const native = Number(unetConfig.sample_size ?? (sdxl ? 128 : 64)) * 8;
  const fixed = hints.limits?.fixedSize;
  const defaults: GenerationDefaults = {
    steps: turbo ? 1 : lcm ? 4 : 25,
    guidance: turbo ? 0 : lcm ? 8 : sdxl ? 5 : 7,
    width: fixed?.width ?? native,
    height: fixed?.height ?? native,
    scheduler: turbo ? 'euler-a' : lcm ? 'lcm' : (schedulerNameFromClass(String(scheduler._class_name ?? '')) ?? 'euler'),
    ...hints.defaults,
  };
  const limits = {
    minSize: fixed ? Math.min(fixed.width, fixed.height) : 64,
    maxSize: fixed ? Math.max(fixed.width, fixed.height) : sdxl ? 2048 : 1536,
    maxPixels: fixed ? fixed.width * fixed.height : sdxl ? 1536 * 1536 : 1024 * 1024,
    maxSteps: 150,
    maxBatch: 8,
    ...hints.limits,
  };
  return { name, dir: abs, description: hints.description, defaults, limits };
}

export class ModelCatalog {
  private constructor(
    private readonly entries: Map<string, CatalogEntry>,
    readonly defaultModel: CatalogEntry,
  ) {}

  /** The default model folder plus every model folder directly under modelsDir. */
  static scan(defaultDir: string, modelsDir?: string): ModelCatalog {
    const def = describeModelFolder(defaultDir);
    if (!def) throw new Error(`MODEL_DIR ${resolve(defaultDir)} is not a model folder (no model_index.json)`);
    const entries = new Map<string, CatalogEntry>([[def.name, def]]);
    if (modelsDir && existsSync(modelsDir)) {
      for (const d of readdirSync(modelsDir, { withFileTypes: true })) {
        if (!d.isDirectory()) continue;
        const e = describeModelFolder(join(modelsDir, d.name));
        if (e && !entries.has(e.name)) entries.set(e.name, e);
      }
    }
    return new ModelCatalog(entries, def);
  }

  get(name: string | undefined): CatalogEntry | undefined {
    if (name === undefined || name === '') return this.defaultModel;
    return this.entries.get(name) ?? [...this.entries.values()].find((e) => e.name.toLowerCase() === name.toLowerCase());
  }

  list(): CatalogEntry[] {
    return [...this.entries.values()];
  }
}
