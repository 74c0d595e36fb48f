/**
 * The scale-out promise with real processes: two gateway processes and two worker processes
 * (test entries: the real runtimes, FakeRunner instead of the models) on one real redis-server,
 * sharing one DATA_DIR for images. Quotas hold under a concurrent burst through both gateways, a
 * burst from two servers keeps fairness, a worker killed with SIGKILL mid-job has its job finished
 * by the other worker exactly once, a worker stopped with SIGTERM hands its job back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent, JobSubmission } from '../../../src/core/jobs.js';
import { PROJECT_ROOT } from '../../../src/config.js';
import { RedisBackend } from '../../../src/queue/redis/backend.js';
import { RedisJobStore, RedisSettingsStore, Scripts } from '../../../src/queue/redis/stores.js';
import { writeTestModels } from '../../fixtures/fake-runner.js';
import { OPEN_LIMITS, submission } from '../harness.js';
import { SKIP_MESSAGE, redisAvailable, startRedis, type RedisServer } from './redis-server.js';

if (!redisAvailable) console.warn(SKIP_MESSAGE);

type Line = Record<string, unknown> & { ev: string };

/** A child process speaking JSON lines. */
class Proc {
  readonly lines: Line[] = [];
  readonly child: ChildProcess;
  stderr = '';
  private waiters: { match: (l: Line) => boolean; resolve: (l: Line) => void }[] = [];

