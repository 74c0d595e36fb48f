/**
 * The single-process queue: admission under one lock, a FairScheduler for the order, p-queue
 * for running up to QUEUE_CONCURRENCY jobs, the job store as the record of every state change.
 */
import PQueue from 'p-queue';
import type { AppConfig } from '../config.js';
import { UserError } from '../core/errors.js';
import { startsIn } from '../core/estimates.js';
import { batchKeyOf, type JobEvent, type JobRecord, type JobSubmission } from '../core/jobs.js';
import type { Ceilings } from '../core/limits.js';
import type { Logger } from '../log/index.js';
import type { JobStore, SettingsStore, UsageLedger } from '../store/types.js';
import { cancelRefusal, checkSubmission, newJobRecord, queueFullRefusal, quotaRefusal, userQueuedRefusal, type ModelLookup } from './admission.js';
import { JobEventHub } from './events.js';
import { FairScheduler, type SchedulerEntry } from './fair-scheduler.js';
import { CLOSING_MESSAGE, MAX_ATTEMPTS, RESTART_FAILURE, failureMessage, timeoutMessage } from './messages.js';
import { runWithTimeout } from './run-with-timeout.js';
import { expectedOf, learnSpeed, StepClock, timeLeft } from './speeds.js';
import type { CancelRequest, CancelResult, JobEstimate, JobQueue, JobRunner, QueueStats, RunContext, RunResult } from './types.js';

export interface LocalJobQueueOptions {
  jobs: JobStore;
  settings: SettingsStore;
  usage: UsageLedger;
  models: ModelLookup;
  /** What the deployer allows whatever a server's limits say (MAX_UPSCALE_PIXELS). */
  ceilings?: Ceilings;
  runner: JobRunner;
  /** QUEUE_CONCURRENCY: jobs running at once. */
  concurrency?: number;
  /** QUEUE_MAX_LENGTH: jobs waiting at most. */
  maxLength?: number;
  /** JOB_TIMEOUT_SECONDS × 1000. */
  timeoutMs?: number;
  log?: Logger;
  /** Test seam for quotas across midnight. */
  now?: () => number;
  /** Queued jobs in the first this-many places get a queued event each time their place changes. */
  positionUpdates?: number;
}

interface Entry extends SchedulerEntry {
  cost: number;
  createdAt: number;
  model: string;
  /** Jobs with the same key may share UNet calls (batchKeyOf). */
  batchKey?: string;
}

type StopReason = 'cancel' | 'timeout' | 'shutdown';

interface Running {
  entry: Entry;
  controller: AbortController;
  /** The job has its final state (or was handed back at shutdown); later results are ignored. */
  settled: boolean;
  /** Set once the job is stored as running. */
  job?: JobRecord;
  /** State writes of this job, one after another. */
  chain: Promise<void>;
  /** Resolves when the runner has returned and the slot is free. */
  done: Promise<void>;
  /** When it started running and how its steps go (for its speed and ETA). */
  clock?: StepClock;
}

/** Jobs ahead of a queued one whose times are summed for its ETA; further back it gets none. */
const ESTIMATE_DEPTH = 100;

export class LocalJobQueue implements JobQueue {
  /** In this process: reachable as long as the process is. */
  readonly available = true;
  private readonly scheduler = new FairScheduler<Entry>();
  private readonly running = new Map<string, Running>();
  /** Worker slots taken: a batch of jobs takes one. */
  private slotsInUse = 0;
  private readonly workers: PQueue;
  /** Submits and cancels one at a time, so no burst overshoots a limit. */
  private readonly lock = new PQueue({ concurrency: 1 });
  private readonly events: JobEventHub;
  private readonly lastPosition = new Map<string, number>();
  private readonly byStatus: Record<string, number> = {};
  private state: 'new' | 'started' | 'closing' | 'closed' = 'new';
  private refreshTimer?: NodeJS.Immediate;
  private readonly concurrency: number;
  private readonly maxLength: number;
  private readonly timeoutMs: number;
  private readonly positionUpdates: number;
  private readonly now: () => number;

