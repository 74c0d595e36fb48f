import { mergeSpeed, type SpeedRecord } from '../core/estimates.js';
import type { JobRecord, JobStatus } from '../core/jobs.js';
import type { SqliteDatabase } from './database.js';
import type { Statement } from 'better-sqlite3';
import type { JobStore } from './types.js';

interface JobRow {
  id: string;
  kind: string;
  platform: string;
  server_id: string;
  channel_id: string;
  user_id: string;
  user_name: string;
  params: string;
  status: string;
  priority: number;
  cost: number;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  attempts: number;
  output: string | null;
  error: string | null;
  delivery: string | null;
  moderation: string | null;
  weight: number | null;
}

/** JobRecord field → column, and how its value is stored. */
const COLUMNS: Record<Exclude<keyof JobRecord, 'id'>, [column: string, json: boolean]> = {
  kind: ['kind', false],
  platform: ['platform', false],
  serverId: ['server_id', false],
  channelId: ['channel_id', false],
  userId: ['user_id', false],
  userName: ['user_name', false],
  params: ['params', true],
  status: ['status', false],
  priority: ['priority', false],
  cost: ['cost', false],
  createdAt: ['created_at', false],
  startedAt: ['started_at', false],
  finishedAt: ['finished_at', false],
  attempts: ['attempts', false],
  output: ['output', true],
  error: ['error', false],
  delivery: ['delivery', true],
  moderation: ['moderation', true],
  weight: ['weight', false],
};

function toRecord(row: JobRow): JobRecord {
  const job: JobRecord = {
    id: row.id,
    kind: row.kind as JobRecord['kind'],
    platform: row.platform as JobRecord['platform'],
    serverId: row.server_id,
    channelId: row.channel_id,
    userId: row.user_id,
    userName: row.user_name,
    params: JSON.parse(row.params) as JobRecord['params'],
    status: row.status as JobStatus,
    priority: row.priority,
    cost: row.cost,
    createdAt: row.created_at,
    attempts: row.attempts,
  };
  if (row.started_at !== null) job.startedAt = row.started_at;
  if (row.finished_at !== null) job.finishedAt = row.finished_at;
  if (row.output !== null) job.output = JSON.parse(row.output) as JobRecord['output'];
  if (row.error !== null) job.error = row.error;
  if (row.delivery !== null) job.delivery = JSON.parse(row.delivery) as JobRecord['delivery'];
  if (row.moderation !== null) job.moderation = JSON.parse(row.moderation) as JobRecord['moderation'];
  if (row.weight !== null && row.weight !== undefined) job.weight = row.weight;
  return job;
}

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/** Every job with its prompt, params, seeds, model, requester, status and timings, in SQLite. */
export class SqliteJobStore implements JobStore {
  private readonly insertStmt;
  private readonly getStmt;

  constructor(private readonly db: SqliteDatabase) {
    this.insertStmt = db.prepare(
      `INSERT INTO jobs (id, kind, platform, server_id, channel_id, user_id, user_name, prompt, model, params, status,
         priority, cost, created_at, started_at, finished_at, attempts, output, error, delivery, weight)
       VALUES (@id, @kind, @platform, @serverId, @channelId, @userId, @userName, @prompt, @model, @params, @status,
         @priority, @cost, @createdAt, @startedAt, @finishedAt, @attempts, @output, @error, @delivery, @weight)`,
    );
    this.getStmt = db.prepare<[string], JobRow>('SELECT * FROM jobs WHERE id = ?');
  }

  async insert(job: JobRecord): Promise<void> {
    this.insertStmt.run({
      id: job.id,
      kind: job.kind,
      platform: job.platform,
      serverId: job.serverId,
      channelId: job.channelId,
      userId: job.userId,
      userName: job.userName,
      prompt: job.params.prompt,
      model: job.params.model,
      params: JSON.stringify(job.params),
      status: job.status,
      priority: job.priority,
      cost: job.cost,
      createdAt: job.createdAt,
      startedAt: job.startedAt ?? null,
      finishedAt: job.finishedAt ?? null,
      attempts: job.attempts,
      output: job.output === undefined ? null : JSON.stringify(job.output),
      error: job.error ?? null,
      delivery: job.delivery === undefined ? null : JSON.stringify(job.delivery),
      weight: job.weight ?? null,
    });
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const row = this.getStmt.get(id);
    return row && toRecord(row);
  }

