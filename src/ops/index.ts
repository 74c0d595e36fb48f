/**
 * Operations in one call for src/runtime/main.ts (and `npm run worker`): metrics fed by the queue, the
 * health report, the /healthz and /metrics routes, job logs, and the ops server when OPS_PORT is set.
 */
import type { AdapterHandle } from '../adapters/types.js';
import type { AppConfig } from '../config.js';
import type { Logger } from '../log/index.js';
import type { JobQueue } from '../queue/types.js';
import type { JobStore } from '../store/types.js';
import { createHealth, type Health } from './health.js';
import { createOpsRoutes, startOpsServer, type OpsRoutes, type OpsServer } from './http.js';
import { logJobEvents } from './job-log.js';
import { createMetrics, type Metrics } from './metrics.js';

export { createHealth, type Health, type HealthReport, type HealthStatus, type ModelHealth, type ReadinessCheck } from './health.js';
export { createOpsRoutes, startOpsServer, HEALTH_PATH, LIVE_PATH, METRICS_PATH, READY_PATH, type OpsRoutes, type OpsServer } from './http.js';
export { logJobEvents } from './job-log.js';
export { createMetrics, type Metrics, type MetricsOptions, type ObserveOptions } from './metrics.js';
export { maskSecrets, redactingDestination, secretValues } from '../log/redact.js';
export { installShutdown, type Closable, type ShutdownController, type ShutdownOptions, type SignalSource } from './shutdown.js';

export interface OpsOptions {
  config: Pick<AppConfig, 'INSTANCE_ID' | 'OPS_PORT' | 'OPS_HOST' | 'PIPELINE_DEVICE'>;
  /** The queue as the backend built it (before instrumentQueue). */
  queue: JobQueue;
  jobs: JobStore;
  log: Logger;
  /** The default model's name, for /healthz. */
  modelName?: () => string | undefined;
  /** Adapters whose loss does not make /healthz fail. */
  optionalAdapters?: readonly string[];
  /** Node process metrics; on by default. */
  defaultMetrics?: boolean;
}

export interface Ops {
  metrics: Metrics;
  health: Health;
  /** Mount on the playground: startWeb(services, { routes: ops.routes }). */
  routes: OpsRoutes;
  /** The queue with refusals counted: use it as Services.queue. */
  queue: JobQueue;
  /** Health and the adapter metrics follow this adapter from now on. */
  addAdapter(handle: Pick<AdapterHandle, 'name' | 'state'>): void;
  /** Starts the separate ops server when OPS_PORT is not 0; returns it (close it last at shutdown). */
  listen(): Promise<OpsServer | undefined>;
  /** Stops following the queue. */
  detach(): void;
}

export function createOps(options: OpsOptions): Ops {
  const { config, queue, jobs, log } = options;
  const metrics = createMetrics({ defaultMetrics: options.defaultMetrics });
  const gateway = config.INSTANCE_ID;
  const onError = (err: unknown) => log.warn({ err }, 'metrics: job lookup failed');
  const unobserve = metrics.observeQueue(queue, jobs, { gateway, onError });
  const unlog = logJobEvents(queue, jobs, log, { gateway });
  const health = createHealth({
    queue,
    optionalAdapters: options.optionalAdapters,
    model: () => {
      const name = options.modelName?.();
      return name ? { name, device: config.PIPELINE_DEVICE } : undefined;
    },
  });
  const routes = createOpsRoutes({ health, metrics, onError: (err) => log.error({ err }, 'ops request failed') });
  return {
    metrics,
    health,
    routes,
    queue: metrics.instrumentQueue(queue),
    addAdapter(handle) {
      health.addAdapter(handle);
      metrics.trackAdapter(handle);
    },
    async listen() {
      // Number(): tolerate a config that hands ports over as strings.
      const port = Number(config.OPS_PORT);
      if (!port) return undefined;
      const server = await startOpsServer(routes, { port, host: config.OPS_HOST });
      log.info({ url: server.url }, `health at ${server.url}/healthz, metrics at ${server.url}/metrics`);
      return server;
    },
    detach() {
      unobserve();
      unlog();
    },
  };
}
