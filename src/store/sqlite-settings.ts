import { readFileSync } from 'node:fs';
import { assertValidLimit, copyLimits, parseStoredOverrides, validateLimits, type LimitName, type ServerLimits } from '../core/limits.js';
import type { Logger } from '../log/index.js';
import type { SqliteDatabase } from './database.js';
import type { SettingsStore } from './types.js';

/** Reads the deployer's defaults (config/limits.json); throws one line naming the file and the bad field. */
export function loadDefaultLimits(file: string): ServerLimits {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: cannot read the default limits (${(err as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${file}: expected a JSON object of limits`);
  return Object.freeze(validateLimits(raw as Record<string, unknown>, file));
}

/** Per-server overrides in SQLite over the config defaults; every value is validated on the way in. */
export class SqliteSettingsStore implements SettingsStore {
  private readonly rowsStmt;
  private readonly upsertStmt;
  private readonly deleteStmt;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly defaults: ServerLimits,
    private readonly log?: Logger,
  ) {
    this.rowsStmt = db.prepare<[string], { name: string; value: string }>('SELECT name, value FROM server_limits WHERE server_id = ?');
    this.upsertStmt = db.prepare(
      `INSERT INTO server_limits (server_id, name, value, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (server_id, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    );
    this.deleteStmt = db.prepare('DELETE FROM server_limits WHERE server_id = ? AND name = ?');
  }

  async get(serverId: string): Promise<ServerLimits> {
    return { ...copyLimits(this.defaults), ...(await this.overrides(serverId)) };
  }

  async overrides(serverId: string): Promise<Partial<ServerLimits>> {
    const rows = this.rowsStmt.all(serverId).map(({ name, value }) => [name, value] as const);
    return parseStoredOverrides(rows, this.defaults, (dropped, message) => this.log?.warn({ serverId, ...dropped }, message));
  }

  /** Throws (changing nothing) when the value has the wrong type or is out of range. */
  async set<K extends LimitName>(serverId: string, name: K, value: ServerLimits[K]): Promise<void> {
    assertValidLimit(this.defaults, name, value);
    this.upsertStmt.run(serverId, name, JSON.stringify(value), Date.now());
  }

  async reset(serverId: string, name: LimitName): Promise<void> {
    this.deleteStmt.run(serverId, name);
  }

  /** The config defaults every server starts from. */
  get defaultLimits(): ServerLimits {
    return copyLimits(this.defaults);
  }
}
