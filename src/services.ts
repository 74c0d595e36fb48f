/**
 * What commands and adapters may use: the config, the queue, the stores, the model catalog and
 * the log. The runtime (src/runtime/) builds it once per process and hands it to every adapter.
 */
import type { AppConfig } from './config.js';
import type { Logger } from './log/index.js';
import type { ModelCatalog } from './pipeline/catalog.js';
import type { ModerationFeed } from './replies/moderation.js';
import type { JobQueue } from './queue/types.js';
import type { ImageStore, JobStore, SettingsStore, UsageStore } from './store/types.js';

export interface Services {
  config: AppConfig;
  queue: JobQueue;
  jobs: JobStore;
  images: ImageStore;
  settings: SettingsStore;
  usage: UsageStore;
  models: ModelCatalog;
  /** Refusals for the moderation log (replies/moderation.ts). */
  moderation: ModerationFeed;
  log: Logger;
}
