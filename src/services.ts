/**
 * Builds the Services every adapter and command uses: stores, the model catalog, the queue and
 * the runner behind it. One place, so src/main.ts, `npm run worker` and the tests wire the same way.
 */
import type { AppConfig } from './config.js';
import type { Services } from './core/command.js';
import type { Logger } from './log.js';
import { ModelCatalog } from './pipeline/catalog.js';
import { LocalJobQueue } from './queue/local-queue.js';
import type { JobQueue, JobRunner } from './queue/types.js';
import { PipelineJobRunner } from './runner/pipeline-runner.js';
import { openLocalStores, startImageRetention } from './store/index.js';
import type { JobStore } from './store/types.js';

export interface Runtime {
  services: Services;
  /** The runner the queue feeds (undefined where jobs run in other processes). */
  runner?: JobRunner;
  /**
   * Stops taking work, lets running jobs finish up to the deadline (the rest stay stored as
   * queued), releases the models and closes the stores.
   */
  close(options?: { deadlineMs?: number }): Promise<void>;
}

export interface RuntimeOptions {
  /** Replaces the pipeline runner (tests, benchmarks). */
  runner?: JobRunner;
  /** Run the pipeline in this thread (tests that want no worker). */
  inProcessPipeline?: boolean;
  /** Wraps the queue before commands see it (the ops layer counts refusals this way). */
  wrapQueue?: (queue: JobQueue, stores: { jobs: JobStore }) => JobQueue;
  now?: () => number;
}

/** Single process: SQLite and a local image folder in DATA_DIR, the in-process fair queue, the pipeline runner. */
export async function createLocalRuntime(config: AppConfig, log: Logger, options: RuntimeOptions = {}): Promise<Runtime> {
  const models = ModelCatalog.scan(config.MODEL_DIR, config.MODELS_DIR);
  const stores = openLocalStores({ dataDir: config.DATA_DIR, limitsFile: config.LIMITS_FILE, log, now: options.now });
  const pipelineRunner = options.runner
    ? undefined
    : PipelineJobRunner.fromConfig(config, { models, images: stores.images, jobs: stores.jobs, inProcess: options.inProcessPipeline, log });
  const runner = options.runner ?? pipelineRunner!;
  const baseQueue = LocalJobQueue.fromConfig(config, { jobs: stores.jobs, settings: stores.settings, usage: stores.usage, models, runner, log, now: options.now });
  const queue = options.wrapQueue ? options.wrapQueue(baseQueue, { jobs: stores.jobs }) : baseQueue;
  const stopRetention = startImageRetention({ jobs: stores.jobs, images: stores.images, retentionDays: config.IMAGE_RETENTION_DAYS, log });
  const services: Services = { config, queue, jobs: stores.jobs, images: stores.images, settings: stores.settings, usage: stores.usage, models, log };
  let closed: Promise<void> | undefined;
  return {
    services,
    runner,
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
