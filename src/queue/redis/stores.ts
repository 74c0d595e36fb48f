/**
 * The stores of the scale-out backend in Redis, readable by every gateway and worker: jobs (one
 * hash each, with status and per-user indexes), per-server limit overrides over the config
 * defaults, and the usage ledger whose reserve is one Lua script. Images stay out of Redis.
 */
import { assertPreference, parseStoredPreferences, type PreferenceName, type UserPreferences } from '../../core/preferences.js';
import type { ChainableCommander, Redis } from 'ioredis';
import { mergeSpeed, type SpeedRecord } from '../../core/estimates.js';
import { FINISHED_STATUSES, type JobRecord, type JobStatus } from '../../core/jobs.js';
import { assertValidLimit, copyLimits, formatLimitValue, parseStoredOverrides, type LimitName, type ServerLimits } from '../../core/limits.js';
import type { Logger } from '../../log/index.js';
import { LIMIT_HISTORY_KEPT, UNKNOWN_ACTOR, type Actor, type JobStore, type LimitChange, type QuotaDecision, type QuotaRequest, type SettingsStore, type UsageLedger, type UsageToday } from '../../store/types.js';
import { SCRIPTS, type ScriptName } from './scripts.js';

const DAY_MS = 86_400_000;

/** Every JobRecord field but id: the hash fields a job may have. */
/** Every JobRecord field but the id, each a hash field holding its JSON (a new field must be added here: the type says so). */
const JOB_FIELD_LIST: Record<Exclude<keyof JobRecord, 'id'>, true> = {
  kind: true, platform: true, serverId: true, channelId: true, userId: true, userName: true, params: true, status: true, priority: true, cost: true,
  createdAt: true, startedAt: true, finishedAt: true, attempts: true, output: true, error: true, delivery: true, moderation: true, weight: true,
};
const JOB_FIELDS = new Set<string>(Object.keys(JOB_FIELD_LIST));

/** Length-prefixed server id, as the scripts build keys (ids may contain ':'). */
export const serverKeyPart = (serverId: string) => `${serverId.length}:${serverId}`;
export const userKeyPart = (serverId: string, userId: string) => `${serverId.length}:${serverId}:${userId}`;

/** The Lua scripts on one connection, with the data prefix as their first argument. */
export class Scripts {
  constructor(
    readonly redis: Redis,
    /** Prefix of the backend's own keys, e.g. `{imagine}:data`. */
    readonly prefix: string,
  ) {
    for (const [name, lua] of Object.entries(SCRIPTS)) {
      if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: 0, lua });
    }
  }

  run<T = unknown>(name: ScriptName, ...args: (string | number)[]): Promise<T> {
    const command = (this.redis as unknown as Record<string, (...a: (string | number)[]) => Promise<T>>)[name]!;
    return command.call(this.redis, this.prefix, ...args);
  }

  key(...parts: string[]): string {
    return [this.prefix, ...parts].join(':');
  }
}

/** A JobRecord (or a patch) as hash field/JSON pairs; undefined values become '' (delete). */
export function encodeJobFields(fields: Partial<JobRecord>, forPatch = false): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (name === 'id') continue;
    if (!JOB_FIELDS.has(name)) throw new Error(`unknown job field '${name}'`);
    if (value === undefined) {
      if (forPatch) out.push(name, '');
      continue;
    }
    out.push(name, JSON.stringify(value));
  }
  return out;
}

/** A job hash (HGETALL, or its flat field/value list) back into a JobRecord; internal fields are left out. */
export function decodeJob(id: string, hash: Record<string, string> | string[]): JobRecord | undefined {
  const entries: [string, string][] = Array.isArray(hash)
    ? Array.from({ length: hash.length / 2 }, (_, i) => [hash[2 * i]!, hash[2 * i + 1]!])
    : Object.entries(hash);
  if (entries.length === 0) return undefined;
  const job: Record<string, unknown> = { id };
  for (const [name, value] of entries) {
    if (JOB_FIELDS.has(name)) job[name] = JSON.parse(value);
  }
  if (job.status === undefined) return undefined;
  return job as unknown as JobRecord;
}

export class RedisJobStore implements JobStore {
  constructor(private readonly scripts: Scripts) {}

