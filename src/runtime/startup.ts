/**
 * What both entry points (main.ts for `npm start`, worker-main.ts for `npm run worker`) do the
 * same way: read the config (a bad variable is one line and exit 1), make the logger, and load
 * the default model ahead of the first job while /healthz reports its state.
 */
import { ConfigError, loadConfig, loadDotenv, type AppConfig } from '../config.js';
import type { PipelineJobRunner } from '../jobs/runner.js';
import { createLogger, type Logger } from '../log/index.js';
import type { Health } from '../ops/health.js';

/** The config from the environment and .env; exits with one line naming the variable when it is wrong. */
export function readConfigOrExit(check: (config: AppConfig) => void = () => {}): AppConfig {
  loadDotenv();
  try {
    const config = loadConfig();
    check(config);
    return config;
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`config error: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
}

/**
 * JSON lines for collectors, readable lines on a terminal (LOG_FORMAT). The process logs a promise
 * rejection nobody handled instead of exiting: one request's failure must not take down the
 * playground, Discord and Slack together.
 */
export function loggerFor(config: AppConfig, name: string): Logger {
  const pretty = config.LOG_FORMAT === 'pretty' || (config.LOG_FORMAT === 'auto' && process.stdout.isTTY === true);
  const log = createLogger({ level: config.LOG_LEVEL, name: `${name}:${config.INSTANCE_ID}`, pretty });
  process.on('unhandledRejection', (err) => log.error({ err }, 'a promise rejection was not handled; the process goes on'));
  return log;
}

/**
 * Loads the default model so the first user does not wait for it; /healthz says loading, then
 * loaded or failed. A failure is logged and leaves the process up (jobs fail until it is fixed).
 */
export async function preloadModel(runner: PipelineJobRunner, health: Health, config: AppConfig, log: Logger): Promise<void> {
  const model = runner.defaultModel;
  health.setModel({ name: model, device: config.PIPELINE_DEVICE, state: 'loading' });
  try {
    const p = await runner.preload();
    health.setModel({ name: p.info.name, device: p.device, state: 'loaded' });
  } catch (err) {
    health.setModel({ name: model, state: 'failed', error: err instanceof Error ? err.message : String(err) });
    log.error({ err, model }, `model ${model} failed to load; jobs will fail until it is fixed`);
  }
}

/** Runs an entry point's main; a throw before it is up is one line and exit 1. */
export function runMain(what: string, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    console.error(`${what} failed to start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
