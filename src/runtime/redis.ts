/**
 * Wiring for QUEUE_BACKEND=redis. Gateways (runtime/main.ts) get createRedisRuntime: the same Runtime
 * shape as createLocalRuntime, with stores and queue on Redis and no runner (jobs run in workers).
 * Workers (`npm run worker`) get createRedisWorkerRuntime: the pipeline runner fed by BullMQ.
 * Images are files in DATA_DIR/images, which every process must share; Redis carries their keys.
 */
import { ModerationFeed } from '../replies/moderation.js';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { AppConfig } from '../config.js';
import { PipelineJobRunner } from '../jobs/runner.js';
import type { Logger } from '../log/index.js';
import type { ModelCatalog } from '../pipeline/catalog.js';
import { RedisBackend, connectRedis, whenRedisReady } from '../queue/redis/backend.js';
import { RedisJobConsumer, type RedisJobConsumerOptions } from '../queue/redis/consumer.js';
import { RedisJobQueue } from '../queue/redis/queue.js';
import { RedisJobStore, RedisSettingsStore, RedisUsageLedger, Scripts } from '../queue/redis/stores.js';
import type { JobRunner } from '../queue/types.js';
import type { Services } from '../services.js';
import { diskSpaceCheck } from '../store/checks.js';
import { LocalImageStore, loadDefaultLimits, startRetention } from '../store/index.js';
import type { ImageStore } from '../store/types.js';
import { openCatalog } from './catalog.js';
import type { Runtime, RuntimeOptions } from './types.js';

export interface RedisRuntimeOptions extends RuntimeOptions {
  /** Key prefix in Redis (default `{imagine}`); tests give each case its own. */
  prefix?: string;
  /** Replaces the shared image folder (an S3-compatible store, say). */
  images?: ImageStore;
  /** Upkeep interval (default 5 s). */
  upkeepIntervalMs?: number;
}

interface Shared {
  redis: Redis;
  backend: RedisBackend;
  jobs: RedisJobStore;
  settings: RedisSettingsStore;
  usage: RedisUsageLedger;
  images: ImageStore;
  models: ModelCatalog;
}

function openShared(config: AppConfig, log: Logger, options: RedisRuntimeOptions): Shared {
  if (!config.REDIS_URL) throw new Error('REDIS_URL is required for the Redis queue backend');
  const models = openCatalog(config, log);
  const defaults = loadDefaultLimits(config.LIMITS_FILE);
  const redis = connectRedis(config.REDIS_URL, { log, password: config.REDIS_PASSWORD });
  const prefix = options.prefix;
  const settings = new RedisSettingsStore(new Scripts(redis, `${prefix ?? '{imagine}'}:data`), defaults, log);
  const jobTtlMs = config.IMAGE_RETENTION_DAYS > 0 ? (config.IMAGE_RETENTION_DAYS + 1) * 86_400_000 : 0;
  const backend = new RedisBackend({ url: config.REDIS_URL, redis, prefix, settings, log, now: options.now, upkeepIntervalMs: options.upkeepIntervalMs, jobTtlMs });
  return {
    redis,
    backend,
    settings,
    jobs: new RedisJobStore(backend.scripts),
    usage: new RedisUsageLedger(backend.scripts, options.now),
    images: options.images ?? new LocalImageStore(join(config.DATA_DIR, 'images')),
    models,
  };
}

/** A gateway: stores and the queue on Redis; call services.queue.start() once adapters listen. */
export async function createRedisRuntime(config: AppConfig, log: Logger, options: RedisRuntimeOptions = {}): Promise<Runtime> {
  const s = openShared(config, log, options);
  await whenRedisReady(s.redis, config.REDIS_URL!, log);
  // From now on a command while Redis is down fails at once (the user is told) instead of waiting in an offline queue.
  s.redis.options.enableOfflineQueue = false;
  const baseQueue = RedisJobQueue.fromConfig(config, { backend: s.backend, jobs: s.jobs, settings: s.settings, models: s.models, log, now: options.now });
  const queue = options.wrapQueue ? options.wrapQueue(baseQueue, { jobs: s.jobs }) : baseQueue;
  const adopted = await s.jobs.adoptMarkedExpired();
  if (adopted) log.info({ jobs: adopted }, 'jobs whose images an earlier version expired are back under retention');
  const stopRetention = startRetention({ jobs: s.jobs, images: s.images, retentionDays: config.IMAGE_RETENTION_DAYS, log });
  const services: Services = { config, queue, jobs: s.jobs, images: s.images, settings: s.settings, usage: s.usage, models: s.models, moderation: new ModerationFeed(), log };
  let closed: Promise<void> | undefined;
  return {
    services,
    checks: [{ name: 'disk', check: diskSpaceCheck(config.DATA_DIR) }],
    close(o = {}) {
      closed ??= (async () => {
        stopRetention();
        await baseQueue.close(o);
        await s.backend.close();
        await s.redis.quit().catch(() => undefined);
      })();
      return closed;
    },
  };
}

export interface WorkerRuntime {
  consumer: RedisJobConsumer;
  /** The pipeline runner (undefined when the options replaced it). */
  pipeline?: PipelineJobRunner;
  services: Pick<Services, 'jobs' | 'images' | 'settings' | 'models'>;
  backend: RedisBackend;
  start(): Promise<void>;
  /** Stops taking jobs, lets running ones finish until the deadline, hands the rest back, closes. */
  close(options?: { deadlineMs?: number }): Promise<void>;
}

export interface WorkerRuntimeOptions extends RedisRuntimeOptions {
  runner?: JobRunner;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  onRun?: RedisJobConsumerOptions['onRun'];
}

/** A pipeline worker process: takes jobs from Redis, runs them, writes images to the shared store. */
export async function createRedisWorkerRuntime(config: AppConfig, log: Logger, options: WorkerRuntimeOptions = {}): Promise<WorkerRuntime> {
  const s = openShared(config, log, options);
  await whenRedisReady(s.redis, config.REDIS_URL!, log);
  const pipeline = options.runner
    ? undefined
    : PipelineJobRunner.fromConfig(config, { models: s.models, images: s.images, jobs: s.jobs, inProcess: options.inProcessPipeline, log });
  const consumer = new RedisJobConsumer({
    backend: s.backend,
    runner: options.runner ?? pipeline!,
    concurrency: config.QUEUE_CONCURRENCY,
    timeoutMs: config.JOB_TIMEOUT_SECONDS * 1000,
    // The lock is renewed every half lock; a dead worker's lock runs out, and the next check (a third of the time later) hands the job on.
    lockDurationMs: options.lockDurationMs ?? Math.round((config.STALLED_JOB_SECONDS * 1000 * 2) / 3),
    stalledIntervalMs: options.stalledIntervalMs ?? Math.round((config.STALLED_JOB_SECONDS * 1000) / 3),
    name: config.INSTANCE_ID,
    jobs: s.jobs,
    log,
    onRun: options.onRun,
  });
  let closed: Promise<void> | undefined;
  return {
    consumer,
    pipeline,
    backend: s.backend,
    services: { jobs: s.jobs, images: s.images, settings: s.settings, models: s.models },
    start: () => consumer.start(),
    close(o = {}) {
      closed ??= (async () => {
        await consumer.close({ deadlineMs: o.deadlineMs ?? config.SHUTDOWN_TIMEOUT_SECONDS * 1000 });
        await pipeline?.release();
        await s.backend.close();
        await s.redis.quit().catch(() => undefined);
      })();
      return closed;
    },
  };
}
