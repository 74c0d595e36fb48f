/**
 * `npm start`: reads the config, builds the runtime (local, or a gateway on Redis), starts the
 * adapters whose credentials are set (the web playground needs none) with the command layer, and
 * shuts down gracefully on SIGTERM/SIGINT.
 */
import { commandLayer } from '../../commands/index.js';
import type { AdapterHandle } from '../adapters/types.js';
import { PipelineJobRunner } from '../jobs/runner.js';
import { createOps, installShutdown, type Ops } from '../ops/index.js';
import { createLocalRuntime } from './local.js';
import { loggerFor, preloadModel, readConfigOrExit, runMain } from './startup.js';
import type { Runtime, RuntimeOptions } from './types.js';

runMain('imagine-bot', async () => {
  const config = readConfigOrExit();
  const log = loggerFor(config, 'imagine-bot');
  let ops: Ops | undefined;
  const options: RuntimeOptions = {
    // Refusals are counted by the ops layer before commands see the queue.
    wrapQueue: (queue, stores) => {
      ops = createOps({ config, queue, jobs: stores.jobs, log, modelName: () => runtime?.services.models.defaultModel.name });
      return ops.queue;
    },
  };
  let runtime: Runtime | undefined;
  if (config.QUEUE_BACKEND === 'redis') {
    const { createRedisRuntime } = await import('./redis.js');
    runtime = await createRedisRuntime(config, log, options);
  } else {
    runtime = await createLocalRuntime(config, log, options);
  }
  const { services } = runtime;
  for (const check of runtime.checks) ops!.health.addCheck(check);
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

  // The model loads in the background: a failure must not stop the playground from answering.
  if (runtime.runner instanceof PipelineJobRunner) void preloadModel(runtime.runner, ops!.health, config, log);

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
      const { startWeb } = await import('../adapters/web/index.js');
      const web = await start('web', () => startWeb(services, commandLayer, { routes: ops!.routes }));
      return web ? `web playground: ${(web as AdapterHandle & { url: string }).url}` : 'web playground: failed to start (see the error above)';
    })(),
    (async () => {
      if (!config.discordEnabled) return 'discord: off — set DISCORD_TOKEN and DISCORD_APPLICATION_ID in .env, then `npm run deploy-commands`';
      const { startDiscord } = await import('../adapters/discord/index.js');
      return (await start('discord', () => startDiscord(services, commandLayer))) ? 'discord: connected' : 'discord: failed to start (see the error above)';
    })(),
    (async () => {
      if (!config.slackEnabled) return 'slack: off — set SLACK_BOT_TOKEN and SLACK_APP_TOKEN (Socket Mode) in .env; see config/slack-manifest.yaml';
      const { startSlack } = await import('../adapters/slack/index.js');
      const mode = config.slackMode === 'socket' ? 'Socket Mode' : `HTTP on port ${config.SLACK_PORT}`;
      return (await start('slack', () => startSlack(services, commandLayer))) ? `slack: connected (${mode})` : 'slack: failed to start (see the error above)';
    })(),
  ]);

  await services.queue.start();
  const model = services.models.defaultModel;
  log.info(
    { adapters: adapters.map((a) => a.name), model: model.name, queue: config.QUEUE_BACKEND, dataDir: config.DATA_DIR },
    `imagine-bot is running with model ${model.name} (${config.PIPELINE_DEVICE}), ${config.QUEUE_BACKEND} queue\n  ${lines.join('\n  ')}`,
  );
  if (adapters.length === 0) {
    log.error('no adapter is running: nothing can reach the bot');
    await shutdown.shutdown('no adapters');
  }
});
