import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import type { JobRecord } from '../../src/core/jobs.js';
import { DATABASE_FILE, MIGRATIONS, openDatabase } from '../../src/store/database.js';
import { expectBans, expectLimitHistory, expectPreferences } from '../fixtures/limit-history.js';
import { openLocalStores, type LocalStores } from '../../src/store/index.js';
import { LocalImageStore } from '../../src/store/local-images.js';
import { runRetention } from '../../src/store/retention.js';
import { loadDefaultLimits } from '../../src/store/sqlite-settings.js';
import { SqliteUsageLedger, nextUtcMidnight } from '../../src/store/sqlite-usage.js';
import { TINY_PNG } from '../fixtures/fake-runner.js';

const LIMITS_FILE = join(PROJECT_ROOT, 'config', 'limits.json');
const DAY = 86_400_000;

function job(id: string, fields: Partial<JobRecord> = {}): JobRecord {
  return {
    id,
    kind: 'imagine',
    platform: 'discord',
    serverId: 'g1',
    channelId: 'c1',
    userId: 'u1',
    userName: 'Ada',
    params: { prompt: 'a red heart', negativePrompt: '', model: 'tiny', seed: 7, steps: 4, guidance: 7, width: 64, height: 64, count: 4 },
    status: 'queued',
    priority: 0,
    cost: 4,
    createdAt: 1_700_000_000_000,
    attempts: 0,
    ...fields,
  };
}