  private get redis(): Redis {
    return this.scripts.redis;
  }

  async insert(job: JobRecord): Promise<void> {
    const added = await this.scripts.run<number>('imagineInsert', job.id, ...encodeJobFields(job));
    if (!added) throw new Error(`job ${job.id} is already stored`);
  }

  async get(id: string): Promise<JobRecord | undefined> {
    return decodeJob(id, await this.redis.hgetall(this.scripts.key('job', id)));
  }

  async update(id: string, patch: Partial<Omit<JobRecord, 'id'>>): Promise<void> {
    const pairs = encodeJobFields(patch, true);
    if (pairs.length === 0) return;
    await this.scripts.run('imagineUpdate', id, ...pairs);
  }

  /** Many jobs in one round trip, in the order given; missing ones are left out. */
  async getMany(ids: readonly string[]): Promise<JobRecord[]> {
    if (ids.length === 0) return [];
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.hgetall(this.scripts.key('job', id));
    const results = (await pipe.exec()) ?? [];
    const out: JobRecord[] = [];
    results.forEach(([err, hash], i) => {
      if (err) throw err;
      const job = decodeJob(ids[i]!, hash as Record<string, string>);
      if (job) out.push(job);
    });
    return out;
  }

  /** Ids from several index zsets, oldest first (by score = createdAt, then id). */
  private async idsFrom(keys: string[]): Promise<string[]> {
    const pipe = this.redis.pipeline();
    for (const key of keys) pipe.zrange(key, 0, -1, 'WITHSCORES');
    const scored: [number, string][] = [];
    for (const [err, flat] of (await pipe.exec()) ?? []) {
      if (err) throw err;
      const list = flat as string[];
      for (let i = 0; i < list.length; i += 2) scored.push([Number(list[i + 1]), list[i]!]);
    }
    scored.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    return [...new Set(scored.map(([, id]) => id))];
  }

  /** The jobs of index zsets; ids whose hash expired (the TTL backstop) are dropped from those indexes on the way. */
  private async jobsOf(keys: string[]): Promise<JobRecord[]> {
    const ids = await this.idsFrom(keys);
    const jobs = await this.getMany(ids);
    if (jobs.length < ids.length) {
      const found = new Set(jobs.map((j) => j.id));
      const gone = ids.filter((id) => !found.has(id));
      const pipe = this.redis.pipeline();
      for (const key of keys) pipe.zrem(key, ...gone);
      await pipe.exec();
    }
    return jobs;
  }

  async listByStatus(statuses: readonly JobStatus[]): Promise<JobRecord[]> {
    if (statuses.length === 0) return [];
    return this.jobsOf(statuses.map((s) => this.scripts.key('st', s)));
  }

  async listForUser(serverId: string, userId: string, statuses: readonly JobStatus[]): Promise<JobRecord[]> {
    if (statuses.length === 0) return [];
    const openOnly = statuses.every((s) => s === 'queued' || s === 'running');
    const index = this.scripts.key(openOnly ? 'uopen' : 'uall', userKeyPart(serverId, userId));
    const jobs = await this.jobsOf([index]);
    return jobs.filter((j) => statuses.includes(j.status));
  }

  async listFinishedBefore(cutoffMs: number, limit: number): Promise<JobRecord[]> {
    for (;;) {
      const ids = await this.redis.zrangebyscore(this.scripts.key('fin'), '-inf', `(${cutoffMs}`, 'LIMIT', 0, limit);
      const jobs = await this.getMany(ids);
      // Expired hashes would hold the head of the index forever: drop them and read again.
      if (jobs.length === ids.length || ids.length === 0) return jobs.filter((j) => FINISHED_STATUSES.includes(j.status));
      const found = new Set(jobs.map((j) => j.id));
      await this.delete(ids.filter((id) => !found.has(id)));
    }
  }

  async delete(ids: readonly string[]): Promise<number> {
    return ids.length ? this.scripts.run<number>('imagineDeleteJobs', ...ids) : 0;
  }

  async speed(key: string): Promise<SpeedRecord | undefined> {
    const raw = await this.redis.hget(this.scripts.key('speeds'), key);
    if (!raw) return undefined;
    const v = JSON.parse(raw) as SpeedRecord;
    return Number.isFinite(v.msPerUnit) && Number.isFinite(v.overheadMs) ? v : undefined;
  }

