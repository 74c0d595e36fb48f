/** The shape both runtimes (local.ts, redis.ts) build: the services, and how to close them. */
import type { ReadinessCheck } from '../ops/health.js';
import type { JobQueue, JobRunner } from '../queue/types.js';
import type { Services } from '../services.js';
import type { JobStore } from '../store/types.js';

export interface Runtime {
  services: Services;
  /** The runner the queue feeds (undefined where jobs run in other processes). */
  runner?: JobRunner;
  /** What readiness checks of the stores (database, disk). */
  checks: ReadinessCheck[];
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