  async update(id: string, patch: Partial<Omit<JobRecord, 'id'>>): Promise<void> {
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [field, value] of Object.entries(patch)) {
      const spec = COLUMNS[field as keyof typeof COLUMNS];
      if (!spec) throw new Error(`unknown job field '${field}'`);
      const [column, json] = spec;
      sets.push(`${column} = ?`);
      values.push(value === undefined ? null : json ? JSON.stringify(value) : value);
      if (field === 'params') {
        const params = value as JobRecord['params'];
        sets.push('prompt = ?', 'model = ?');
        values.push(params.prompt, params.model);
      }
    }
    if (sets.length === 0) return;
    this.db.prepare(`UPDATE jobs SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
  }

  async listByStatus(statuses: readonly JobStatus[]): Promise<JobRecord[]> {
    if (statuses.length === 0) return [];
    const rows = this.db
      .prepare<unknown[], JobRow>(`SELECT * FROM jobs WHERE status IN (${placeholders(statuses.length)}) ORDER BY created_at, seq`)
      .all(...statuses);
    return rows.map(toRecord);
  }

  async listForUser(serverId: string, userId: string, statuses: readonly JobStatus[]): Promise<JobRecord[]> {
    if (statuses.length === 0) return [];
    const rows = this.db
      .prepare<unknown[], JobRow>(
        `SELECT * FROM jobs WHERE server_id = ? AND user_id = ? AND status IN (${placeholders(statuses.length)}) ORDER BY created_at, seq`,
      )
      .all(serverId, userId, ...statuses);
    return rows.map(toRecord);
  }

  async listFinishedBefore(cutoffMs: number, limit: number): Promise<JobRecord[]> {
    const rows = this.db
      .prepare<[number, number], JobRow>(
        `SELECT * FROM jobs WHERE finished_at IS NOT NULL AND finished_at < ?
         ORDER BY finished_at LIMIT ?`,
      )
      .all(cutoffMs, limit);
    return rows.map(toRecord);
  }

  async delete(ids: readonly string[]): Promise<number> {
    const stmt = this.db.prepare(`DELETE FROM jobs WHERE id = ? AND status IN ('done', 'failed', 'cancelled')`);
    return this.db.transaction(() => ids.reduce((n, id) => n + stmt.run(id).changes, 0))();
  }

  private speedStmt?: Statement<[string], { ms_per_unit: number; overhead_ms: number; samples: number }>;

  private readSpeed(key: string): SpeedRecord | undefined {
    // Asked for every job ahead of a queued one at each status update: prepared once.
    this.speedStmt ??= this.db.prepare('SELECT ms_per_unit, overhead_ms, samples FROM speeds WHERE key = ?');
    const row = this.speedStmt.get(key);
    return row && { msPerUnit: row.ms_per_unit, overheadMs: row.overhead_ms, samples: row.samples };
  }

  async speed(key: string): Promise<SpeedRecord | undefined> {
    return this.readSpeed(key);
  }

  async recordSpeed(key: string, sample: Omit<SpeedRecord, 'samples'>): Promise<void> {
    this.db.transaction(() => {
      const merged = mergeSpeed(this.readSpeed(key), sample);
      this.db
        .prepare('INSERT INTO speeds (key, ms_per_unit, overhead_ms, samples) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET ms_per_unit = excluded.ms_per_unit, overhead_ms = excluded.overhead_ms, samples = excluded.samples')
        .run(key, merged.msPerUnit, merged.overheadMs, merged.samples);
    })();
  }
}