  constructor(private readonly o: LocalJobQueueOptions) {
    this.concurrency = o.concurrency ?? 1;
    this.maxLength = o.maxLength ?? 1000;
    this.timeoutMs = o.timeoutMs ?? 600_000;
    this.positionUpdates = o.positionUpdates ?? 50;
    this.now = o.now ?? Date.now;
    this.workers = new PQueue({ concurrency: this.concurrency });
    this.events = new JobEventHub(o.log);
  }

  static fromConfig(config: AppConfig, deps: Omit<LocalJobQueueOptions, 'concurrency' | 'maxLength' | 'timeoutMs' | 'ceilings'>): LocalJobQueue {
    return new LocalJobQueue({
      ...deps,
      concurrency: config.QUEUE_CONCURRENCY,
      maxLength: config.QUEUE_MAX_LENGTH,
      timeoutMs: config.JOB_TIMEOUT_SECONDS * 1000,
      ceilings: { maxUpscalePixels: config.MAX_UPSCALE_PIXELS },
    });
  }

  onEvent(listener: (event: JobEvent) => void): () => void {
    return this.events.on(listener);
  }

  private count(status: string): void {
    this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
  }

  async submit(submission: JobSubmission): Promise<JobRecord> {
    if (this.state === 'closing' || this.state === 'closed') {
      throw new UserError(CLOSING_MESSAGE, 'closing');
    }
    return this.lock.add(() => this.admit(submission));
  }

  private async admit(sub: JobSubmission): Promise<JobRecord> {
    const now = this.now();
    if (this.scheduler.size >= this.maxLength) throw queueFullRefusal(this.scheduler.size);
    const limits = await this.o.settings.get(sub.serverId);
    checkSubmission(sub, limits, this.o.models, this.o.ceilings);
    const waiting = this.scheduler.queuedForUser(sub.serverId, sub.userId);
    if (waiting >= limits.user_max_queued) throw userQueuedRefusal(waiting, limits.user_max_queued);
    const cost = sub.params.count;
    const decision = await this.o.usage.reserve({
      serverId: sub.serverId,
      userId: sub.userId,
      cost,
      now,
      dailyServerImages: limits.daily_server_images,
      dailyUserImages: limits.daily_user_images,
      requestsPerMinute: limits.user_requests_per_minute,
      dailyServerGpuSeconds: limits.daily_server_gpu_seconds,
    });
    if (!decision.ok) throw quotaRefusal(decision, cost, now);

    const job = newJobRecord(sub, now);
    try {
      await this.o.jobs.insert(job);
    } catch (err) {
      await this.o.usage.refund(job.serverId, job.userId, cost, now);
      throw err;
    }
    this.scheduler.setServerCap(job.serverId, limits.server_max_running);
    this.enqueue(job);
    const position = this.scheduler.position(job.id)!;
    this.lastPosition.set(job.id, position);
    this.count('queued');
    this.events.emit({ type: 'queued', jobId: job.id, position });
    this.pump();
    this.schedulePositionRefresh();
    return job;
  }

  private enqueue(job: JobRecord): void {
    const batchKey = batchKeyOf(job);
    this.scheduler.add({
      id: job.id,
      serverId: job.serverId,
      userId: job.userId,
      priority: job.priority,
      cost: job.cost,
      createdAt: job.createdAt,
      model: job.params.model,
      ...(job.weight !== undefined ? { weight: job.weight } : {}),
      ...(batchKey ? { batchKey } : {}),
    });
  }

  async position(jobId: string): Promise<number | undefined> {
    return this.scheduler.position(jobId);
  }

  async stats(): Promise<QueueStats> {
    return { queued: this.scheduler.size, running: this.running.size, byStatus: { ...this.byStatus } };
  }

