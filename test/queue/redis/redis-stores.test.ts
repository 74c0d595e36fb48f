/** The Redis stores against a real redis-server: the same answers as the SQLite stores give. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../../src/core/jobs.js';
import { RedisBackend } from '../../../src/queue/redis/backend.js';
import { RedisJobStore, RedisSettingsStore, RedisUsageLedger, Scripts } from '../../../src/queue/redis/stores.js';
import { expectBans, expectLimitHistory, expectPreferences } from '../../fixtures/limit-history.js';
import { runRetention } from '../../../src/store/index.js';
import { OPEN_LIMITS, params } from '../harness.js';
import { SKIP_MESSAGE, redisAvailable, startRedis, type RedisServer } from './redis-server.js';

if (!redisAvailable) console.warn(SKIP_MESSAGE);

let server: RedisServer;
let backend: RedisBackend;
let n = 0;
beforeAll(async () => {
  if (redisAvailable) server = await startRedis();
});
afterAll(async () => {
  await server?.stop();
});
afterEach(async () => {
  await backend?.close();
});

function open() {
  backend = new RedisBackend({ url: server.url, prefix: `{stores${++n}}`, settings: undefined as never });
  const scripts = backend.scripts;
  return { scripts, jobs: new RedisJobStore(scripts), settings: new RedisSettingsStore(new Scripts(backend.redis, scripts.prefix), OPEN_LIMITS), usage: (now: () => number) => new RedisUsageLedger(scripts, now) };
}

function job(id: string, fields: Partial<JobRecord> = {}): JobRecord {
  return { id, kind: 'imagine', platform: 'slack', serverId: 'S', channelId: 'c', userId: 'ann', userName: 'Ann', params: params(), status: 'queued', priority: 0, cost: 4, createdAt: 1000, attempts: 0, ...fields };
}

describe.skipIf(!redisAvailable)('Redis stores', () => {
  it('stores jobs whole, merges patches, and lists them by status and user, oldest first', async () => {
    const { jobs } = open();
    await jobs.insert(job('b', { createdAt: 2000, delivery: { platform: 'slack', gateway: 'gw-1', data: { ts: '1.2', nested: { empty: [] } } } }));
    await jobs.insert(job('a', { createdAt: 2000 }));
    await jobs.insert(job('c', { createdAt: 1500, userId: 'bob' }));
    await expect(jobs.insert(job('a'))).rejects.toThrow(/already stored/);
    expect(await jobs.get('b')).toEqual(job('b', { createdAt: 2000, delivery: { platform: 'slack', gateway: 'gw-1', data: { ts: '1.2', nested: { empty: [] } } } }));
    expect((await jobs.listByStatus(['queued'])).map((j) => j.id)).toEqual(['c', 'a', 'b']);

    await jobs.update('a', { status: 'running', startedAt: 2100, attempts: 1 });
    await jobs.update('b', { status: 'done', finishedAt: 3000, output: { images: ['b/0.png'], seeds: [1], preview: 'b/0.png', previewWidth: 64, previewHeight: 64, width: 64, height: 64, warnings: [] } });
    expect((await jobs.get('b'))?.output?.warnings).toEqual([]);
    // What the safety check found, for the moderation log.
    await jobs.update('b', { moderation: { verdict: 'spoiler', unsafe: 0.8, images: ['b/flagged-0.png'] } });
    expect((await jobs.get('b'))?.moderation).toEqual({ verdict: 'spoiler', unsafe: 0.8, images: ['b/flagged-0.png'] });
    expect((await jobs.listByStatus(['queued', 'running'])).map((j) => j.id)).toEqual(['c', 'a']);
    expect((await jobs.listForUser('S', 'ann', ['queued', 'running'])).map((j) => j.id)).toEqual(['a']);
    expect((await jobs.listForUser('S', 'ann', ['done'])).map((j) => j.id)).toEqual(['b']);
    await jobs.update('a', { startedAt: undefined });
    expect((await jobs.get('a'))?.startedAt).toBeUndefined();
    await expect(jobs.update('a', { bogus: 1 } as never)).rejects.toThrow(/unknown job field 'bogus'/);
    expect(await jobs.get('missing')).toBeUndefined();
  });

  it('retention deletes finished jobs past the horizon with their images and every index entry, once', async () => {
    const { jobs, scripts } = open();
    const day = 86_400_000;
    const now = 100 * day;
    await jobs.insert(job('old', { status: 'done', createdAt: now - 40 * day, finishedAt: now - 40 * day }));
    await jobs.insert(job('new', { status: 'failed', createdAt: now - day, finishedAt: now - day }));
    await jobs.insert(job('waiting', { createdAt: now - 50 * day }));
    const deleted: string[] = [];
    const images = { put: async () => undefined, get: async () => Buffer.alloc(0), has: async () => true, deletePrefix: async (p: string) => void deleted.push(p) };
    expect(await runRetention({ jobs, images, retentionDays: 30, now: () => now })).toBe(1);
    expect(deleted).toEqual(['old']);
    expect(await jobs.get('old')).toBeUndefined();
    expect(await runRetention({ jobs, images, retentionDays: 30, now: () => now })).toBe(0);
    expect((await jobs.listForUser('S', 'ann', ['done', 'failed', 'queued'])).map((j) => j.id)).toEqual(['waiting', 'new']);
    // Nothing of the old job is left in Redis: no hash, no index entry.
    const keys = await scripts.redis.keys(`${scripts.prefix}:*`);
    for (const key of keys) {
      const type = await scripts.redis.type(key);
      const members = type === 'zset' ? await scripts.redis.zrange(key, 0, -1) : type === 'hash' ? await scripts.redis.hkeys(key) : [];
      expect(members, key).not.toContain('old');
    }
    expect(keys).not.toContain(scripts.key('job', 'old'));
  });

  it('puts jobs an earlier version marked as expired back under retention, once', async () => {
    const { jobs, scripts } = open();
    const day = 86_400_000;
    await jobs.insert(job('marked', { status: 'done', createdAt: 10 * day, finishedAt: 10 * day }));
    // What the earlier version left: the job out of the retention index, its images gone.
    await scripts.redis.hset(scripts.key('job', 'marked'), '_exp', String(41 * day));
    await scripts.redis.zrem(scripts.key('fin'), 'marked');
    const images = { put: async () => undefined, get: async () => Buffer.alloc(0), has: async () => false, deletePrefix: async () => undefined };
    expect(await runRetention({ jobs, images, retentionDays: 30, now: () => 100 * day })).toBe(0);
    expect(await jobs.adoptMarkedExpired()).toBe(1);
    expect(await jobs.adoptMarkedExpired()).toBe(0);
    expect(await runRetention({ jobs, images, retentionDays: 30, now: () => 100 * day })).toBe(1);
    expect(await jobs.get('marked')).toBeUndefined();
  });

  it('gives a finished job a TTL of the retention and a day, and drops index entries of hashes that expired', async () => {
    const { jobs, scripts } = open();
    await scripts.redis.hset(scripts.key('conf'), 'job_ttl_ms', String(31 * 86_400_000));
    await jobs.insert(job('a'));
    expect(await scripts.redis.pttl(scripts.key('job', 'a'))).toBe(-1);
    await jobs.update('a', { status: 'done', finishedAt: 5000 });
    const ttl = await scripts.redis.pttl(scripts.key('job', 'a'));
    expect(ttl).toBeGreaterThan(30 * 86_400_000);
    expect(ttl).toBeLessThanOrEqual(31 * 86_400_000);
    // The TTL ran out (retention never ran): the indexes forget the job when next read.
    await scripts.redis.del(scripts.key('job', 'a'));
    expect(await jobs.listForUser('S', 'ann', ['done'])).toEqual([]);
    expect(await jobs.listByStatus(['done'])).toEqual([]);
    expect(await jobs.listFinishedBefore(10_000, 10)).toEqual([]);
    for (const index of [scripts.key('st', 'done'), scripts.key('fin'), scripts.key('uall', '1:S:ann')]) expect(await scripts.redis.zcard(index), index).toBe(0);
  });

  it('keeps validated per-server overrides over the defaults', async () => {
    const { settings } = open();
    await settings.set('S', 'max_steps', 12);
    await settings.set('S', 'blocked_words', ['cat', 'dog']);
    expect(await settings.get('S')).toMatchObject({ max_steps: 12, blocked_words: ['cat', 'dog'], daily_user_images: 0 });
    expect(await settings.overrides('T')).toEqual({});
    await expect(settings.set('S', 'max_steps', 0)).rejects.toThrow(/max_steps/);
    await settings.reset('S', 'max_steps');
    expect((await settings.get('S')).max_steps).toBe(OPEN_LIMITS.max_steps);
  });

  it('bans and unbans users per server', async () => {
    await expectBans(open().settings);
  });

  it('keeps each user’s own settings per server', async () => {
    await expectPreferences(open().settings);
  });

  it('records who changed which limit when, newest first', async () => {
    await expectLimitHistory(open().settings, OPEN_LIMITS);
  }, 60_000);

  it('counts quotas per UTC day and requests per minute, refunds on the day of the submit', async () => {
    const { usage } = open();
    const day = 86_400_000;
    let now = 10 * day + 1000;
    const ledger = usage(() => now);
    const ask = (fields: Partial<Parameters<typeof ledger.reserve>[0]> = {}) =>
      ledger.reserve({ serverId: 'S', userId: 'ann', cost: 4, now, dailyServerImages: 10, dailyUserImages: 6, requestsPerMinute: 3, ...fields });
    expect(await ask()).toEqual({ ok: true });
    expect(await ask()).toEqual({ ok: false, reason: 'quota-user', used: 4, limit: 6, retryAt: 11 * day });
    expect(await ask({ userId: 'bob' })).toEqual({ ok: true });
    expect(await ask({ userId: 'cy' })).toEqual({ ok: false, reason: 'quota-server', used: 8, limit: 10, retryAt: 11 * day });
    expect(await ledger.today('S', 'ann')).toEqual({ serverImages: 8, userImages: 4, serverGpuMs: 0, resetsAt: 11 * day });
    await ledger.refund('S', 'ann', 4, now);
    expect(await ledger.today('S', 'ann')).toMatchObject({ serverImages: 4, userImages: 0 });
    // ann has 1 request recorded (refused ones are not): two more fit a rate of 3 a minute.
    expect(await ask({ cost: 0 })).toEqual({ ok: true });
    expect(await ask({ cost: 0 })).toEqual({ ok: true });
    expect(await ask({ cost: 0 })).toMatchObject({ ok: false, reason: 'rate', used: 3, limit: 3, retryAt: now + 60_000 });
    now += 60_001;
    expect(await ask({ cost: 0 })).toEqual({ ok: true });
    // The next UTC day starts from zero.
    now = 11 * day + 5;
    expect(await ledger.today('S', 'ann')).toMatchObject({ serverImages: 0, userImages: 0 });
  });
});
