/**
 * The JobQueue of a gateway process when jobs run in worker processes (QUEUE_BACKEND=redis).
 * Admission is one Lua script (same rules and messages as LocalJobQueue); a server's waiting jobs
 * are handed to the shared BullMQ queue in fair order as its running slots free up; every job
 * event comes back through BullMQ's event stream, so every gateway sees every job and followJobs
 * keeps the ones whose delivery names this gateway.
 */
import type { QueueEvents } from 'bullmq';
import type { AppConfig } from '../../config.js';
import { QUEUE_UNAVAILABLE, UserError } from '../../core/errors.js';
import { isFinalEvent, type JobEvent, type JobRecord, type JobSubmission } from '../../core/jobs.js';
import type { Ceilings } from '../../core/limits.js';
import type { Logger } from '../../log/index.js';
import { cancelRefusal, checkSubmission, newJobRecord, queueFullRefusal, quotaRefusal, userQueuedRefusal, type ModelLookup } from '../admission.js';
import { JobEventHub } from '../events.js';
import { CLOSING_MESSAGE } from '../messages.js';
import { startsIn } from '../../core/estimates.js';
import { expectedOf } from '../speeds.js';
import type { CancelRequest, CancelResult, JobEstimate, JobQueue, QueueStats } from '../types.js';
import type { JobStore, SettingsStore } from '../../store/types.js';
import { BoundedMap } from '../../util/bounded-map.js';
import { MAX_EVENTS, bullIdOf, type RedisBackend } from './backend.js';
import { decisionOf, encodeJobFields } from './stores.js';

export interface RedisJobQueueOptions {
  backend: RedisBackend;
  jobs: JobStore;
  settings: SettingsStore;
  models: ModelLookup;
  /** What the deployer allows whatever a server's limits say (MAX_UPSCALE_PIXELS). */
  ceilings?: Ceilings;
  /** INSTANCE_ID: this gateway's jobs are the ones whose delivery names it. */
  instanceId: string;
  /** QUEUE_MAX_LENGTH: jobs waiting at most, over all gateways. */
  maxLength?: number;
  log?: Logger;
  now?: () => number;
  /** This gateway's first this-many waiting jobs get a queued event each time their place changes. */
  positionUpdates?: number;
  /** How long position refreshes are coalesced (default 250 ms). */
  positionRefreshMs?: number;
  /** A submit that has not finished by then is answered QUEUE_UNAVAILABLE (default SUBMIT_TIMEOUT_MS). */
  submitTimeoutMs?: number;
}

/** Inside the platforms' windows: Discord and Slack are acknowledged first, the answer follows. */
export const SUBMIT_TIMEOUT_MS = 5000;

export class RedisJobQueue implements JobQueue {
  private readonly events: JobEventHub;
  private readonly byStatus: Record<string, number> = {};
  /** Waiting jobs this gateway submitted or owns → the last place it announced. */
  private readonly watched = new Map<string, number>();
  /** Jobs whose final event was handled here (bounded), so a repeat is dropped. */
  private readonly ended = new BoundedMap<string, true>(20_000);
  private state: 'new' | 'started' | 'closing' | 'closed' = 'new';
  private stream?: QueueEvents;
  private refreshTimer?: NodeJS.Timeout;
  private refreshing?: Promise<void>;
  private readonly maxLength: number;
  private readonly now: () => number;
  private readonly backend: RedisBackend;

  constructor(private readonly o: RedisJobQueueOptions) {
    this.backend = o.backend;
    this.maxLength = o.maxLength ?? 1000;
    this.now = o.now ?? Date.now;
    this.events = new JobEventHub(o.log);
  }

  static fromConfig(config: AppConfig, deps: Omit<RedisJobQueueOptions, 'instanceId' | 'maxLength' | 'ceilings'>): RedisJobQueue {
    return new RedisJobQueue({ ...deps, instanceId: config.INSTANCE_ID, maxLength: config.QUEUE_MAX_LENGTH, ceilings: { maxUpscalePixels: config.MAX_UPSCALE_PIXELS } });
  }

  onEvent(listener: (event: JobEvent) => void): () => void {
    return this.events.on(listener);
  }

