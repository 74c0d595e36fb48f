/**
 * The SQLite file in DATA_DIR that holds jobs, server limits and usage counters. The schema
 * lives here as numbered migrations; PRAGMA user_version records how many have run.
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

export const DATABASE_FILE = 'imagine.sqlite';

/** Never edit a migration that has shipped; append a new one. */
export const MIGRATIONS: readonly string[] = [
  // 1: jobs, server limits, usage counters, per-minute request log.
  `
  CREATE TABLE jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    platform TEXT NOT NULL,
    server_id TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    user_name TEXT NOT NULL,
    prompt TEXT NOT NULL,
    model TEXT NOT NULL,
    params TEXT NOT NULL,
    status TEXT NOT NULL,
    priority INTEGER NOT NULL DEFAULT 0,
    cost INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    started_at INTEGER,
    finished_at INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    output TEXT,
    error TEXT,
    delivery TEXT,
    images_expired_at INTEGER
  );
  CREATE INDEX jobs_status ON jobs (status, created_at, seq);
  CREATE INDEX jobs_user ON jobs (server_id, user_id, status, created_at);
  CREATE INDEX jobs_retention ON jobs (finished_at) WHERE images_expired_at IS NULL AND finished_at IS NOT NULL;

  CREATE TABLE server_limits (
    server_id TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (server_id, name)
  ) WITHOUT ROWID;

  -- user_id '' holds the server's total.
  CREATE TABLE daily_usage (
    day TEXT NOT NULL,
    server_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    images INTEGER NOT NULL,
    PRIMARY KEY (day, server_id, user_id)
  ) WITHOUT ROWID;

  CREATE TABLE request_log (
    server_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    at INTEGER NOT NULL
  );
  CREATE INDEX request_log_user ON request_log (server_id, user_id, at);
  CREATE INDEX request_log_at ON request_log (at);
  `,
  // 2: retention deletes finished jobs with their images (no more rows marked as expired).
  `
  DROP INDEX jobs_retention;
  ALTER TABLE jobs DROP COLUMN images_expired_at;
  CREATE INDEX jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL;
  `,
  // 3: the audit record of every limit change (/limits history), and users banned per server.
  `
  CREATE TABLE limit_changes (
    id INTEGER PRIMARY KEY,
    server_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    user_name TEXT NOT NULL,
    name TEXT NOT NULL,
    before TEXT NOT NULL,
    after TEXT NOT NULL,
    reset INTEGER NOT NULL
  );
  CREATE INDEX limit_changes_server ON limit_changes (server_id, id);

  CREATE TABLE server_bans (
    server_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    banned_by TEXT NOT NULL,
    banned_at INTEGER NOT NULL,
    PRIMARY KEY (server_id, user_id)
  ) WITHOUT ROWID;
  `,
  // 4: what the image safety check found in a job, for the moderation log.
  `
  ALTER TABLE jobs ADD COLUMN moderation TEXT;
  `,
  // 5: how long jobs take, per model (core/estimates.ts), for ETAs.
  `
  CREATE TABLE speeds (
    key TEXT PRIMARY KEY,
    ms_per_unit REAL NOT NULL,
    overhead_ms REAL NOT NULL,
    samples INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  // 6: each user's own settings in a server (/settings), one row a setting, values as JSON.
  `
  CREATE TABLE user_preferences (
    server_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (server_id, user_id, name)
  ) WITHOUT ROWID;
  `,
  // 7: worker time per server per day (daily_server_gpu_seconds), on the server's row (user_id '').
  `
  ALTER TABLE daily_usage ADD COLUMN gpu_ms INTEGER NOT NULL DEFAULT 0;
  `,
  // 8: each job's weight in the fair order (its work; null for jobs stored before weights, which weigh 1).
  `
  ALTER TABLE jobs ADD COLUMN weight INTEGER;
  `,
];

/** Applies the migrations a database has not seen yet, each in its own transaction. */
export function migrate(db: SqliteDatabase): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`the database was written by a newer version of the bot (schema ${current}, this one knows ${MIGRATIONS.length})`);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

const NOT_WRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST', 'SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_READONLY_DIRECTORY']);

/** An error opening the database that names the path and what to do, for the one start-up line. */
function openError(err: unknown, dataDir: string, file: string): Error {
  const code = (err as { code?: string }).code ?? '';
  if (NOT_WRITABLE.has(code)) {
    return new Error(`DATA_DIR ${dataDir} cannot be written (${code}): the bot keeps its database and images there; make it a writable folder or point DATA_DIR elsewhere`);
  }
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return new Error(`${file} is not a readable database (${code}); restore it from a backup, or move it away to start with an empty one`);
  }
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * Opens (creating when needed) DATA_DIR/imagine.sqlite in WAL mode with the current schema. An
 * existing 0-byte file is refused rather than silently started over: it held limits, quotas and
 * history. A DATA_DIR that cannot be written is named.
 */
export function openDatabase(dataDir: string): SqliteDatabase {
  const file = join(dataDir, DATABASE_FILE);
  let db: SqliteDatabase;
  try {
    mkdirSync(dataDir, { recursive: true });
    const existing = statSync(file, { throwIfNoEntry: false });
    const wal = statSync(`${file}-wal`, { throwIfNoEntry: false });
    // (A 0-byte file beside a WAL that holds the commits is what a crash right after creation leaves: SQLite recovers it.)
    if (existing?.isFile() && existing.size === 0 && !wal?.size) {
      throw new Error(
        `${file} is empty (0 bytes), so the limits, quotas and history it held are gone; restore it from a backup, or delete it to start with an empty database`,
      );
    }
    db = new Database(file);
    // The first write, here rather than at the first command.
    db.pragma('journal_mode = WAL');
  } catch (err) {
    throw openError(err, dataDir, file);
  }
  // WAL keeps commits durable across a process crash with NORMAL; only power loss can drop the last ones.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}
