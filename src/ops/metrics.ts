/**
 * Prometheus metrics for the bot: the queue, jobs, generation speed, images per server per day,
 * refusals and adapter connections. Fed from JobQueue.onEvent plus JobStore lookups, a refusal
 * hook for the command layer, and the adapters' state().
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AdapterHandle, AdapterState } from '../adapters/types.js';
import type { JobEvent, JobRecord } from '../core/jobs.js';
import { UserError } from '../core/errors.js';
import type { JobQueue } from '../queue/types.js';
import type { JobStore } from '../store/types.js';

const ADAPTER_STATES: readonly AdapterState[] = ['starting', 'connected', 'disconnected', 'stopped'];
/** Label value that gathers servers (or reasons) past the cardinality cap. */
export const OTHER_LABEL = 'other';

export interface MetricsOptions {
  /** Metric name prefix. */
  prefix?: string;
  /** Node process metrics (CPU, memory, event-loop lag, GC). */
  defaultMetrics?: boolean;
  /** Distinct servers labelled in the per-day image gauge; the rest are summed as server="other". */
  maxServerLabels?: number;
  /** Clock, for tests of the UTC day rollover. */
  now?: () => number;
}

export interface ObserveOptions {
  /**
   * Count only jobs whose delivery names this gateway (INSTANCE_ID), so that several gateways on
   * one Redis queue do not count every job once each. Jobs without delivery are always counted.
   */
  gateway?: string;
  /** Called when a store lookup fails (the event is still counted with what is known). */
  onError?: (err: unknown) => void;
}

export interface Metrics {
  readonly registry: Registry;
  /** Prometheus text exposition format. */
  readonly contentType: string;
  /** Subscribes to a queue's events and exports its depth; returns an unsubscribe function. */
  observeQueue(queue: JobQueue, jobs: JobStore, options?: ObserveOptions): () => void;
  /** Counts a refused submit by UserError.reason (instrumentQueue calls it for you). */
  recordRefusal(reason: string): void;
  /**
   * The same queue, except that every UserError from submit is counted by reason before
   * it reaches the command layer. Hand this one to Services.queue.
   */
  instrumentQueue(queue: JobQueue): JobQueue;
  /** Exports an adapter's connection state (read from state() at each scrape). */
  trackAdapter(handle: Pick<AdapterHandle, 'name' | 'state'>): void;
  /** The whole exposition, as /metrics serves it. */
  render(): Promise<string>;
  /** Resolves when every store lookup started by events so far has finished (for tests and shutdown). */
  settled(): Promise<void>;
}

/** Seconds; job latency spans queue wait plus generation, from a second to an hour. */
const LATENCY_BUCKETS = [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600];
const GENERATION_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300];
const STEP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10];

function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** A scrape waits this long for the queue's stats before reporting it down. */
const STATS_TIMEOUT_MS = 3000;

/** Refusal reasons come from code, but cap them anyway: a label per distinct string is unbounded. */
const MAX_REASON_LABELS = 32;

interface RunningJob {
  kind: string;
  model: string;
  lastStep?: number;
  lastStepAt?: number;
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const prefix = options.prefix ?? 'imagine_';
  const now = options.now ?? Date.now;
  const maxServers = options.maxServerLabels ?? 50;
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const queues: JobQueue[] = [];
  const adapters = new Map<string, Pick<AdapterHandle, 'name' | 'state'>>();

  new Gauge({
    name: `${prefix}queue_depth`,
    help: 'Jobs waiting in the queue',
    registers,
    async collect() {
      const stats = await statsOfAll();
      if (stats) this.set(stats.queued);
    },
  });
  new Gauge({
    name: `${prefix}jobs_running`,
    help: 'Jobs being generated now',
    registers,
    async collect() {
      const stats = await statsOfAll();
      if (stats) this.set(stats.running);
    },
  });
  new Gauge({
    name: `${prefix}jobs`,
    help: 'Jobs by state, as the queue counts them (queued and running now; finished states since start)',
    labelNames: ['state'],
    registers,
    async collect() {
      const stats = await statsOfAll();
      if (!stats) return;
      this.reset();
      // Finished states are counted as they happen; queued and running are what the queue holds now.
      for (const [state, n] of Object.entries(stats.byStatus)) if (state !== 'queued' && state !== 'running') this.set({ state }, n);
      this.set({ state: 'queued' }, stats.queued);
      this.set({ state: 'running' }, stats.running);
    },
  });
  new Gauge({
    name: `${prefix}queue_up`,
    help: '1 when the queue answers (its stats could be read), else 0',
    registers,
    async collect() {
      this.set((await statsOfAll()) ? 1 : 0);
    },
  });

