/**
 * The bot's day two, end to end with real parts: SQLite stores in a temp DATA_DIR, the local
 * queue, the pipeline runner on a tiny ONNX model in its worker thread, the playground server with
 * /healthz and /metrics mounted, and shutdown driven by SIGTERM. Then a restart on the same
 * DATA_DIR: nothing submitted is lost.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyModel } from '../fixtures/tiny-models.js';
import { boot, jobsIn, signalSource } from './boot.js';
import { sample } from './fakes.js';

let root: string;
let modelDir: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'imagine-ops-'));
  modelDir = writeTinyModel(join(root, 'models', 'tiny-sd'), { generation: 'optimum-2025', family: 'sd1' });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a bot with work in flight, stopped and started again', () => {
  it('serves metrics after jobs, drains on SIGTERM, keeps waiting jobs, and runs them after a restart', async () => {
    const dataDir = join(root, 'data-drain');
    const signals = signalSource();
    const bot = await boot(dataDir, modelDir, signals, 60_000);

    // Two jobs straight through: the metrics show them.
    const first = await bot.submit('a red heart', 'ada');
    const second = await bot.submit('a blue star', 'bob');
    await bot.until((e) => e.type === 'done' && e.jobId === first.id);
    await bot.until((e) => e.type === 'done' && e.jobId === second.id);
    await bot.ops.metrics.settled();
    const metrics = await (await fetch(`${bot.url}/metrics`)).text();
    expect(sample(metrics, 'imagine_jobs_finished_total', { kind: 'imagine', status: 'done' })).toBe(2);
    expect(sample(metrics, 'imagine_images_today', { platform: 'web', server: 'local' })).toBe(8);
    expect(sample(metrics, 'imagine_images_total', { platform: 'web', kind: 'imagine' })).toBe(8);
    expect(sample(metrics, 'imagine_generation_seconds_count', { kind: 'imagine', model: 'tiny-sd' })).toBe(2);
    expect(sample(metrics, 'imagine_job_latency_seconds_count', { kind: 'imagine' })).toBe(2);
    expect(sample(metrics, 'imagine_step_seconds_count', { model: 'tiny-sd' })).toBeGreaterThan(0);
    expect(sample(metrics, 'imagine_queue_depth')).toBe(0);
    expect(sample(metrics, 'imagine_jobs', { state: 'done' })).toBe(2);
    // Two jobs went through queued and running; none is there now.
    expect(sample(metrics, 'imagine_jobs', { state: 'queued' })).toBe(0);
    expect(sample(metrics, 'imagine_jobs', { state: 'running' })).toBe(0);
    expect(sample(metrics, 'imagine_adapter_connected', { adapter: 'web' })).toBe(1);
    const health = await fetch(`${bot.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', queue: { ok: true }, model: { name: 'tiny-sd' }, adapters: { web: { state: 'connected' } } });

    // One job running (held at the door), one waiting behind it.
    const running = await bot.submit('slow lighthouse', 'ada');
    const waiting = await bot.submit('a green leaf', 'bob');
    await bot.until((e) => e.type === 'started' && e.jobId === running.id);

    signals.send('SIGTERM');
    await expect.poll(async () => (await fetch(`${bot.url}/healthz`)).status).toBe(503);
    // Draining: health is red, new work is refused with a message, and the refusal is counted.
    expect(await (await fetch(`${bot.url}/healthz`)).json()).toMatchObject({ status: 'stopping' });
    await expect(bot.submit('one more', 'cy')).rejects.toMatchObject({ reason: 'closing', message: expect.stringContaining('restarting') });
    const refusals = await (await fetch(`${bot.url}/metrics`)).text();
    expect(sample(refusals, 'imagine_refusals_total', { reason: 'closing' })).toBe(1);

    // The running job finishes inside the deadline; then everything closes and the process exits 0.
    bot.runner.open();
    await bot.until((e) => e.type === 'done' && e.jobId === running.id);
    await expect.poll(() => bot.exits, { timeout: 20_000 }).toEqual([0]);
    expect(bot.web.state()).toBe('stopped');

    let stored = await jobsIn(dataDir);
    expect(stored.get('slow lighthouse')).toMatchObject({ status: 'done', output: { images: expect.arrayContaining([`${running.id}/0.png`]) } });
    expect(stored.get('a green leaf')).toMatchObject({ id: waiting.id, status: 'queued' });
    expect(stored.has('one more')).toBe(false);

    // Restart on the same data: the waiting job runs.
    const again = await boot(dataDir, modelDir, signalSource(), 60_000);
    await again.until((e) => e.type === 'done' && e.jobId === waiting.id);
    await again.shutdown.shutdown('test over');
    stored = await jobsIn(dataDir);
    expect(stored.get('a green leaf')).toMatchObject({ status: 'done', attempts: 1 });
    expect([...stored.values()].map((j) => j.status)).toEqual(['done', 'done', 'done', 'done']);
  });

  it('past the deadline a running job is stored as queued again, and finishes after the restart', async () => {
    const dataDir = join(root, 'data-deadline');
    const signals = signalSource();
    const bot = await boot(dataDir, modelDir, signals, 300);
    const held = await bot.submit('slow mountain', 'ada');
    await bot.until((e) => e.type === 'started' && e.jobId === held.id);
    signals.send('SIGTERM');
    await expect.poll(() => bot.exits, { timeout: 20_000 }).toEqual([0]);

    let stored = await jobsIn(dataDir);
    // Handed back untouched: queued, and the interrupted run does not count as an attempt.
    expect(stored.get('slow mountain')).toMatchObject({ status: 'queued', attempts: 0 });

    const again = await boot(dataDir, modelDir, signalSource(), 60_000);
    again.runner.open();
    await again.until((e) => e.type === 'done' && e.jobId === held.id);
    await again.shutdown.shutdown('test over');
    stored = await jobsIn(dataDir);
    expect(stored.get('slow mountain')).toMatchObject({ status: 'done', attempts: 1, output: { images: expect.any(Array) } });
  });

  it('a second SIGTERM to a real process exits at once (143); the job it cut short runs at the next start', async () => {
    const dataDir = join(root, 'data-twice');
    const script = fileURLToPath(new URL('./bot-process.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, dataDir, modelDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const lines = createInterface({ input: child.stdout });
    const jobId = await new Promise<string>((resolve, reject) => {
      lines.on('line', (line) => {
        const m = /^started (\S+)$/.exec(line);
        if (m) resolve(m[1]!);
      });
      void exited.then((code) => reject(new Error(`bot process exited (${code}) before its job started: ${stderr}`)));
    });
    child.kill('SIGTERM');
    await new Promise<void>((resolve) => lines.on('line', (line) => line === 'stopping' && resolve()));
    // Later than a relayed duplicate of the first signal would come.
    await new Promise((r) => setTimeout(r, 700));
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    // What a hard stop leaves behind: the job stored as running, one attempt made.
    expect((await jobsIn(dataDir)).get('slow river')).toMatchObject({ id: jobId, status: 'running', attempts: 1 });

    const again = await boot(dataDir, modelDir, signalSource(), 60_000);
    again.runner.open();
    await again.until((e) => e.type === 'done' && e.jobId === jobId);
    await again.shutdown.shutdown('test over');
    expect((await jobsIn(dataDir)).get('slow river')).toMatchObject({ status: 'done', attempts: 2 });
  });
});
