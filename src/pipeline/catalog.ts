/**
 * The models a deployment offers, read from their folders' JSON files only (no ONNX session is
 * opened), so gateways that never run a model still know names, defaults and limits.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseJsonLenient } from '../util/json.js';
import { defaultsFor, type GenerationDefaults } from './defaults.js';
import type { ModelLimits } from './model.js';

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
    return parseJsonLenient(readFileSync(file, 'utf8')) as Record<string, unknown>;
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
  // The same signals model.ts uses, so the catalog and the loaded model agree on defaults.
  const turbo = /turbo/i.test(`${basename(abs)} ${String(index._name_or_path ?? '')} ${name}`);
  const scheduler = readJson(join(abs, 'scheduler', 'scheduler_config.json')) ?? {};
  const unetConfig = readJson(join(abs, 'unet', 'config.json')) ?? {};
  const vaeConfig = readJson(join(abs, 'vae_decoder', 'config.json')) ?? {};
  const vaeScale = 2 ** ((Array.isArray(vaeConfig.block_out_channels) ? vaeConfig.block_out_channels.length : 4) - 1);
  const tokenizerConfig = readJson(join(abs, 'tokenizer', 'tokenizer_config.json')) ?? {};
  const sd2 = !sdxl && (tokenizerConfig.pad_token === '!' || Number(unetConfig.cross_attention_dim) === 1024);
  const native = Number(unetConfig.sample_size ?? (sdxl ? 128 : sd2 ? 96 : 64)) * vaeScale;
  const fixed = hints.limits?.fixedSize;
  const defaults: GenerationDefaults = {
    ...defaultsFor({ turbo, lcm, sdxl, schedulerClass: String(scheduler._class_name ?? ''), width: fixed?.width ?? native, height: fixed?.height ?? native }),
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
