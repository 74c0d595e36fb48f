import { join } from 'node:path';
import type { Logger } from '../log/index.js';
import { openDatabase, type SqliteDatabase } from './database.js';
import { LocalImageStore } from './local-images.js';
import { SqliteJobStore } from './sqlite-jobs.js';
import { SqliteSettingsStore, loadDefaultLimits } from './sqlite-settings.js';
import { SqliteUsageLedger } from './sqlite-usage.js';

export { openDatabase, migrate, DATABASE_FILE, type SqliteDatabase } from './database.js';
export { LocalImageStore, ImageNotFoundError } from './local-images.js';
export { SqliteJobStore } from './sqlite-jobs.js';
export { SqliteSettingsStore, loadDefaultLimits } from './sqlite-settings.js';
export { SqliteUsageLedger, utcDay, nextUtcMidnight } from './sqlite-usage.js';
export { runRetention, startRetention } from './retention.js';

export interface LocalStores {
  db: SqliteDatabase;
  jobs: SqliteJobStore;
  settings: SqliteSettingsStore;
  /** Both the UsageStore of Services and the UsageLedger the queue reserves against. */
  usage: SqliteUsageLedger;
  images: LocalImageStore;
  close(): void;
}

/** The single-process stores: DATA_DIR/imagine.sqlite and DATA_DIR/images. */
export function openLocalStores(o: { dataDir: string; limitsFile: string; log?: Logger; now?: () => number }): LocalStores {
  const defaults = loadDefaultLimits(o.limitsFile);
  const db = openDatabase(o.dataDir);
  return {
    db,
    jobs: new SqliteJobStore(db),
    settings: new SqliteSettingsStore(db, defaults, o.log),
    usage: new SqliteUsageLedger(db, o.now),
    images: new LocalImageStore(join(o.dataDir, 'images')),
    close: () => db.close(),
  };
}