  async cancel(jobId: string, by: CancelRequest): Promise<CancelResult> {
    return this.lock.add(() => this.cancelNow(jobId, by));
  }

  private async cancelNow(jobId: string, by: CancelRequest): Promise<CancelResult> {
    const job = await this.o.jobs.get(jobId);
    if (!job) return 'not-found';
    const refused = cancelRefusal(job, by);
    if (refused) return refused;

    const entry = this.scheduler.remove(jobId);
    if (entry) {
      this.lastPosition.delete(jobId);
      await this.finishStored(job, 'cancelled');
      this.schedulePositionRefresh();
      return 'cancelled';
    }
    const r = this.running.get(jobId);
    if (r) {
      if (r.settled) return 'finished';
      await this.stop(r, 'cancel');
      return 'cancelled';
    }
    // Stored as waiting but not loaded here yet (before start()).
    await this.finishStored(job, 'cancelled');
    return 'cancelled';
  }

  /** Stores a final state of a job that is not running here, gives back its images, emits. */
  private async finishStored(job: JobRecord, status: 'cancelled' | 'failed', error?: string): Promise<void> {
    await this.o.jobs.update(job.id, { status, finishedAt: this.now(), ...(error ? { error } : {}) });
    await this.o.usage.refund(job.serverId, job.userId, job.cost, job.createdAt);
    this.count(status);
    this.events.emit(status === 'cancelled' ? { type: 'cancelled', jobId: job.id } : { type: 'failed', jobId: job.id, message: error! });
  }

  /**
   * Starts what may start: free worker slots, servers under their cap, in the scheduler's order.
   * A slot takes the job whose turn it is and, while the jobs right behind it in the fair order
   * can share its UNet calls (the same batch key), those too, up to the model's batch limit.
   */
  private pump(): void {
    if (this.state !== 'started') return;
    while (this.slotsInUse < this.concurrency) {
      const entry = this.scheduler.take();
      if (!entry) break;
      const batch = [entry];
      const limit = entry.batchKey && this.o.runner.runBatch ? (this.o.runner.batchLimit?.(entry.model) ?? 1) : 1;
      while (batch.length < limit) {
        const next = this.scheduler.takeIf((e) => e.batchKey === entry.batchKey);
        if (!next) break;
        batch.push(next);
      }
      this.slotsInUse++;
      const runs = batch.map((e): Running => {
        this.lastPosition.delete(e.id);
        const r: Running = { entry: e, controller: new AbortController(), settled: false, chain: Promise.resolve(), done: Promise.resolve() };
        this.running.set(e.id, r);
        return r;
      });
      const done = this.workers
        .add(() => (runs.length === 1 ? this.execute(runs[0]!) : this.executeBatch(runs)))
        .catch((err: unknown) => {
          this.o.log?.error({ err, jobIds: batch.map((e) => e.id) }, 'job execution failed outside the runner');
        })
        .finally(() => {
          this.slotsInUse--;
          this.pump();
        });
      for (const r of runs) r.done = done;
    }
  }

  /** Runs one state write of a running job after the ones before it. */
  private transition(r: Running, write: () => Promise<void>): Promise<void> {
    r.chain = r.chain.then(write).catch((err: unknown) => {
      this.o.log?.error({ err, jobId: r.entry.id }, 'could not store a job state change');
    });
    return r.chain;
  }

  /** Stores a taken job as running and emits it; false when it was settled meanwhile (cancelled, shutdown). */
  private async begin(r: Running): Promise<boolean> {
    const id = r.entry.id;
    await this.transition(r, async () => {
      if (r.settled) return;
      const job = await this.o.jobs.get(id);
      if (!job) throw new Error(`job ${id} is missing from the store`);
      const patch = { status: 'running' as const, startedAt: this.now(), attempts: job.attempts + 1 };
      await this.o.jobs.update(id, patch);
      r.job = { ...job, ...patch };
      r.clock = new StepClock(patch.startedAt);
      this.count('running');
      this.events.emit({ type: 'started', jobId: id });
    });
    return !r.settled && r.job !== undefined;
  }

