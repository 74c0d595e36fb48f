/**
 * Queue overhead and event-loop health.
 * 1. FairScheduler alone with 10,000 queued jobs (two layouts): add, position, peek, take.
 * 2. LocalJobQueue on SQLite with 10,000 queued jobs and a runner that returns at once:
 *    submit and run cost per job (goal: under 1 ms).
 * 3. Event-loop delay (monitorEventLoopDelay p99, goal: under 20 ms) while real pipeline work
 *    runs in the worker thread through the queue and the PipelineJobRunner, against a baseline.
 */
import { OPEN_LIMITS as TEST_LIMITS } from '../test/queue/harness.js';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { DEFAULT_MODEL_DIR } from '../src/config.js';
import type { JobSubmission } from '../src/core/jobs.js';
import { createLogger } from '../src/log/index.js';
import { ModelCatalog } from '../src/pipeline/catalog.js';
import { loadPipeline } from '../src/pipeline/pipeline.js';
import { FairScheduler, type SchedulerEntry } from '../src/queue/fair-scheduler.js';
import { LocalJobQueue } from '../src/queue/local-queue.js';
import type { JobRunner } from '../src/queue/types.js';
import { PipelineJobRunner } from '../src/jobs/runner.js';
import { openLocalStores } from '../src/store/index.js';
import { FakeRunner } from '../test/fixtures/fake-runner.js';
import { writeTinyModel } from '../test/fixtures/tiny-models.js';

const N = 10_000;
/** Limits out of the way (the queue tests' own), with room for the bench's steps and sizes. */
const OPEN_LIMITS = { ...TEST_LIMITS, max_steps: 150, max_pixels: 4_194_304 };

const us = (ms: number) => `${(ms * 1000).toFixed(2)} µs`;

function schedulerBench(layout: string, servers: number, usersPerServer: number): void {
  const s = new FairScheduler<SchedulerEntry>();
  const entries: SchedulerEntry[] = [];
  for (let i = 0; i < N; i++) {
    const server = i % servers;
    entries.push({ id: `j${i}`, serverId: `s${server}`, userId: `u${Math.floor(i / servers) % usersPerServer}`, priority: 0 });
  }
  let t = performance.now();
  for (const e of entries) s.add(e);
  const add = (performance.now() - t) / N;
  // Positions of jobs spread through the queue, the last one being the most expensive.
  t = performance.now();
  const probes = 200;
  for (let i = 0; i < probes; i++) s.position(entries[Math.floor((i * N) / probes)]!.id);
  const position = (performance.now() - t) / probes;
  t = performance.now();
  for (let i = 0; i < 100; i++) s.peek(50);
  const peek = (performance.now() - t) / 100;
  t = performance.now();
  for (let e = s.take(); e; e = s.take()) s.finish(e.id);
  const take = (performance.now() - t) / N;
  console.log(
    `scheduler, ${N} queued (${layout}): add ${us(add)}, take+finish ${us(take)}, position ${us(position)}, peek(50) ${us(peek)} per call`,
  );
}

function submission(i: number): JobSubmission {
  return {
    kind: 'imagine',
    platform: 'web',
    serverId: `s${i % 100}`,
    channelId: 'c',
    userId: `u${Math.floor(i / 100) % 10}`,
    userName: 'bench',
    isServerAdmin: false,
    params: { prompt: 'a red heart', negativePrompt: '', model: 'tiny', seed: i, steps: 1, guidance: 7, width: 64, height: 64, count: 4 },
  };
}

async function queueBench(root: string, modelDir: string): Promise<void> {
  const limitsFile = join(root, 'limits.json');
  writeFileSync(limitsFile, JSON.stringify(OPEN_LIMITS));
  const stores = openLocalStores({ dataDir: join(root, 'data-queue'), limitsFile });
  // Returns after one turn of the event loop, as a real runner would, so place updates get their turn too.
  const runner = new FakeRunner({ durationMs: 0, steps: 0 });
  const yieldingRunner: JobRunner = {
    run: async (job, ctx) => {
      await new Promise((resolve) => setImmediate(resolve));
      return runner.run(job, ctx);
    },
  };
  runner.hold();
  const models = ModelCatalog.scan(modelDir);
  const queue = new LocalJobQueue({ jobs: stores.jobs, settings: stores.settings, usage: stores.usage, models, runner: yieldingRunner, maxLength: N + 10 });
  let events = 0;
  let placeUpdates = 0;
  let last = '';
  let resolveAll!: () => void;
  const allDone = new Promise<void>((resolve) => (resolveAll = resolve));
  queue.onEvent((e) => {
    events++;
    if (e.type === 'queued') placeUpdates++;
    if (e.type === 'done' && e.jobId === last) resolveAll();
  });
  await queue.start();
  let t = performance.now();
  for (let i = 0; i < N; i++) last = (await queue.submit(submission(i))).id;
  const submit = (performance.now() - t) / N;
  t = performance.now();
  runner.release();
  await allDone;
  const run = (performance.now() - t) / N;
  await queue.close({ deadlineMs: 1000 });
  stores.close();
  console.log(
    `LocalJobQueue on SQLite, ${N} queued (100 servers × 10 users): submit ${submit.toFixed(3)} ms/job, ` +
      `start→done ${run.toFixed(3)} ms/job (store writes, events, place updates; runner returns at once), ${events} events of which ${placeUpdates - N} place updates` +
      ` — goal < 1 ms: ${submit < 1 && run < 1 ? 'met' : 'NOT met'}`,
  );
}

