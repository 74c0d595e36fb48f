/**
 * `npm run worker`: a pipeline worker process for QUEUE_BACKEND=redis. Takes jobs from the shared
 * BullMQ queue, QUEUE_CONCURRENCY at a time, runs them on the models, writes the images to
 * DATA_DIR/images (shared with the gateways). SIGTERM/SIGINT: stop taking jobs, let running ones
 * finish for SHUTDOWN_TIMEOUT_SECONDS, hand the rest back to the queue. /healthz and /metrics on
 * OPS_PORT. Run any number of these, on any machine that reaches Redis and the shared image folder.
 */
import { ConfigError } from '../config.js';
import { createOps, installShutdown } from '../ops/index.js';
import { RedisJobQueue } from '../queue/redis/queue.js';
import { diskSpaceCheck } from '../store/checks.js';
import { createRedisWorkerRuntime } from './redis.js';
import { loggerFor, preloadModel, readConfigOrExit, runMain } from './startup.js';

runMain('imagine worker', async () => {
  const config = readConfigOrExit((c) => {
    if (c.QUEUE_BACKEND !== 'redis' || !c.REDIS_URL) {
      throw new ConfigError('QUEUE_BACKEND: `npm run worker` needs QUEUE_BACKEND=redis and REDIS_URL (the local backend runs jobs inside `npm start`)');
    }
  });
  const log = loggerFor(config, 'imagine-worker');
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
  ops.health.addCheck({ name: 'disk', check: diskSpaceCheck(config.DATA_DIR) });
  const opsServer = await ops.listen();

  installShutdown({
    queue: { close: (o) => runtime.consumer.close(o) },
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

  if (runtime.pipeline) await preloadModel(runtime.pipeline, ops.health, config, log);
  await view.start();
  await runtime.start();
  log.info(
    { model: model.name, device: config.PIPELINE_DEVICE, concurrency: config.QUEUE_CONCURRENCY, dataDir: config.DATA_DIR },
    `imagine worker ${config.INSTANCE_ID} is taking jobs (${config.QUEUE_CONCURRENCY} at a time) with model ${model.name} on ${config.PIPELINE_DEVICE}`,
  );
});