  /** What the runner reports to: the job's progress events and its signal. */
  private contextOf(r: Running): RunContext {
    return {
      signal: r.controller.signal,
      onProgress: (step, total, preview) => {
        if (r.settled) return;
        r.clock!.step(step, total, this.now());
        this.events.emit({ type: 'progress', jobId: r.entry.id, step, total, ...(preview ? { preview } : {}) });
      },
    };
  }

  /** A batch: each job begins, times out and ends as if alone; the runner shares their UNet calls. */
  private async executeBatch(runs: Running[]): Promise<void> {
    try {
      const started: Running[] = [];
      for (const r of runs) if (await this.begin(r)) started.push(r);
      if (started.length === 0) return;
      const timers = started.map((r) => setTimeout(() => void this.stop(r, 'timeout'), this.timeoutMs));
      let results: RunResult[];
      try {
        results = await this.o.runner.runBatch!(started.map((r) => ({ job: r.job!, ctx: this.contextOf(r) })));
      } catch (err) {
        results = started.map(() => ({ ok: false, err }));
      } finally {
        for (const t of timers) clearTimeout(t);
      }
      await Promise.all(started.map((r, i) => this.settle(r, results[i] ?? { ok: false, err: new Error('the batch returned no result') })));
    } finally {
      for (const r of runs) await this.end(r);
    }
  }

  private async execute(r: Running): Promise<void> {
    try {
      if (!(await this.begin(r))) return;
      const result = await runWithTimeout(this.o.runner, r.job!, this.contextOf(r), this.timeoutMs, () => void this.stop(r, 'timeout'));
      await this.settle(r, result);
    } finally {
      await this.end(r);
    }
  }

  /** Stores how a run ended (unless the job was settled meanwhile) and emits it. */
  private async settle(r: Running, result: RunResult): Promise<void> {
    const id = r.entry.id;
    const job = r.job;
    if (!r.settled && job) {
      r.settled = true;
      if (result.ok) {
        const { output } = result;
        await this.transition(r, async () => {
          const finishedAt = this.now();
          await this.o.jobs.update(id, { status: 'done', finishedAt, output });
          await this.o.usage.addGpuTime(job.serverId, output.workerMs ?? output.generationMs ?? 0, finishedAt);
          // Learnt before anyone hears it is done, so the next ETA already counts it.
          await learnSpeed(this.o.jobs, job, r.clock!, finishedAt, this.o.log);
          this.count('done');
          this.events.emit({ type: 'done', jobId: id });
        });
      } else {
        const message = failureMessage(result.err, job, this.o.log);
        await this.transition(r, () => this.finishStored(job, 'failed', message));
      }
    }
    await r.chain;
  }

  /** The job's slot in the order is free again. */
  private async end(r: Running): Promise<void> {
    await r.chain;
    this.running.delete(r.entry.id);
    this.scheduler.finish(r.entry.id);
    await this.refreshServerCap(r.entry.serverId);
    this.pump();
    this.schedulePositionRefresh();
  }

  private leftOf(r: Running): Promise<number | undefined> {
    return r.job && r.clock ? timeLeft(this.o.jobs, r.job, r.clock, this.now()) : Promise.resolve(undefined);
  }

  async estimate(jobId: string): Promise<JobEstimate> {
    const running = this.running.get(jobId);
    if (running) return { leftMs: await this.leftOf(running) };
    const position = this.scheduler.position(jobId);
    if (position === undefined || position > ESTIMATE_DEPTH) return {};
    const ahead = await Promise.all(this.scheduler.peek(position - 1).map(async (e) => expectedOf(this.o.jobs, await this.o.jobs.get(e.id))));
    const left = await Promise.all([...this.running.values()].map((r) => this.leftOf(r)));
    return { startsInMs: startsIn(left, ahead, this.concurrency) };
  }

