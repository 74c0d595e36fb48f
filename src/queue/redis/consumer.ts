/**
 * The job loop of a worker process (`npm run worker`): a BullMQ Worker takes jobs from the shared queue and runs them
 * on a JobRunner, QUEUE_CONCURRENCY at a time. Every state change is a Lua script that only the run
 * owning the job can make, so a job picked up again after its worker died (BullMQ's stalled-job
 * recovery) ends exactly once. Cancel and timeout reach the run wherever it is; a worker that
 * stops hands its unfinished runs back to the queue.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { WaitingError, Worker, type Job } from 'bullmq';
import type { JobEvent } from '../../core/jobs.js';
import type { Logger } from '../../log/index.js';
import { MAX_ATTEMPTS, RESTART_FAILURE, failureMessage, timeoutMessage } from '../messages.js';
import { runWithTimeout } from '../run-with-timeout.js';
import type { JobStore } from '../../store/types.js';
import { learnSpeed, StepClock } from '../speeds.js';
import type { JobRunner, RunContext } from '../types.js';
import { MAX_EVENTS, QUEUE_NAME, jobIdOf, type BullJobData, type RedisBackend } from './backend.js';
import { decodeJob } from './stores.js';

export interface RedisJobConsumerOptions {
  backend: RedisBackend;
  runner: JobRunner;
  /** QUEUE_CONCURRENCY: jobs this process runs at once. */
  concurrency?: number;
  /** JOB_TIMEOUT_SECONDS × 1000. */
  timeoutMs?: number;
  /** How long a worker's claim on a job lasts without renewal (BullMQ lockDuration, default 30 s). */
  lockDurationMs?: number;
  /** How often BullMQ looks for jobs whose worker died (default 30 s). */
  stalledIntervalMs?: number;
  /** Names the worker in logs and in BullMQ (INSTANCE_ID). */
  name?: string;
  /** Where finished jobs' timings go (speed records for ETAs); none learnt without it. */
  jobs?: JobStore;
  log?: Logger;
  /** Called when a run starts and ends here (tests, metrics). */
  onRun?: (event: { type: 'start' | 'end'; jobId: string; attempt: number; outcome?: string }) => void;
}

type StopReason = 'ended-elsewhere' | 'timeout' | 'shutdown';

interface Run {
  controller: AbortController;
  stop?: StopReason;
}

export class RedisJobConsumer {
  private worker?: Worker<BullJobData>;
  private readonly runs = new Map<string, Run>();
  private readonly name: string;
  private readonly timeoutMs: number;
  private readonly backend: RedisBackend;
  private closing?: Promise<void>;

  constructor(private readonly o: RedisJobConsumerOptions) {
    this.backend = o.backend;
    this.name = o.name ?? `${hostname()}-${process.pid}`;
    this.timeoutMs = o.timeoutMs ?? 600_000;
  }

  /** Jobs running here now. */
  get running(): number {
    return this.runs.size;
  }

