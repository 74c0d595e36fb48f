/** Boots one bot process the way src/runtime/main.ts does, on real stores, queue, runner and playground. */
import { ModerationFeed } from '../../src/replies/moderation.js';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { startWeb } from '../../src/adapters/web/index.js';
import type { Services } from '../../src/services.js';
import type { JobEvent, JobRecord, JobSubmission } from '../../src/core/jobs.js';
import { loadConfig, PROJECT_ROOT } from '../../src/config.js';
import { createLogger } from '../../src/log/index.js';
import { createOps, installShutdown, type SignalSource } from '../../src/ops/index.js';
import { ModelCatalog } from '../../src/pipeline/catalog.js';
import { LocalJobQueue } from '../../src/queue/local-queue.js';
import type { JobRunner, RunContext } from '../../src/queue/types.js';
import { PipelineJobRunner } from '../../src/jobs/runner.js';
import { openLocalStores } from '../../src/store/index.js';
import { commandLayer } from '../../commands/index.js';

/**
 * The real pipeline runner, except that a job whose prompt starts with "slow" waits at the door
 * until the test opens it (or shutdown aborts it): a long generation, on demand.
 */
export class DoorRunner implements JobRunner {
  private opened = false;
  private waiters: (() => void)[] = [];
  constructor(private readonly inner: JobRunner) {}
  open() {
    this.opened = true;
    for (const w of this.waiters.splice(0)) w();
  }
  async run(job: JobRecord, ctx: RunContext) {
    if (job.params.prompt.startsWith('slow') && !this.opened) {
      await new Promise<void>((resolve, reject) => {
        this.waiters.push(resolve);
        ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
      });
    }
    return this.inner.run(job, ctx);
  }
}

/** One bot process on a data directory, built the way src/runtime/main.ts builds it. */
export async function boot(dataDir: string, modelDir: string, signals: SignalSource | undefined, deadlineMs: number, exit?: (code: number) => void) {
  const config = loadConfig({ DATA_DIR: dataDir, MODEL_DIR: modelDir, LOG_LEVEL: 'silent' });
  const log = createLogger({ level: 'silent', env: {} });
  const models = ModelCatalog.scan(modelDir);
  const stores = openLocalStores({ dataDir, limitsFile: join(PROJECT_ROOT, 'config', 'limits.json') });
  const pipeline = new PipelineJobRunner({ models, images: stores.images, jobs: stores.jobs, log });
  const runner = new DoorRunner(pipeline);
  const rawQueue = new LocalJobQueue({ jobs: stores.jobs, settings: stores.settings, usage: stores.usage, models, runner, concurrency: 1, log });
  const ops = createOps({ config, queue: rawQueue, jobs: stores.jobs, log, modelName: () => models.defaultModel.name, defaultMetrics: false });
  const services: Services = { config, queue: ops.queue, jobs: stores.jobs, images: stores.images, settings: stores.settings, usage: stores.usage, models, moderation: new ModerationFeed(), log };
  const web = await startWeb(services, commandLayer, { routes: ops.routes, port: 0, host: '127.0.0.1' });
  ops.addAdapter(web);
  const exits: number[] = [];
  const shutdown = installShutdown({
    queue: rawQueue,
    adapters: [web],
    resources: [
      { name: 'the pipeline', close: () => pipeline.release() },
      { name: 'the database', close: () => stores.close() },
    ],
    health: ops.health,
    deadlineMs,
    log,
    signals,
    exit: exit ?? ((code) => void exits.push(code)),
  });
  const events: JobEvent[] = [];
  rawQueue.onEvent((e) => events.push(e));
  await rawQueue.start();
  const submit = (prompt: string, userId: string, serverId = 'local') =>
    services.queue.submit({
      kind: 'imagine',
      platform: 'web',
      serverId,
      channelId: 'general',
      userId,
      userName: userId,
      isServerAdmin: false,
      params: { prompt, negativePrompt: '', model: models.defaultModel.name, seed: 7, steps: 4, guidance: 7, width: 64, height: 64, count: 4 },
      delivery: { platform: 'web', gateway: config.INSTANCE_ID, data: {} },
    } satisfies JobSubmission);
  const until = (want: (e: JobEvent) => boolean) =>
    new Promise<JobEvent>((resolve) => {
      const hit = events.find(want);
      if (hit) return resolve(hit);
      const off = rawQueue.onEvent((e) => {
        if (want(e)) {
          off();
          resolve(e);
        }
      });
    });
  // web.url ends with a slash.
  return { web, ops, runner, stores, submit, until, exits, shutdown, url: web.url.replace(/\/$/, '') };
}

export function signalSource() {
  const emitter = new EventEmitter();
  return {
    on: (s: NodeJS.Signals, l: (s: NodeJS.Signals) => void) => emitter.on(s, l),
    off: (s: NodeJS.Signals, l: (s: NodeJS.Signals) => void) => emitter.off(s, l),
    send: (s: NodeJS.Signals) => void emitter.emit(s, s),
  };
}

export async function jobsIn(dataDir: string) {
  const stores = openLocalStores({ dataDir, limitsFile: join(PROJECT_ROOT, 'config', 'limits.json') });
  try {
    const all = await stores.jobs.listByStatus(['queued', 'running', 'done', 'failed', 'cancelled']);
    return new Map(all.map((j) => [j.params.prompt, j]));
  } finally {
    stores.close();
  }
}

