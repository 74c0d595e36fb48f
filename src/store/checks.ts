/**
 * What readiness (/readyz) checks of the stores: the database still reads (a corrupted or
 * replaced file fails every command) and DATA_DIR has room for the next images.
 */
import { existsSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { SqliteDatabase } from './database.js';

/** Below this much free space in DATA_DIR the bot is not ready: a grid and its database rows must fit. */
export const MIN_FREE_BYTES = 64 * 1024 * 1024;

/** How often the full page check runs (it reads the whole file); a cheap read runs at every probe. */
const INTEGRITY_INTERVAL_MS = 60_000;

/** The file's pages as they are on disk: a connection of its own, so the bot's page cache hides nothing. */
function integrityProblem(file: string): string | undefined {
  let probe: SqliteDatabase | undefined;
  try {
    probe = new Database(file, { readonly: true, fileMustExist: true });
    const result = probe.pragma('quick_check(1)', { simple: true });
    return result === 'ok' ? undefined : String(result);
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    probe?.close();
  }
}

/**
 * Throws when the database cannot serve commands: the tables every command reads fail, or the
 * file's pages are damaged (checked at most once a minute; the result is kept in between).
 */
export function databaseCheck(db: SqliteDatabase, now: () => number = Date.now): () => void {
  let checkedAt = -Infinity;
  let lastProblem: string | undefined;
  const read = db.prepare('SELECT (SELECT count(*) FROM server_limits) + (SELECT count(*) FROM jobs WHERE status = ?) AS n');
  return () => {
    read.get('queued');
    if (now() - checkedAt >= INTEGRITY_INTERVAL_MS) {
      checkedAt = now();
      lastProblem = integrityProblem(db.name);
    }
    if (lastProblem) throw new Error(`the database ${db.name} is damaged: ${lastProblem}`);
  };
}

/** Throws when `dir`'s file system has less than `minFree` bytes left for unprivileged writes. */
export function diskSpaceCheck(dir: string, minFree = MIN_FREE_BYTES): () => void {
  return () => {
    // A folder made at the first write is measured on the file system that will hold it.
    let at = dir;
    while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
    const fs = statfsSync(at);
    const free = fs.bavail * fs.bsize;
    if (free < minFree) throw new Error(`only ${Math.floor(free / 1024 / 1024)} MiB free in ${dir} (needs ${Math.ceil(minFree / 1024 / 1024)} MiB)`);
  };
}
