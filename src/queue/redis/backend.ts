/**
 * What gateways and workers share on Redis: the connection and scripts, the BullMQ queue jobs are
 * handed to, the event stream every process follows, and the upkeep that keeps the fair-release
 * bookkeeping whole when a process dies between two steps (each step is atomic, a sequence is not).
 */
import { Queue, QueueEvents, type QueueEventsListener } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import type { JobEvent } from '../../core/jobs.js';
import type { Logger } from '../../log/index.js';
import { RESTART_FAILURE } from '../messages.js';
import type { SettingsStore } from '../../store/types.js';
import { Scripts } from './stores.js';

export const DEFAULT_PREFIX = '{imagine}';
export const QUEUE_NAME = 'pipeline';
/** Events kept in the stream (BullMQ trims it approximately to this length). */
export const MAX_EVENTS = 10_000;

/** BullMQ ids may not be integers or contain ':'; ours are wrapped. */
export const bullIdOf = (jobId: string) => `j.${jobId}`;
export const jobIdOf = (bullId: string | undefined) => (bullId?.startsWith('j.') ? bullId.slice(2) : undefined);

/** Our job events in BullMQ's stream: `event` is 'imagine', the other fields are the JobEvent's. */
export interface ImagineEventsListener extends QueueEventsListener {
  imagine: (fields: Record<string, string>, id: string) => void;
}

export interface BullJobData {
  serverId: string;
}

/** BullMQ's blocking reads need commands to wait through reconnects instead of failing. */
export const REDIS_OPTIONS: RedisOptions = { maxRetriesPerRequest: null, enableReadyCheck: true };

/** What Redis answers to a wrong or missing password (in REDIS_URL). */
const AUTH_ERROR = /WRONGPASS|NOAUTH|invalid password|invalid username-password/i;
/** The same connection error is logged at most this often: a Redis that is down for an hour is a few lines, not thousands. */
const ERROR_LOG_INTERVAL_MS = 30_000;

