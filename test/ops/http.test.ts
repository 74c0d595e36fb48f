import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createHealth, type HealthReport } from '../../src/ops/health.js';
import { createOpsRoutes, startOpsServer, type OpsServer } from '../../src/ops/http.js';
import { createMetrics } from '../../src/ops/metrics.js';
import { ScriptedQueue, adapter, sample } from './fakes.js';

const run = promisify(execFile);
const HEALTHCHECK = fileURLToPath(new URL('../../src/ops/healthcheck.mjs', import.meta.url));

const servers: OpsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(options: { secrets?: string[] } = {}) {
  const queue = new ScriptedQueue();
  queue.statsValue = { queued: 2, running: 1, byStatus: { queued: 2, running: 1, done: 5 } };
  const health = createHealth({ queue, model: () => ({ name: 'emoji-diffusion', device: 'cpu' }), optionalAdapters: ['web'] });
  const metrics = createMetrics({ defaultMetrics: false });
  metrics.observeQueue(queue, { get: async () => undefined } as never);
  const discord = adapter('discord', 'connected');
  const web = adapter('web', 'connected');
  for (const a of [discord, web]) {
    health.addAdapter(a);
    metrics.trackAdapter(a);
  }
  const server = await startOpsServer(createOpsRoutes({ health, metrics, secrets: options.secrets }), { port: 0, host: '127.0.0.1' });
  servers.push(server);
  return { queue, health, discord, web, server };
}

async function healthz(server: OpsServer) {
  const res = await fetch(`${server.url}/healthz`);
  return { status: res.status, body: (await res.json()) as HealthReport };
}

