/**
 * Jobs per second through Redis and BullMQ (the scale-out backend), on a redis-server started here.
 * A gateway in this process submits jobs from 64 servers; 1, 2 and 4 worker processes (the test
 * worker entry: the real worker runtime with a FakeRunner) take them.
 * 1. Queue overhead: a runner that returns at once, so the rate is what admission, the fair
 *    release, BullMQ and the event stream cost per job.
 * 2. Scaling: a runner that takes 100 ms a job (a stand-in for the GPU), where workers should add
 *    up. Ratios against one worker are printed for both.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { PROJECT_ROOT, loadConfig } from '../src/config.js';
import type { JobEvent } from '../src/core/jobs.js';
import { createLogger } from '../src/log/index.js';
import type { RedisJobQueue } from '../src/queue/redis/queue.js';
import { createRedisRuntime } from '../src/runtime/redis.js';
import { writeTestModels } from '../test/fixtures/fake-runner.js';
import { OPEN_LIMITS, submission } from '../test/queue/harness.js';
import { startRedis } from '../test/queue/redis/redis-server.js';

const SERVERS = 64;

function startWorker(env: Record<string, string>, name: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'test', 'queue', 'redis', 'worker-entry.ts')], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, INSTANCE_ID: name },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (l) => {
      if (l.includes('"ev":"ready"')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker ${name} exited with ${code}`)));
  });
}

async function stopAll(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          // A child killed by a signal keeps exitCode null: check both, or this waits for an exit that already happened.
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGKILL');
        }),
    ),
  );
}

/** Submits `jobs` jobs spread over the servers and waits until each is done; returns jobs per second. */
async function measure(queue: RedisJobQueue, jobs: number): Promise<number> {
  const pending = new Set<string>();
  let resolveAll!: () => void;
  const all = new Promise<void>((r) => (resolveAll = r));
  const early = new Set<string>();
  const off = queue.onEvent((e: JobEvent) => {
    if (e.type !== 'done' && e.type !== 'failed') return;
    if (!pending.delete(e.jobId)) early.add(e.jobId);
    if (pending.size === 0 && submitted === jobs) resolveAll();
  });
  let submitted = 0;
  const t0 = performance.now();
  for (let i = 0; i < jobs; i++) {
    const job = await queue.submit(submission(`s${i % SERVERS}`, `u${i % 7}`, { count: 1 }));
    submitted++;
    if (!early.delete(job.id)) pending.add(job.id);
  }
  if (pending.size === 0) resolveAll();
  await all;
  off();
  return jobs / ((performance.now() - t0) / 1000);
}

export default async function bench(): Promise<void> {
  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status !== 0) {
    console.log('redis-server is not installed; skipping the Redis benchmark');
    return;
  }
  const redis = await startRedis();
  const root = mkdtempSync(join(tmpdir(), 'imagine-redis-bench-'));
  const children: ChildProcess[] = [];
  try {
    const limitsFile = join(root, 'limits.json');
    writeFileSync(limitsFile, JSON.stringify({ ...OPEN_LIMITS, user_max_queued: 1000 }));
    const models = writeTestModels(join(root, 'models'), [{ name: 'tiny', limits: { maxSteps: 60, maxBatch: 8 } }]);
    const env = {
      QUEUE_BACKEND: 'redis',
      REDIS_URL: redis.url,
      DATA_DIR: join(root, 'data'),
      LIMITS_FILE: limitsFile,
      MODEL_DIR: models.defaultDir,
      MODELS_DIR: models.modelsDir,
      WEB_PORT: '0',
      QUEUE_MAX_LENGTH: '100000',
      TEST_STEPS: '1',
    };
    const quiet = createLogger({ level: 'warn', destination: new Writable({ write: (_c, _e, done) => done() }) });
    const results: Record<string, number[]> = {};
    for (const [label, durationMs, jobs] of [
      ['queue overhead (runner returns at once)', 0, 600],
      ['100 ms jobs (stand-in for the GPU)', 100, 120],
    ] as const) {
      results[label] = [];
      for (const workers of [1, 2, 4]) {
        const prefix = `{bench${durationMs}w${workers}}`;
        const gateway = await createRedisRuntime(loadConfig({ ...env, INSTANCE_ID: 'bench' }), quiet, { prefix });
        const queue = gateway.services.queue as RedisJobQueue;
        await queue.start();
        const started = await Promise.all(
          Array.from({ length: workers }, (_, i) => startWorker({ ...env, TEST_PREFIX: prefix, TEST_DURATION_MS: String(durationMs) }, `w${i + 1}`)),
        );
        children.push(...started);
        // A short warm-up (script loading, connections), then the measured run.
        await measure(queue, 20);
        const rate = await measure(queue, jobs);
        results[label]!.push(rate);
        await stopAll(started);
        await gateway.close();
      }
      const [one, two, four] = results[label]!;
      console.log(`${label}: ${jobs} jobs from ${SERVERS} servers`);
      console.log(`  1 worker : ${one!.toFixed(1)} jobs/s`);
      console.log(`  2 workers: ${two!.toFixed(1)} jobs/s (×${(two! / one!).toFixed(2)})`);
      console.log(`  4 workers: ${four!.toFixed(1)} jobs/s (×${(four! / one!).toFixed(2)})`);
    }
    console.log(`(machine: ${(await import('node:os')).cpus().length} cores shared by Redis, this gateway and the workers)`);
  } finally {
    await stopAll(children);
    await redis.stop();
    rmSync(root, { recursive: true, force: true });
  }
}
