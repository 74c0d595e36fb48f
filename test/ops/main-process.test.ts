/**
 * The bot as the Docker image runs it: the compiled build, `node dist/src/runtime/main.js` (built by
 * test/global-setup.ts), in its own process with no TypeScript loader, with a tiny model, checked
 * from outside through the playground, /healthz, /metrics, the HEALTHCHECK script and SIGTERM.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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

describe('the bot process', () => {
  it('serves the playground, /healthz and /metrics, counts a job, and exits 0 on SIGTERM', async () => {
    const modelDir = writeTinyModel(join(root, 'models', 'tiny-sd'), { generation: 'optimum-2025', family: 'sd1' });
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
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'dist', 'src', 'runtime', 'main.js')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
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
      // The playground's own port answers /healthz too.
      expect((await fetch(`${web}/healthz`)).status).toBe(200);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
    const lines = output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg: string; jobId?: string });
    expect(lines.some((l) => l.msg === 'job done' && typeof l.jobId === 'string')).toBe(true);
    expect(lines.some((l) => l.msg === 'shutdown complete')).toBe(true);
    expect(output).not.toContain(SECRET);
  });
});
