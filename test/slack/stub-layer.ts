/**
 * A small scripted command layer and in-memory services for adapter-level tests: the queue only
 * moves when the test says so, so each Slack message can be checked at each step. The commands'
 * specs and text parsing are the real ones; only dispatch is scripted. The real followJobs and
 * renderJob run on top of it. (The end-to-end test uses the real command layer.)
 */
import { ModerationFeed } from '../../src/replies/moderation.js';
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import sharp from 'sharp';
import { parseCommandText, slashCommands } from '../../commands/index.js';
import type { CommandLayer } from '../../src/adapters/types.js';
import type { Services } from '../../src/services.js';
import type { CommandOutcome, Invocation } from '../../src/core/invocation.js';
import { md } from '../../src/core/markup.js';
import type { JobEvent, JobRecord, JobStatus } from '../../src/core/jobs.js';
import { renderJob } from '../../src/replies/render.js';
import { gridButtons } from '../../src/core/buttons.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log/index.js';
import type { CancelRequest, CancelResult, JobQueue, QueueStats } from '../../src/queue/types.js';
import { MemoryImages, MemoryJobs } from '../fixtures/memory-stores.js';

export { MemoryImages, MemoryJobs };

/** A queue that stores and announces jobs; the test drives them with start/progress/finish. */
export class ManualQueue implements JobQueue {
  readonly available = true;
  private listeners = new Set<(e: JobEvent) => void>();
  private seq = 0;
  readonly cancelled: { jobId: string; by: CancelRequest }[] = [];
  constructor(
    private readonly jobs: MemoryJobs,
    private readonly images: MemoryImages,
  ) {}
  onEvent(listener: (e: JobEvent) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(e: JobEvent) {
    for (const l of this.listeners) l(e);
  }
  async submit(s: Parameters<JobQueue['submit']>[0]): Promise<JobRecord> {
    this.seq += 1;
    const job: JobRecord = {
      id: `job${this.seq}`,
      kind: s.kind,
      platform: s.platform,
      serverId: s.serverId,
      channelId: s.channelId,
      userId: s.userId,
      userName: s.userName,
      params: s.params,
      status: 'queued',
      priority: 0,
      cost: s.params.count,
      createdAt: Date.now(),
      attempts: 0,
      delivery: s.delivery,
    };
    await this.jobs.insert(job);
    this.emit({ type: 'queued', jobId: job.id, position: 1 });
    return job;
  }
  async cancel(jobId: string, by: CancelRequest): Promise<CancelResult> {
    this.cancelled.push({ jobId, by });
    await this.jobs.update(jobId, { status: 'cancelled', finishedAt: Date.now() });
    this.emit({ type: 'cancelled', jobId });
    return 'cancelled';
  }
  async position() {
    return 1;
  }
  async estimate() {
    return {};
  }
  async stats(): Promise<QueueStats> {
    return { queued: 0, running: 0, byStatus: {} };
  }
  async start() {}
  async close() {}

  async run(jobId: string) {
    await this.jobs.update(jobId, { status: 'running', startedAt: Date.now() });
    this.emit({ type: 'started', jobId });
  }
  progress(jobId: string, step: number, total: number) {
    this.emit({ type: 'progress', jobId, step, total });
  }
  /** Finishes a job with a 2×2 grid PNG; returns the PNG bytes. */
  async finish(jobId: string): Promise<Buffer> {
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 200, g: 30, b: 60 } } }).png().toBuffer();
    await this.images.put(`${jobId}/grid.png`, png);
    for (let i = 0; i < 4; i++) await this.images.put(`${jobId}/${i}.png`, png);
    await this.jobs.update(jobId, {
      status: 'done',
      finishedAt: Date.now(),
      output: { images: [0, 1, 2, 3].map((i) => `${jobId}/${i}.png`), seeds: [7, 8, 9, 10], grid: `${jobId}/grid.png`, preview: `${jobId}/grid.png`, previewWidth: 64, previewHeight: 64, width: 32, height: 32 },
    });
    this.emit({ type: 'done', jobId });
    return png;
  }
}

export interface StubWorld {
  services: Services;
  layer: CommandLayer;
  queue: ManualQueue;
  jobs: MemoryJobs;
  invocations: Invocation[];
  logs: string[];
}

/** Scripted commands: /imagine queues a grid, /limits set needs an admin, buttons queue a variation. */
export function stubWorld(env: Record<string, string>): StubWorld {
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const config = loadConfig({ LOG_LEVEL: 'debug', WEB_PORT: '0', ...env });
  const log = createLogger({ level: 'debug', destination, env: env as NodeJS.ProcessEnv });
  const jobs = new MemoryJobs();
  const images = new MemoryImages();
  const queue = new ManualQueue(jobs, images);
  const services = { config, log, jobs, images, queue, settings: {}, usage: {}, models: {}, moderation: new ModerationFeed() } as unknown as Services;
  const invocations: Invocation[] = [];

  const submit = async (inv: Invocation, kind: 'imagine' | 'variation', prompt: string): Promise<CommandOutcome> => {
    const job = await queue.submit({
      kind,
      platform: inv.platform,
      serverId: inv.serverId,
      channelId: inv.channelId,
      userId: inv.userId,
      userName: inv.userName,
      isServerAdmin: inv.isServerAdmin,
      params: { prompt, negativePrompt: '', model: 'tiny', seed: 7, steps: 4, guidance: 7, width: 32, height: 32, count: 4 },
      delivery: inv.delivery,
    });
    // 'eager …' prompts start running before the command answers, as a job does on an idle queue.
    if (prompt.startsWith('eager')) await queue.run(job.id);
    const current = (await jobs.get(job.id))!;
    return { kind: 'job', jobId: job.id, reply: await renderJob(current, images, { position: 1 }) };
  };

  const layer: CommandLayer = {
    commands: slashCommands,
    parseText: parseCommandText,
    async dispatch(inv) {
      invocations.push(structuredClone(inv));
      switch (inv.command) {
        case 'imagine':
          return submit(inv, 'imagine', String(inv.options.prompt));
        case 'limits':
          if (inv.subcommand === 'set' && !inv.isServerAdmin) return { kind: 'reply', reply: { text: md`Only server admins can change limits.`, ephemeral: true } };
          return { kind: 'reply', reply: { text: md`**max_steps** = \`${String(inv.options.value ?? 50)}\``, ephemeral: true } };
        case 'info':
          return { kind: 'reply', reply: { text: md`Queue: 0 waiting` } };
        case 'button': {
          const source = [...jobs.rows.values()].find((j) => gridButtons(j.id, 4).flat().some((b) => b.id === inv.options.id));
          if (!source) return { kind: 'reply', reply: { text: md`This button is no longer valid.`, ephemeral: true } };
          return submit(inv, 'variation', source.params.prompt);
        }
        default:
          throw new Error(`unexpected command ${inv.command}`);
      }
    },
  };
  return { services, layer, queue, jobs, invocations, logs };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}
