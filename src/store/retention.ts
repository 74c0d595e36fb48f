import type { Logger } from '../log/index.js';
import type { ImageStore, JobStore } from './types.js';

const DAY_MS = 86_400_000;
const BATCH = 200;

export interface RetentionOptions {
  jobs: JobStore;
  images: ImageStore;
  /** IMAGE_RETENTION_DAYS; 0 keeps jobs and images forever. */
  retentionDays: number;
  log?: Logger;
  now?: () => number;
}

/**
 * Deletes the jobs that finished more than retentionDays ago: their images first, then their
 * records (a click on one answers that the image is no longer available). Returns the job count.
 */
export async function runRetention(o: RetentionOptions): Promise<number> {
  if (o.retentionDays <= 0) return 0;
  const cutoff = (o.now ?? Date.now)() - o.retentionDays * DAY_MS;
  let total = 0;
  for (;;) {
    const batch = await o.jobs.listFinishedBefore(cutoff, BATCH);
    if (batch.length === 0) break;
    for (const job of batch) await o.images.deletePrefix(job.id);
    const deleted = await o.jobs.delete(batch.map((j) => j.id));
    total += deleted;
    // Nothing deleted means the store keeps handing back the same jobs: stop rather than spin.
    if (deleted === 0 || batch.length < BATCH) break;
  }
  if (total) o.log?.info({ jobs: total, retentionDays: o.retentionDays }, 'deleted expired jobs and their images');
  return total;
}

/** Runs retention now and then every intervalMs (hourly by default); returns a stop function. */
export function startRetention(o: RetentionOptions & { intervalMs?: number }): () => void {
  let running = false;
  const tick = () => {
    if (running) return;
    running = true;
    runRetention(o)
      .catch((err: unknown) => o.log?.error({ err }, 'retention failed'))
      .finally(() => (running = false));
  };
  tick();
  const timer = setInterval(tick, o.intervalMs ?? 3_600_000);
  timer.unref();
  return () => clearInterval(timer);
}
