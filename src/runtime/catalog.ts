import type { AppConfig } from '../config.js';
import type { Logger } from '../log/index.js';
import { ModelCatalog } from '../pipeline/catalog.js';
import { modelSummary } from '../pipeline/model-check.js';

/**
 * The models of MODEL_DIR and MODELS_DIR, read once. The log says what `npm run model -- list`
 * prints: each model offered, and each folder skipped with the reason.
 */
export function openCatalog(config: Pick<AppConfig, 'MODEL_DIR' | 'MODELS_DIR'>, log: Logger): ModelCatalog {
  const models = ModelCatalog.scan(config.MODEL_DIR, config.MODELS_DIR);
  for (const m of models.list()) log.info({ model: m.name, dir: m.dir }, `offering model ${m.name}${m === models.defaultModel ? ' (default)' : ''}: ${modelSummary(m)}`);
  for (const s of models.skipped) log.warn({ dir: s.dir, reason: s.reason }, `skipping ${s.dir}: not a usable model folder`);
  return models;
}
