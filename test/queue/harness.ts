/** A LocalJobQueue on real SQLite files in a temp dir, with a FakeRunner and an event log. */
import { ModerationFeed } from '../../src/replies/moderation.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { expect } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { UserError } from '../../src/core/errors.js';
import type { Services } from '../../src/services.js';
import type { Invocation } from '../../src/core/invocation.js';
import type { JobEvent, JobParams, JobSubmission } from '../../src/core/jobs.js';
import type { ServerLimits } from '../../src/core/limits.js';
import { createLogger, type Logger } from '../../src/log/index.js';
import { ModelCatalog } from '../../src/pipeline/catalog.js';
import { LocalJobQueue, type LocalJobQueueOptions } from '../../src/queue/local-queue.js';
import { openLocalStores, type LocalStores } from '../../src/store/index.js';
import { FakeRunner, writeTestModels, type FakeRunnerOptions } from '../fixtures/fake-runner.js';

/** Limits that stay out of the way unless a test sets one. */
export const OPEN_LIMITS: ServerLimits = {
  daily_server_images: 0,
  daily_user_images: 0,
  user_requests_per_minute: 0,
  user_max_queued: 1000,
  server_max_running: 1,
  max_steps: 50,
  max_pixels: 1_048_576,
  allowed_models: [],
  upscale_allowed: true,
  max_upscale_pixels: 4096 * 4096,
  blocked_words: [],
  blocked_patterns: [],
  negative_prompt: '',
  nsfw_policy: 'block',
  nsfw_threshold: 0.6,
  mod_log_channel: '',
  previews: true,
  image_prompts: true,
  edits: true,
  daily_server_gpu_seconds: 0,
  language: 'auto',
};

export function params(fields: Partial<JobParams> = {}): JobParams {
  return { prompt: 'a red heart', negativePrompt: '', model: 'tiny', seed: 1, steps: 4, guidance: 7, width: 64, height: 64, count: 4, ...fields };
}

/** The UserError a submit (or any call) was refused with; fails the test when it was not refused so. */
export async function refusal(p: Promise<unknown>): Promise<UserError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  return err as UserError;
}

export function submission(serverId: string, userId: string, fields: Partial<JobParams> = {}, more: Partial<JobSubmission> = {}): JobSubmission {
  return {
    kind: 'imagine',
    platform: 'discord',
    serverId,
    channelId: `${serverId}-chan`,
    userId,
    userName: userId,
    isServerAdmin: false,
    params: params(fields),
    ...more,
  };
}

/** The two models the queue tests pick from: 'tiny' (the default, roomy limits) and 'quick' (at most 8 steps). */
export function writeQueueTestModels(dir: string): { defaultDir: string; modelsDir: string } {
  return writeTestModels(dir, [
    { name: 'tiny', limits: { maxSteps: 60, maxPixels: 1_048_576, maxSize: 1536, minSize: 64, maxBatch: 8 } },
    { name: 'quick', limits: { maxSteps: 8 } },
  ]);
}

/** A logger at info level whose JSON lines go into `lines`, for tests that read the log. */
export function capturingLogger(lines: string[]): Logger {
  return createLogger({
    level: 'info',
    destination: new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    }),
  });
}

export class Harness {
  readonly root = mkdtempSync(join(tmpdir(), 'imagine-queue-'));
  readonly dataDir = join(this.root, 'data');
  readonly limitsFile = join(this.root, 'limits.json');
  readonly models: ModelCatalog;
  readonly logLines: string[] = [];
  readonly log: Logger;
  stores!: LocalStores;
  queue!: LocalJobQueue;
  runner!: FakeRunner;
  events: JobEvent[] = [];
  /** Refusals dispatch reported for the moderation log. */
  readonly moderation = new ModerationFeed();
  private waiters: { match: (e: JobEvent) => boolean; resolve: (e: JobEvent) => void }[] = [];

  constructor(limits: Partial<ServerLimits> = {}) {
    writeFileSync(this.limitsFile, JSON.stringify({ ...OPEN_LIMITS, ...limits }));
    const { defaultDir, modelsDir } = writeQueueTestModels(join(this.root, 'models'));
    this.models = ModelCatalog.scan(defaultDir, modelsDir);
    this.log = capturingLogger(this.logLines);
  }

  /** Opens the stores and a queue on them (again after close(), like a restart), and starts it. */
  async open(options: Partial<Omit<LocalJobQueueOptions, 'runner'>> & { runner?: FakeRunner | FakeRunnerOptions; start?: boolean } = {}): Promise<LocalJobQueue> {
    this.stores = openLocalStores({ dataDir: this.dataDir, limitsFile: this.limitsFile, log: this.log, now: options.now });
    const { runner, start, ...queueOptions } = options;
    this.runner = runner instanceof FakeRunner ? runner : new FakeRunner({ durationMs: 2, steps: 2, images: this.stores.images, ...runner });
    this.queue = new LocalJobQueue({
      jobs: this.stores.jobs,
      settings: this.stores.settings,
      usage: this.stores.usage,
      models: this.models,
      log: this.log,
      ...queueOptions,
      runner: this.runner,
    });
    this.events = [];
    this.queue.onEvent((e) => {
      this.events.push(e);
      this.waiters = this.waiters.filter((w) => (w.match(e) ? (w.resolve(e), false) : true));
    });
    if (start !== false) await this.queue.start();
    return this.queue;
  }

  /** What commands get, on this harness's stores and queue. */
  services(): Services {
    return {
      config: loadConfig({ DATA_DIR: this.dataDir, LIMITS_FILE: this.limitsFile, WEB_PORT: '0' }),
      queue: this.queue,
      jobs: this.stores.jobs,
      images: this.stores.images,
      settings: this.stores.settings,
      usage: this.stores.usage,
      models: this.models,
      moderation: this.moderation,
      log: this.log,
    };
  }

  /** The first event (already seen or still to come) that matches. */
  next(match: (e: JobEvent) => boolean): Promise<JobEvent> {
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  /** Resolves when every given job has a final event. */
  async settled(ids: readonly string[]): Promise<void> {
    await Promise.all(ids.map((id) => this.next((e) => e.jobId === id && (e.type === 'done' || e.type === 'failed' || e.type === 'cancelled'))));
  }

  eventsOf(id: string): JobEvent[] {
    return this.events.filter((e) => e.jobId === id);
  }

  async close(deadlineMs = 5_000): Promise<void> {
    await this.queue.close({ deadlineMs });
    this.stores.close();
  }

  async dispose(): Promise<void> {
    try {
      await this.queue?.close({ deadlineMs: 0 });
      this.stores?.close();
    } catch {
      // already closed
    }
    rmSync(this.root, { recursive: true, force: true });
  }
}

export function invocation(command: string, fields: Partial<Invocation> = {}): Invocation {
  return {
    platform: 'discord',
    serverId: 'S',
    channelId: 'S-chan',
    userId: 'ann',
    userName: 'ann',
    isServerAdmin: false,
    admins: 'members with the Manage Server permission',
    command,
    options: {},
    ...fields,
  };
}
