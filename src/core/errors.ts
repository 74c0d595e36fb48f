import { msg, plainText, tr, toMarkup, type Markup, type MarkupPart } from './markup.js';

/**
 * The one error that carries a message meant for the user, from wherever it is raised (a command,
 * admission, the pipeline in its thread, a job run) to the user: shown privately, nothing queued,
 * nothing changed. Anything else is a bug: logged, and the user gets SOMETHING_WENT_WRONG.
 */
export class UserError extends Error {
  override name = 'UserError';
  readonly markup: Markup;

  constructor(
    message: MarkupPart,
    /** Short machine-readable reason for metrics: 'quota-server', 'rate', 'queue-full', 'blocked-word', 'steps'… */
    readonly reason = 'invalid',
  ) {
    // A plain string is one of our fixed messages, said in the reader's language.
    const markup = typeof message === 'string' ? [tr(message)] : toMarkup(message);
    super(plainText(markup));
    this.markup = markup;
  }
}

/** What an error says to a user: a UserError's markup, else its message (translated when it is one of our fixed messages). */
export function errorMarkup(err: unknown): Markup {
  return err instanceof UserError ? err.markup : [tr(err instanceof Error ? err.message : String(err))];
}

/** What a user reads when handling their command failed and it is not their doing (the details go to the log). */
export const SOMETHING_WENT_WRONG = msg('Something went wrong while handling that; please try again.');
/** What a user reads when the queue's backend (Redis) cannot be reached: nothing was queued or counted. */
export const QUEUE_UNAVAILABLE = msg('The queue is unavailable right now, so nothing was queued; please try again in a minute.');
/** The same for a job that failed while it ran. */
export const JOB_FAILED = msg('Something went wrong while making this image; please try again.');

/** A UserError as it crosses a thread or process boundary, and back. */
export interface SerializedError {
  name: string;
  message: string;
  markup?: Markup;
  reason?: string;
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof UserError) return { name: err.name, message: err.message, markup: err.markup, reason: err.reason };
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: 'Error', message: String(err) };
}
