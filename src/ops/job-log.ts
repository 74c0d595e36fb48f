/**
 * One structured log line per job milestone (started, done, failed, cancelled), each carrying the
 * job id, so an operator can follow any job through the logs. Prompts stay out of info level.
 */
import type { JobEvent } from '../core/jobs.js';
import type { Logger } from '../log/index.js';
import type { JobQueue } from '../queue/types.js';
import type { JobStore } from '../store/types.js';

export interface JobLogOptions {
  /** As in ObserveOptions: only jobs delivered by this gateway (jobs without delivery always). */
  gateway?: string;
}

export function logJobEvents(queue: Pick<JobQueue, 'onEvent'>, jobs: Pick<JobStore, 'get'>, log: Pick<Logger, 'info' | 'warn' | 'debug'>, options: JobLogOptions = {}): () => void {
  const chains = new Map<string, Promise<void>>();

  async function write(event: JobEvent) {
    if (event.type === 'progress') return;
    if (event.type === 'queued') {
      log.debug({ jobId: event.jobId, position: event.position }, 'job queued');
      return;
    }
    const job = await jobs.get(event.jobId).catch(() => undefined);
    if (options.gateway && job?.delivery && job.delivery.gateway !== options.gateway) return;
    const fields = {
      jobId: event.jobId,
      ...(job && {
        kind: job.kind,
        platform: job.platform,
        serverId: job.serverId,
        userId: job.userId,
        model: job.params.model,
        steps: job.params.steps,
        size: `${job.params.width}x${job.params.height}`,
        attempts: job.attempts,
      }),
    };
    switch (event.type) {
      case 'started':
        log.info({ ...fields, waitMs: job?.startedAt !== undefined ? job.startedAt - job.createdAt : undefined }, 'job started');
        return;
      case 'done':
        log.info(
          {
            ...fields,
            images: job?.output?.images.length,
            generationMs: job?.output?.generationMs,
            latencyMs: job?.finishedAt !== undefined ? job.finishedAt - job.createdAt : undefined,
          },
          'job done',
        );
        return;
      case 'failed':
        log.warn({ ...fields, reason: event.message }, 'job failed');
        return;
      case 'cancelled':
        log.info(fields, 'job cancelled');
        return;
    }
  }

  return queue.onEvent((event) => {
    if (event.type === 'progress') return;
    const next = (chains.get(event.jobId) ?? Promise.resolve()).then(() => write(event)).catch(() => undefined);
    chains.set(event.jobId, next);
    void next.then(() => {
      if (chains.get(event.jobId) === next) chains.delete(event.jobId);
    });
  });
}
