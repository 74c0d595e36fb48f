/**
 * `npm run worker`: a pipeline worker for QUEUE_BACKEND=redis. Takes jobs from the shared BullMQ
 * queue, QUEUE_CONCURRENCY at a time, runs them on the models, writes the images to DATA_DIR/images
 * (shared with the gateways). SIGTERM/SIGINT: stop taking jobs, let running ones finish for
 * SHUTDOWN_TIMEOUT_SECONDS, hand the rest back to the queue. /healthz and /metrics on OPS_PORT.
 * Run any number of these, on any machine that reaches Redis and the shared image folder.
 */
import { ConfigError, loadConfig, loadDotenv, type AppConfig } from './config.js';
import { createLogger } from './log.js';
import { createOps, installShutdown } from './ops/index.js';
import { RedisJobQueue } from './scale/redis-queue.js';
import { createRedisWorkerRuntime } from './scale/runtime.js';

function readConfig(): AppConfig {
  loadDotenv();
  try {
    const config = loadConfig();
    if (config.QUEUE_BACKEND !== 'redis' || !config.REDIS_URL) {
      throw new ConfigError('QUEUE_BACKEND: `npm run worker` needs QUEUE_BACKEND=redis and REDIS_URL (the local backend runs jobs inside `npm start`)');
    }
    return config;
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`config error: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const pretty = config.LOG_FORMAT === 'pretty' || (config.LOG_FORMAT === 'auto' && process.stdout.isTTY === true);
  const log = createLogger({ level: config.LOG_LEVEL, name: `imagine-worker:${config.INSTANCE_ID}`, pretty });
  const runtime = await createRedisWorkerRuntime(config, log);
  const model = runtime.services.models.defaultModel;

  // The queue as this worker sees it, for /healthz (queue reachable, depth) and /metrics.
  const view = new RedisJobQueue({
    backend: runtime.backend,
    jobs: runtime.services.jobs,
    settings: runtime.services.settings,
    models: runtime.services.models,
    instanceId: config.INSTANCE_ID,
    log,
  });
  const ops = createOps({ config, queue: view, jobs: runtime.services.jobs, log, modelName: () => model.name });
  const opsServer = await ops.listen();

  installShutdown({
    queue: { close: (o) => runtime.worker.close(o) },
    adapters: [],
    deadlineMs: config.SHUTDOWN_TIMEOUT_SECONDS * 1000,
    health: ops.health,
    log,
    resources: [
      { name: 'the queue view', close: () => view.close() },
      { name: 'the pipeline and Redis', close: () => runtime.close({ deadlineMs: 0 }) },
      ...(opsServer ? [{ name: 'the ops server', close: () => opsServer.close() }] : []),
    ],
  });

  if (runtime.pipeline) {
    ops.health.setModel({ name: model.name, device: config.PIPELINE_DEVICE, state: 'loading' });
    try {
      const p = await runtime.pipeline.preload();
      ops.health.setModel({ name: p.info.name, device: p.device, state: 'loaded' });
    } catch (err) {
      ops.health.setModel({ name: model.name, state: 'failed', error: err instanceof Error ? err.message : String(err) });
      log.error({ err, model: model.name }, `model ${model.name} failed to load; jobs will fail until it is fixed`);
    }
  }
  await view.start();
  await runtime.start();
  log.info(
    { model: model.name, device: config.PIPELINE_DEVICE, concurrency: config.QUEUE_CONCURRENCY, dataDir: config.DATA_DIR },
    `imagine worker ${config.INSTANCE_ID} is taking jobs (${config.QUEUE_CONCURRENCY} at a time) with model ${model.name} on ${config.PIPELINE_DEVICE}`,
  );
}

main().catch((err: unknown) => {
  console.error(`imagine worker failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
