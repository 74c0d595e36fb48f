/**
 * The job loop of a worker process (`npm run worker`): a BullMQ Worker takes jobs from the shared
 * queue and runs them on a JobRunner, QUEUE_CONCURRENCY runs at a time; a run also takes the jobs
 * next in the fair order that can share UNet calls with its first, as the local queue does. Every
 * state change is a Lua script that only the run owning the job can make, so a job picked up again
 * after its worker died (BullMQ's stalled-job recovery) ends exactly once. Cancel and timeout
 * reach the run wherever it is; a worker that stops hands its unfinished runs back to the queue.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { WaitingError, Worker, type Job } from 'bullmq';
import { batchKeyOf, type JobEvent, type JobRecord } from '../../core/jobs.js';
import type { Logger } from '../../log/index.js';
import { MAX_ATTEMPTS, RESTART_FAILURE, failureMessage, timeoutMessage } from '../messages.js';
import { runWithTimeout } from '../run-with-timeout.js';
import type { JobStore } from '../../store/types.js';
import { learnSpeed, StepClock } from '../speeds.js';
import type { JobRunner, RunContext, RunResult } from '../types.js';
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

/** A job taken here from BullMQ: its lock, its run, and how it ended. */
interface Taken {
  id: string;
  bull: Job<BullJobData>;
  /** BullMQ's lock token for the job. */
  bullToken?: string;
  serverId: string;
  /** Names this run in the job hash: only it may end the job. */
  runToken: string;
  controller: AbortController;
  stop?: StopReason;
  /** Set once the start script let it run. */
  record?: JobRecord;
  clock?: StepClock;
  /** Back to BullMQ's waiting jobs, in its place (shutdown, or taken by a race it did not fit). */
  handedBack?: boolean;
  /** Whether its end here frees the server's slot: not when handed back or when another run owns it. */
  settle: boolean;
  /** Renews a batch follower's lock; BullMQ renews the lock of the job it handed to process(). */
  renew?: NodeJS.Timeout;
}

export class RedisJobConsumer {
  private worker?: Worker<BullJobData>;
  private readonly runs = new Map<string, Taken>();
  private readonly name: string;
  private readonly timeoutMs: number;
  private readonly lockDurationMs: number;
  private readonly backend: RedisBackend;
  private closing?: Promise<void>;

