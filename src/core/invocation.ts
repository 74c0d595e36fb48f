/**
 * The neutral shapes that cross the adapter boundary. Adapters turn a platform event into an
 * Invocation and render a Reply back; nothing past the adapters knows Discord, Slack or the browser.
 */
import type { Language } from './i18n.js';
import type { Form } from './forms.js';
import type { MarkupPart } from './markup.js';
import { textReply, type Reply } from './reply.js';

export type Platform = 'discord' | 'slack' | 'web';
export const PLATFORMS: readonly Platform[] = ['discord', 'slack', 'web'];

export type OptionValue = string | number | boolean;

/** Who asks, and where: the part of an invocation a job keeps. */
export interface Requester {
  platform: Platform;
  /** Discord guild id, Slack team id, the playground's server name; `dm:<userId>` in a direct message. */
  serverId: string;
  channelId: string;
  userId: string;
  /** Shown in messages and stored with jobs. */
  userName: string;
}

export interface Invocation extends Requester {
  /** Whether the adapter counts this user as an admin of the server (see `admins`). */
  isServerAdmin: boolean;
  /** Who the server's admins are on this platform, in words for a refusal ("members with Manage Server"). */
  admins: string;
  /** A slash command's name, or BUTTON_COMMAND for a click (options.id holds the button id). */
  command: string;
  /** e.g. 'show' | 'set' | 'reset' for /limits. */
  subcommand?: string;
  options: Record<string, OptionValue | undefined>;
  /** Where updates of a job this invocation starts must go; stored with the job, so it survives a restart. */
  delivery?: Delivery;
  /** Where further jobs of the same invocation report (permutations, repeats): each in a message of its own. */
  moreDelivery?: Delivery;
  /** The channel is age-restricted (Discord's channel nsfw flag); Slack and the playground have none. */
  ageRestricted?: boolean;
  /** A picture uploaded with the command (the playground's composer); its `image` option then reads `upload:<id>`. */
  files?: { image?: Buffer };
  /** For a click: a link to the message the button is on (results made from it link back to it). */
  origin?: string;
  /** For a message action: the message it was used on (its text and the links of its pictures). */
  message?: { text: string; images: string[] };
  /** The user's locale as the platform gives it (Discord's `locale`, Slack's user locale, the browser's language). */
  locale?: string;
  /** The server's own language where the platform has one (Discord's `guild_locale`). */
  serverLocale?: string;
  /** Set by dispatch: the user's language (private answers) and the server's (public messages), see src/core/i18n.ts. */
  languages?: { user: Language; server: Language };
}

/** Invocation.command of a button click. */
export const BUTTON_COMMAND = 'button';

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

/** What a command hands back to the adapter. */
export type CommandOutcome =
  /** The whole answer, now. */
  | { kind: 'reply'; reply: Reply }
  /**
   * A job went into the queue: `reply` is its first status (prompt, requester, queue position).
   * The adapter then follows the job's updates (see replies/follow.ts) and edits that message.
   */
  | { kind: 'job'; jobId: string; reply: Reply }
  /**
   * Questions first: the adapter shows the form, and its answers run `form.command` (see forms.ts).
   * `reply` is what an adapter that cannot show this form answers instead.
   */
  | { kind: 'form'; form: Form; reply: Reply }
  /** The result the click came from is deleted: the adapter takes its message down, then answers privately with `reply`. */
  | { kind: 'removed'; reply: Reply };

export function replyOf(text: MarkupPart, ephemeral = false): CommandOutcome {
  return { kind: 'reply', reply: textReply(text, ephemeral) };
}