async function eventLoopBench(root: string, modelDir: string, tiny: boolean): Promise<void> {
  const limitsFile = join(root, 'limits.json');
  const stores = openLocalStores({ dataDir: join(root, 'data-loop'), limitsFile });
  const models = ModelCatalog.scan(modelDir);
  const model = models.defaultModel;
  const log = createLogger({ level: 'silent' });
  const runner = new PipelineJobRunner({ models, images: stores.images, jobs: stores.jobs, log });
  await runner.preload(model.name);
  const queue = new LocalJobQueue({ jobs: stores.jobs, settings: stores.settings, usage: stores.usage, models, runner, log, maxLength: 100 });
  await queue.start();

  const idle = monitorEventLoopDelay({ resolution: 1 });
  idle.enable();
  await new Promise((r) => setTimeout(r, 1000));
  idle.disable();

  const size = tiny ? 512 : model.defaults.width;
  const steps = tiny ? 40 : model.defaults.steps;
  const jobs = 6;
  let doneCount = 0;
  let progress = 0;
  let resolveAll!: () => void;
  const allDone = new Promise<void>((resolve) => (resolveAll = resolve));
  queue.onEvent((e) => {
    if (e.type === 'progress') progress++;
    if (e.type === 'done' || e.type === 'failed') {
      if (e.type === 'failed') console.log(`  job failed: ${e.message}`);
      if (++doneCount === jobs) resolveAll();
    }
  });
  const busy = monitorEventLoopDelay({ resolution: 1 });
  busy.enable();
  const t = performance.now();
  for (let i = 0; i < jobs; i++) {
    await queue.submit({
      ...submission(i),
      params: { ...submission(i).params, model: model.name, steps, width: size, height: size, guidance: model.defaults.guidance },
    });
  }
  await allDone;
  busy.disable();
  const wall = performance.now() - t;
  await queue.close({ deadlineMs: 5000 });
  await runner.release();
  stores.close();
  const ms = (h: typeof busy, p: number) => (h.percentile(p) / 1e6).toFixed(2);

  // The same work on the calling thread, to show what the worker saves the event loop.
  const inProcess = await loadPipeline(model.dir, { inProcess: true });
  const blocked = monitorEventLoopDelay({ resolution: 1 });
  blocked.enable();
  await inProcess.generate({ prompt: 'a red heart', seed: 1, steps, width: size, height: size, batch: 4, guidance: model.defaults.guidance });
  blocked.disable();
  await inProcess.release();
  console.log(`event-loop delay, idle 1 s: p50 ${ms(idle, 50)} ms, p99 ${ms(idle, 99)} ms, max ${(idle.max / 1e6).toFixed(2)} ms`);
  console.log(
    `event-loop delay while the worker makes ${jobs} jobs × 4 images of ${size}×${size}, ${steps} steps (${model.name}, ${(wall / 1000).toFixed(1)} s, ${progress} progress events): ` +
      `p50 ${ms(busy, 50)} ms, p99 ${ms(busy, 99)} ms, max ${(busy.max / 1e6).toFixed(2)} ms — goal p99 < 20 ms: ${busy.percentile(99) / 1e6 < 20 ? 'met' : 'NOT met'}`,
  );
  console.log(`for contrast, one such job in the calling thread (no worker): p99 ${ms(blocked, 99)} ms, max ${(blocked.max / 1e6).toFixed(2)} ms`);
}

export default async function queueBenchmark(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'imagine-bench-queue-'));
  try {
    schedulerBench('100 servers × 10 users', 100, 10);
    schedulerBench('10,000 servers × 1 user, worst case for position', N, 1);
    schedulerBench('1 server × 10,000 users', 1, N);

    const tinyDir = writeTinyModel(join(root, 'tiny'), { generation: 'optimum-2025', family: 'sd1', hints: { name: 'tiny' } });
    await queueBench(root, tinyDir);

    const shipped = existsSync(join(DEFAULT_MODEL_DIR, 'model_index.json'));
    await eventLoopBench(root, shipped ? DEFAULT_MODEL_DIR : tinyDir, !shipped);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