  // One stats() call per scrape, shared by the gauges above.
  let statsPromise: Promise<{ queued: number; running: number; byStatus: Record<string, number> } | undefined> | undefined;
  let statsAt = 0;
  function statsOfAll() {
    if (statsPromise && Date.now() - statsAt < 500) return statsPromise;
    statsAt = Date.now();
    statsPromise = (async () => {
      try {
        // A queue that hangs (Redis unreachable) must not hang the scrape: it counts as down.
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('queue stats timed out')), STATS_TIMEOUT_MS)));
        const all = await Promise.race([Promise.all(queues.map((q) => q.stats())), timeout]).finally(() => clearTimeout(timer));
        const byStatus: Record<string, number> = {};
        for (const s of all) for (const [k, v] of Object.entries(s.byStatus)) byStatus[k] = (byStatus[k] ?? 0) + v;
        return { queued: all.reduce((n, s) => n + s.queued, 0), running: all.reduce((n, s) => n + s.running, 0), byStatus };
      } catch {
        return undefined;
      }
    })();
    return statsPromise;
  }

  const finished = new Counter({
    name: `${prefix}jobs_finished_total`,
    help: 'Jobs finished by this process, by kind and outcome',
    labelNames: ['kind', 'status'],
    registers,
  });
  const latency = new Histogram({
    name: `${prefix}job_latency_seconds`,
    help: 'Time from submit to done, queue wait included',
    labelNames: ['kind'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const wait = new Histogram({
    name: `${prefix}job_wait_seconds`,
    help: 'Time from submit to the start of generation',
    labelNames: ['kind'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const generation = new Histogram({
    name: `${prefix}generation_seconds`,
    help: 'Time the pipeline spent making one job\'s images',
    labelNames: ['kind', 'model'],
    buckets: GENERATION_BUCKETS,
    registers,
  });
  const step = new Histogram({
    name: `${prefix}step_seconds`,
    help: 'Time of one denoising step (between progress events)',
    labelNames: ['model'],
    buckets: STEP_BUCKETS,
    registers,
  });
  const images = new Counter({
    name: `${prefix}images_total`,
    help: 'Images made, by platform and job kind',
    labelNames: ['platform', 'kind'],
    registers,
  });
  const imagesToday = new Gauge({
    name: `${prefix}images_today`,
    help: `Images made today (UTC) per server; past ${maxServers} servers the rest are server="${OTHER_LABEL}"`,
    labelNames: ['platform', 'server'],
    registers,
    collect() {
      rollDay();
    },
  });
  const refusals = new Counter({
    name: `${prefix}refusals_total`,
    help: 'Submits refused, by reason (quota, rate, queue full, blocked word, ...)',
    labelNames: ['reason'],
    registers,
  });
  new Gauge({
    name: `${prefix}adapter_connected`,
    help: '1 when the platform adapter is connected, else 0',
    labelNames: ['adapter'],
    registers,
    collect() {
      for (const [name, a] of adapters) this.set({ adapter: name }, a.state() === 'connected' ? 1 : 0);
    },
  });
  new Gauge({
    name: `${prefix}adapter_state`,
    help: 'Platform adapter state: 1 for the current state, 0 for the others',
    labelNames: ['adapter', 'state'],
    registers,
    collect() {
      for (const [name, a] of adapters) {
        const current = a.state();
        for (const state of ADAPTER_STATES) this.set({ adapter: name, state }, state === current ? 1 : 0);
      }
    },
  });

  // Images per server for the current UTC day; the label set starts empty each day.
  let day = utcDay(now());
  const serversToday = new Set<string>();
  function rollDay() {
    const today = utcDay(now());
    if (today === day) return;
    day = today;
    serversToday.clear();
    imagesToday.reset();
  }
  function countImages(job: JobRecord, n: number) {
    rollDay();
    const key = `${job.platform}\u0000${job.serverId}`;
    if (!serversToday.has(key) && serversToday.size < maxServers) serversToday.add(key);
    const server = serversToday.has(key) ? job.serverId : OTHER_LABEL;
    imagesToday.inc({ platform: serversToday.has(key) ? job.platform : OTHER_LABEL, server }, n);
    images.inc({ platform: job.platform, kind: job.kind }, n);
  }

  const reasons = new Set<string>();
  function recordRefusal(reason: string) {
    const clean = /^[a-z0-9_-]{1,40}$/i.test(reason) ? reason : 'unknown';
    if (!reasons.has(clean) && reasons.size < MAX_REASON_LABELS) reasons.add(clean);
    refusals.inc({ reason: reasons.has(clean) ? clean : OTHER_LABEL });
  }

  const pending = new Set<Promise<void>>();
  function track(p: Promise<void>) {
    pending.add(p);
    void p.finally(() => pending.delete(p));
  }

  function observeQueue(queue: JobQueue, jobs: JobStore, observe: ObserveOptions = {}) {
    queues.push(queue);
    const running = new Map<string, RunningJob>();
    // Lookups of one job run in event order, so 'done' never overtakes 'started'.
    const chains = new Map<string, Promise<void>>();
    const mine = (job: JobRecord | undefined) => !observe.gateway || !job?.delivery || job.delivery.gateway === observe.gateway;

    const load = async (jobId: string) => {
      try {
        return await jobs.get(jobId);
      } catch (err) {
        observe.onError?.(err);
        return undefined;
      }
    };

    async function handle(event: JobEvent, at: number) {
      switch (event.type) {
        case 'started': {
          const job = await load(event.jobId);
          if (!mine(job)) return;
          running.set(event.jobId, { kind: job?.kind ?? 'unknown', model: job?.params.model ?? 'unknown' });
          if (job) wait.observe({ kind: job.kind }, Math.max(0, ((job.startedAt ?? at) - job.createdAt) / 1000));
          return;
        }
        case 'progress': {
          const r = running.get(event.jobId);
          if (!r) return;
          // Only gaps between progress events: the first step also pays for prompt encoding.
          if (r.lastStep !== undefined && r.lastStepAt !== undefined && event.step > r.lastStep) {
            const steps = Math.min(event.step - r.lastStep, 1000);
            const each = (at - r.lastStepAt) / steps / 1000;
            for (let i = 0; i < steps; i++) step.observe({ model: r.model }, each);
          }
          r.lastStep = event.step;
          r.lastStepAt = at;
          return;
        }
        case 'done':
        case 'failed':
        case 'cancelled': {
          const known = running.get(event.jobId);
          running.delete(event.jobId);
          const job = await load(event.jobId);
          if (!mine(job)) return;
          const kind = job?.kind ?? known?.kind ?? 'unknown';
          finished.inc({ kind, status: event.type });
          if (event.type !== 'done' || !job) return;
          latency.observe({ kind }, Math.max(0, ((job.finishedAt ?? at) - job.createdAt) / 1000));
          const out = job.output;
          if (out?.generationMs !== undefined) generation.observe({ kind, model: job.params.model }, out.generationMs / 1000);
          countImages(job, out?.images.length ?? job.params.count);
          return;
        }
        case 'queued':
          return;
      }
    }

    const unsubscribe = queue.onEvent((event) => {
      if (event.type === 'queued') return;
      const at = now();
      if (event.type === 'progress') {
        // Progress needs no lookup; keep it synchronous unless the job's 'started' is still loading.
        const prior = chains.get(event.jobId);
        if (!prior) return void handle(event, at);
      }
      const prior = chains.get(event.jobId) ?? Promise.resolve();
      const next = prior.then(() => handle(event, at)).catch((err) => observe.onError?.(err));
      chains.set(event.jobId, next);
      track(next);
      void next.finally(() => {
        if (chains.get(event.jobId) === next) chains.delete(event.jobId);
      });
    });
    return () => {
      unsubscribe();
      const i = queues.indexOf(queue);
      if (i >= 0) queues.splice(i, 1);
    };
  }

  return {
    registry,
    contentType: registry.contentType,
    observeQueue,
    recordRefusal,
    instrumentQueue(queue) {
      const submit: JobQueue['submit'] = async (submission) => {
        try {
          return await queue.submit(submission);
        } catch (err) {
          if (err instanceof UserError) recordRefusal(err.reason);
          throw err;
        }
      };
      // A proxy rather than a copy, so methods a backend adds later still reach it.
      return new Proxy(queue, {
        get(target, key) {
          if (key === 'submit') return submit;
          const value: unknown = Reflect.get(target, key, target);
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
    },
    trackAdapter(handle) {
      adapters.set(handle.name, handle);
    },
    async render() {
      statsPromise = undefined;
      return registry.metrics();
    },
    async settled() {
      while (pending.size) await Promise.allSettled([...pending]);
    },
  };
}
