/**
 * Cost of operations on the hot path:
 * 1. The metrics observer: job events through JobQueue.onEvent with a store lookup per milestone
 *    (per job: started, 20 progress steps, done), in jobs per second and µs per event.
 * 2. A /metrics scrape with 50 labelled servers and 1,000 finished jobs, in ms.
 * 3. Secret masking of log lines with six secrets set, in µs per line.
 */
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import type { JobEvent, JobRecord } from '../src/core/jobs.js';
import { createLogger } from '../src/log/index.js';
import { createMetrics } from '../src/ops/metrics.js';
import type { JobQueue } from '../src/queue/types.js';
import type { JobStore } from '../src/store/types.js';

const STEPS = 20;

function job(i: number, now: number): JobRecord {
  return {
    id: `job-${i}`,
    kind: 'imagine',
    platform: 'discord',
    serverId: `guild-${i % 200}`,
    channelId: 'c',
    userId: `u${i % 1000}`,
    userName: 'user',
    params: { prompt: 'a red heart', negativePrompt: '', model: 'emoji-diffusion', seed: i, steps: STEPS, guidance: 7, width: 512, height: 512, count: 4 },
    status: 'done',
    priority: 0,
    cost: 4,
    createdAt: now - 5000,
    startedAt: now - 3000,
    finishedAt: now,
    attempts: 1,
    output: { images: ['a', 'b', 'c', 'd'], seeds: [0, 1, 2, 3], preview: 'g', previewWidth: 1024, previewHeight: 1024, width: 512, height: 512, generationMs: 2800 },
  };
}

export default async function (): Promise<void> {
  const listeners = new Set<(e: JobEvent) => void>();
  const queue = {
    onEvent: (l: (e: JobEvent) => void) => (listeners.add(l), () => listeners.delete(l)),
    stats: async () => ({ queued: 10, running: 1, byStatus: { done: 1000 } }),
  } as unknown as JobQueue;
  const rows = new Map<string, JobRecord>();
  const jobs = { get: async (id: string) => rows.get(id) } as unknown as JobStore;
  const emit = (e: JobEvent) => {
    for (const l of listeners) l(e);
  };

  const metrics = createMetrics({ defaultMetrics: false, maxServerLabels: 50 });
  metrics.observeQueue(queue, jobs, { gateway: 'main' });
  const N = 5000;
  for (let i = 0; i < N; i++) rows.set(`job-${i}`, job(i, Date.now()));
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const id = `job-${i}`;
    emit({ type: 'started', jobId: id });
    for (let s = 1; s <= STEPS; s++) emit({ type: 'progress', jobId: id, step: s, total: STEPS });
    emit({ type: 'done', jobId: id });
    if (i % 100 === 99) await metrics.settled();
  }
  await metrics.settled();
  const ms = performance.now() - t0;
  const events = N * (STEPS + 2);
  console.log(`metrics observer: ${N} jobs × ${STEPS + 2} events in ${ms.toFixed(0)} ms = ${Math.round(N / (ms / 1000))} jobs/s, ${((ms * 1000) / events).toFixed(2)} µs per event`);

  const scrapes = 50;
  const t1 = performance.now();
  let size = 0;
  for (let i = 0; i < scrapes; i++) size = (await metrics.render()).length;
  console.log(`/metrics scrape: ${((performance.now() - t1) / scrapes).toFixed(2)} ms each, ${(size / 1024).toFixed(1)} KiB (50 servers labelled, 150 as "other")`);

  const env = {
    DISCORD_TOKEN: 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.discord-token-secret',
    SLACK_BOT_TOKEN: 'xoxb-1111-2222-slack-bot-secret',
    SLACK_APP_TOKEN: 'xapp-1-A111-slack-app-secret',
    SLACK_SIGNING_SECRET: '8f14e45fceea167a5a36dedd4bea2543',
    WEB_PASSWORD: 'correct horse battery staple',
    REDIS_URL: 'redis://default:redis-pass-9876@127.0.0.1:6390/0',
  };
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  const lines = 100_000;
  for (const [label, e] of [['without secrets', {}], ['with 6 secrets', env]] as const) {
    const log = createLogger({ level: 'info', env: e, destination: sink });
    const t2 = performance.now();
    for (let i = 0; i < lines; i++) log.info({ jobId: `job-${i}`, serverId: 'guild-1', waitMs: 1200 }, 'job started');
    console.log(`log line ${label}: ${(((performance.now() - t2) * 1000) / lines).toFixed(2)} µs`);
  }
}
