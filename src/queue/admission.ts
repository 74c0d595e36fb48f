/**
 * The admission rules every queue backend applies at submit: what a server's limits and the
 * model allow (checked here, no I/O), and the messages for refusals by the counters; the record
 * an admitted submission is stored as; who may cancel a job.
 */
import { fairWeight } from '../core/estimates.js';
import { UserError } from '../core/errors.js';
import { FINISHED_STATUSES, type JobRecord, type JobSubmission } from '../core/jobs.js';
import { DEFAULT_CEILINGS, findBlockedWord, type Ceilings, type ServerLimits } from '../core/limits.js';
import { CHILD_SAFETY_REFUSAL, findBlockedPattern, findChildSafetyTerm, PatternTimeoutError } from '../core/prompt-checks.js';
import { code, joinMarkup, md, type MarkupPart } from '../core/markup.js';
import { checkGeneration, type ModelCapabilities } from '../pipeline/capabilities.js';
import type { QuotaDecision } from '../store/types.js';
import { newJobId } from './job-id.js';
import type { CancelRequest } from './types.js';

/** What admission needs of the ModelCatalog. */
export interface ModelLookup {
  get(name: string | undefined): ModelCapabilities | undefined;
  list(): ModelCapabilities[];
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

const jobs = (n: number) => (n === 1 ? md`1 job` : md`${n} jobs`);
const requests = (n: number) => (n === 1 ? md`1 request` : md`${n} requests`);
const images = (n: number) => (n === 1 ? md`1 image` : md`${n} images`);
const list = (names: readonly string[]) => joinMarkup(names.map((n) => code(n)), ', ');

export function queueFullRefusal(queued: number): UserError {
  return new UserError(md`The queue is full (${queued} jobs); please try again in a few minutes.`, 'queue-full');
}

export function userQueuedRefusal(queued: number, max: number): UserError {
  return new UserError(md`You already have ${jobs(queued)} waiting (the limit here is ${max}); please wait until one starts.`, 'user-queued');
}

/** "4096×4096" for a square number of pixels, else the count. */
function pixelsText(pixels: number): MarkupPart {
  const side = Math.sqrt(pixels);
  return Number.isInteger(side) ? `${side}×${side}` : String(pixels);
}

/**
 * Refuses an upscale whose output is larger than the server's max_upscale_pixels or the deployer's
 * ceiling, naming the limit. Every size in a chain of upscales is known before it is queued.
 */
function checkUpscaleSize(p: JobSubmission['params'], limits: ServerLimits, ceilings: Ceilings): void {
  const factor = p.factor ?? 2;
  const out = p.outputSize ?? { width: p.width * factor, height: p.height * factor };
  const pixels = out.width * out.height;
  const wanted = md`Upscaling this image ${factor}× would make ${out.width}×${out.height}`;
  if (pixels > ceilings.maxUpscalePixels) {
    throw new UserError(md`${wanted}; this bot upscales to at most ${pixelsText(ceilings.maxUpscalePixels)} pixels.`, 'upscale-size');
  }
  if (pixels > limits.max_upscale_pixels) {
    throw new UserError(
      md`${wanted}; this server allows at most ${pixelsText(limits.max_upscale_pixels)} pixels (\`max_upscale_pixels\`).${factor === 4 ? md` Try Upscale (2×).` : ''}`,
      'upscale-size',
    );
  }
}

/**
 * Checks a submission against the server's limits and what its model can make (the same check
 * the command and the pipeline make): blocked words, allowed and known models, steps, size, batch,
 * upscale and its output size. Throws UserError with a message for the user and a reason for metrics.
 */
export function checkSubmission(sub: JobSubmission, limits: ServerLimits, models: ModelLookup, ceilings: Ceilings = DEFAULT_CEILINGS): void {
  const p = sub.params;
  // The built-in child-safety check comes first and no limit turns it off.
  if (findChildSafetyTerm(p.prompt) !== undefined) throw new UserError(CHILD_SAFETY_REFUSAL, 'child-safety');
  const blocked = findBlockedWord(p.prompt, limits.blocked_words);
  if (blocked !== undefined) {
    throw new UserError(md`Your prompt contains a word this server does not allow ("${blocked}"); please rephrase it.`, 'blocked-word');
  }
  checkPatterns(p.prompt, limits.blocked_patterns);
  const model = models.get(p.model);
  if (!model) throw new UserError(md`Unknown model \`${p.model}\`. Known models: ${list(models.list().map((m) => m.name))}.`, 'model-unknown');
  const allowed = limits.allowed_models;
  if (allowed.length > 0 && !allowed.some((a) => a.toLowerCase() === model.name.toLowerCase())) {
    const usable = models.list().map((m) => m.name).filter((n) => allowed.some((a) => a.toLowerCase() === n.toLowerCase()));
    throw new UserError(
      md`The model \`${model.name}\` is not allowed on this server. ${usable.length ? md`Allowed: ${list(usable)}.` : md`Ask an admin which models are allowed.`}`,
      'model-not-allowed',
    );
  }
  if ((sub.kind === 'zoom' || p.region) && !limits.edits) throw new UserError('Editing results (zoom, pan, make square, vary region) is turned off on this server.', 'edits');
  if (sub.kind === 'upscale') {
    if (!limits.upscale_allowed) throw new UserError('Upscaling is turned off on this server.', 'upscale');
    // An upscale re-uses the steps its source job was admitted with; only its output size is new.
    checkUpscaleSize(p, limits, ceilings);
    return;
  }
  checkGeneration(
    model,
    { seed: p.seed, steps: p.steps, guidance: p.guidance, width: p.width, height: p.height, count: p.count, scheduler: p.scheduler ?? model.defaults.scheduler, strength: p.strength },
    { maxSteps: limits.max_steps, maxPixels: limits.max_pixels },
  );
}

function checkPatterns(prompt: string, patterns: readonly string[]): void {
  try {
    if (findBlockedPattern(prompt, patterns) !== undefined) throw new UserError("Your prompt matches a pattern this server does not allow; please rephrase it.", 'blocked-pattern');
  } catch (err) {
    if (!(err instanceof PatternTimeoutError)) throw err;
    // Refused rather than let through unchecked; the patterns were tested when set, so this is rare.
    throw new UserError("Your prompt could not be checked against this server's blocked patterns in time; please shorten it, or ask an admin to simplify the patterns.", 'blocked-pattern');
  }
}

/** The user's message for a counter that said no. */
export function quotaRefusal(decision: Exclude<QuotaDecision, { ok: true }>, cost: number, now: number): UserError {
  const wait = formatWait(decision.retryAt - now);
  const { used, limit } = decision;
  switch (decision.reason) {
    case 'rate':
      return new UserError(md`You can make ${requests(limit)} a minute here; please try again in ${wait}.`, 'rate');
    case 'quota-server':
      return new UserError(
        used >= limit
          ? md`Daily limit of ${limit} images for this server reached; resets at 00:00 UTC (in ${wait}).`
          : md`This needs ${images(cost)}, but only ${limit - used} of this server's daily ${limit} are left; resets at 00:00 UTC (in ${wait}).`,
        'quota-server',
      );
    case 'quota-user':
      return new UserError(
        used >= limit
          ? md`You reached your daily limit of ${limit} images on this server; resets at 00:00 UTC (in ${wait}).`
          : md`This needs ${images(cost)}, but only ${limit - used} of your daily ${limit} are left; resets at 00:00 UTC (in ${wait}).`,
        'quota-user',
      );
    case 'quota-gpu':
      return new UserError(md`This server has used its daily ${Math.round(limit / 1000)} seconds of generation time; resets at 00:00 UTC (in ${wait}).`, 'quota-gpu');
  }
}

/** The record an admitted submission is stored as: a new id, waiting, never started. */
export function newJobRecord(sub: JobSubmission, now: number): JobRecord {
  const job: JobRecord = {
    id: sub.id ?? newJobId(),
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
    weight: fairWeight(sub.kind, sub.params),
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
