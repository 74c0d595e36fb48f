/**
 * The way back: a job's events become Replies, delivered by an adapter. followJobs subscribes an
 * adapter to the queue's events, keeps the jobs whose delivery names that adapter's platform and
 * gateway, sends at most one queued/progress update per interval per job (the latest wins),
 * always sends the final one, renders each with renderJob and calls deliver in event order.
 */
import { isFinalEvent, type JobEvent, type JobRecord } from '../core/jobs.js';
import type { Platform } from '../core/invocation.js';
import { localizeReply, type Language } from '../core/i18n.js';
import type { Reply } from '../core/reply.js';
import type { Services } from '../services.js';
import { StepClock } from '../queue/speeds.js';
import type { JobEstimate } from '../queue/types.js';
import { renderJob, type JobProgress } from './render.js';

/** How an adapter puts a job's rendered status where its Delivery points. */
export interface JobUpdateTarget {
  platform: Platform;
  /** Jobs whose delivery names another gateway are left to that process. */
  gateway: string;
  /** At most one queued/progress update per job per interval (2000 for chat platforms). */
  progressIntervalMs: number;
  /**
   * Edits the job's status message (or posts a new one when the old can no longer be edited).
   * A final reply marked ephemeral (a result withheld by the safety check) instead removes the
   * public status and tells only the requester. Called in event order per job; a throw is
   * logged and the next update still comes.
   */
  deliver(job: JobRecord, reply: Reply, event: JobEvent): Promise<void>;
}

interface Followed {
  /** Deliveries of one job run one after another, in event order. */
  chain: Promise<void>;
  lastSentAt: number;
  timer?: NodeJS.Timeout;
  pending?: JobEvent;
  progress: JobProgress;
  /** The pace of its steps as the events arrive here (the worker may be another process). */
  clock?: StepClock;
  /** Not this target's job: skip its events without loading it again. */
  foreign?: boolean;
}

/** The language a job's message is said in: the requester's when only they see it, else the server's. */
export function jobLanguage(job: JobRecord, reply: Pick<Reply, 'ephemeral'>): Language {
  const langs = job.params.languages;
  return (reply.ephemeral || job.params.private ? langs?.user : langs?.server) ?? 'en';
}

/** Returns the function that unsubscribes. */
export function followJobs(services: Pick<Services, 'queue' | 'jobs' | 'images' | 'log'>, target: JobUpdateTarget): () => void {
  const followed = new Map<string, Followed>();
  const { log } = services;

  /** The ETA shown: a running job's own pace here, else what the queue expects. */
  const estimate = async (jobId: string, state: Followed) => {
    const p = state.progress;
    const paced = p.step !== undefined ? state.clock?.leftMs(Date.now()) : undefined;
    if (paced !== undefined) {
      p.leftMs = paced;
      return;
    }
    const e = await services.queue.estimate(jobId).catch(() => ({}) as JobEstimate);
    p.startsInMs = p.position !== undefined ? e.startsInMs : undefined;
    p.leftMs = p.position === undefined ? e.leftMs : undefined;
  };

  const isMine = (job: JobRecord | undefined): job is JobRecord =>
    job !== undefined && job.delivery?.platform === target.platform && job.delivery.gateway === target.gateway;

  const send = (state: Followed, event: JobEvent) => {
    state.lastSentAt = Date.now();
    state.chain = state.chain
      .then(async () => {
        if (state.foreign) return;
        const job = await services.jobs.get(event.jobId);
        if (!isMine(job)) {
          state.foreign = true;
          return;
        }
        if (!isFinalEvent(event)) await estimate(job.id, state);
        const reply = await renderJob(job, services.images, state.progress);
        await target.deliver(job, localizeReply(reply, jobLanguage(job, reply)), event);
      })
      .catch((err: unknown) => log.warn({ err, jobId: event.jobId, platform: target.platform }, 'could not deliver a job update'));
  };

  const unsubscribe = services.queue.onEvent((event) => {
    let state = followed.get(event.jobId);
    if (!state) {
      state = { chain: Promise.resolve(), lastSentAt: 0, progress: {} };
      followed.set(event.jobId, state);
    }
    const final = isFinalEvent(event);
    if (state.foreign && !final) return;
    if (event.type === 'queued') state.progress = { position: event.position };
    else if (event.type === 'started') {
      state.progress = {};
      state.clock = new StepClock(Date.now());
    } else if (event.type === 'progress') {
      state.progress = { step: event.step, total: event.total, preview: event.preview ?? state.progress.preview };
      state.clock?.step(event.step, event.total, Date.now());
    }

    if (final) {
      clearTimeout(state.timer);
      state.pending = undefined;
      const s = state;
      followed.delete(event.jobId);
      if (!s.foreign) send(s, event);
      return;
    }
    const wait = state.lastSentAt + target.progressIntervalMs - Date.now();
    if (wait <= 0 && !state.timer) {
      send(state, event);
      return;
    }
    state.pending = event;
    if (!state.timer) {
      const s = state;
      s.timer = setTimeout(() => {
        s.timer = undefined;
        const next = s.pending;
        s.pending = undefined;
        if (next && followed.get(next.jobId) === s) send(s, next);
      }, Math.max(0, wait));
      s.timer.unref?.();
    }
  });

  return () => {
    unsubscribe();
    for (const s of followed.values()) clearTimeout(s.timer);
    followed.clear();
  };
}