  constructor(private readonly o: RedisJobConsumerOptions) {
    this.backend = o.backend;
    this.name = o.name ?? `${hostname()}-${process.pid}`;
    this.timeoutMs = o.timeoutMs ?? 600_000;
    this.lockDurationMs = o.lockDurationMs ?? 30_000;
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
      // Runs at once; a run may be a batch of several jobs.
      concurrency: this.o.concurrency ?? 1,
      lockDuration: this.lockDurationMs,
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

  private stop(run: Taken, reason: StopReason): void {
    run.stop = reason;
    run.controller.abort(new Error(`job ${reason}`));
  }

  /**
   * One run: the job BullMQ handed over and, while the jobs next in BullMQ's order (the fair
   * order) can share its UNet calls, those too, up to the model's batch limit. Each job starts,
   * times out, is cancelled and ends as if alone.
   */
  private async process(job: Job<BullJobData>, token?: string): Promise<void> {
    const head = this.take(job, token);
    if (!head) return;
    const followers: Taken[] = [];
    try {
      if (!(await this.begin(head))) return;
      // A batch that cannot grow (Redis answered with an error) runs with what it has.
      await this.gather(head, followers).catch((err: unknown) => this.o.log?.warn({ err, jobId: head.id }, 'could not take more jobs into a batch'));
      const batch = [head, ...followers.filter((f) => f.record && !f.handedBack)];
      const results = await this.execute(batch);
      await Promise.all(batch.map((t, i) => this.conclude(t, results[i] ?? { ok: false, err: new Error('the batch returned no result') })));
      if (head.handedBack) {
        await job.moveToWait(token);
        this.o.onRun?.({ type: 'end', jobId: head.id, attempt: head.record!.attempts, outcome: 'handed-back' });
        throw new WaitingError();
      }
    } finally {
      // One after another, in their order, so their servers' next jobs are released in that order.
      for (const f of followers) await this.release(f);
      await this.end(head);
    }
  }

  /** Registers a job taken from BullMQ (before its start script, so a cancel landing right after it still reaches the run). */
  private take(job: Job<BullJobData>, bullToken: string | undefined): Taken | undefined {
    const id = jobIdOf(job.id);
    if (!id) return undefined;
    const t: Taken = { id, bull: job, bullToken, serverId: job.data.serverId, runToken: `${this.name}:${randomUUID()}`, controller: new AbortController(), settle: true };
    this.runs.set(id, t);
    return t;
  }

  /** The start script: true when the job is this run's to do, with its record and clock. */
  private async begin(t: Taken): Promise<boolean> {
    const b = this.backend;
    const started = await b.scripts.run<string[]>('imagineStart', b.eventsKey, MAX_EVENTS, b.now(), t.id, t.runToken, MAX_ATTEMPTS, RESTART_FAILURE);
    if (started[0] !== 'run') return false;
    if (started[1] === '1' || Number(started[1]) === 1) void b.fixPriorities().catch((err: unknown) => this.o.log?.warn({ err }, 'could not apply new priorities'));
    t.record = decodeJob(t.id, started.slice(2))!;
    t.clock = new StepClock(b.now());
    this.o.onRun?.({ type: 'start', jobId: t.id, attempt: t.record.attempts });
    if (t.stop) t.controller.abort();
    return true;
  }

  /**
   * Takes the jobs next in line while they share the head's batch key, never one further back:
   * BullMQ hands out its waiting jobs in the fair order, so a look at the next one says whether
   * it fits. Another worker may take that one first; what comes instead is kept if it fits and
   * handed back in its place if not, which ends the batch.
   */
  private async gather(head: Taken, followers: Taken[]): Promise<void> {
    const key = batchKeyOf(head.record!);
    const runner = this.o.runner;
    const limit = key && runner.runBatch ? (runner.batchLimit?.(head.record!.params.model) ?? 1) : 1;
    while (1 + followers.length < limit && !head.stop && !this.closing) {
      const next = await this.backend.nextInLine();
      if (!next || (await this.batchKeyOfStored(next)) !== key) return;
      const bullToken = `${this.name}:${randomUUID()}`;
      const job = await this.worker!.getNextJob(bullToken, { block: false });
      if (!job) return;
      const f = this.take(job, bullToken);
      if (!f) {
        await job.moveToCompleted(undefined, bullToken, false).catch((err: unknown) => this.o.log?.warn({ err }, 'could not complete a foreign job'));
        return;
      }
      f.renew = setInterval(() => void job.extendLock(bullToken, this.lockDurationMs).catch((err: unknown) => this.o.log?.debug({ err, jobId: f.id }, 'could not renew a lock')), this.lockDurationMs / 2);
      followers.push(f);
      if (f.id !== next && (await this.batchKeyOfStored(f.id)) !== key) {
        f.handedBack = true;
        f.settle = false;
        return;
      }
      try {
        await this.begin(f);
      } catch (err) {
        // Whether it started is unknown: back to BullMQ, whose next taker finds out and runs it.
        f.handedBack = true;
        f.settle = false;
        throw err;
      }
    }
  }

  /** The batch key of a stored job (undefined when it cannot share UNet calls or is gone). */
  private async batchKeyOfStored(id: string): Promise<string | undefined> {
    const record = decodeJob(id, await this.backend.redis.hgetall(this.backend.scripts.key('job', id)));
    return record ? batchKeyOf(record) : undefined;
  }

  /** What the runner reports to: the job's progress (published for every gateway) and its signal. */
  private contextOf(t: Taken): RunContext {
    const b = this.backend;
    return {
      signal: t.controller.signal,
      onProgress: (step, total, preview) => {
        if (t.stop) return;
        t.clock!.step(step, total, b.now());
        void b.scripts
          .run('imagineProgress', b.eventsKey, MAX_EVENTS, t.id, t.runToken, step, total, preview ?? '')
          .catch((err: unknown) => this.o.log?.debug({ err, jobId: t.id }, 'could not publish progress'));
      },
    };
  }

  /** Runs the jobs (alone, or sharing UNet calls), each with its own time limit; never throws. */
  private async execute(batch: Taken[]): Promise<RunResult[]> {
    if (batch.length === 1) {
      const t = batch[0]!;
      return [await runWithTimeout(this.o.runner, t.record!, this.contextOf(t), this.timeoutMs, () => this.stop(t, 'timeout'))];
    }
    const timers = batch.map((t) => setTimeout(() => this.stop(t, 'timeout'), this.timeoutMs));
    try {
      return await this.o.runner.runBatch!(batch.map((t) => ({ job: t.record!, ctx: this.contextOf(t) })));
    } catch (err) {
      return batch.map(() => ({ ok: false, err }));
    } finally {
      for (const timer of timers) clearTimeout(timer);
    }
  }

  /** Ends a job that ran as the run says: done, failed, or handed back at shutdown. */
  private async conclude(t: Taken, result: RunResult): Promise<void> {
    const b = this.backend;
    const record = t.record!;
    if (t.stop === 'shutdown') {
      // Back to the queue in its old place; the slot stays taken by the job, which is still in BullMQ.
      t.settle = false;
      t.handedBack = true;
      await b.scripts.run('imagineHandBack', b.eventsKey, MAX_EVENTS, t.id, t.runToken);
      return;
    }
    let status: 'done' | 'failed' = 'done';
    let field = 'output';
    let value = '';
    let message = '';
    if (t.stop === 'ended-elsewhere') {
      field = '';
    } else if (t.stop === 'timeout') {
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
    if (status === 'done' && field && this.o.jobs) await learnSpeed(this.o.jobs, record, t.clock!, b.now(), this.o.log);
    // The worker time it took counts against its server's daily_server_gpu_seconds, also before anyone hears it is done.
    if (status === 'done' && field && result.ok) {
      const ms = result.output.workerMs ?? result.output.generationMs ?? 0;
      if (ms > 0) await b.scripts.run('imagineAddGpuTime', record.serverId, ms, b.now());
    }
    const finished = field ? await b.scripts.run<number>('imagineFinish', b.eventsKey, MAX_EVENTS, b.now(), t.id, t.runToken, status, field, value, message) : 0;
    if (!finished) {
      // Not ours to end: it was cancelled (then its BullMQ job ends here too), or, after a false
      // stall, another worker runs it now (then that run frees the slot).
      const owner = await b.redis.hget(b.scripts.key('job', t.id), '_run');
      if (owner !== null && owner !== t.runToken) t.settle = false;
    }
    this.o.onRun?.({ type: 'end', jobId: t.id, attempt: record.attempts, outcome: finished ? status : 'ended-elsewhere' });
  }

  /** A batch follower's BullMQ job ends (or goes back to waiting) here; BullMQ ends the head's when process() returns. */
  private async release(f: Taken): Promise<void> {
    try {
      clearInterval(f.renew);
      if (f.handedBack) {
        await f.bull.moveToWait(f.bullToken);
        if (f.record) this.o.onRun?.({ type: 'end', jobId: f.id, attempt: f.record.attempts, outcome: 'handed-back' });
      } else {
        await f.bull.moveToCompleted(undefined, f.bullToken!, false);
      }
    } catch (err) {
      // A lost lock: BullMQ's stalled check gives the job to a worker again, which sees how it ended.
      this.o.log?.warn({ err, jobId: f.id }, 'could not release a batched job in BullMQ');
    } finally {
      await this.end(f);
    }
  }

  /** The job is no longer this worker's: forgets it and frees its server's slot unless it is still taken. */
  private async end(t: Taken): Promise<void> {
    this.runs.delete(t.id);
    if (t.settle) {
      await this.backend.settle(t.id, t.serverId).catch((err: unknown) => this.o.log?.error({ err, jobId: t.id }, 'could not free the server slot'));
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
