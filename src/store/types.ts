import type { SpeedRecord } from '../core/estimates.js';
import type { JobRecord, JobStatus } from '../core/jobs.js';
import type { LimitName, ServerLimits } from '../core/limits.js';
import type { PreferenceName, UserPreferences } from '../core/preferences.js';

/**
 * Store interfaces are asynchronous so that one shape fits SQLite (single process) and Redis
 * (scale-out). Each method is atomic on its own.
 */

export interface JobStore {
  insert(job: JobRecord): Promise<void>;
  get(id: string): Promise<JobRecord | undefined>;
  /** Merges the given fields into the stored job. */
  update(id: string, patch: Partial<Omit<JobRecord, 'id'>>): Promise<void>;
  /** Jobs in these states, oldest first (by createdAt, then id). */
  listByStatus(statuses: readonly JobStatus[]): Promise<JobRecord[]>;
  /** A user's jobs in these states, oldest first. */
  listForUser(serverId: string, userId: string, statuses: readonly JobStatus[]): Promise<JobRecord[]>;
  /** Jobs that finished before the cutoff (epoch ms), oldest first, for retention. */
  listFinishedBefore(cutoffMs: number, limit: number): Promise<JobRecord[]>;
  /** Deletes finished jobs with everything that indexes them; a job still queued or running is kept. Returns how many went. */
  delete(ids: readonly string[]): Promise<number>;
  /** How long jobs of a kind took (core/estimates.ts speedKey), learnt from the ones that ran. */
  speed(key: string): Promise<SpeedRecord | undefined>;
  /** Folds a finished job's timing into its speed record. */
  recordSpeed(key: string, sample: Omit<SpeedRecord, 'samples'>): Promise<void>;
}

/** Stored PNGs by key (e.g. `<jobId>/0.png`): a local directory, or any store every process can read. */
export interface ImageStore {
  put(key: string, data: Buffer): Promise<void>;
  get(key: string): Promise<Buffer>;
  has(key: string): Promise<boolean>;
  /** Removes every key under a prefix (a job's folder). */
  deletePrefix(prefix: string): Promise<void>;
}

/** Who changed a limit. */
export interface Actor {
  userId: string;
  userName: string;
}

/** One entry of a server's audit record of limit changes; values as /limits shows them. */
export interface LimitChange {
  at: number;
  userId: string;
  userName: string;
  name: LimitName;
  before: string;
  after: string;
  /** Put back to the default rather than set. */
  reset: boolean;
}

/**
 * Per-server limits: config/limits.json defaults overridden by the server's admins, with a record
 * of every change; and each user's own settings in the server.
 */
export interface SettingsStore {
  /** The limits in force for a server (defaults merged with its overrides). */
  get(serverId: string): Promise<ServerLimits>;
  /** Only what the server's admins changed. */
  overrides(serverId: string): Promise<Partial<ServerLimits>>;
  /** Changes a limit and records who did it, in one step. */
  set<K extends LimitName>(serverId: string, name: K, value: ServerLimits[K], by?: Actor): Promise<void>;
  reset(serverId: string, name: LimitName, by?: Actor): Promise<void>;
  /** The server's limit changes, newest first. */
  history(serverId: string, count: number): Promise<LimitChange[]>;
  /** Stops a user from using the bot in the server; false when they already were. */
  ban(serverId: string, userId: string, by: Actor): Promise<boolean>;
  /** Lets a banned user use the bot again; false when they were not banned. */
  unban(serverId: string, userId: string): Promise<boolean>;
  isBanned(serverId: string, userId: string): Promise<boolean>;
  /** A user's own settings in the server (/settings), defaults where they set nothing. */
  preferences(serverId: string, userId: string): Promise<UserPreferences>;
  setPreference<K extends PreferenceName>(serverId: string, userId: string, name: K, value: UserPreferences[K]): Promise<void>;
  /** Back to the default: one setting, or all of them. */
  resetPreference(serverId: string, userId: string, name?: PreferenceName): Promise<void>;
}

/** How many limit changes a server's record keeps (the oldest go first). */
export const LIMIT_HISTORY_KEPT = 1000;

/** The actor recorded for a change made without one (a script or a test). */
export const UNKNOWN_ACTOR: Actor = { userId: '', userName: '(not recorded)' };

export interface UsageToday {
  serverImages: number;
  userImages: number;
  /** Worker time the server's finished jobs took today, in ms (daily_server_gpu_seconds). */
  serverGpuMs: number;
  /** Epoch ms of the next 00:00 UTC, when the daily counters start again. */
  resetsAt: number;
}

/** Daily image counters; reserving against a quota happens inside JobQueue.submit, atomically. */
export interface UsageStore {
  today(serverId: string, userId: string): Promise<UsageToday>;
}

/** One submit's claim on the per-minute and daily counters (limits of 0 mean no limit). */
export interface QuotaRequest {
  serverId: string;
  userId: string;
  /** Images this job makes. */
  cost: number;
  /** Epoch ms of the submit; picks the UTC day and the one-minute window. */
  now: number;
  dailyServerImages: number;
  dailyUserImages: number;
  requestsPerMinute: number;
  /** daily_server_gpu_seconds: a server whose jobs took this much worker time today gets no more (0: no budget). */
  dailyServerGpuSeconds?: number;
}

export type QuotaDecision =
  | { ok: true }
  | {
      ok: false;
      reason: 'rate' | 'quota-server' | 'quota-user' | 'quota-gpu';
      /** Requests in the last minute, images today, or ms of worker time today (quota-gpu). */
      used: number;
      limit: number;
      /** Epoch ms when trying again can succeed (the window moves on, or the next 00:00 UTC). */
      retryAt: number;
    };

/**
 * The counting half of admission, small enough to be one Lua script in Redis: checks the
 * per-minute rate and both daily quotas and, only when all pass, records the request and adds
 * the cost, in one atomic step.
 */
export interface UsageLedger extends UsageStore {
  reserve(request: QuotaRequest): Promise<QuotaDecision>;
  /** Gives back a failed or cancelled job's images, on the UTC day of its submit (createdAt). */
  refund(serverId: string, userId: string, cost: number, createdAt: number): Promise<void>;
  /** Counts worker time a finished job of the server took, on the UTC day it finished. */
  addGpuTime(serverId: string, ms: number, at: number): Promise<void>;
}
