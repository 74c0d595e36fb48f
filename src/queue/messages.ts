/**
 * What users read when a job does not finish, the same from every queue backend, and the rule of
 * which errors carry a message meant for them.
 */
import { JOB_FAILED, UserError } from '../core/errors.js';
import type { JobRecord } from '../core/jobs.js';
import type { Logger } from '../log/index.js';
import { formatWait } from './admission.js';

export const RESTART_FAILURE = 'The bot restarted while making this; please try again.';
/** The refusal of a submit while the bot shuts down. */
export const CLOSING_MESSAGE = 'The bot is restarting; please try again in a minute.';
/** A job interrupted by a restart (or a dead worker) runs again only if it has started fewer times than this. */
export const MAX_ATTEMPTS = 2;

/** The user's message for a job stopped at the time limit. */
export function timeoutMessage(timeoutMs: number): string {
  return `This took longer than the ${formatWait(timeoutMs)} limit and was stopped; please try again with fewer steps or a smaller size.`;
}

/**
 * The message a user sees for a run that threw: a refusal's own words, or for anything unexpected
 * the generic message (its details go to the log, not to the user).
 */
export function failureMessage(err: unknown, job: JobRecord, log?: Logger): string {
  if (err instanceof UserError) return err.message;
  log?.error({ err, jobId: job.id, model: job.params.model }, 'job failed');
  return JOB_FAILED;
}
