/**
 * The Redis backend in one test process: a gateway runtime (RedisJobQueue on real Redis) and any
 * number of worker runtimes with FakeRunners, all on one redis-server, each test on its own key
 * prefix, sharing one DATA_DIR for images. Records every event the gateway sees.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type AppConfig } from '../../../src/config.js';
import type { JobEvent } from '../../../src/core/jobs.js';
import type { ServerLimits } from '../../../src/core/limits.js';
import type { Logger } from '../../../src/log/index.js';
import type { RedisJobQueue } from '../../../src/queue/redis/queue.js';
import { createRedisRuntime, createRedisWorkerRuntime, type WorkerRuntime, type WorkerRuntimeOptions } from '../../../src/runtime/redis.js';
import type { Runtime } from '../../../src/runtime/types.js';
import { LocalImageStore } from '../../../src/store/index.js';
import { OPEN_LIMITS, capturingLogger, writeQueueTestModels } from '../harness.js';

export { params, refusal, submission, OPEN_LIMITS } from '../harness.js';

let prefixes = 0;

export class ScaleHarness {
  readonly root = mkdtempSync(join(tmpdir(), 'imagine-scale-'));
  readonly dataDir = join(this.root, 'data');
  readonly limitsFile = join(this.root, 'limits.json');
  readonly prefix = `{t${process.pid}x${++prefixes}}`;
  readonly logLines: string[] = [];
  readonly log: Logger;
  readonly modelDirs: { defaultDir: string; modelsDir: string };
  gateway!: Runtime;
  queue!: RedisJobQueue;
  events: JobEvent[] = [];
  readonly workers: WorkerRuntime[] = [];
  readonly gateways: Runtime[] = [];
  /** Every event each gateway has seen, by gateway queue. */
  private readonly eventLog = new Map<unknown, JobEvent[]>();
  private waiters: { match: (e: JobEvent, from: unknown) => boolean; resolve: (e: JobEvent) => void }[] = [];

  constructor(
    readonly redisUrl: string,
    limits: Partial<ServerLimits> = {},
  ) {
    writeFileSync(this.limitsFile, JSON.stringify({ ...OPEN_LIMITS, ...limits }));
    this.modelDirs = writeQueueTestModels(join(this.root, 'models'));
    this.log = capturingLogger(this.logLines);
  }

  config(env: Record<string, string> = {}): AppConfig {
    return loadConfig({
      DATA_DIR: this.dataDir,
      LIMITS_FILE: this.limitsFile,
      MODEL_DIR: this.modelDirs.defaultDir,
      MODELS_DIR: this.modelDirs.modelsDir,
      QUEUE_BACKEND: 'redis',
      REDIS_URL: this.redisUrl,
      WEB_PORT: '0',
      INSTANCE_ID: 'gw-1',
      ...env,
    });
  }

  /** A gateway (again after closeGateway, like a restart), started, its events recorded. */
  async openGateway(env: Record<string, string> = {}, options: { positionRefreshMs?: number } = {}): Promise<RedisJobQueue> {
    this.gateway = await createRedisRuntime(this.config(env), this.log, { prefix: this.prefix, upkeepIntervalMs: 500 });
    this.gateways.push(this.gateway);
    this.queue = this.gateway.services.queue as RedisJobQueue;
    void options;
    this.events = [];
    const log: JobEvent[] = [];
    const queue = this.queue;
    this.eventLog.set(queue, log);
    queue.onEvent((e) => {
      log.push(e);
      if (this.queue === queue) this.events.push(e);
      this.waiters = this.waiters.filter((w) => (w.match(e, queue) ? (w.resolve(e), false) : true));
    });
    await queue.start();
    return queue;
  }

  /** The events a given gateway has seen. */
  eventsFor(queue: unknown): JobEvent[] {
    return this.eventLog.get(queue) ?? [];
  }

  /** The first event a given gateway saw or will see that matches. */
  nextFor(queue: unknown, match: (e: JobEvent) => boolean): Promise<JobEvent> {
    const seen = this.eventsFor(queue).find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match: (e, from) => from === queue && match(e), resolve }));
  }

  async closeGateway(): Promise<void> {
    await this.gateway.close();
  }

  async openWorker(options: WorkerRuntimeOptions & { concurrency?: number; timeoutSeconds?: number; name?: string } = {}): Promise<WorkerRuntime> {
    const env: Record<string, string> = { INSTANCE_ID: options.name ?? `worker-${this.workers.length + 1}` };
    if (options.concurrency) env.QUEUE_CONCURRENCY = String(options.concurrency);
    if (options.timeoutSeconds) env.JOB_TIMEOUT_SECONDS = String(options.timeoutSeconds);
    const worker = await createRedisWorkerRuntime(this.config(env), this.log, { prefix: this.prefix, upkeepIntervalMs: 500, ...options });
    this.workers.push(worker);
    await worker.start();
    return worker;
  }

  /** The image folder every process of this harness shares (DATA_DIR/images). */
  sharedImages(): LocalImageStore {
    return new LocalImageStore(join(this.dataDir, 'images'));
  }

  get services() {
    return this.gateway.services;
  }

  next(match: (e: JobEvent) => boolean): Promise<JobEvent> {
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match: (e, from) => from === this.queue && match(e), resolve }));
  }

  async settled(ids: readonly string[]): Promise<void> {
    await Promise.all(ids.map((id) => this.next((e) => e.jobId === id && (e.type === 'done' || e.type === 'failed' || e.type === 'cancelled'))));
  }

  eventsOf(id: string): JobEvent[] {
    return this.events.filter((e) => e.jobId === id);
  }

  async dispose(): Promise<void> {
    for (const w of this.workers) await w.close({ deadlineMs: 0 }).catch(() => undefined);
    for (const g of this.gateways) await g.close().catch(() => undefined);
    rmSync(this.root, { recursive: true, force: true });
  }
}