  /** An event from the stream (or found at start): counted, deduplicated, passed on in order. */
  private receive(event: JobEvent): void {
    if (this.ended.has(event.jobId)) return;
    if (isFinalEvent(event)) {
      this.ended.set(event.jobId, true);
      void this.backend.redis.srem(this.backend.scripts.key('gw', this.o.instanceId), event.jobId).catch(() => undefined);
    }
    if (event.type === 'queued') {
      if (this.watched.has(event.jobId)) this.watched.set(event.jobId, event.position);
    } else {
      this.watched.delete(event.jobId);
    }
    if (event.type !== 'progress') {
      const status = event.type === 'started' ? 'running' : event.type;
      this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
    }
    this.events.emit(event);
    if (event.type !== 'progress') this.schedulePositionRefresh();
  }

  get available(): boolean {
    return this.backend.redis.status === 'ready';
  }

  /**
   * Admits and stores a job in one script. While Redis cannot be reached the answer comes at once
   * (the connection does not queue commands offline), and a call that hangs is given up after
   * SUBMIT_TIMEOUT_MS: either way the user reads QUEUE_UNAVAILABLE within the platform's window.
   */
  async submit(sub: JobSubmission): Promise<JobRecord> {
    if (this.state === 'closing' || this.state === 'closed') {
      throw new UserError(CLOSING_MESSAGE, 'closing');
    }
    if (!this.available) throw new UserError(QUEUE_UNAVAILABLE, 'queue-unavailable');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new UserError(QUEUE_UNAVAILABLE, 'queue-unavailable')), this.o.submitTimeoutMs ?? SUBMIT_TIMEOUT_MS);
    });
    try {
      return await Promise.race([this.admit(sub), timeout]);
    } catch (err) {
      if (err instanceof UserError || this.available) throw err;
      this.o.log?.warn({ err: { message: (err as Error).message } }, 'a submit failed while Redis is unreachable');
      throw new UserError(QUEUE_UNAVAILABLE, 'queue-unavailable');
    } finally {
      clearTimeout(timer);
    }
  }

  private async admit(sub: JobSubmission): Promise<JobRecord> {
    const now = this.now();
    const limits = await this.o.settings.get(sub.serverId);
    checkSubmission(sub, limits, this.o.models, this.o.ceilings);
    const job = newJobRecord(sub, now);
    const cost = job.cost;
    const result = await this.backend.scripts.run<(string | number)[]>(
      'imagineSubmit',
      this.backend.eventsKey,
      MAX_EVENTS,
      now,
      job.id,
      job.serverId,
      job.userId,
      cost,
      this.maxLength,
      limits.user_max_queued,
      limits.server_max_running,
      limits.daily_server_images,
      limits.daily_user_images,
      limits.user_requests_per_minute,
      limits.daily_server_gpu_seconds,
      sub.delivery?.gateway ?? '',
      ...encodeJobFields(job),
    );
    switch (result[0]) {
      case 'queue-full':
        throw queueFullRefusal(Number(result[1]));
      case 'user-queued':
        throw userQueuedRefusal(Number(result[1]), limits.user_max_queued);
      case 'quota': {
        const decision = decisionOf(result.slice(1));
        if (!decision.ok) throw quotaRefusal(decision, cost, now);
        throw new Error('the admission script refused without a reason');
      }
    }
    this.watched.set(job.id, Number(result[1]));
    await this.backend.addReleased(result.slice(2), job.serverId);
    return job;
  }

  async position(jobId: string): Promise<number | undefined> {
    const [place] = await this.backend.scripts.run<number[]>('imaginePositions', jobId);
    return place ? Number(place) : undefined;
  }

  /**
   * A running job's time left from its expected time; a queued one's start from its place, taking
   * the jobs ahead to be like it (the fair order is counted in Redis, not listed) and the workers
   * busy now as the slots.
   */
  async estimate(jobId: string): Promise<JobEstimate> {
    const job = await this.o.jobs.get(jobId);
    if (!job) return {};
    const expected = await expectedOf(this.o.jobs, job);
    if (job.status === 'running') return { leftMs: expected === undefined || !job.startedAt ? undefined : Math.max(0, expected - (this.now() - job.startedAt)) };
    if (job.status !== 'queued') return {};
    const [place, { running }] = await Promise.all([this.position(jobId), this.stats()]);
    if (place === undefined || expected === undefined) return {};
    const busy = Math.max(1, running);
    return { startsInMs: startsIn(new Array<number>(running).fill(expected / 2), new Array<number>(place - 1).fill(expected), busy) };
  }

  async stats(): Promise<QueueStats> {
    const [queued, running] = await Promise.all([
      this.backend.redis.zcard(this.backend.scripts.key('st', 'queued')),
      this.backend.redis.zcard(this.backend.scripts.key('st', 'running')),
    ]);
    return { queued, running, byStatus: { ...this.byStatus } };
  }

  async cancel(jobId: string, by: CancelRequest): Promise<CancelResult> {
    const job = await this.o.jobs.get(jobId);
    if (!job) return 'not-found';
    const refused = cancelRefusal(job, by);
    if (refused) return refused;
    const where = await this.backend.scripts.run<string>('imagineEnd', this.backend.eventsKey, MAX_EVENTS, this.now(), jobId, 'cancelled', '', '', '', '0');
    switch (where) {
      case 'missing':
        return 'not-found';
      case 'finished':
        return 'finished';
      case 'ready': {
        // Still waiting in BullMQ: take it out and free its slot. A worker that took it meanwhile
        // finds it cancelled, skips it and frees the slot itself.
        const removed = await this.backend.queue.remove(bullIdOf(jobId)).catch(() => 0);
        if (removed) await this.backend.settle(jobId, job.serverId);
        return 'cancelled';
      }
      default:
        // 'pending' (never handed to BullMQ) or 'running' (its worker stops at the event).
        return 'cancelled';
    }
  }

  /** Coalesced: recompute the places of this gateway's first waiting jobs, announce the changed ones. */
  private schedulePositionRefresh(): void {
    if (this.refreshTimer || this.state !== 'started' || this.watched.size === 0) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      if (this.refreshing) return this.schedulePositionRefresh();
      this.refreshing = this.refreshPositions()
        .catch((err: unknown) => this.o.log?.warn({ err }, 'could not refresh queue positions'))
        .finally(() => (this.refreshing = undefined));
    }, this.o.positionRefreshMs ?? 250);
    this.refreshTimer.unref();
  }

  private async refreshPositions(): Promise<void> {
    const ids = [...this.watched.keys()].slice(0, this.o.positionUpdates ?? 50);
    if (ids.length === 0) return;
    const places = await this.backend.scripts.run<number[]>('imaginePositions', ...ids);
    ids.forEach((id, i) => {
      const place = Number(places[i]);
      // Gone from the list meanwhile (started or ended): its own event said so already.
      if (!this.watched.has(id)) return;
      if (!place) {
        this.watched.delete(id);
        return;
      }
      if (this.watched.get(id) === place) return;
      this.watched.set(id, place);
      this.events.emit({ type: 'queued', jobId: id, position: place });
    });
  }

  /**
   * Follows the event stream, then hands over what happened to this gateway's jobs while it was
   * away: a job that ended gets its final event now; one still waiting is watched for its place.
   */
  async start(): Promise<void> {
    if (this.state !== 'new') return;
    this.stream = await this.backend.openEvents({
      onJobEvent: (event) => this.receive(event),
      onBullFailed: (jobId) => void this.backend.failLost(jobId).catch((err: unknown) => this.o.log?.warn({ err, jobId }, 'could not end a lost job')),
    });
    this.state = 'started';
    const gwKey = this.backend.scripts.key('gw', this.o.instanceId);
    const open = await this.backend.redis.smembers(gwKey);
    for (const id of open) {
      const job = await this.o.jobs.get(id);
      if (!job) {
        await this.backend.redis.srem(gwKey, id);
        continue;
      }
      if (job.status === 'done') this.receive({ type: 'done', jobId: id });
      else if (job.status === 'cancelled') this.receive({ type: 'cancelled', jobId: id });
      else if (job.status === 'failed') this.receive({ type: 'failed', jobId: id, message: job.error ?? '' });
      else if (job.status === 'queued') this.watched.set(id, 0);
    }
    if (open.length) this.o.log?.info({ jobs: open.length }, 'caught up with jobs of this gateway');
    this.schedulePositionRefresh();
    this.backend.startUpkeep();
  }

  /** Stops taking submits and following events. Jobs run in the workers and are not affected. */
  async close(_options: { deadlineMs?: number } = {}): Promise<void> {
    if (this.state === 'closing' || this.state === 'closed') return;
    this.state = 'closing';
    clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    await this.refreshing;
    this.state = 'closed';
  }
}
