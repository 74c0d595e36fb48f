/**
 * Readiness checks of the stores against real files: a database whose pages were overwritten, a
 * database file replaced under a running bot, and a disk without room.
 */
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databaseCheck, diskSpaceCheck } from '../../src/store/checks.js';
import { DATABASE_FILE, openDatabase, type SqliteDatabase } from '../../src/store/database.js';

let dir: string;
let db: SqliteDatabase;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'imagine-checks-'));
  db = openDatabase(dir);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function fill(rows: number): void {
  const insert = db.prepare(
    `INSERT INTO jobs (id, kind, platform, server_id, channel_id, user_id, user_name, prompt, model, params, status, created_at)
     VALUES (?, 'imagine', 'web', 's', 'c', 'u', 'u', ?, 'm', '{}', 'done', 0)`,
  );
  db.transaction(() => {
    for (let i = 0; i < rows; i++) insert.run(`job-${i}`, `a prompt long enough to fill pages ${'x'.repeat(200)} ${i}`);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
}

/** Overwrites bytes of the database file from `offset`, as a failing disk or a stray write would. */
function scribble(offset: number, length: number): void {
  const fd = openSync(join(dir, DATABASE_FILE), 'r+');
  writeSync(fd, Buffer.alloc(length, 0x5a), 0, length, offset);
  closeSync(fd);
}

describe('databaseCheck', () => {
  it('passes on a sound database', () => {
    fill(200);
    expect(() => databaseCheck(db)()).not.toThrow();
  });

  it('fails once pages of the file are overwritten', () => {
    fill(200);
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    expect(statSync(join(dir, DATABASE_FILE)).size).toBeGreaterThan(8 * pageSize);
    scribble(4 * pageSize, 3 * pageSize);
    expect(() => databaseCheck(db)()).toThrow(/database/);
  });

  it('fails when the file header is gone', () => {
    fill(10);
    scribble(0, 100);
    expect(() => databaseCheck(db)()).toThrow(/not a database|malformed|damaged/);
  });
});

describe('diskSpaceCheck', () => {
  it('names the folder and the space left when it is below the minimum, and measures a folder not made yet', () => {
    expect(() => diskSpaceCheck(dir, 1)()).not.toThrow();
    expect(() => diskSpaceCheck(join(dir, 'images', 'not-yet'), 1)()).not.toThrow();
    expect(() => diskSpaceCheck(dir, Number.MAX_SAFE_INTEGER)()).toThrow(new RegExp(`^only \\d+ MiB free in ${dir} \\(needs \\d+ MiB\\)$`));
  });
});