  /** Read, merge, write: two workers finishing at once may lose one sample, which an average can spare. */
  async recordSpeed(key: string, sample: Omit<SpeedRecord, 'samples'>): Promise<void> {
    const merged = mergeSpeed(await this.speed(key), sample);
    await this.redis.hset(this.scripts.key('speeds'), key, JSON.stringify(merged));
  }

  /**
   * Once per Redis: jobs the previous version marked as expired (field _exp) were taken out of the
   * retention index and would stay forever; they go back into it, so retention deletes them.
   */
  async adoptMarkedExpired(): Promise<number> {
    const flag = this.scripts.key('conf');
    if (await this.redis.hget(flag, 'retention_v2')) return 0;
    let adopted = 0;
    for (const status of FINISHED_STATUSES) {
      const index = this.scripts.key('st', status);
      for (let start = 0; ; start += 500) {
        const ids = await this.redis.zrange(index, start, start + 499);
        if (ids.length === 0) break;
        const pipe = this.redis.pipeline();
        for (const id of ids) pipe.hmget(this.scripts.key('job', id), '_exp', 'finishedAt');
        const rows = (await pipe.exec()) ?? [];
        const fix = this.redis.pipeline();
        rows.forEach(([err, row], i) => {
          const [exp, finishedAt] = (row ?? []) as (string | null)[];
          if (err || exp === null || exp === undefined) return;
          fix.zadd(this.scripts.key('fin'), Number(finishedAt ?? exp), ids[i]!);
          fix.hdel(this.scripts.key('job', ids[i]!), '_exp');
          adopted++;
        });
        await fix.exec();
      }
    }
    await this.redis.hset(flag, 'retention_v2', '1');
    return adopted;
  }
}

/** Per-server overrides in a Redis hash over the config defaults; every value is validated on the way in and out. */
export class RedisSettingsStore implements SettingsStore {
  constructor(
    private readonly scripts: Scripts,
    private readonly defaults: ServerLimits,
    private readonly log?: Logger,
  ) {}

  private keyOf(serverId: string): string {
    return this.scripts.key('limits', serverKeyPart(serverId));
  }

  async get(serverId: string): Promise<ServerLimits> {
    return { ...copyLimits(this.defaults), ...(await this.overrides(serverId)) };
  }

  async overrides(serverId: string): Promise<Partial<ServerLimits>> {
    const stored = await this.scripts.redis.hgetall(this.keyOf(serverId));
    return parseStoredOverrides(Object.entries(stored), this.defaults, (dropped, message) => this.log?.warn({ serverId, ...dropped }, message));
  }

  /** Throws (changing nothing) when the value has the wrong type or is out of range. */
  async set<K extends LimitName>(serverId: string, name: K, value: ServerLimits[K], by: Actor = UNKNOWN_ACTOR): Promise<void> {
    assertValidLimit(this.defaults, name, value);
    await this.change(serverId, name, by, formatLimitValue(value), false, (m) => m.hset(this.keyOf(serverId), name, JSON.stringify(value)));
  }

  async reset(serverId: string, name: LimitName, by: Actor = UNKNOWN_ACTOR): Promise<void> {
    await this.change(serverId, name, by, formatLimitValue(this.defaults[name]), true, (m) => m.hdel(this.keyOf(serverId), name));
  }

  async history(serverId: string, count: number): Promise<LimitChange[]> {
    const entries = await this.scripts.redis.lrange(this.historyKeyOf(serverId), 0, count - 1);
    return entries.map((e) => JSON.parse(e) as LimitChange);
  }

  async ban(serverId: string, userId: string, by: Actor): Promise<boolean> {
    return (await this.scripts.redis.hsetnx(this.bansKeyOf(serverId), userId, JSON.stringify({ by: by.userId, at: Date.now() }))) === 1;
  }

  async unban(serverId: string, userId: string): Promise<boolean> {
    return (await this.scripts.redis.hdel(this.bansKeyOf(serverId), userId)) === 1;
  }

  async isBanned(serverId: string, userId: string): Promise<boolean> {
    return (await this.scripts.redis.hexists(this.bansKeyOf(serverId), userId)) === 1;
  }