  /** Follows the event stream (for cancels), then starts taking jobs. */
  async start(): Promise<void> {
    if (this.worker) return;
    await this.backend.openEvents({
      onJobEvent: (event) => this.onJobEvent(event),
      onBullFailed: (jobId) => void this.backend.failLost(jobId).catch((err: unknown) => this.o.log?.warn({ err, jobId }, 'could not end a lost job')),
    });
    this.worker = new Worker<BullJobData>(QUEUE_NAME, (job, token) => this.process(job, token), {
      connection: this.backend.redis,
      prefix: this.backend.prefix,
      name: this.name,
      concurrency: this.o.concurrency ?? 1,
      lockDuration: this.o.lockDurationMs ?? 30_000,
      stalledInterval: this.o.stalledIntervalMs ?? 30_000,
      // One recovery after a dead worker; a job that kills its worker twice fails with a message.
      maxStalledCount: 1,
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 1000 },
    });
    this.worker.on('error', (err) => this.o.log?.warn({ err }, 'BullMQ worker error'));
    await this.worker.waitUntilReady();
    this.backend.startUpkeep();
  }

  /** A job ended somewhere else (cancelled, or failed by upkeep) while it runs here: stop it. */
  private onJobEvent(event: JobEvent): void {
    if (event.type !== 'cancelled' && event.type !== 'failed' && event.type !== 'done') return;
    const run = this.runs.get(event.jobId);
    if (run && !run.stop) this.stop(run, 'ended-elsewhere');
  }

  private stop(run: Run, reason: StopReason): void {
    run.stop = reason;
    run.controller.abort(new Error(`job ${reason}`));
  }

  private async process(job: Job<BullJobData>, token?: string): Promise<void> {
    const id = jobIdOf(job.id);
    if (!id) return;
    const serverId = job.data.serverId;
    const runToken = `${this.name}:${randomUUID()}`;
    const run: Run = { controller: new AbortController() };
    // Registered before the start script, so a cancel landing right after it still reaches the run.
    this.runs.set(id, run);
    let settle = true;
    const b = this.backend;
    try {
      const started = await b.scripts.run<string[]>('imagineStart', b.eventsKey, MAX_EVENTS, b.now(), id, runToken, MAX_ATTEMPTS, RESTART_FAILURE);
      if (started[0] !== 'run') return;
      if (started[1] === '1' || Number(started[1]) === 1) void b.fixPriorities().catch((err: unknown) => this.o.log?.warn({ err }, 'could not apply new priorities'));
      const record = decodeJob(id, started.slice(2))!;
      this.o.onRun?.({ type: 'start', jobId: id, attempt: record.attempts });
      if (run.stop) run.controller.abort();
      const clock = new StepClock(b.now());

      const ctx: RunContext = {
        signal: run.controller.signal,
        onProgress: (step, total, preview) => {
          if (run.stop) return;
          clock.step(step, total, b.now());
          void b.scripts
            .run('imagineProgress', b.eventsKey, MAX_EVENTS, id, runToken, step, total, preview ?? '')
            .catch((err: unknown) => this.o.log?.debug({ err, jobId: id }, 'could not publish progress'));
        },
      };
      const result = await runWithTimeout(this.o.runner, record, ctx, this.timeoutMs, () => this.stop(run, 'timeout'));

      if (run.stop === 'shutdown') {
        // Back to the queue in its old place; the slot stays taken by the job, which is still in BullMQ.
        settle = false;
        await b.scripts.run('imagineHandBack', b.eventsKey, MAX_EVENTS, id, runToken);
        await job.moveToWait(token);
        this.o.onRun?.({ type: 'end', jobId: id, attempt: record.attempts, outcome: 'handed-back' });
        throw new WaitingError();
      }
      let status: 'done' | 'failed' = 'done';
      let field = 'output';
      let value = '';
      let message = '';
      if (run.stop === 'ended-elsewhere') {
        field = '';
      } else if (run.stop === 'timeout') {
        status = 'failed';
        message = timeoutMessage(this.timeoutMs);
      } else if (result.ok) {
        value = JSON.stringify(result.output);
      } else {
        status = 'failed';
        message = failureMessage(result.err, record, this.o.log);
      }
      if (status === 'failed') {
        field = 'error';
        value = JSON.stringify(message);
      }
      // Learnt before anyone hears it is done, so the next ETA already counts it.
      if (status === 'done' && field && this.o.jobs) await learnSpeed(this.o.jobs, record, clock, b.now(), this.o.log);
      // The worker time it took counts against its server's daily_server_gpu_seconds, also before anyone hears it is done.
      if (status === 'done' && field && result.ok) {
        const ms = result.output.workerMs ?? result.output.generationMs ?? 0;
        if (ms > 0) await b.scripts.run('imagineAddGpuTime', record.serverId, ms, b.now());
      }
      const finished = field
        ? await b.scripts.run<number>('imagineFinish', b.eventsKey, MAX_EVENTS, b.now(), id, runToken, status, field, value, message)
        : 0;
      if (!finished) {
        // Not ours to end: it was cancelled (then its BullMQ job ends here too), or, after a false
        // stall, another worker runs it now (then that run frees the slot).
        const owner = await b.redis.hget(b.scripts.key('job', id), '_run');
        if (owner !== null && owner !== runToken) settle = false;
      }
      this.o.onRun?.({ type: 'end', jobId: id, attempt: record.attempts, outcome: finished ? status : 'ended-elsewhere' });
    } finally {
      this.runs.delete(id);
      if (settle) {
        await b.settle(id, serverId).catch((err: unknown) => this.o.log?.error({ err, jobId: id }, 'could not free the server slot'));
      }
    }
  }

  /**
   * Stops taking jobs; lets running ones finish until the deadline, then hands the rest back to
   * the queue (another worker, or this one after a restart, runs them again).
   */
  close(options: { deadlineMs?: number } = {}): Promise<void> {
    this.closing ??= (async () => {
      if (!this.worker) return;
      const closed = this.worker.close();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, options.deadlineMs ?? 30_000)))]);
      clearTimeout(timer);
      for (const run of this.runs.values()) if (!run.stop) this.stop(run, 'shutdown');
      await closed;
    })();
    return this.closing;
  }
}