describe('/healthz', () => {
  it('answers 200 with adapters, queue and model while everything is up', async () => {
    const { server } = await serve();
    const { status, body } = await healthz(server);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'ok',
      adapters: { discord: { state: 'connected', required: true }, web: { state: 'connected', required: false } },
      queue: { ok: true, queued: 2, running: 1 },
      model: { name: 'emoji-diffusion', device: 'cpu' },
    });
  });

  it('answers 503 when a required adapter is down, but not for an optional one', async () => {
    const { server, discord, web } = await serve();
    web.current = 'disconnected';
    expect((await healthz(server)).status).toBe(200);
    discord.current = 'disconnected';
    const { status, body } = await healthz(server);
    expect(status).toBe(503);
    expect(body.status).toBe('degraded');
    expect(body.adapters.discord!.state).toBe('disconnected');
    discord.current = 'starting';
    expect(await healthz(server)).toMatchObject({ status: 503, body: { status: 'starting' } });
    discord.current = 'connected';
    expect((await healthz(server)).status).toBe(200);
  });

  it('answers 503 when the queue does not answer, without leaking a secret from the error', async () => {
    const { server, queue } = await serve({ secrets: ['hunter2-redis-pass'] });
    queue.statsError = new Error('WRONGPASS invalid password hunter2-redis-pass for redis://127.0.0.1:6390');
    const res = await fetch(`${server.url}/healthz`);
    const text = await res.text();
    expect(res.status).toBe(503);
    expect(JSON.parse(text)).toMatchObject({ status: 'degraded', queue: { ok: false } });
    expect(text).toContain('WRONGPASS');
    expect(text).not.toContain('hunter2-redis-pass');
  });

  it('counts a queue that hangs as down', async () => {
    const queue = new ScriptedQueue();
    queue.stats = () => new Promise(() => {});
    const health = createHealth({ queue, queueTimeoutMs: 50 });
    const report = await health.check();
    expect(report.status).toBe('degraded');
    expect(report.queue).toMatchObject({ ok: false, error: expect.stringContaining('did not answer') });
  });

  it('answers 503 while the model loads and when it failed to load, and shows where it runs once loaded', async () => {
    const { server, health } = await serve();
    health.setModel({ name: 'emoji-diffusion', device: 'cuda', state: 'loading' });
    expect(await healthz(server)).toMatchObject({ status: 503, body: { status: 'starting', model: { state: 'loading' } } });
    // Alive all the while: restarting would only load the model again.
    expect((await fetch(`${server.url}/livez`)).status).toBe(200);
    // A CUDA image whose provider could not start falls back to the CPU: visible here.
    health.setModel({ name: 'emoji-diffusion', device: 'cpu', state: 'loaded' });
    expect(await healthz(server)).toMatchObject({ status: 200, body: { model: { device: 'cpu', state: 'loaded' } } });
    health.setModel({ name: 'emoji-diffusion', state: 'failed', error: 'unet/model.onnx is missing' });
    expect(await healthz(server)).toMatchObject({ status: 503, body: { status: 'degraded', model: { state: 'failed', error: 'unet/model.onnx is missing' } } });
  });

  it('answers 503 while a store check fails (a damaged database, a full disk), naming it, and 200 once it passes', async () => {
    const { server, health } = await serve();
    let problem: string | undefined = 'the database is damaged: *** in database main *** Page 3 is never used';
    health.addCheck({
      name: 'database',
      check: () => {
        if (problem) throw new Error(problem);
      },
    });
    health.addCheck({ name: 'disk', check: async () => {} });
    expect(await healthz(server)).toMatchObject({ status: 503, body: { status: 'degraded', checks: { database: { ok: false, error: problem }, disk: { ok: true } } } });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    expect((await fetch(`${server.url}/livez`)).status).toBe(200);
    problem = undefined;
    expect(await healthz(server)).toMatchObject({ status: 200, body: { status: 'ok', checks: { database: { ok: true }, disk: { ok: true } } } });
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });

  it('/livez stays 200 while adapters are down or still connecting: only a dead process is restarted', async () => {
    const { server, discord } = await serve();
    discord.current = 'starting';
    expect((await healthz(server)).status).toBe(503);
    discord.current = 'disconnected';
    expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
    const live = await fetch(`${server.url}/livez`);
    expect(live.status).toBe(200);
    expect(await live.json()).toMatchObject({ status: 'alive' });
  });

  it('answers 503 once shutdown has begun', async () => {
    const { server, health } = await serve();
    health.markStopping();
    expect(await healthz(server)).toMatchObject({ status: 503, body: { status: 'stopping' } });
  });

  it('the Docker healthcheck script exits 0 on a healthy bot and 1 otherwise', async () => {
    const { server, discord } = await serve();
    const env = { PATH: process.env.PATH, OPS_PORT: String(server.port), OPS_HOST: '0.0.0.0' };
    await expect(run(process.execPath, [HEALTHCHECK], { env })).resolves.toBeDefined();
    discord.current = 'disconnected';
    const failed = await run(process.execPath, [HEALTHCHECK], { env }).catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 1, stderr: expect.stringContaining('answered 503') });
    await server.close();
    servers.splice(servers.indexOf(server), 1);
    const down = await run(process.execPath, [HEALTHCHECK], { env }).catch((e: { code: number; stderr: string }) => e);
    expect(down).toMatchObject({ code: 1, stderr: expect.stringContaining('unreachable') });
  });
});

describe('/metrics and other paths', () => {
  it('serves the Prometheus text format', async () => {
    const { server } = await serve();
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain('# TYPE imagine_queue_depth gauge');
    expect(sample(text, 'imagine_queue_depth')).toBe(2);
    expect(sample(text, 'imagine_adapter_connected', { adapter: 'discord' })).toBe(1);
  });

  it('refuses other methods, answers HEAD without a body, and leaves unknown paths alone', async () => {
    const { server } = await serve();
    const post = await fetch(`${server.url}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const head = await fetch(`${server.url}/healthz`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await fetch(`${server.url}/healthz?verbose=1`)).status).toBe(200);
    expect((await fetch(`${server.url}/`)).status).toBe(404);
  });

  it('as mounted routes, claims only /livez, /readyz, /healthz and /metrics', () => {
    const routes = createOpsRoutes({ health: createHealth({ queue: new ScriptedQueue() }) });
    const res = { writeHead: () => res, end: () => res, setHeader: () => res, headersSent: false };
    expect(routes({ url: '/', method: 'GET' } as never, res as never)).toBe(false);
    expect(routes({ url: '/api/state', method: 'GET' } as never, res as never)).toBe(false);
    // Without a metrics object /metrics is left to the host server.
    expect(routes({ url: '/metrics', method: 'GET' } as never, res as never)).toBe(false);
    for (const url of ['/healthz', '/readyz', '/livez']) expect(routes({ url, method: 'GET' } as never, res as never)).toBe(true);
  });
});