  async preferences(serverId: string, userId: string): Promise<UserPreferences> {
    const stored = await this.scripts.redis.hgetall(this.prefsKeyOf(serverId, userId));
    return parseStoredPreferences(Object.entries(stored).map(([name, value]) => ({ name, value })));
  }

  async setPreference<K extends PreferenceName>(serverId: string, userId: string, name: K, value: UserPreferences[K]): Promise<void> {
    assertPreference(name, value);
    await this.scripts.redis.hset(this.prefsKeyOf(serverId, userId), name, JSON.stringify(value));
  }

  async resetPreference(serverId: string, userId: string, name?: PreferenceName): Promise<void> {
    if (name) await this.scripts.redis.hdel(this.prefsKeyOf(serverId, userId), name);
    else await this.scripts.redis.del(this.prefsKeyOf(serverId, userId));
  }

  private prefsKeyOf(serverId: string, userId: string): string {
    return this.scripts.key('prefs', serverKeyPart(serverId), userId);
  }

  private bansKeyOf(serverId: string): string {
    return this.scripts.key('bans', serverKeyPart(serverId));
  }

  private historyKeyOf(serverId: string): string {
    return this.scripts.key('limit-changes', serverKeyPart(serverId));
  }

  /**
   * Applies a change and records it in one MULTI. The value before is read just ahead of it, so
   * two admins changing the same limit at the same moment may see each other's value as "before";
   * every change is recorded either way.
   */
  private async change(serverId: string, name: LimitName, by: Actor, after: string, reset: boolean, apply: (m: ChainableCommander) => void): Promise<void> {
    const before = formatLimitValue((await this.get(serverId))[name]);
    const entry: LimitChange = { at: Date.now(), userId: by.userId, userName: by.userName, name, before, after, reset };
    const key = this.historyKeyOf(serverId);
    const multi = this.scripts.redis.multi();
    apply(multi);
    multi.lpush(key, JSON.stringify(entry)).ltrim(key, 0, LIMIT_HISTORY_KEPT - 1);
    await multi.exec();
  }

  get defaultLimits(): ServerLimits {
    return copyLimits(this.defaults);
  }
}

/** Daily image counters and the per-minute request window in Redis; reserve is one Lua script. */
export class RedisUsageLedger implements UsageLedger {
  constructor(
    private readonly scripts: Scripts,
    private readonly clock: () => number = Date.now,
  ) {}

  async today(serverId: string, userId: string): Promise<UsageToday> {
    const now = this.clock();
    const day = Math.floor(now / DAY_MS);
    const [server, user, gpu] = await this.scripts.redis.hmget(this.scripts.key('usage', String(day), serverKeyPart(serverId)), 's', `u:${userId}`, 'g');
    return { serverImages: Number(server ?? 0), userImages: Number(user ?? 0), serverGpuMs: Number(gpu ?? 0), resetsAt: (day + 1) * DAY_MS };
  }

  async reserve(r: QuotaRequest): Promise<QuotaDecision> {
    const result = await this.scripts.run<0 | [string, number, number, number]>(
      'imagineReserve', r.serverId, r.userId, r.cost, r.now, r.dailyServerImages, r.dailyUserImages, r.requestsPerMinute, r.dailyServerGpuSeconds ?? 0,
    );
    return decisionOf(result);
  }

  async refund(serverId: string, userId: string, cost: number, createdAt: number): Promise<void> {
    if (cost > 0) await this.scripts.run('imagineRefund', serverId, userId, cost, createdAt);
  }

  async addGpuTime(serverId: string, ms: number, at: number): Promise<void> {
    if (ms > 0) await this.scripts.run('imagineAddGpuTime', serverId, ms, at);
  }
}

/** A script's refusal tuple as a QuotaDecision. */
export function decisionOf(result: 0 | [string, number, number, number] | (string | number)[]): QuotaDecision {
  if (!Array.isArray(result)) return { ok: true };
  const [reason, used, limit, retryAt] = result;
  return { ok: false, reason: reason as 'rate' | 'quota-server' | 'quota-user', used: Number(used), limit: Number(limit), retryAt: Number(retryAt) };
}
