/**
 * `npm start`: reads the config, builds the services, starts the adapters whose credentials are
 * set (the web playground needs none), and shuts down gracefully on SIGTERM/SIGINT.
 */
import type { AdapterHandle } from './adapters/types.js';
import { ConfigError, loadConfig, loadDotenv, type AppConfig } from './config.js';
import { createLogger, type Logger } from './log.js';
import { createOps, installShutdown, type Ops } from './ops/index.js';
import { PipelineJobRunner } from './runner/pipeline-runner.js';
import { createLocalRuntime, type Runtime } from './services.js';

function readConfig(): AppConfig {
  loadDotenv();
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`config error: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
}

async function createRuntime(config: AppConfig, log: Logger, wrap: (q: Runtime['services']['queue'], s: { jobs: Runtime['services']['jobs'] }) => Runtime['services']['queue']): Promise<Runtime> {
  if (config.QUEUE_BACKEND === 'redis') {
    const { createRedisRuntime } = await import('./scale/runtime.js');
    return createRedisRuntime(config, log, { wrapQueue: wrap });
  }
  return createLocalRuntime(config, log, { wrapQueue: wrap });
}

async function main(): Promise<void> {
  const config = readConfig();
  const pretty = config.LOG_FORMAT === 'pretty' || (config.LOG_FORMAT === 'auto' && process.stdout.isTTY === true);
  const log = createLogger({ level: config.LOG_LEVEL, name: `imagine-bot:${config.INSTANCE_ID}`, pretty });
  let ops: Ops | undefined;
  const runtime = await createRuntime(config, log, (queue, stores) => {
    ops = createOps({ config, queue, jobs: stores.jobs, log, modelName: () => runtime?.services.models.defaultModel.name });
    return ops.queue;
  });
  const { services } = runtime;
  const adapters: AdapterHandle[] = [];
  const opsServer = await ops!.listen();

  const shutdown = installShutdown({
    queue: services.queue,
    adapters: () => adapters,
    deadlineMs: config.SHUTDOWN_TIMEOUT_SECONDS * 1000,
    health: ops!.health,
    log,
    resources: () => [
      { name: 'the pipeline and stores', close: () => runtime.close({ deadlineMs: 0 }) },
      ...(opsServer ? [{ name: 'the ops server', close: () => opsServer.close() }] : []),
    ],
  });

  const model = services.models.defaultModel;
  if (runtime.runner instanceof PipelineJobRunner) {
    // The pipeline worker logs the load itself; a failure must not stop the playground from answering.
    ops!.health.setModel({ name: model.name, device: config.PIPELINE_DEVICE, state: 'loading' });
    runtime.runner
      .preload()
      .then((p) => ops!.health.setModel({ name: p.info.name, device: p.device, state: 'loaded' }))
      .catch((err: unknown) => {
        ops!.health.setModel({ name: model.name, state: 'failed', error: err instanceof Error ? err.message : String(err) });
        log.error({ err, model: model.name }, `model ${model.name} failed to load; jobs will fail until it is fixed`);
      });
  }

  const start = async (name: string, run: () => Promise<AdapterHandle>) => {
    try {
      const handle = await run();
      adapters.push(handle);
      ops!.addAdapter(handle);
      return handle;
    } catch (err) {
      log.error({ err, adapter: name }, `the ${name} adapter failed to start`);
      return undefined;
    }
  };

  // Adapters start side by side, so one slow platform does not hold up the others.
  const lines = await Promise.all([
    (async () => {
      if (!config.webEnabled) return 'web playground: off (WEB_PORT=0)';
      const { startWeb } = await import('./adapters/web/index.js');
      const web = await start('web', () => startWeb(services, { routes: ops!.routes }));
      return web ? `web playground: ${(web as AdapterHandle & { url: string }).url}` : 'web playground: failed to start (see the error above)';
    })(),
    (async () => {
      if (!config.discordEnabled) return 'discord: off — set DISCORD_TOKEN and DISCORD_APPLICATION_ID in .env, then `npm run deploy-commands`';
      const { startDiscord } = await import('./adapters/discord/index.js');
      return (await start('discord', () => startDiscord(services))) ? 'discord: connected' : 'discord: failed to start (see the error above)';
    })(),
    (async () => {
      if (!config.slackEnabled) return 'slack: off — set SLACK_BOT_TOKEN and SLACK_APP_TOKEN (Socket Mode) in .env; see config/slack-manifest.yaml';
      const { startSlack } = await import('./adapters/slack/index.js');
      const mode = config.slackMode === 'socket' ? 'Socket Mode' : `HTTP on port ${config.SLACK_PORT}`;
      return (await start('slack', () => startSlack(services))) ? `slack: connected (${mode})` : 'slack: failed to start (see the error above)';
    })(),
  ]);

  await services.queue.start();
  log.info(
    { adapters: adapters.map((a) => a.name), model: model.name, queue: config.QUEUE_BACKEND, dataDir: config.DATA_DIR },
    `imagine-bot is running with model ${model.name} (${config.PIPELINE_DEVICE}), ${config.QUEUE_BACKEND} queue\n  ${lines.join('\n  ')}`,
  );
  if (adapters.length === 0) {
    log.error('no adapter is running: nothing can reach the bot');
    await shutdown.shutdown('no adapters');
  }
}

main().catch((err: unknown) => {
  console.error(`imagine-bot failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
