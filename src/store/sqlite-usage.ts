import type { SqliteDatabase } from './database.js';
import type { QuotaDecision, QuotaRequest, UsageLedger, UsageToday } from './types.js';

const DAY_MS = 86_400_000;
export const RATE_WINDOW_MS = 60_000;

/** UTC days of counters kept: today, and two before it for refunds of jobs submitted then (Redis: a 3-day TTL). */
export const USAGE_KEPT_DAYS = 3;

/** 'YYYY-MM-DD' of the UTC day an instant falls in. */
export function utcDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** Epoch ms of the 00:00 UTC after an instant. */
export function nextUtcMidnight(epochMs: number): number {
  return Math.floor(epochMs / DAY_MS) * DAY_MS + DAY_MS;
}

/** Daily image counters and the per-minute request log in SQLite; each reserve is one transaction. */
export class SqliteUsageLedger implements UsageLedger {
  private readonly usageStmt;
  private readonly addStmt;
  private readonly refundStmt;
  private readonly windowStmt;
  private readonly logStmt;
  private readonly pruneStmt;
  private readonly pruneDaysStmt;
  private readonly reserveTx;
  private readonly gpuStmt;
  private readonly addGpuStmt;
  private reservesSincePrune = 0;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly clock: () => number = Date.now,
  ) {
    this.usageStmt = db.prepare<[string, string, string], { images: number }>('SELECT images FROM daily_usage WHERE day = ? AND server_id = ? AND user_id = ?');
    this.addStmt = db.prepare(
      `INSERT INTO daily_usage (day, server_id, user_id, images) VALUES (?, ?, ?, ?)
       ON CONFLICT (day, server_id, user_id) DO UPDATE SET images = images + excluded.images`,
    );
    this.refundStmt = db.prepare('UPDATE daily_usage SET images = MAX(0, images - ?) WHERE day = ? AND server_id = ? AND user_id = ?');
    this.windowStmt = db.prepare<[string, string, number], { n: number; oldest: number | null }>(
      'SELECT COUNT(*) AS n, MIN(at) AS oldest FROM request_log WHERE server_id = ? AND user_id = ? AND at > ?',
    );
    this.logStmt = db.prepare('INSERT INTO request_log (server_id, user_id, at) VALUES (?, ?, ?)');
    this.pruneStmt = db.prepare('DELETE FROM request_log WHERE at <= ?');
    this.pruneDaysStmt = db.prepare('DELETE FROM daily_usage WHERE day < ?');
    this.gpuStmt = db.prepare<[string, string], { gpu_ms: number }>("SELECT gpu_ms FROM daily_usage WHERE day = ? AND server_id = ? AND user_id = ''");
    this.addGpuStmt = db.prepare(
      `INSERT INTO daily_usage (day, server_id, user_id, images, gpu_ms) VALUES (?, ?, '', 0, ?)
       ON CONFLICT (day, server_id, user_id) DO UPDATE SET gpu_ms = gpu_ms + excluded.gpu_ms`,
    );
    // IMMEDIATE takes the write lock first, so two processes on one file cannot both pass the check.
    this.reserveTx = db.transaction((r: QuotaRequest): QuotaDecision => this.reserveNow(r));
  }

  private images(day: string, serverId: string, userId: string): number {
    return this.usageStmt.get(day, serverId, userId)?.images ?? 0;
  }

  async today(serverId: string, userId: string): Promise<UsageToday> {
    const now = this.clock();
    const day = utcDay(now);
    return {
      serverImages: this.images(day, serverId, ''),
      userImages: this.images(day, serverId, userId),
      serverGpuMs: this.gpuStmt.get(day, serverId)?.gpu_ms ?? 0,
      resetsAt: nextUtcMidnight(now),
    };
  }

  async reserve(request: QuotaRequest): Promise<QuotaDecision> {
    return this.reserveTx.immediate(request);
  }

  private reserveNow(r: QuotaRequest): QuotaDecision {
    if (r.requestsPerMinute > 0) {
      const { n, oldest } = this.windowStmt.get(r.serverId, r.userId, r.now - RATE_WINDOW_MS)!;
      if (n >= r.requestsPerMinute) {
        return { ok: false, reason: 'rate', used: n, limit: r.requestsPerMinute, retryAt: (oldest ?? r.now) + RATE_WINDOW_MS };
      }
    }
    const day = utcDay(r.now);
    const resetsAt = nextUtcMidnight(r.now);
    if (r.dailyServerImages > 0) {
      const used = this.images(day, r.serverId, '');
      if (used + r.cost > r.dailyServerImages) return { ok: false, reason: 'quota-server', used, limit: r.dailyServerImages, retryAt: resetsAt };
    }
    if (r.dailyUserImages > 0) {
      const used = this.images(day, r.serverId, r.userId);
      if (used + r.cost > r.dailyUserImages) return { ok: false, reason: 'quota-user', used, limit: r.dailyUserImages, retryAt: resetsAt };
    }
    if ((r.dailyServerGpuSeconds ?? 0) > 0) {
      const used = this.gpuStmt.get(day, r.serverId)?.gpu_ms ?? 0;
      if (used >= r.dailyServerGpuSeconds! * 1000) return { ok: false, reason: 'quota-gpu', used, limit: r.dailyServerGpuSeconds! * 1000, retryAt: resetsAt };
    }
    // Old entries go every hundred requests; the window and day queries ignore them anyway.
    if (++this.reservesSincePrune >= 100) {
      this.reservesSincePrune = 0;
      this.pruneNow(r.now);
    }
    this.logStmt.run(r.serverId, r.userId, r.now);
    if (r.cost > 0) {
      this.addStmt.run(day, r.serverId, '', r.cost);
      this.addStmt.run(day, r.serverId, r.userId, r.cost);
    }
    return { ok: true };
  }

  async addGpuTime(serverId: string, ms: number, at: number): Promise<void> {
    if (ms > 0) this.addGpuStmt.run(utcDay(at), serverId, Math.round(ms));
  }

  async refund(serverId: string, userId: string, cost: number, createdAt: number): Promise<void> {
    if (cost <= 0) return;
    const day = utcDay(createdAt);
    this.db.transaction(() => {
      this.refundStmt.run(cost, day, serverId, '');
      this.refundStmt.run(cost, day, serverId, userId);
    })();
  }

  /**
   * Drops request-log entries older than the rate window and daily counters older than
   * USAGE_KEPT_DAYS (also done now and then by reserve), as Redis expires its own.
   */
  prune(now = this.clock()): void {
    this.pruneNow(now);
  }

  private pruneNow(now: number): void {
    this.pruneStmt.run(now - RATE_WINDOW_MS);
    this.pruneDaysStmt.run(utcDay(now - (USAGE_KEPT_DAYS - 1) * DAY_MS));
  }
}
