/**
 * Redis trouble as operators meet it: Redis goes away under a running gateway (submits are
 * answered at once that the queue is unavailable, nothing is queued or counted, errors are log
 * lines, not ioredis's "Unhandled error event"), comes back (work goes on), and a wrong password
 * in REDIS_URL stops the bot with one line.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { QUEUE_UNAVAILABLE, UserError } from '../../../src/core/errors.js';
import { PROJECT_ROOT } from '../../../src/config.js';
import { dispatch } from '../../../commands/index.js';
import { FakeRunner } from '../../fixtures/fake-runner.js';
import { shown } from '../../fixtures/markup.js';
import { ScaleHarness, submission } from './harness.js';
import { SKIP_MESSAGE, redisAvailable, startRedis, type RedisServer } from './redis-server.js';
import { TcpProxy } from './tcp-proxy.js';

if (!redisAvailable) console.warn(SKIP_MESSAGE);

const run = promisify(execFile);
let servers: RedisServer[] = [];
let h: ScaleHarness | undefined;
afterEach(async () => {
  await h?.dispose();
  h = undefined;
  await Promise.all(servers.map((s) => s.stop()));
  servers = [];
  vi.restoreAllMocks();
});

describe.skipIf(!redisAvailable)('Redis trouble', () => {
  it('while Redis is down a submit is answered at once that the queue is unavailable; once it is back, work goes on', async () => {
    const redis = await startRedis();
    servers.push(redis);
    const proxy = await TcpProxy.start(redis.port);
    h = new ScaleHarness(proxy.url);
    try {
      const queue = await h.openGateway();
      const runner = new FakeRunner({ durationMs: 2, steps: 2, images: h.sharedImages() });
      await h.openWorker({ runner });
      const ok = await queue.submit(submission('S', 'ann'));
      await h.nextFor(queue, (e) => e.jobId === ok.id && e.type === 'done');
      const stderr = vi.spyOn(console, 'error');

      proxy.down();
      await vi.waitFor(() => expect(queue.available).toBe(false), { timeout: 10_000 });
      const err = await queue.submit(submission('S', 'bob')).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(UserError);
      expect(err).toMatchObject({ reason: 'queue-unavailable', message: QUEUE_UNAVAILABLE });
      // Commands that read the stores say the same instead of "something went wrong".
      const services = h.gateway.services;
      const info = await dispatch({ platform: 'web', serverId: 'S', channelId: 'c', userId: 'ann', userName: 'ann', isServerAdmin: false, admins: 'anyone', command: 'info', options: {} }, services);
      expect(shown(info.reply.text)).toBe(QUEUE_UNAVAILABLE);
      expect(stderr.mock.calls.flat().join(' ')).not.toContain('[ioredis]');
      expect(h.logLines.some((l) => l.includes('Redis commands connection error'))).toBe(true);
      // Nothing of bob's was queued or counted.
      proxy.up();
      await vi.waitFor(() => expect(queue.available).toBe(true), { timeout: 20_000 });
      expect(await services.jobs.listForUser('S', 'bob', ['queued', 'running', 'done', 'failed', 'cancelled'])).toEqual([]);
      expect((await services.usage.today('S', 'bob')).userImages).toBe(0);
      const after = await queue.submit(submission('S', 'cy'));
      await h.nextFor(queue, (e) => e.jobId === after.id && e.type === 'done');
    } finally {
      await h.dispose();
      h = undefined;
      await proxy.close();
    }
  });

  it('a wrong password in REDIS_URL stops the gateway and the worker with one line naming where; REDIS_PASSWORD gives the right one', async () => {
    const secured = await startRedis({ password: 'the-right-one' });
    servers.push(secured);
    const root = mkdtempSync(join(tmpdir(), 'imagine-auth-'));
    try {
      const env = { PATH: process.env.PATH, HOME: root, DATA_DIR: join(root, 'data'), WEB_PORT: '0', QUEUE_BACKEND: 'redis', REDIS_URL: `redis://:not-the-password@127.0.0.1:${secured.port}` };
      for (const [entry, name] of [['main.js', 'imagine-bot'], ['worker-main.js', 'imagine worker']] as const) {
        const result = await run(process.execPath, [join(PROJECT_ROOT, 'dist', 'src', 'runtime', entry)], { cwd: root, env, timeout: 30_000 }).then(
          () => ({ code: 0, out: '' }),
          (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: `${e.stdout}${e.stderr}` }),
        );
        expect(result.code).toBe(1);
        const last = result.out.trim().split('\n').at(-1);
        expect(last).toBe(`${name} failed to start: Redis at 127.0.0.1:${secured.port} refused the password in REDIS_URL (WRONGPASS); set the password Redis expects (requirepass) in REDIS_URL`);
        expect(result.out).not.toContain('not-the-password');
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
    // REDIS_PASSWORD gives the password when REDIS_URL carries none (as compose passes them).
    h = new ScaleHarness(`redis://127.0.0.1:${secured.port}`);
    const queue = await h.openGateway({ REDIS_PASSWORD: 'the-right-one' });
    expect((await queue.submit(submission('S', 'ann'))).status).toBe('queued');
  });
});