/** Where a REDIS_URL points, without its credentials, for messages. */
export function redisWhere(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '6379'}`;
  } catch {
    return 'REDIS_URL';
  }
}

/**
 * Logs a connection's errors as structured lines (no "[ioredis] Unhandled error event" on stderr),
 * each distinct message at most every 30 s. Every connection the bot makes or duplicates gets one.
 */
export function watchRedisErrors(redis: Redis, log: Logger | undefined, what: string): Redis {
  const lastLogged = new Map<string, number>();
  redis.on('error', (err: Error & { code?: string }) => {
    const now = Date.now();
    if (now - (lastLogged.get(err.message) ?? -Infinity) < ERROR_LOG_INTERVAL_MS) return;
    lastLogged.set(err.message, now);
    log?.warn({ err: { message: err.message, code: err.code }, connection: what }, `Redis ${what} connection error`);
  });
  return redis;
}

/** A connection to REDIS_URL; REDIS_PASSWORD is the password when the URL carries none. */
export function connectRedis(url: string, options: { log?: Logger; password?: string } = {}): Redis {
  const password = options.password && !new URL(url).password ? { password: options.password } : {};
  return watchRedisErrors(new Redis(url, { ...REDIS_OPTIONS, ...password }), options.log, 'commands');
}

/**
 * Resolves once the connection is ready. A wrong or missing password rejects at once with one
 * line naming where (the process then exits, as for a config error); an unreachable Redis is
 * waited for, with a log line, since it may simply start later.
 */
export function whenRedisReady(redis: Redis, url: string, log?: Logger): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    let told = false;
    const cleanup = () => {
      redis.off('ready', onReady);
      redis.off('error', onError);
    };
    const onReady = () => {
      cleanup();
      resolve();
    };
    const onError = (err: Error) => {
      if (AUTH_ERROR.test(err.message)) {
        cleanup();
        redis.disconnect();
        reject(new Error(`Redis at ${redisWhere(url)} refused the password in REDIS_URL (${err.message.split(' ')[0]}); set the password Redis expects (requirepass) in REDIS_URL`));
      } else if (!told) {
        told = true;
        log?.warn(`waiting for Redis at ${redisWhere(url)} (${err.message})`);
      }
    };
    redis.on('ready', onReady);
    redis.on('error', onError);
  });
}

/** A JobEvent as written by the scripts into the stream (all values are strings there). */
export function decodeEvent(fields: Record<string, string>): JobEvent | undefined {
  const jobId = fields.jobId;
  if (!jobId) return undefined;
  switch (fields.type) {
    case 'queued':
      return { type: 'queued', jobId, position: Number(fields.position) || 0 };
    case 'started':
      return { type: 'started', jobId };
    case 'progress':
      return { type: 'progress', jobId, step: Number(fields.step), total: Number(fields.total), ...(fields.preview ? { preview: fields.preview } : {}) };
    case 'done':
      return { type: 'done', jobId };
    case 'failed':
      return { type: 'failed', jobId, message: fields.message ?? '' };
    case 'cancelled':
      return { type: 'cancelled', jobId };
    default:
      return undefined;
  }
}

export interface BackendOptions {
  /** REDIS_URL. */
  url: string;
  /** Commands connection; made from url when not given (and then closed by close()). */
  redis?: Redis;
  /** Key prefix of everything this bot keeps in Redis (BullMQ's keys too). */
  prefix?: string;
  settings: SettingsStore;
  log?: Logger;
  now?: () => number;
  /** How often one process checks the bookkeeping (default 5 s). */
  upkeepIntervalMs?: number;
  /** How long a finished job's hash outlives it (IMAGE_RETENTION_DAYS + 1 day); 0 keeps them. */
  jobTtlMs?: number;
}

export class RedisBackend {
  readonly redis: Redis;
  readonly scripts: Scripts;
  readonly queue: Queue<BullJobData>;
  readonly prefix: string;
  readonly eventsKey: string;
  readonly now: () => number;
  private readonly ownsRedis: boolean;
  private upkeepTimer?: NodeJS.Timeout;
  private upkeepRunning?: Promise<void>;
  private readonly eventStreams = new Set<QueueEvents>();
  /** BullMQ leaves connections it was handed open; these are closed here. */
  private readonly eventConnections: Redis[] = [];

  constructor(private readonly o: BackendOptions) {
    this.ownsRedis = !o.redis;
    this.redis = o.redis ?? connectRedis(o.url);
    this.prefix = o.prefix ?? DEFAULT_PREFIX;
    this.scripts = new Scripts(this.redis, `${this.prefix}:data`);
    this.queue = new Queue<BullJobData>(QUEUE_NAME, { connection: this.redis, prefix: this.prefix });
    this.queue.on('error', (err) => this.o.log?.warn({ err }, 'BullMQ queue error'));
    // The stream BullMQ's QueueEvents reads; the scripts write the job events into it.
    this.eventsKey = this.queue.keys.events!;
    this.now = o.now ?? Date.now;
    // Sent ahead of every script on this connection; the scripts read it when a job finishes.
    if (o.jobTtlMs !== undefined) {
      this.redis.hset(this.scripts.key('conf'), 'job_ttl_ms', String(o.jobTtlMs)).catch((err: unknown) => this.o.log?.warn({ err }, 'could not store the job TTL'));
    }
  }

  /** Hands a server's released jobs (flat id, priority pairs from a script) to BullMQ. */
  async addReleased(flat: readonly (string | number)[], serverId: string): Promise<void> {
    const jobs = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      jobs.push({ name: 'imagine', data: { serverId }, opts: { jobId: bullIdOf(String(flat[i])), priority: Number(flat[i + 1]) } });
    }
    if (jobs.length) await this.queue.addBulk(jobs);
  }

  /**
   * The job BullMQ would hand a worker next (our job id), as its moveToActive picks it: the tail of
   * the plain waiting list first (jobs put back there), then the lowest priority number.
   */
  async nextInLine(): Promise<string | undefined> {
    const keys = this.queue.keys;
    const [waiting, prioritized] = (await this.redis.multi().lrange(keys.wait!, -1, -1).zrange(keys.prioritized!, 0, 0).exec()) ?? [];
    const next = ((waiting?.[1] as string[] | undefined) ?? [])[0] ?? ((prioritized?.[1] as string[] | undefined) ?? [])[0];
    return jobIdOf(next);
  }

  /** The server's current server_max_running, or '' (keep the stored one) when settings cannot be read. */
  private async capOf(serverId: string): Promise<number | ''> {
    try {
      return (await this.o.settings.get(serverId)).server_max_running;
    } catch (err) {
      this.o.log?.warn({ err, serverId }, 'could not read the server limits');
      return '';
    }
  }

  /** A job left BullMQ: frees its server slot (once) and hands the server's next jobs over. */
  async settle(jobId: string, serverId: string): Promise<void> {
    const released = await this.scripts.run<(string | number)[]>('imagineSettle', jobId, serverId, await this.capOf(serverId), this.now());
    await this.addReleased(released, serverId);
  }

  /** Releases what a raised server_max_running lets run now. */
  async refreshServer(serverId: string): Promise<void> {
    const cap = await this.capOf(serverId);
    if (cap === '') return;
    await this.addReleased(await this.scripts.run<(string | number)[]>('imagineRelease', serverId, cap, this.now()), serverId);
  }

  /**
   * Ends a job as failed when BullMQ gave up on it (its worker died too often, or it vanished):
   * exactly once whoever calls, then frees its slot.
   */
  async failLost(jobId: string, serverId?: string): Promise<void> {
    const where = await this.scripts.run<string>('imagineEnd', this.eventsKey, MAX_EVENTS, this.now(), jobId, 'failed', 'error', JSON.stringify(RESTART_FAILURE), RESTART_FAILURE, '1');
    if (where === 'pending' || where === 'missing') return;
    const server = serverId ?? (JSON.parse((await this.redis.hget(this.scripts.key('job', jobId), 'serverId')) ?? 'null') as string | null);
    if (server) await this.settle(jobId, server);
  }

  /** Follows the event stream from now (or from an id); the caller closes it through close(). */
  async openEvents(handlers: {
    onJobEvent: (event: JobEvent, streamId: string) => void;
    onBullFailed?: (jobId: string, reason: string) => void;
  }): Promise<QueueEvents> {
    // A blocking reader waits through outages; the gateway's own connection fails fast instead.
    const connection = watchRedisErrors(this.redis.duplicate({ enableOfflineQueue: true }), this.o.log, 'event stream');
    const events = new QueueEvents(QUEUE_NAME, { connection, prefix: this.prefix, blockingTimeout: 5000 });
    this.eventConnections.push(connection);
    events.on('error', (err) => this.o.log?.warn({ err }, 'BullMQ event stream error'));
    events.on<ImagineEventsListener, 'imagine'>('imagine', (fields, id) => {
      const event = decodeEvent(fields);
      if (event) handlers.onJobEvent(event, id);
    });
    if (handlers.onBullFailed) {
      const onFailed = handlers.onBullFailed;
      events.on('failed', ({ jobId, failedReason }) => {
        const id = jobIdOf(jobId);
        if (id) onFailed(id, failedReason);
      });
    }
    await events.waitUntilReady();
    // The blocking read starts in the background; wait until it is issued, so no event is missed after this returns.
    await this.untilReading(events);
    this.eventStreams.add(events);
    return events;
  }

  private async untilReading(events: QueueEvents): Promise<void> {
    const probe = `probe-${Math.random().toString(36).slice(2)}`;
    const seen = new Promise<void>((resolve) => events.once(probe as 'waiting', () => resolve()));
    // A probe event on the stream proves the reader is past '$' (it is only delivered once reading).
    for (let i = 0; i < 100; i++) {
      await this.redis.xadd(this.eventsKey, 'MAXLEN', '~', MAX_EVENTS, '*', 'event', probe);
      const got = await Promise.race([seen.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 50))]);
      if (got) return;
    }
    throw new Error('the Redis event stream did not start');
  }

  /** Starts the periodic check; one process at a time does it (a short Redis lock). */
  startUpkeep(): void {
    if (this.upkeepTimer) return;
    const every = this.o.upkeepIntervalMs ?? 5000;
    this.upkeepTimer = setInterval(() => {
      if (this.upkeepRunning) return;
      this.upkeepRunning = this.upkeep(every)
        .catch((err: unknown) => this.o.log?.warn({ err }, 'queue upkeep failed'))
        .finally(() => (this.upkeepRunning = undefined));
    }, every);
    this.upkeepTimer.unref();
  }

  /**
   * One pass: jobs released but never added to BullMQ (the process died in between) are added;
   * BullMQ priorities that a rebase changed are updated; jobs stored as running whose BullMQ job
   * failed or vanished are failed with a message (and their slot freed).
   */
  async upkeep(lockMs = 5000): Promise<void> {
    const got = await this.redis.set(this.scripts.key('lock', 'upkeep'), String(process.pid), 'PX', Math.max(1000, lockMs - 100), 'NX');
    if (!got) return;
    const now = this.now();
    const ready = await this.redis.zrange(this.scripts.key('ready'), 0, -1);
    if (ready.length) {
      const intended = await this.scripts.run<(string | number)[]>('imagineReadyPriorities', ...ready);
      for (let i = 0; i + 1 < intended.length; i += 2) {
        const id = String(intended[i]);
        const priority = Number(intended[i + 1]);
        const bullKey = `${this.prefix}:${QUEUE_NAME}:${bullIdOf(id)}`;
        const [current, releasedAt, server] = await Promise.all([
          this.redis.hget(bullKey, 'priority'),
          this.redis.hget(this.scripts.key('job', id), '_rel'),
          this.redis.hget(this.scripts.key('job', id), 'serverId'),
        ]);
        if (current === null) {
          if (server !== null && now - Number(releasedAt ?? now) > 10_000) await this.addReleased([id, priority], JSON.parse(server) as string);
        } else if (Number(current) !== priority && (await this.queue.getJobState(bullIdOf(id))) === 'prioritized') {
          const job = await this.queue.getJob(bullIdOf(id));
          await job?.changePriority({ priority }).catch(() => undefined);
        } else if ((await this.queue.getJobState(bullIdOf(id))) === 'failed') {
          await this.failLost(id);
        }
      }
    }
    for (const id of await this.redis.zrange(this.scripts.key('st', 'running'), 0, -1)) {
      const state = await this.queue.getJobState(bullIdOf(id));
      if (state === 'failed' || state === 'unknown') await this.failLost(id);
    }
  }

  /** Re-applies priorities after a rebase right away (upkeep would do it within its interval). */
  async fixPriorities(): Promise<void> {
    await this.redis.del(this.scripts.key('lock', 'upkeep'));
    await this.upkeep();
  }

  async close(): Promise<void> {
    clearInterval(this.upkeepTimer);
    this.upkeepTimer = undefined;
    await this.upkeepRunning;
    for (const events of this.eventStreams) {
      await events.close().catch(() => undefined);
    }
    this.eventStreams.clear();
    for (const c of this.eventConnections.splice(0)) c.disconnect();
    await this.queue.close().catch(() => undefined);
    if (this.ownsRedis) await this.redis.quit().catch(() => undefined);
  }
}
