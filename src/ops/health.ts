/**
 * What /readyz (and /healthz) reports: ready while the queue answers, every required adapter is
 * connected, the model is loaded and every store check passes (the database reads, the disk has
 * room); not ready while starting, broken or shutting down, so a load balancer or Docker sends
 * work elsewhere. /livez only says the process answers: restarting does not fix a platform outage.
 */
import type { AdapterHandle, AdapterState } from '../adapters/types.js';
import type { JobQueue } from '../queue/types.js';

export type HealthStatus = 'ok' | 'starting' | 'degraded' | 'stopping';

/** The default model as this process sees it; a model that failed to load makes the process unhealthy. */
export interface ModelHealth {
  name: string;
  /** Where it runs after any fallback (a CUDA image that fell back to the CPU says 'cpu'). */
  device?: string;
  state?: 'loading' | 'loaded' | 'failed';
  /** Why it failed to load. */
  error?: string;
}

export interface HealthReport {
  status: HealthStatus;
  /** Each adapter's state; optional adapters are marked so an operator sees why they do not count. */
  adapters: Record<string, { state: AdapterState; required: boolean }>;
  queue: { ok: true; queued: number; running: number } | { ok: false; error: string };
  model?: ModelHealth;
  /** Each store check by name (database, disk). */
  checks: Record<string, { ok: true } | { ok: false; error: string }>;
  /** Seconds since the process started answering health checks. */
  uptimeSeconds: number;
}

export interface HealthOptions {
  queue: Pick<JobQueue, 'stats'>;
  /** The default model (and where it runs), until setModel reports more. */
  model?: () => ModelHealth | undefined;
  /** Names of adapters whose loss does not make the bot unhealthy (e.g. the playground). */
  optionalAdapters?: readonly string[];
  /** A queue whose stats take longer than this counts as down (Redis unreachable, a stuck database). */
  queueTimeoutMs?: number;
  /** Store checks; more can be added with addCheck. */
  checks?: readonly ReadinessCheck[];
}

/** Something every command needs, checked at each readiness probe; throws (an Error saying what is wrong) when it is not there. */
export interface ReadinessCheck {
  name: string;
  check(): void | Promise<void>;
}

export interface Health {
  addAdapter(handle: Pick<AdapterHandle, 'name' | 'state'>): void;
  addCheck(check: ReadinessCheck): void;
  /** Called first by shutdown: /healthz answers 503 from now on. */
  markStopping(): void;
  /** Reports the model's load state (loading → loaded, or failed with the reason). */
  setModel(model: ModelHealth): void;
  readonly stopping: boolean;
  check(): Promise<HealthReport>;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

export function createHealth(options: HealthOptions): Health {
  const adapters = new Map<string, Pick<AdapterHandle, 'name' | 'state'>>();
  const optional = new Set(options.optionalAdapters ?? []);
  const startedAt = Date.now();
  let stopping = false;
  let modelReported: ModelHealth | undefined;
  const checks = [...(options.checks ?? [])];
  const timeoutMs = options.queueTimeoutMs ?? 3000;

  return {
    addAdapter(handle) {
      adapters.set(handle.name, handle);
    },
    addCheck(check) {
      checks.push(check);
    },
    markStopping() {
      stopping = true;
    },
    setModel(model) {
      modelReported = { ...model };
    },
    get stopping() {
      return stopping;
    },
    async check(): Promise<HealthReport> {
      let queue: HealthReport['queue'];
      try {
        const stats = await withTimeout(Promise.resolve().then(() => options.queue.stats()), timeoutMs, 'the queue');
        queue = { ok: true, queued: stats.queued, running: stats.running };
      } catch (err) {
        queue = { ok: false, error: err instanceof Error ? err.message : String(err) };
      }
      const report: HealthReport['adapters'] = {};
      let anyStarting = false;
      let anyDown = false;
      for (const [name, handle] of adapters) {
        const state = handle.state();
        const required = !optional.has(name);
        report[name] = { state, required };
        if (!required) continue;
        if (state === 'starting') anyStarting = true;
        else if (state !== 'connected') anyDown = true;
      }
      let model: HealthReport['model'] = modelReported;
      try {
        model ??= options.model?.();
      } catch {
        model = undefined;
      }
      const results: HealthReport['checks'] = {};
      await Promise.all(
        checks.map(async (c) => {
          try {
            await withTimeout(Promise.resolve().then(() => c.check()), timeoutMs, `the ${c.name} check`);
            results[c.name] = { ok: true };
          } catch (err) {
            results[c.name] = { ok: false, error: err instanceof Error ? err.message : String(err) };
          }
        }),
      );
      const broken = !queue.ok || anyDown || model?.state === 'failed' || Object.values(results).some((r) => !r.ok);
      // A model still loading is not broken, but no job would start yet.
      const starting = anyStarting || model?.state === 'loading';
      const status: HealthStatus = stopping ? 'stopping' : broken ? 'degraded' : starting ? 'starting' : 'ok';
      return { status, adapters: report, queue, ...(model ? { model } : {}), checks: results, uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) };
    },
  };
}
