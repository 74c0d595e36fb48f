import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, PROJECT_ROOT, loadConfig } from '../../src/config.js';

const run = promisify(execFile);

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('loadConfig accepted the environment');
}

describe('config validation', () => {
  it.each([
    [{ WEB_PORT: 'eighty' }, 'WEB_PORT: expected a whole number'],
    [{ OPS_PORT: '70000' }, 'OPS_PORT: expected a number from 0 to 65535'],
    [{ SHUTDOWN_TIMEOUT_SECONDS: '-5' }, 'SHUTDOWN_TIMEOUT_SECONDS: expected a whole number'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL: '],
    [{ QUEUE_BACKEND: 'redis' }, 'REDIS_URL: required when QUEUE_BACKEND=redis'],
    [{ QUEUE_BACKEND: 'redis', REDIS_URL: '127.0.0.1:6379' }, 'REDIS_URL: expected a URL'],
    [{ DISCORD_TOKEN: 'x'.repeat(30) }, 'DISCORD_APPLICATION_ID: required when DISCORD_TOKEN is set'],
    [{ PIPELINE_DEVICE: 'tpu' }, 'PIPELINE_DEVICE: '],
    [{ QUEUE_BACKEND: 'redis', REDIS_URL: 'localhost:6379' }, 'REDIS_URL: expected redis://'],
    [{ DISCORD_SHARD_IDS: '0,1' }, 'DISCORD_SHARDS: set the total shard count'],
    [{ DISCORD_SHARDS: '2', DISCORD_SHARD_IDS: '1,2' }, 'DISCORD_SHARD_IDS: shard 2 is not below DISCORD_SHARDS (2)'],
    [{ WEB_HOST: '0.0.0.0' }, 'WEB_PASSWORD: required when WEB_HOST'],
  ])('%o → one line naming the variable', (env, start) => {
    const err = configError(env);
    expect(err.message.startsWith(start)).toBe(true);
    expect(err.message).not.toContain('\n');
  });

  it('never echoes the bad value, which may be a secret', () => {
    const err = configError({ QUEUE_BACKEND: 'redis', REDIS_URL: 'not a url but hunter2-secret' });
    expect(err.message).toMatch(/^REDIS_URL: /);
    expect(err.message).not.toContain('hunter2-secret');
  });

  it('gives defaults as the types it promises (numbers and booleans, not strings)', () => {
    const config = loadConfig({});
    expect(config.SHUTDOWN_TIMEOUT_SECONDS).toBe(60);
    expect(config.OPS_PORT).toBe(0);
    expect(config.WEB_PORT).toBe(8080);
    expect(config.QUEUE_CONCURRENCY).toBe(1);
    expect(config.DISCORD_ALLOW_DMS).toBe(false);
  });

  it('reads the ops variables', () => {
    const config = loadConfig({ OPS_PORT: '9090', OPS_HOST: '0.0.0.0', SHUTDOWN_TIMEOUT_SECONDS: '15', LOG_LEVEL: 'debug' });
    expect(config).toMatchObject({ OPS_PORT: 9090, OPS_HOST: '0.0.0.0', SHUTDOWN_TIMEOUT_SECONDS: 15, LOG_LEVEL: 'debug' });
  });
});

/** The compiled entry point (test/global-setup.ts builds it). */
const MAIN = join(PROJECT_ROOT, 'dist', 'src', 'runtime', 'main.js');

describe('the bot started with a bad environment', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'imagine-config-'));
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  // The way the Docker image starts it: the compiled build, from a directory without .env.
  const start = (env: Record<string, string>) =>
    run(process.execPath, [MAIN], { cwd, env: { PATH: process.env.PATH, HOME: cwd, ...env }, timeout: 30_000 }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  it.each([
    [{ WEB_PORT: 'eighty' }, 'config error: WEB_PORT: expected a whole number'],
    [{ QUEUE_BACKEND: 'redis' }, 'config error: REDIS_URL: required when QUEUE_BACKEND=redis'],
    [{ SLACK_BOT_TOKEN: 'xoxb-0000-secret-slack-token' }, 'config error: SLACK_APP_TOKEN: '],
  ])('%o exits 1 with one line and no stack trace', async (env, line) => {
    const { code, stdout, stderr } = await start(env);
    expect(code).toBe(1);
    const out = `${stdout}${stderr}`.trim();
    expect(out.split('\n')).toHaveLength(1);
    expect(out.startsWith(line)).toBe(true);
    expect(out).not.toMatch(/\n\s+at /);
    expect(out).not.toContain('xoxb-0000-secret-slack-token');
  });

  it('refuses to start over a 0-byte database, naming the file and what to do', async () => {
    const dataDir = join(cwd, 'emptied');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'imagine.sqlite'), '');
    const { code, stdout, stderr } = await start({ DATA_DIR: dataDir, WEB_PORT: '0' });
    expect(code).toBe(1);
    const last = `${stdout}${stderr}`.trim().split('\n').at(-1);
    expect(last).toBe(
      `imagine-bot failed to start: ${join(dataDir, 'imagine.sqlite')} is empty (0 bytes), so the limits, quotas and history it held are gone; restore it from a backup, or delete it to start with an empty database`,
    );
    expect(statSync(join(dataDir, 'imagine.sqlite')).size).toBe(0);
  });
});
