import type { Logger } from '../log/index.js';
import type { ImageStore, JobStore } from './types.js';

const DAY_MS = 86_400_000;
const BATCH = 200;

export interface RetentionOptions {
  jobs: JobStore;
  images: ImageStore;
  /** IMAGE_RETENTION_DAYS; 0 keeps images forever. */
  retentionDays: number;
  log?: Logger;
  now?: () => number;
}

/**
 * Deletes the images of jobs that finished more than retentionDays ago and marks the jobs, whose
 * rows stay so that a button on them can answer "this image has expired". Returns the job count.
 */
export async function runImageRetention(o: RetentionOptions): Promise<number> {
  if (o.retentionDays <= 0) return 0;
  const cutoff = (o.now ?? Date.now)() - o.retentionDays * DAY_MS;
  let total = 0;
  for (;;) {
    const batch = await o.jobs.listFinishedBefore(cutoff, BATCH);
    if (batch.length === 0) break;
    for (const job of batch) await o.images.deletePrefix(job.id);
    total += batch.length;
    // Without marking, the store would hand back the same jobs again.
    if (!o.jobs.markImagesExpired) break;
    await o.jobs.markImagesExpired(batch.map((j) => j.id));
    if (batch.length < BATCH) break;
  }
  if (total) o.log?.info({ jobs: total, retentionDays: o.retentionDays }, 'deleted expired images');
  return total;
}

/** Runs retention now and then every intervalMs (hourly by default); returns a stop function. */
export function startImageRetention(o: RetentionOptions & { intervalMs?: number }): () => void {
  let running = false;
  const tick = () => {
    if (running) return;
    running = true;
    runImageRetention(o)
      .catch((err: unknown) => o.log?.error({ err }, 'image retention failed'))
      .finally(() => (running = false));
  };
  tick();
  const timer = setInterval(tick, o.intervalMs ?? 3_600_000);
  timer.unref();
  return () => clearInterval(timer);
}
