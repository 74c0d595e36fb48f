/**
 * The single-process runtime: SQLite and a local image folder in DATA_DIR, the in-process fair
 * queue, the pipeline runner. `npm start` and the tests wire it the same way.
 */
import { ModerationFeed } from '../replies/moderation.js';
import type { AppConfig } from '../config.js';
import type { Services } from '../services.js';
import type { Logger } from '../log/index.js';
import { LocalJobQueue } from '../queue/local-queue.js';
import { PipelineJobRunner } from '../jobs/runner.js';
import { databaseCheck, diskSpaceCheck } from '../store/checks.js';
import { openLocalStores, startRetention } from '../store/index.js';
import { openCatalog } from './catalog.js';
import type { Runtime, RuntimeOptions } from './types.js';

/** Single process: SQLite and a local image folder in DATA_DIR, the in-process fair queue, the pipeline runner. */
export async function createLocalRuntime(config: AppConfig, log: Logger, options: RuntimeOptions = {}): Promise<Runtime> {
  const models = openCatalog(config, log);
  const stores = openLocalStores({ dataDir: config.DATA_DIR, limitsFile: config.LIMITS_FILE, log, now: options.now });
  const pipelineRunner = options.runner
    ? undefined
    : PipelineJobRunner.fromConfig(config, { models, images: stores.images, jobs: stores.jobs, inProcess: options.inProcessPipeline, log });
  const runner = options.runner ?? pipelineRunner!;
  const baseQueue = LocalJobQueue.fromConfig(config, { jobs: stores.jobs, settings: stores.settings, usage: stores.usage, models, runner, log, now: options.now });
  const queue = options.wrapQueue ? options.wrapQueue(baseQueue, { jobs: stores.jobs }) : baseQueue;
  const stopRetention = startRetention({ jobs: stores.jobs, images: stores.images, retentionDays: config.IMAGE_RETENTION_DAYS, log });
  const services: Services = { config, queue, jobs: stores.jobs, images: stores.images, settings: stores.settings, usage: stores.usage, models, moderation: new ModerationFeed(), log };
  let closed: Promise<void> | undefined;
  return {
    services,
    runner,
    checks: [
      { name: 'database', check: databaseCheck(stores.db) },
      { name: 'disk', check: diskSpaceCheck(config.DATA_DIR) },
    ],
    close(o = {}) {
      closed ??= (async () => {
        stopRetention();
        await baseQueue.close({ deadlineMs: o.deadlineMs ?? config.SHUTDOWN_TIMEOUT_SECONDS * 1000 });
        await pipelineRunner?.release();
        stores.close();
      })();
      return closed;
    },
  };
}