  /** Picks up a server_max_running an admin changed since the server's last submit. */
  private async refreshServerCap(serverId: string): Promise<void> {
    if (this.state !== 'started' || this.scheduler.queuedForServer(serverId) === 0) return;
    try {
      this.scheduler.setServerCap(serverId, (await this.o.settings.get(serverId)).server_max_running);
    } catch (err) {
      this.o.log?.warn({ err, serverId }, 'could not read the server limits');
    }
  }

  /** Ends a running job now (its runner stops at its next step); the slot frees when it returns. */
  private stop(r: Running, reason: StopReason): Promise<void> {
    if (r.settled) return r.chain;
    r.settled = true;
    r.controller.abort(new Error(`job ${reason}`));
    return this.transition(r, async () => {
      const job = r.job;
      if (reason === 'shutdown') {
        // Handed back for the next start; the interrupted run does not count as an attempt.
        if (job) await this.o.jobs.update(job.id, { status: 'queued', startedAt: undefined, attempts: job.attempts - 1 });
        return;
      }
      const stored = job ?? (await this.o.jobs.get(r.entry.id));
      if (!stored) return;
      if (reason === 'cancel') await this.finishStored(stored, 'cancelled');
      else await this.finishStored(stored, 'failed', timeoutMessage(this.timeoutMs));
    });
  }

  /** Coalesces position updates: once per turn of the event loop, for the first places only. */
  private schedulePositionRefresh(): void {
    if (this.refreshTimer || this.state === 'closed') return;
    this.refreshTimer = setImmediate(() => {
      this.refreshTimer = undefined;
      this.scheduler.peek(this.positionUpdates).forEach((e, i) => {
        if (this.lastPosition.get(e.id) === i + 1) return;
        this.lastPosition.set(e.id, i + 1);
        this.events.emit({ type: 'queued', jobId: e.id, position: i + 1 });
      });
    });
  }

  async start(): Promise<void> {
    if (this.state !== 'new') return;
    await this.lock.add(async () => {
      const stored = await this.o.jobs.listByStatus(['queued', 'running']);
      const restored: JobRecord[] = [];
      for (const job of stored) {
        if (this.scheduler.has(job.id)) continue;
        if (job.status === 'running') {
          if (job.attempts >= MAX_ATTEMPTS) {
            await this.finishStored(job, 'failed', RESTART_FAILURE);
            continue;
          }
          await this.o.jobs.update(job.id, { status: 'queued', startedAt: undefined });
        }
        const limits = await this.o.settings.get(job.serverId);
        this.scheduler.setServerCap(job.serverId, limits.server_max_running);
        this.enqueue(job);
        restored.push(job);
      }
      if (restored.length) this.o.log?.info({ jobs: restored.length }, 're-queued stored jobs');
      // One pass over the whole order gives every restored job its place.
      this.scheduler.peek(this.scheduler.size).forEach((e, i) => {
        this.lastPosition.set(e.id, i + 1);
        this.count('queued');
        this.events.emit({ type: 'queued', jobId: e.id, position: i + 1 });
      });
      this.state = 'started';
      this.pump();
    });
  }

  async close(options: { deadlineMs?: number } = {}): Promise<void> {
    if (this.state === 'closing' || this.state === 'closed') return;
    this.state = 'closing';
    const deadlineMs = options.deadlineMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...this.running.values()].map((r) => r.done)),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, deadlineMs))),
    ]);
    clearTimeout(timer);
    await Promise.all([...this.running.values()].map((r) => this.stop(r, 'shutdown')));
    await this.lock.onIdle();
    if (this.refreshTimer) clearImmediate(this.refreshTimer);
    this.refreshTimer = undefined;
    this.state = 'closed';
  }
}
