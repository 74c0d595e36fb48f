/**
 * The neutral shapes that cross the adapter boundary. Adapters turn a platform event into an
 * Invocation and render a Reply back; nothing past this file knows Discord, Slack or the browser.
 */

export type Platform = 'discord' | 'slack' | 'web';
export const PLATFORMS: readonly Platform[] = ['discord', 'slack', 'web'];

export type OptionValue = string | number | boolean;

export interface Invocation {
  platform: Platform;
  /** Discord guild id, Slack team id, the playground's server name; `dm:<userId>` in a direct message. */
  serverId: string;
  channelId: string;
  userId: string;
  /** Shown in messages and stored with jobs. */
  userName: string;
  /** Discord: Manage Server; Slack: workspace admin/owner or a configured admin; web: local user or password given. */
  isServerAdmin: boolean;
  /** 'imagine' | 'limits' | 'info' | 'cancel' for slash commands, 'button' for a click (options.id holds the button id). */
  command: string;
  /** e.g. 'show' | 'set' | 'reset' for /limits. */
  subcommand?: string;
  options: Record<string, OptionValue | undefined>;
  /** Where updates of a job this invocation starts must go; stored with the job, so it survives a restart. */
  delivery?: Delivery;
}

/**
 * Adapter-owned routing data for a job's updates (Discord interaction token and channel, Slack
 * channel and message ts, the playground's channel). `gateway` names the process that may deliver
 * it when several gateways share one queue (see INSTANCE_ID).
 */
export interface Delivery {
  platform: Platform;
  gateway: string;
  data: Record<string, unknown>;
}

export type ButtonStyle = 'primary' | 'secondary' | 'success' | 'danger';

export interface ReplyButton {
  /** encodeButtonId(...) output; at most 100 characters. */
  id: string;
  label: string;
  emoji?: string;
  style?: ButtonStyle;
  disabled?: boolean;
}

export interface ReplyImage {
  /** File name shown by the platform, e.g. `red-heart-grid.png`. */
  filename: string;
  /** PNG bytes. Adapters re-encode (WebP/JPEG, smaller) when a platform limit demands it. */
  data: Buffer;
  width: number;
  height: number;
  /** Alt text / description. */
  alt?: string;
}

/**
 * A message in a neutral markup: `**bold**`, `_italic_`, `` `code` ``, `<@userId>` mentions
 * (Discord and Slack both understand them; the playground renders the user's name), newlines.
 * User text inside it is backslash-escaped (`\*`, `\_`, `\<` …; see escapeMarkup in render.ts):
 * Discord shows such escapes as they are; other platforms unescape them.
 */
export interface Reply {
  text: string;
  images?: ReplyImage[];
  /** Rows of buttons (Discord allows 5 rows of 5). */
  buttons?: ReplyButton[][];
  /** Only the invoking user sees it (Discord ephemeral, Slack postEphemeral, playground: that tab only). */
  ephemeral?: boolean;
}

/** What a command hands back to the adapter. */
export type CommandOutcome =
  /** The whole answer, now. */
  | { kind: 'reply'; reply: Reply }
  /**
   * A job went into the queue: `reply` is its first status (prompt, requester, queue position).
   * The adapter then follows the job's events (see JobQueue.onEvent) and edits that message.
   */
  | { kind: 'job'; jobId: string; reply: Reply };

export function replyOf(text: string, ephemeral = false): CommandOutcome {
  return { kind: 'reply', reply: { text, ephemeral } };
}

/** A refusal meant for the user: shown ephemerally, nothing queued, nothing changed. */
export class UserError extends Error {
  override name = 'UserError';
}
