/**
 * The admission rules every queue backend applies at submit: what a server's limits and the
 * model allow (checked here, no I/O), and the messages for refusals by the counters; the record
 * an admitted submission is stored as; who may cancel a job.
 */
import { FINISHED_STATUSES, type JobRecord, type JobSubmission } from '../core/jobs.js';
import { findBlockedWord, type ServerLimits } from '../core/limits.js';
import type { CatalogEntry } from '../pipeline/catalog.js';
import type { QuotaDecision } from '../store/types.js';
import { newJobId } from './job-id.js';
import { SubmitRefusedError, type CancelRequest } from './types.js';

/** What admission needs of the ModelCatalog. */
export interface ModelLookup {
  get(name: string | undefined): CatalogEntry | undefined;
  list(): CatalogEntry[];
}

/** "3 h 12 min", "12 min", "40 s". */
export function formatWait(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.ceil(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const list = (names: readonly string[]) => names.map((n) => `\`${n}\``).join(', ');

export function queueFullRefusal(queued: number): SubmitRefusedError {
  return new SubmitRefusedError(`The queue is full (${queued} jobs); please try again in a few minutes.`, 'queue-full');
}

export function userQueuedRefusal(queued: number, max: number): SubmitRefusedError {
  return new SubmitRefusedError(
    `You already have ${plural(queued, 'job')} waiting (the limit here is ${max}); please wait until one starts.`,
    'user-queued',
  );
}

/**
 * Checks a submission against the server's limits and its model's: blocked words, allowed and
 * known models, steps, size, batch, upscale. Throws SubmitRefusedError with a message for the user.
 */
export function checkSubmission(sub: JobSubmission, limits: ServerLimits, models: ModelLookup): void {
  const p = sub.params;
  const blocked = findBlockedWord(p.prompt, limits.blocked_words);
  if (blocked !== undefined) {
    throw new SubmitRefusedError(`Your prompt contains a word this server does not allow ("${blocked}"); please rephrase it.`, 'blocked-word');
  }

  const model = models.get(p.model);
  if (!model) {
    throw new SubmitRefusedError(`Unknown model \`${p.model}\`. Known models: ${list(models.list().map((m) => m.name))}.`, 'model-unknown');
  }
  const allowed = limits.allowed_models;
  if (allowed.length > 0 && !allowed.some((a) => a.toLowerCase() === model.name.toLowerCase())) {
    const usable = models.list().map((m) => m.name).filter((n) => allowed.some((a) => a.toLowerCase() === n.toLowerCase()));
    throw new SubmitRefusedError(
      `The model \`${model.name}\` is not allowed on this server. ${usable.length ? `Allowed: ${list(usable)}.` : 'Ask an admin which models are allowed.'}`,
      'model-not-allowed',
    );
  }

  if (sub.kind === 'upscale') {
    if (!limits.upscale_allowed) throw new SubmitRefusedError('Upscaling is turned off on this server.', 'upscale');
    // An upscale re-uses the size and steps its source job was admitted with.
    return;
  }

  const m = model.limits;
  if (!Number.isInteger(p.count) || p.count < 1 || p.count > m.maxBatch) {
    throw new SubmitRefusedError(`The model \`${model.name}\` makes 1 to ${m.maxBatch} images at a time (asked for ${p.count}).`, 'count');
  }
  const maxSteps = Math.min(limits.max_steps, m.maxSteps);
  if (!Number.isInteger(p.steps) || p.steps < 1 || p.steps > maxSteps) {
    const who = limits.max_steps <= m.maxSteps ? 'this server allows' : `the model \`${model.name}\` allows`;
    throw new SubmitRefusedError(`${p.steps} steps is more than ${who} (at most ${maxSteps}); try \`--steps ${maxSteps}\`.`, 'steps');
  }
  const pixels = p.width * p.height;
  const size = `${p.width}×${p.height}`;
  if (m.fixedSize && (p.width !== m.fixedSize.width || p.height !== m.fixedSize.height)) {
    throw new SubmitRefusedError(`The model \`${model.name}\` only makes ${m.fixedSize.width}×${m.fixedSize.height} images (asked for ${size}).`, 'size');
  }
  if (p.width < m.minSize || p.height < m.minSize || p.width > m.maxSize || p.height > m.maxSize) {
    throw new SubmitRefusedError(`${size} is outside what \`${model.name}\` can make (each side from ${m.minSize} to ${m.maxSize} pixels).`, 'size');
  }
  if (pixels > limits.max_pixels) {
    const side = Math.floor(Math.sqrt(limits.max_pixels) / 8) * 8;
    throw new SubmitRefusedError(`${size} is larger than this server allows (at most ${limits.max_pixels} pixels, e.g. ${side}×${side}).`, 'size');
  }
  if (pixels > m.maxPixels) {
    const side = Math.floor(Math.sqrt(m.maxPixels) / 8) * 8;
    throw new SubmitRefusedError(`${size} is larger than \`${model.name}\` can make (at most ${m.maxPixels} pixels, e.g. ${side}×${side}).`, 'size');
  }
}

/** The user's message for a counter that said no. */
export function quotaRefusal(decision: Exclude<QuotaDecision, { ok: true }>, cost: number, now: number): SubmitRefusedError {
  const wait = formatWait(decision.retryAt - now);
  const { used, limit } = decision;
  switch (decision.reason) {
    case 'rate':
      return new SubmitRefusedError(`You can make ${plural(limit, 'request')} a minute here; please try again in ${wait}.`, 'rate');
    case 'quota-server':
      return new SubmitRefusedError(
        used >= limit
          ? `Daily limit of ${limit} images for this server reached; resets at 00:00 UTC (in ${wait}).`
          : `This needs ${plural(cost, 'image')}, but only ${limit - used} of this server's daily ${limit} are left; resets at 00:00 UTC (in ${wait}).`,
        'quota-server',
      );
    case 'quota-user':
      return new SubmitRefusedError(
        used >= limit
          ? `You reached your daily limit of ${limit} images on this server; resets at 00:00 UTC (in ${wait}).`
          : `This needs ${plural(cost, 'image')}, but only ${limit - used} of your daily ${limit} are left; resets at 00:00 UTC (in ${wait}).`,
        'quota-user',
      );
  }
}

/** The record an admitted submission is stored as: a new id, waiting, never started. */
export function newJobRecord(sub: JobSubmission, now: number): JobRecord {
  const job: JobRecord = {
    id: newJobId(),
    kind: sub.kind,
    platform: sub.platform,
    serverId: sub.serverId,
    channelId: sub.channelId,
    userId: sub.userId,
    userName: sub.userName,
    params: sub.params,
    status: 'queued',
    priority: sub.priority ?? 0,
    cost: sub.params.count,
    createdAt: now,
    attempts: 0,
  };
  if (sub.delivery) job.delivery = sub.delivery;
  return job;
}

/** Why a stored job cannot be cancelled by this request (neither its user's nor a server admin's; already ended), or undefined. */
export function cancelRefusal(job: JobRecord, by: CancelRequest): 'not-allowed' | 'finished' | undefined {
  const allowed = by.userId === job.userId || (by.isServerAdmin && by.serverId === job.serverId);
  if (!allowed) return 'not-allowed';
  if (FINISHED_STATUSES.includes(job.status)) return 'finished';
  return undefined;
}
