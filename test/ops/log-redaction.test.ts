import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/index.js';
import { maskSecrets, secretValues } from '../../src/log/redact.js';

const ENV = {
  DISCORD_TOKEN: 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.discord-token-secret',
  SLACK_BOT_TOKEN: 'xoxb-1111-2222-slack-bot-secret',
  SLACK_APP_TOKEN: 'xapp-1-A111-slack-app-secret',
  SLACK_SIGNING_SECRET: '8f14e45fceea167a5a36dedd4bea2543',
  WEB_PASSWORD: 'correct horse battery staple',
  REDIS_URL: 'redis://default:redis-pass-9876@127.0.0.1:6390/0',
};
const SECRETS = [...Object.values(ENV), 'redis-pass-9876'];

function capture() {
  const lines: string[] = [];
  const log = createLogger({ level: 'trace', env: ENV, destination: { write: (s: string) => void lines.push(s) } as never });
  return { log, text: () => lines.join('') };
}

function expectNoSecret(text: string) {
  for (const s of SECRETS) expect(text, `log output contains ${s}`).not.toContain(s);
}

describe('secrets never reach the log', () => {
  it('not in messages, fields, nested objects or child bindings', () => {
    const { log, text } = capture();
    log.info(`connecting with ${ENV.DISCORD_TOKEN}`);
    log.info('token is %s', ENV.SLACK_BOT_TOKEN);
    log.info({ url: ENV.REDIS_URL }, 'redis');
    log.info({ config: { ...ENV, LOG_LEVEL: 'info' } }, 'config');
    log.info({ a: { b: { c: { signing: ENV.SLACK_SIGNING_SECRET } } } }, 'deep');
    log.info({ headers: { Authorization: `Bot ${ENV.DISCORD_TOKEN}` } }, 'request');
    log.child({ appToken: ENV.SLACK_APP_TOKEN }).warn('child');
    log.info({ list: [ENV.WEB_PASSWORD] }, 'array');
    const out = text();
    expectNoSecret(out);
    // Still useful: the rest of each line is there.
    expect(out).toContain('"msg":"redis"');
    expect(out).toContain('connecting with [redacted]');
    expect(out).toContain('"LOG_LEVEL":"info"');
  });

  it('not in error messages, stacks or causes, however the error is logged', () => {
    const { log, text } = capture();
    const err = new Error(`401 Unauthorized for token ${ENV.DISCORD_TOKEN}`);
    log.error(err);
    log.error({ err }, 'login failed');
    log.error({ error: err, job: { jobId: 'j1' } }, 'other key');
    log.error({ err: new Error('could not connect', { cause: new Error(`WRONGPASS ${ENV.REDIS_URL}`) }) }, 'with cause');
    log.error({ err: new Error(`bad password redis-pass-9876 given`) }, 'password alone');
    const out = text();
    expectNoSecret(out);
    expect(out).toContain('401 Unauthorized for token [redacted]');
    expect(out).toContain('login failed');
  });

  it('masks the password part of a URL and JSON-escaped forms of a secret', () => {
    const secrets = secretValues({ REDIS_URL: 'redis://:p%40ss-word-1@host:6379', WEB_PASSWORD: 'say "hi" \\ there' });
    expect(maskSecrets('auth p@ss-word-1 failed', secrets)).toBe('auth [redacted] failed');
    expect(maskSecrets(JSON.stringify({ p: 'say "hi" \\ there' }), secrets)).toBe('{"p":"[redacted]"}');
    // Short values would mask ordinary words and are left alone.
    expect(secretValues({ WEB_PASSWORD: 'abc' })).toEqual([]);
  });

  it('logs at the configured level', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'warn', env: {}, destination: { write: (s: string) => void lines.push(s) } as never });
    log.info({ jobId: 'j1' }, 'job started');
    log.warn({ jobId: 'j1' }, 'job failed');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 40, jobId: 'j1', msg: 'job failed' });
  });
});