let dir: string;
let stores: LocalStores;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'imagine-store-'));
  stores = openLocalStores({ dataDir: dir, limitsFile: LIMITS_FILE });
});
afterEach(() => {
  stores.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('openDatabase', () => {
  it('creates the schema once, in WAL mode, and refuses a database from a newer version', () => {
    const db = openDatabase(dir);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const version = db.pragma('user_version', { simple: true }) as number;
    expect(version).toBeGreaterThan(0);
    db.close();
    const raw = new Database(join(dir, DATABASE_FILE));
    raw.pragma(`user_version = ${version + 1}`);
    raw.close();
    expect(() => openDatabase(dir)).toThrow(/newer version/);
  });

  it('moves a database written by the previous version forward, keeping its jobs', () => {
    const old = mkdtempSync(join(tmpdir(), 'imagine-v1-'));
    try {
      const raw = new Database(join(old, DATABASE_FILE));
      raw.exec(MIGRATIONS[0]!);
      raw.pragma('user_version = 1');
      raw.prepare(`INSERT INTO jobs (id, kind, platform, server_id, channel_id, user_id, user_name, prompt, model, params, status, created_at, finished_at, images_expired_at)
        VALUES ('kept', 'imagine', 'web', 's', 'c', 'u', 'U', 'p', 'm', '{}', 'done', 1, 2, 3)`).run();
      raw.close();
      const db = openDatabase(old);
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      const columns = db.prepare<[], { name: string }>('PRAGMA table_info(jobs)').all().map((c) => c.name);
      expect(columns).not.toContain('images_expired_at');
      expect(db.prepare<[], { id: string }>('SELECT id FROM jobs').all()).toEqual([{ id: 'kept' }]);
      db.close();
    } finally {
      rmSync(old, { recursive: true, force: true });
    }
  });

  it('refuses a 0-byte database file instead of starting over, naming the file', () => {
    const empty = mkdtempSync(join(tmpdir(), 'imagine-empty-'));
    try {
      writeFileSync(join(empty, DATABASE_FILE), '');
      expect(() => openDatabase(empty)).toThrow(`${join(empty, DATABASE_FILE)} is empty (0 bytes)`);
      // Nothing was written over it.
      expect(statSync(join(empty, DATABASE_FILE)).size).toBe(0);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('names a DATA_DIR it cannot write and a file that is not a database', () => {
    const root = mkdtempSync(join(tmpdir(), 'imagine-bad-'));
    try {
      writeFileSync(join(root, 'a-file'), 'x');
      expect(() => openDatabase(join(root, 'a-file', 'data'))).toThrow(`DATA_DIR ${join(root, 'a-file', 'data')} cannot be written (ENOTDIR)`);
      mkdirSync(join(root, 'data'));
      writeFileSync(join(root, 'data', DATABASE_FILE), 'this is not a database, it is a text file written over it');
      expect(() => openDatabase(join(root, 'data'))).toThrow(/imagine\.sqlite is not a readable database \(SQLITE_NOTADB\)/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('SqliteJobStore', () => {
  it('stores every field of a job and merges updates', async () => {
    const j = job('j1', { delivery: { platform: 'discord', gateway: 'main', data: { token: 'x' } } });
    await stores.jobs.insert(j);
    expect(await stores.jobs.get('j1')).toEqual(j);
    const output = { images: ['j1/0.png'], seeds: [7], preview: 'j1/0.png', previewWidth: 64, previewHeight: 64, width: 64, height: 64 };
    await stores.jobs.update('j1', { status: 'done', finishedAt: 5, output, attempts: 1 });
    expect(await stores.jobs.get('j1')).toEqual({ ...j, status: 'done', finishedAt: 5, output, attempts: 1 });
    // What the safety check found, for the moderation log.
    await stores.jobs.update('j1', { moderation: { verdict: 'block', unsafe: 0.9, images: ['j1/flagged-0.png'] } });
    expect((await stores.jobs.get('j1'))?.moderation).toEqual({ verdict: 'block', unsafe: 0.9, images: ['j1/flagged-0.png'] });
    await stores.jobs.update('j1', { error: undefined, finishedAt: undefined });
    expect((await stores.jobs.get('j1'))?.finishedAt).toBeUndefined();
    expect(await stores.jobs.get('nope')).toBeUndefined();
  });

  it('lists jobs oldest first, insertion order breaking ties, by status and by user', async () => {
    await stores.jobs.insert(job('zz', { createdAt: 10 }));
    await stores.jobs.insert(job('aa', { createdAt: 10 }));
    await stores.jobs.insert(job('mm', { createdAt: 5, status: 'running' }));
    await stores.jobs.insert(job('other', { createdAt: 1, userId: 'u2' }));
    await stores.jobs.insert(job('old', { createdAt: 1, status: 'done' }));
    expect((await stores.jobs.listByStatus(['queued', 'running'])).map((j) => j.id)).toEqual(['other', 'mm', 'zz', 'aa']);
    expect((await stores.jobs.listForUser('g1', 'u1', ['queued'])).map((j) => j.id)).toEqual(['zz', 'aa']);
    expect(await stores.jobs.listForUser('g2', 'u1', ['queued'])).toEqual([]);
  });

  it('keeps its rows when the database is opened again', async () => {
    await stores.jobs.insert(job('keep'));
    stores.close();
    stores = openLocalStores({ dataDir: dir, limitsFile: LIMITS_FILE });
    expect((await stores.jobs.get('keep'))?.params.prompt).toBe('a red heart');
  });
});

describe('SqliteSettingsStore', () => {
  it('starts from config/limits.json and lets a server override one limit', async () => {
    const defaults = loadDefaultLimits(LIMITS_FILE);
    expect(await stores.settings.get('g1')).toEqual(defaults);
    await stores.settings.set('g1', 'max_steps', 30);
    await stores.settings.set('g1', 'blocked_words', ['cat', 'dog']);
    expect((await stores.settings.get('g1')).max_steps).toBe(30);
    expect(await stores.settings.overrides('g1')).toEqual({ max_steps: 30, blocked_words: ['cat', 'dog'] });
    expect((await stores.settings.get('g2')).max_steps).toBe(defaults.max_steps);
    await stores.settings.reset('g1', 'max_steps');
    expect((await stores.settings.get('g1')).max_steps).toBe(defaults.max_steps);
  });

  it('refuses a bad value and changes nothing', async () => {
    await stores.settings.set('g1', 'max_steps', 30);
    await expect(stores.settings.set('g1', 'max_steps', 999)).rejects.toThrow(/max_steps/);
    await expect(stores.settings.set('g1', 'upscale_allowed', 'yes' as unknown as boolean)).rejects.toThrow(/upscale_allowed/);
    expect(await stores.settings.overrides('g1')).toEqual({ max_steps: 30 });
  });

  it('bans and unbans users per server', async () => {
    await expectBans(stores.settings);
  });

  it('keeps each user’s own settings per server, across a restart', async () => {
    await expectPreferences(stores.settings);
    await stores.settings.setPreference('g1', 'ann', 'suffix', 'watercolor --ar 3:2');
    stores.close();
    stores = openLocalStores({ dataDir: dir, limitsFile: LIMITS_FILE });
    expect((await stores.settings.preferences('g1', 'ann')).suffix).toBe('watercolor --ar 3:2');
  });

  it('records who changed which limit when, newest first', async () => {
    await expectLimitHistory(stores.settings, loadDefaultLimits(LIMITS_FILE));
  });

  it('keeps overrides across a restart', async () => {
    await stores.settings.set('g1', 'daily_user_images', 12);
    stores.close();
    stores = openLocalStores({ dataDir: dir, limitsFile: LIMITS_FILE });
    expect((await stores.settings.get('g1')).daily_user_images).toBe(12);
  });

  it('names the file and the field when the defaults file is bad', () => {
    const bad = join(dir, 'limits.json');
    writeFileSync(bad, JSON.stringify({ ...loadDefaultLimits(LIMITS_FILE), max_steps: 0 }));
    expect(() => loadDefaultLimits(bad)).toThrow(`${bad}: max_steps has a bad value 0`);
    writeFileSync(bad, '{ not json');
    expect(() => loadDefaultLimits(bad)).toThrow(bad);
  });
});

describe('SqliteUsageLedger', () => {
  const base = Date.UTC(2025, 5, 1, 20, 48);
  const request = (now: number, fields: Partial<Parameters<SqliteUsageLedger['reserve']>[0]> = {}) => ({
    serverId: 'g1',
    userId: 'u1',
    cost: 4,
    now,
    dailyServerImages: 10,
    dailyUserImages: 0,
    requestsPerMinute: 0,
    ...fields,
  });

  it('counts images per UTC day and refuses what would pass the quota', async () => {
    let now = base;
    const ledger = new SqliteUsageLedger(stores.db, () => now);
    expect(await ledger.reserve(request(now))).toEqual({ ok: true });
    expect(await ledger.reserve(request(now))).toEqual({ ok: true });
    expect(await ledger.reserve(request(now))).toEqual({ ok: false, reason: 'quota-server', used: 8, limit: 10, retryAt: nextUtcMidnight(now) });
    expect(await ledger.today('g1', 'u1')).toEqual({ serverImages: 8, userImages: 8, serverGpuMs: 0, resetsAt: Date.UTC(2025, 5, 2) });
    now = Date.UTC(2025, 5, 2, 0, 0, 1);
    expect(await ledger.today('g1', 'u1')).toMatchObject({ serverImages: 0, userImages: 0 });
    expect(await ledger.reserve(request(now))).toEqual({ ok: true });
  });

  it('gives a refund back on the day the job was counted', async () => {
    let now = base;
    const ledger = new SqliteUsageLedger(stores.db, () => now);
    await ledger.reserve(request(now, { cost: 4 }));
    await ledger.refund('g1', 'u1', 4, base);
    expect(await ledger.today('g1', 'u1')).toMatchObject({ serverImages: 0, userImages: 0 });
    await ledger.reserve(request(now, { cost: 4 }));
    now = base + DAY;
    await ledger.reserve(request(now, { cost: 4 }));
    // Yesterday's job fails today: today's count stays.
    await ledger.refund('g1', 'u1', 4, base);
    expect(await ledger.today('g1', 'u1')).toMatchObject({ serverImages: 4 });
  });

  it('limits requests in any sixty seconds per user', async () => {
    const ledger = new SqliteUsageLedger(stores.db);
    const r = (now: number, userId = 'u1') => ledger.reserve(request(now, { userId, cost: 0, dailyServerImages: 0, requestsPerMinute: 2 }));
    expect((await r(base)).ok).toBe(true);
    expect((await r(base + 30_000)).ok).toBe(true);
    expect(await r(base + 59_000)).toEqual({ ok: false, reason: 'rate', used: 2, limit: 2, retryAt: base + 60_000 });
    expect((await r(base + 59_000, 'u2')).ok).toBe(true);
    expect((await r(base + 60_001)).ok).toBe(true);
  });

  it('keeps the daily counters of three UTC days and the request log of one minute, nothing older', async () => {
    let now = base - 10 * DAY;
    const ledger = new SqliteUsageLedger(stores.db, () => now);
    for (let day = 0; day <= 10; day++) {
      now = base - (10 - day) * DAY;
      await ledger.reserve(request(now, { userId: `user-${day}`, cost: 1, dailyServerImages: 0 }));
    }
    ledger.prune();
    const days = stores.db.prepare<[], { day: string }>('SELECT DISTINCT day FROM daily_usage ORDER BY day').all().map((r) => r.day);
    expect(days).toEqual(['2025-05-30', '2025-05-31', '2025-06-01']);
    expect(stores.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM request_log').get()!.n).toBe(1);
    expect(await ledger.today('g1', 'user-10')).toMatchObject({ serverImages: 1, userImages: 1 });
  });
});

describe('LocalImageStore', () => {
  it('writes atomically, reads back, answers has, and deletes a job’s folder', async () => {
    const images = new LocalImageStore(join(dir, 'images'));
    await images.put('job1/0.png', TINY_PNG);
    await images.put('job1/grid.png', TINY_PNG);
    await images.put('job2/0.png', TINY_PNG);
    expect(await images.get('job1/0.png')).toEqual(TINY_PNG);
    expect(await images.has('job1/grid.png')).toBe(true);
    expect(readdirSync(join(dir, 'images', 'job1')).sort()).toEqual(['0.png', 'grid.png']);
    await images.deletePrefix('job1/');
    expect(await images.has('job1/0.png')).toBe(false);
    await expect(images.get('job1/0.png')).rejects.toThrow(/expired or removed/);
    expect(await images.has('job2/0.png')).toBe(true);
  });

  it('refuses keys that would leave its folder', async () => {
    const images = new LocalImageStore(join(dir, 'images'));
    await expect(images.put('../evil.png', TINY_PNG)).rejects.toThrow(/bad image key/);
    await expect(images.put('/etc/x.png', TINY_PNG)).rejects.toThrow(/bad image key/);
    await expect(images.deletePrefix('..')).rejects.toThrow(/bad image/);
    await expect(images.deletePrefix('')).rejects.toThrow(/bad image/);
    expect(existsSync(join(dir, 'evil.png'))).toBe(false);
  });
});

describe('image retention', () => {
  it('deletes jobs finished before the retention with their images, and leaves newer and unfinished jobs alone', async () => {
    const now = Date.UTC(2025, 5, 30);
    const images = stores.images;
    await stores.jobs.insert(job('old', { status: 'done', finishedAt: now - 31 * DAY }));
    await stores.jobs.insert(job('new', { status: 'done', finishedAt: now - 2 * DAY }));
    await stores.jobs.insert(job('waiting', { status: 'queued' }));
    for (const id of ['old', 'new']) await images.put(`${id}/0.png`, TINY_PNG);

    expect(await runRetention({ jobs: stores.jobs, images, retentionDays: 30, now: () => now })).toBe(1);
    expect(await images.has('old/0.png')).toBe(false);
    expect(await images.has('new/0.png')).toBe(true);
    expect(await stores.jobs.get('old')).toBeUndefined();
    expect((await stores.jobs.get('new'))?.status).toBe('done');
    expect((await stores.jobs.get('waiting'))?.status).toBe('queued');
    // Nothing is left to visit again.
    expect(await runRetention({ jobs: stores.jobs, images, retentionDays: 30, now: () => now })).toBe(0);
    // 0 days keeps everything.
    expect(await runRetention({ jobs: stores.jobs, images, retentionDays: 0, now: () => now + 999 * DAY })).toBe(0);
    expect(await images.has('new/0.png')).toBe(true);
  });
});
