/**
 * What /healthz reports: healthy while the queue answers and every required adapter is connected;
 * unhealthy once shutdown has begun, so a load balancer or Docker stops sending work here.
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
}

export interface Health {
  addAdapter(handle: Pick<AdapterHandle, 'name' | 'state'>): void;
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

  return {
    addAdapter(handle) {
      adapters.set(handle.name, handle);
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
        const stats = await withTimeout(Promise.resolve().then(() => options.queue.stats()), options.queueTimeoutMs ?? 3000, 'the queue');
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
      const broken = !queue.ok || anyDown || model?.state === 'failed';
      const status: HealthStatus = stopping ? 'stopping' : broken ? 'degraded' : anyStarting ? 'starting' : 'ok';
      return { status, adapters: report, queue, ...(model ? { model } : {}), uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) };
    },
  };
}
