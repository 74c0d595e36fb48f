/**
 * The bot as the Docker image runs it: the compiled build, `node dist/src/runtime/main.js` (built by
 * test/global-setup.ts), in its own process with no TypeScript loader, with a tiny model, checked
 * from outside through the playground, /healthz, /metrics, the HEALTHCHECK script and SIGTERM.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import { writeTinyModel } from '../fixtures/tiny-models.js';
import { sample } from './fakes.js';

const run = promisify(execFile);
const HEALTHCHECK = join(PROJECT_ROOT, 'dist', 'src', 'ops', 'healthcheck.mjs');
const SECRET = 'playground-password-that-must-not-leak';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'imagine-main-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** POSTs a JSON body of `size` bytes with Transfer-Encoding: chunked; resolves the status (0 when the connection broke first). */
function chunkedPost(url: string, size: number): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.write('{"text":"');
    for (let sent = 0; sent < size; sent += 8192) req.write(Buffer.alloc(8192, 'a'));
    req.end('"}');
  });
}

/** GET with a Host header of our choosing (fetch does not allow one). */
function statusWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { Host: host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The compiled bot, as the image starts it; `output()` is what it printed so far. */
function launch(env: Record<string, string | undefined>) {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'dist', 'src', 'runtime', 'main.js')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let printed = '';
  child.stdout.on('data', (d: Buffer) => (printed += d.toString()));
  child.stderr.on('data', (d: Buffer) => (printed += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => printed };
}

describe('the bot process', () => {
  it('serves the playground, /healthz and /metrics, counts a job, and exits 0 on SIGTERM', async () => {
    const modelDir = writeTinyModel(join(root, 'models', 'tiny-sd'), { generation: 'optimum-2025', family: 'sd1' });
    // A folder beside it that is not a model: the log says why it is skipped.
    mkdirSync(join(root, 'models', 'half-copied'), { recursive: true });
    writeFileSync(join(root, 'models', 'half-copied', 'model_index.json'), '{"_class_name": "OnnxStableDiffusionPipeline"}');
    const [webPort, opsPort] = [await freePort(), await freePort()];
    const env = {
      PATH: process.env.PATH,
      HOME: root,
      DATA_DIR: join(root, 'data'),
      MODEL_DIR: modelDir,
      WEB_PORT: String(webPort),
      OPS_PORT: String(opsPort),
      WEB_PASSWORD: SECRET,
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_SECONDS: '30',
    };
    const { child, output, exited } = launch(env);
    try {
      const ops = `http://127.0.0.1:${opsPort}`;
      await expect.poll(() => fetch(`${ops}/healthz`).then((r) => r.status, () => 0), { timeout: 30_000, interval: 200 }).toBe(200);
      await expect(run(process.execPath, [HEALTHCHECK], { env: { PATH: process.env.PATH, OPS_PORT: String(opsPort), OPS_HOST: '0.0.0.0' } })).resolves.toBeDefined();

      // A user makes a grid in the playground.
      const web = `http://127.0.0.1:${webPort}`;
      const res = await fetch(`${web}/api/command`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ server: 'local', clientId: 'tab-0001', user: 'Ada', text: '/imagine a red heart --seed 7' }),
      });
      expect(res.status).toBe(200);
      await expect
        .poll(async () => sample(await (await fetch(`${ops}/metrics`)).text(), 'imagine_images_today', { platform: 'web', server: 'local' }), { timeout: 30_000, interval: 200 })
        .toBe(4);
      const metrics = await (await fetch(`${ops}/metrics`)).text();
      expect(sample(metrics, 'imagine_jobs_finished_total', { kind: 'imagine', status: 'done' })).toBe(1);
      expect(sample(metrics, 'imagine_adapter_connected', { adapter: 'web' })).toBe(1);
      // An oversized body sent in chunks (no Content-Length) is refused, and the process keeps serving.
      for (let i = 0; i < 3; i++) expect(await chunkedPost(`${web}/api/command`, 64 * 1024)).toBe(413);
      expect((await fetch(`${web}/api/state`)).status).toBe(200);
      expect(output()).not.toContain('not handled');
      // The playground's own port answers /healthz too.
      expect((await fetch(`${web}/healthz`)).status).toBe(200);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
    const lines = output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg: string; jobId?: string; reason?: string });
    expect(lines.some((l) => l.msg === 'job done' && typeof l.jobId === 'string')).toBe(true);
    expect(lines.map((l) => l.msg)).toContain('offering model tiny-sd (default): SD 1.x · 512×512 · 25 steps · guidance 7 · pndm');
    expect(lines.find((l) => l.msg.startsWith('skipping ') && l.msg.includes('half-copied'))?.reason).toMatch(/is missing tokenizer\/vocab\.json/);
    expect(lines.some((l) => l.msg === 'shutdown complete')).toBe(true);
    expect(output()).not.toContain(SECRET);
  });

  it('a model that fails to load: /readyz and /healthz say 503 with the reason, /livez 200, the playground answers', async () => {
    const modelDir = writeTinyModel(join(root, 'models', 'broken-sd'), { generation: 'optimum-2025', family: 'sd1', externalData: true });
    // The weights beside the UNet are cut short (a copy that did not finish): the folder reads, onnxruntime cannot load it.
    for (const f of readdirSync(join(modelDir, 'unet'))) if (!f.endsWith('.onnx')) truncateSync(join(modelDir, 'unet', f), 16);
    const webPort = await freePort();
    const env = { PATH: process.env.PATH, HOME: root, DATA_DIR: join(root, 'data-broken'), MODEL_DIR: modelDir, WEB_PORT: String(webPort), LOG_LEVEL: 'info' };
    const { child, output, exited } = launch(env);
    try {
      const web = `http://127.0.0.1:${webPort}`;
      await expect.poll(() => fetch(`${web}/livez`).then((r) => r.status, () => (child.exitCode === null ? 0 : Promise.reject(new Error(output())))), { timeout: 30_000, interval: 200 }).toBe(200);
      await expect
        .poll(() => fetch(`${web}/readyz`).then((r) => r.json(), () => ({})), { timeout: 30_000, interval: 200 })
        .toMatchObject({ status: 'degraded', model: { state: 'failed' }, checks: { database: { ok: true }, disk: { ok: true } } });
      expect((await fetch(`${web}/readyz`)).status).toBe(503);
      expect((await fetch(`${web}/healthz`)).status).toBe(503);
      expect((await fetch(`${web}/livez`)).status).toBe(200);
      expect((await fetch(`${web}/api/state`)).status).toBe(200);
      // A page reached under another host name (DNS rebinding) reads none of it.
      for (const path of ['/readyz', '/livez', '/metrics']) expect(await statusWithHost(`${web}${path}`, 'evil.example')).toBe(421);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