  constructor(
    readonly name: string,
    entry: string,
    env: Record<string, string>,
  ) {
    // node --import tsx (rather than npx tsx, which forks again): the pid we signal is the worker itself.
    this.child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'test', 'queue', 'redis', entry)], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    createInterface({ input: this.child.stdout! }).on('line', (text) => {
      let line: Line;
      try {
        line = JSON.parse(text) as Line;
      } catch {
        return;
      }
      this.lines.push(line);
      this.waiters = this.waiters.filter((w) => (w.match(line) ? (w.resolve(line), false) : true));
    });
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
  }

  waitFor(match: (l: Line) => boolean, timeoutMs = 20_000): Promise<Line> {
    const seen = this.lines.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no matching line within ${timeoutMs} ms; stderr: ${this.stderr.slice(-2000)}`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
      });
    });
  }

  send(command: unknown): void {
    this.child.stdin!.write(`${JSON.stringify(command)}\n`);
  }

  async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill(signal);
    await exited;
  }
}

let server: RedisServer;
let root: string;
let env: Record<string, string>;
const prefix = '{proc}';
const procs: Proc[] = [];
let gw1: Proc;
let gw2: Proc;
let w1: Proc;
let w2: Proc;
let backend: RedisBackend;
let settings: RedisSettingsStore;
let jobs: RedisJobStore;

function worker(name: string): Proc {
  const p = new Proc(name, 'worker-entry.ts', { ...env, INSTANCE_ID: name });
  procs.push(p);
  return p;
}

/** Submits through a gateway process; resolves with its answer line. */
let tags = 0;
function submitVia(gw: Proc, sub: JobSubmission): Promise<Line> {
  const tag = `t${++tags}`;
  gw.send({ op: 'submit', tag, sub: { ...sub, delivery: { platform: 'discord', gateway: gw.name, data: {} } } });
  return gw.waitFor((l) => l.tag === tag && (l.ev === 'submitted' || l.ev === 'refused' || l.ev === 'error'));
}

const eventsOf = (gw: Proc, id: string) => gw.lines.filter((l) => l.ev === 'event' && (l.event as JobEvent).jobId === id).map((l) => l.event as JobEvent);

describe.skipIf(!redisAvailable)('Redis backend with gateway and worker processes', () => {
  beforeAll(async () => {
    server = await startRedis();
    root = mkdtempSync(join(tmpdir(), 'imagine-procs-'));
    const limitsFile = join(root, 'limits.json');
    writeFileSync(limitsFile, JSON.stringify(OPEN_LIMITS));
    const models = writeTestModels(join(root, 'models'), [{ name: 'tiny', limits: { maxSteps: 60, maxPixels: 1_048_576, maxSize: 1536, minSize: 64, maxBatch: 8 } }]);
    env = {
      QUEUE_BACKEND: 'redis',
      REDIS_URL: server.url,
      DATA_DIR: join(root, 'data'),
      LIMITS_FILE: limitsFile,
      MODEL_DIR: models.defaultDir,
      MODELS_DIR: models.modelsDir,
      WEB_PORT: '0',
      TEST_PREFIX: prefix,
      TEST_DURATION_MS: '60',
      TEST_SLOW_MS: '3000',
      // The shortest setting: a dead worker's job moves on within 3 s (lock 2 s, check every 1 s).
      STALLED_JOB_SECONDS: '3',
    };
    gw1 = new Proc('gw-1', 'gateway-entry.ts', { ...env, INSTANCE_ID: 'gw-1' });
    gw2 = new Proc('gw-2', 'gateway-entry.ts', { ...env, INSTANCE_ID: 'gw-2' });
    procs.push(gw1, gw2);
    w1 = worker('worker-1');
    w2 = worker('worker-2');
    await Promise.all(procs.map((p) => p.waitFor((l) => l.ev === 'ready', 60_000)));
    // The test reads and changes settings through Redis like an admin command on any gateway would.
    backend = new RedisBackend({ url: server.url, prefix, settings: undefined as never });
    settings = new RedisSettingsStore(new Scripts(backend.redis, `${prefix}:data`), OPEN_LIMITS);
    jobs = new RedisJobStore(backend.scripts);
  }, 90_000);

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    await backend?.close();
    await server?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('holds daily quotas under a concurrent burst through two gateway processes', async () => {
    await settings.set('Q', 'daily_user_images', 10);
    await settings.set('Q', 'daily_server_images', 20);
    const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => submitVia(i % 2 ? gw2 : gw1, submission('Q', 'ann'))));
    expect(burst.filter((l) => l.ev === 'submitted')).toHaveLength(2);
    const refused = burst.filter((l) => l.ev === 'refused');
    expect(refused).toHaveLength(18);
    expect(new Set(refused.map((l) => l.reason))).toEqual(new Set(['quota-user']));
    expect(refused[0]!.message).toMatch(/^This needs 4 images, but only 2 of your daily 10 are left/);
    const many = await Promise.all(Array.from({ length: 30 }, (_, i) => submitVia(i % 2 ? gw2 : gw1, submission('Q', `user${i}`))));
    expect(many.filter((l) => l.ev === 'submitted')).toHaveLength(3);
    expect(many.filter((l) => l.ev === 'refused').every((l) => l.reason === 'quota-server')).toBe(true);
    const ids = [...burst, ...many].filter((l) => l.ev === 'submitted').map((l) => l.id as string);
    // Every accepted job is delivered by the gateway that took it, once.
    for (const id of ids) {
      const owner = burst.concat(many).find((l) => l.id === id)!.gateway === 'gw-1' ? gw1 : gw2;
      await owner.waitFor((l) => l.ev === 'deliver' && l.jobId === id && l.type === 'done');
      const other = owner === gw1 ? gw2 : gw1;
      expect(other.lines.some((l) => l.ev === 'deliver' && l.jobId === id)).toBe(false);
    }
  }, 60_000);

  it('keeps fairness across worker processes: server B, arriving after A\'s burst of 20, gets every other start', async () => {
    // A may use both workers at once; fairness, not its cap, must keep B from waiting behind all of A.
    await settings.set('A', 'server_max_running', 4);
    // The workers hold what they start until both bursts are queued, so "B arrives after A's
    // burst" is an order of events, not a race between the submits and the workers.
    for (const w of [w1, w2]) {
      const held = w.lines.length;
      w.send({ op: 'hold' });
      await w.waitFor((l) => l.ev === 'hold' && w.lines.indexOf(l) >= held);
    }
    const a = (await Promise.all(Array.from({ length: 20 }, (_, i) => submitVia(gw1, submission('A', `a${i % 4}`))))).map((l) => l.id as string);
    const b: string[] = [];
    for (let i = 0; i < 4; i++) b.push((await submitVia(gw2, submission('B', 'b1'))).id as string);
    for (const w of [w1, w2]) w.send({ op: 'release' });
    for (const id of [...a, ...b]) await gw1.waitFor((l) => l.ev === 'event' && (l.event as JobEvent).jobId === id && (l.event as JobEvent).type === 'done');
    // The stream's order of starts is the one order every process sees.
    const starts = gw1.lines
      .filter((l) => l.ev === 'event' && (l.event as JobEvent).type === 'started')
      .map((l) => (l.event as JobEvent).jobId)
      .filter((id) => a.includes(id) || b.includes(id));
    const tenthOfA = starts.indexOf(starts.filter((id) => a.includes(id))[9]!);
    for (const id of b) expect(starts.indexOf(id)).toBeLessThan(tenthOfA);
    // Both worker processes took part.
    const ranOn = new Set([...w1.lines, ...w2.lines].filter((l) => l.ev === 'run' && l.type === 'start' && a.includes(l.jobId as string)).map((l) => l.worker));
    expect(ranOn).toEqual(new Set(['worker-1', 'worker-2']));
  }, 60_000);

  it('finishes a job whose worker was killed with SIGKILL on the other worker, with one result delivered once', async () => {
    const answer = await submitVia(gw1, submission('K', 'kim', { prompt: 'a slow heart' }));
    const id = answer.id as string;
    const first = await Promise.race([w1, w2].map((w) => w.waitFor((l) => l.ev === 'run' && l.type === 'start' && l.jobId === id).then(() => w)));
    const survivor = first === w1 ? w2 : w1;
    await gw1.waitFor((l) => l.ev === 'event' && (l.event as JobEvent).jobId === id && (l.event as JobEvent).type === 'progress');
    await first.stop('SIGKILL');
    const rerun = await survivor.waitFor((l) => l.ev === 'run' && l.type === 'end' && l.jobId === id, 30_000);
    expect(rerun).toMatchObject({ outcome: 'done', attempt: 2 });
    const delivered = await gw1.waitFor((l) => l.ev === 'deliver' && l.jobId === id && l.type === 'done');
    expect(delivered.images).toHaveLength(1);
    expect((delivered.images as number[])[0]).toBeGreaterThan(0);
    // Settle: nothing more arrives for it.
    await new Promise((r) => setTimeout(r, 1500));
    expect(eventsOf(gw1, id).filter((e) => e.type === 'done')).toHaveLength(1);
    expect(eventsOf(gw1, id).filter((e) => e.type === 'failed')).toHaveLength(0);
    expect(gw1.lines.filter((l) => l.ev === 'deliver' && l.jobId === id && l.type === 'done')).toHaveLength(1);
    expect(eventsOf(gw2, id).filter((e) => e.type === 'done')).toHaveLength(1);
    expect(await jobs.get(id)).toMatchObject({ status: 'done', attempts: 2 });
  }, 60_000);

  it('a worker stopped with SIGTERM hands its running job back; a new worker process finishes it', async () => {
    const alive = [w1, w2].find((w) => w.child.exitCode === null && w.child.signalCode === null)!;
    const id = (await submitVia(gw2, submission('G', 'gus', { prompt: 'slow and steady' }))).id as string;
    await alive.waitFor((l) => l.ev === 'run' && l.type === 'start' && l.jobId === id);
    await alive.stop('SIGTERM');
    expect(alive.lines.some((l) => l.ev === 'run' && l.type === 'end' && l.jobId === id && l.outcome === 'handed-back')).toBe(true);
    expect(await jobs.get(id)).toMatchObject({ status: 'queued', attempts: 0 });
    const fresh = worker('worker-3');
    await fresh.waitFor((l) => l.ev === 'run' && l.type === 'end' && l.jobId === id && l.outcome === 'done', 30_000);
    await gw2.waitFor((l) => l.ev === 'deliver' && l.jobId === id && l.type === 'done');
    expect(await jobs.get(id)).toMatchObject({ status: 'done', attempts: 1 });
  }, 60_000);
});
