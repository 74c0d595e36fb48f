import type { AppConfig } from '../config.js';
import type { Logger } from '../log/index.js';
import { ModelCatalog } from '../pipeline/catalog.js';

/** The models of MODEL_DIR and MODELS_DIR, read once; folders that are not usable models are logged with the reason. */
export function openCatalog(config: Pick<AppConfig, 'MODEL_DIR' | 'MODELS_DIR'>, log: Logger): ModelCatalog {
  const models = ModelCatalog.scan(config.MODEL_DIR, config.MODELS_DIR);
  for (const s of models.skipped) log.warn({ dir: s.dir, reason: s.reason }, `skipping ${s.dir}: not a usable model folder`);
  return models;
}
