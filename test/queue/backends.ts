/**
 * Every queue backend behind one test-facing shape, so one contract suite (contract.test.ts) runs
 * against each: the in-process LocalJobQueue on SQLite, and the Redis backend (a gateway's
 * RedisJobQueue with worker runtimes on a real redis-server). Jobs run on a shared FakeRunner.
 */
import type { JobEvent } from '../../src/core/jobs.js';
import type { ServerLimits } from '../../src/core/limits.js';
import type { JobQueue } from '../../src/queue/types.js';
import type { ImageStore, JobStore, SettingsStore, UsageLedger, UsageStore } from '../../src/store/types.js';
import { FakeRunner, type FakeRunnerOptions } from '../fixtures/fake-runner.js';
import { ScaleHarness } from './redis/harness.js';
import { redisAvailable, startRedis, type RedisServer } from './redis/redis-server.js';
import { Harness } from './harness.js';

export interface WorldOptions {
  limits?: Partial<ServerLimits>;
  runner?: FakeRunnerOptions;
  /** The runner parks every job at its start until runner.release(). */
  hold?: boolean;
  /** Jobs running at once in all (local: QUEUE_CONCURRENCY; Redis: two workers sharing it). */
  concurrency?: number;
  /** QUEUE_MAX_LENGTH. */
  maxLength?: number;
  /** JOB_TIMEOUT_SECONDS. */
  timeoutSeconds?: number;
  /** MAX_UPSCALE_PIXELS. */
  maxUpscalePixels?: number;
}

export interface QueueWorld {
  readonly backend: 'local' | 'redis';
  /** Where users submit (a gateway on Redis). */
  queue: JobQueue;
  /** Every place that takes submits: the one local queue; two gateways on Redis. */
  submitters: JobQueue[];
  jobs: JobStore;
  settings: SettingsStore;
  usage: UsageStore & Partial<UsageLedger>;
  images: ImageStore;
  /** Runs every job, in every worker. */
  runner: FakeRunner;
  events: JobEvent[];
  logLines: string[];
  next(match: (e: JobEvent) => boolean): Promise<JobEvent>;
  settled(ids: readonly string[]): Promise<void>;
  eventsOf(id: string): JobEvent[];
  dispose(): Promise<void>;
}

export interface Backend {
  name: 'local' | 'redis';
  /** False when this machine cannot run the backend (no redis-server): its suite is skipped. */
  available: boolean;
  open(options?: WorldOptions): Promise<QueueWorld>;
  /** Frees what the backend shares between tests (the Redis server). */
  shutdown(): Promise<void>;
}

const local: Backend = {
  name: 'local',
  available: true,
  async open(o = {}) {
    const h = new Harness(o.limits);
    await h.open({ runner: o.runner ?? {}, start: false, concurrency: o.concurrency, maxLength: o.maxLength, timeoutMs: o.timeoutSeconds === undefined ? undefined : o.timeoutSeconds * 1000, ceilings: o.maxUpscalePixels === undefined ? undefined : { maxUpscalePixels: o.maxUpscalePixels } });
    const runner = h.runner;
    if (o.hold) runner.hold();
    await h.queue.start();
    return {
      backend: 'local',
      get queue() {
        return h.queue;
      },
      get submitters() {
        return [h.queue];
      },
      jobs: h.stores.jobs,
      settings: h.stores.settings,
      usage: h.stores.usage,
      images: h.stores.images,
      runner,
      get events() {
        return h.events;
      },
      logLines: h.logLines,
      next: (m) => h.next(m),
      settled: (ids) => h.settled(ids),
      eventsOf: (id) => h.eventsOf(id),
      dispose: () => h.dispose(),
    };
  },
  async shutdown() {},
};

let server: RedisServer | undefined;

const redis: Backend = {
  name: 'redis',
  available: redisAvailable,
  async open(o = {}) {
    server ??= await startRedis();
    const h = new ScaleHarness(server.url, o.limits);
    const maxLength: Record<string, string> = {
      ...(o.maxLength === undefined ? {} : { QUEUE_MAX_LENGTH: String(o.maxLength) }),
      ...(o.maxUpscalePixels === undefined ? {} : { MAX_UPSCALE_PIXELS: String(o.maxUpscalePixels) }),
    };
    await h.openGateway(maxLength);
    const first = h.queue;
    const second = await h.openGateway({ ...maxLength, INSTANCE_ID: 'gw-2' });
    // Tests watch the first gateway's events.
    h.queue = first;
    const runner = new FakeRunner({ durationMs: 2, steps: 2, images: h.sharedImages(), ...o.runner });
    if (o.hold) runner.hold();
    const concurrency = o.concurrency ?? 1;
    const workers = Math.min(2, concurrency);
    for (let i = 0; i < workers; i++) {
      await h.openWorker({ runner, concurrency: Math.ceil(concurrency / workers), timeoutSeconds: o.timeoutSeconds });
    }
    const services = h.gateways[0]!.services;
    return {
      backend: 'redis',
      queue: first,
      submitters: [first, second],
      jobs: services.jobs,
      settings: services.settings,
      usage: services.usage,
      images: services.images,
      runner,
      get events() {
        return h.eventsFor(first);
      },
      logLines: h.logLines,
      next: (m) => h.nextFor(first, m),
      settled: (ids) => Promise.all(ids.map((id) => h.nextFor(first, (e) => e.jobId === id && (e.type === 'done' || e.type === 'failed' || e.type === 'cancelled')))).then(() => undefined),
      eventsOf: (id) => h.eventsFor(first).filter((e) => e.jobId === id),
      dispose: () => h.dispose(),
    };
  },
  async shutdown() {
    await server?.stop();
    server = undefined;
  },
};

export const BACKENDS: readonly Backend[] = [local, redis];
