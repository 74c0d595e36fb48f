/**
 * The models a deployment offers: the default model folder and every model folder beside it,
 * each read once (model-folder.ts, no session opened), so gateways that never run a model still
 * know names, defaults, limits and feeds. Folders that are not usable models are kept with the
 * reason, for `npm run model -- list` and the start-up log.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readModelFolder, type ModelDescription } from './model-folder.js';

/** The folder beside the models that holds upscalers (models/upscalers/), not a diffusion model. */
export const UPSCALERS_FOLDER = 'upscalers';
/** The folder beside the models that holds the image safety classifier (models/safety/). */
export const SAFETY_FOLDER = 'safety';

export interface SkippedFolder {
  dir: string;
  reason: string;
}

export class ModelCatalog {
  private constructor(
    private readonly entries: Map<string, ModelDescription>,
    readonly defaultModel: ModelDescription,
    readonly skipped: readonly SkippedFolder[],
  ) {}

  /** The default model folder (which must be a model) plus every model folder directly under modelsDir. */
  static scan(defaultDir: string, modelsDir?: string): ModelCatalog {
    const def = readModelFolder(defaultDir);
    const entries = new Map<string, ModelDescription>([[def.name, def]]);
    const skipped: SkippedFolder[] = [];
    if (modelsDir && existsSync(modelsDir)) {
      for (const d of readdirSync(modelsDir, { withFileTypes: true })) {
        if (!d.isDirectory() || d.name.startsWith('.') || d.name === UPSCALERS_FOLDER || d.name === SAFETY_FOLDER) continue;
        const dir = join(modelsDir, d.name);
        if (resolve(dir) === def.dir) continue;
        try {
          const e = readModelFolder(dir);
          if (entries.has(e.name)) skipped.push({ dir: resolve(dir), reason: `another folder already has the name ${e.name}` });
          else entries.set(e.name, e);
        } catch (err) {
          skipped.push({ dir: resolve(dir), reason: (err as Error).message });
        }
      }
    }
    return new ModelCatalog(entries, def, skipped);
  }

  /** The named model (any case), or the default one when no name is given. */
  get(name: string | undefined): ModelDescription | undefined {
    if (name === undefined || name === '') return this.defaultModel;
    return this.entries.get(name) ?? [...this.entries.values()].find((e) => e.name.toLowerCase() === name.toLowerCase());
  }

  list(): ModelDescription[] {
    return [...this.entries.values()];
  }
}
