import { readFileSync } from 'node:fs';
import { assertValidLimit, copyLimits, formatLimitValue, parseStoredOverrides, validateLimits, type LimitName, type ServerLimits } from '../core/limits.js';
import { assertPreference, parseStoredPreferences, type PreferenceName, type UserPreferences } from '../core/preferences.js';
import type { Logger } from '../log/index.js';
import type { SqliteDatabase } from './database.js';
import { LIMIT_HISTORY_KEPT, UNKNOWN_ACTOR, type Actor, type LimitChange, type SettingsStore } from './types.js';

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
  private readonly recordStmt;
  private readonly historyStmt;
  private readonly trimStmt;
  private readonly banStmt;
  private readonly unbanStmt;
  private readonly bannedStmt;
  private readonly prefsStmt;
  private readonly setPrefStmt;
  private readonly resetPrefStmt;
  private readonly resetPrefsStmt;

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
    this.recordStmt = db.prepare('INSERT INTO limit_changes (server_id, at, user_id, user_name, name, before, after, reset) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    this.historyStmt = db.prepare<[string, number], { at: number; user_id: string; user_name: string; name: string; before: string; after: string; reset: number }>(
      'SELECT at, user_id, user_name, name, before, after, reset FROM limit_changes WHERE server_id = ? ORDER BY id DESC LIMIT ?',
    );
    this.banStmt = db.prepare('INSERT INTO server_bans (server_id, user_id, banned_by, banned_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING');
    this.unbanStmt = db.prepare('DELETE FROM server_bans WHERE server_id = ? AND user_id = ?');
    this.bannedStmt = db.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM server_bans WHERE server_id = ? AND user_id = ?');
    this.prefsStmt = db.prepare<[string, string], { name: string; value: string }>('SELECT name, value FROM user_preferences WHERE server_id = ? AND user_id = ?');
    this.setPrefStmt = db.prepare('INSERT INTO user_preferences (server_id, user_id, name, value) VALUES (?, ?, ?, ?) ON CONFLICT (server_id, user_id, name) DO UPDATE SET value = excluded.value');
    this.resetPrefStmt = db.prepare('DELETE FROM user_preferences WHERE server_id = ? AND user_id = ? AND name = ?');
    this.resetPrefsStmt = db.prepare('DELETE FROM user_preferences WHERE server_id = ? AND user_id = ?');
    this.trimStmt = db.prepare(
      `DELETE FROM limit_changes WHERE server_id = ? AND id <= (SELECT id FROM limit_changes WHERE server_id = ? ORDER BY id DESC LIMIT 1 OFFSET ${LIMIT_HISTORY_KEPT})`,
    );
  }

  async get(serverId: string): Promise<ServerLimits> {
    return this.limitsOf(serverId);
  }

  async overrides(serverId: string): Promise<Partial<ServerLimits>> {
    return this.overridesOf(serverId);
  }

  private limitsOf(serverId: string): ServerLimits {
    return { ...copyLimits(this.defaults), ...this.overridesOf(serverId) };
  }

  private overridesOf(serverId: string): Partial<ServerLimits> {
    const rows = this.rowsStmt.all(serverId).map(({ name, value }) => [name, value] as const);
    return parseStoredOverrides(rows, this.defaults, (dropped, message) => this.log?.warn({ serverId, ...dropped }, message));
  }

  /** Throws (changing nothing) when the value has the wrong type or is out of range. */
  async set<K extends LimitName>(serverId: string, name: K, value: ServerLimits[K], by: Actor = UNKNOWN_ACTOR): Promise<void> {
    assertValidLimit(this.defaults, name, value);
    this.change(serverId, name, by, false, () => this.upsertStmt.run(serverId, name, JSON.stringify(value), Date.now()));
  }

  async reset(serverId: string, name: LimitName, by: Actor = UNKNOWN_ACTOR): Promise<void> {
    this.change(serverId, name, by, true, () => this.deleteStmt.run(serverId, name));
  }

  async history(serverId: string, count: number): Promise<LimitChange[]> {
    return this.historyStmt.all(serverId, count).map((r) => ({
      at: r.at,
      userId: r.user_id,
      userName: r.user_name,
      name: r.name as LimitName,
      before: r.before,
      after: r.after,
      reset: r.reset === 1,
    }));
  }

  async ban(serverId: string, userId: string, by: Actor): Promise<boolean> {
    return this.banStmt.run(serverId, userId, by.userId, Date.now()).changes === 1;
  }

  async unban(serverId: string, userId: string): Promise<boolean> {
    return this.unbanStmt.run(serverId, userId).changes === 1;
  }

  async preferences(serverId: string, userId: string): Promise<UserPreferences> {
    return parseStoredPreferences(this.prefsStmt.all(serverId, userId));
  }

  async setPreference<K extends PreferenceName>(serverId: string, userId: string, name: K, value: UserPreferences[K]): Promise<void> {
    assertPreference(name, value);
    this.setPrefStmt.run(serverId, userId, name, JSON.stringify(value));
  }

  async resetPreference(serverId: string, userId: string, name?: PreferenceName): Promise<void> {
    if (name) this.resetPrefStmt.run(serverId, userId, name);
    else this.resetPrefsStmt.run(serverId, userId);
  }

  async isBanned(serverId: string, userId: string): Promise<boolean> {
    return this.bannedStmt.get(serverId, userId) !== undefined;
  }

  /** Applies a change and records it with the values before and after, in one transaction. */
  private change(serverId: string, name: LimitName, by: Actor, reset: boolean, apply: () => void): void {
    this.db.transaction(() => {
      const value = (): string => formatLimitValue(this.limitsOf(serverId)[name]);
      const before = value();
      apply();
      this.recordStmt.run(serverId, Date.now(), by.userId, by.userName, name, before, value(), reset ? 1 : 0);
      this.trimStmt.run(serverId, serverId);
    })();
  }

  /** The config defaults every server starts from. */
  get defaultLimits(): ServerLimits {
    return copyLimits(this.defaults);
  }
}
