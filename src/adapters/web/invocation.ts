/**
 * What a tab sends (`/api/command` with the typed line, `/api/button` with a button id) as the
 * neutral Invocation: which server and tab, who (the name the tab gives: on loopback one name is
 * one user; exposed, one name in one browser, browser-id.ts),
 * whether they are an admin here (auth.ts), which command with its options read by its spec.
 */
import { languageOfHeader, type Language } from '../../core/i18n.js';
import { UserError } from '../../core/errors.js';
import { BUTTON_COMMAND, type Invocation } from '../../core/invocation.js';
import { code, joinMarkup, md, msg, type Markup } from '../../core/markup.js';
import type { CommandLayer } from '../types.js';
import type { ChannelHub } from './channels.js';
import { HttpError } from './http.js';

export interface Identity {
  serverId: string;
  clientId: string;
  userId: string;
  userName: string;
  /** The browser's language (its Accept-Language), for private answers. */
  language?: Language;
}

/** Who counts as a server admin in the playground, for refusals. */
export const WEB_ADMINS = msg('anyone on this machine, or whoever gives WEB_PASSWORD when the playground is exposed');

export const MAX_COMMAND_CHARS = 4000;
const CLIENT_ID = /^[A-Za-z0-9_-]{8,64}$/;
const USER_NAME = /^[\p{L}\p{N}][\p{L}\p{N} _.'-]{0,31}$/u;

export function isClientId(id: string): boolean {
  return CLIENT_ID.test(id);
}

/** `browser`: the signed browser id of an exposed playground, which makes the name that browser's own. */
export function readIdentity(body: Record<string, unknown>, hub: ChannelHub, browser?: string, acceptLanguage?: string): Identity {
  const serverId = body.server;
  if (typeof serverId !== 'string' || !hub.hasServer(serverId)) throw new HttpError(400, `Unknown server; pick one of: ${hub.servers.join(', ')}.`);
  const clientId = body.clientId;
  if (typeof clientId !== 'string' || !isClientId(clientId)) throw new HttpError(400, 'Missing or malformed clientId.');
  const userName = typeof body.user === 'string' ? body.user.normalize('NFC').trim().replace(/\s+/g, ' ') : '';
  if (!USER_NAME.test(userName)) throw new HttpError(400, "Pick a user name: 1–32 letters, digits, spaces or _ . ' - (starting with a letter or digit).");
  // One name is one user, whatever its case, in every tab (of this browser, once exposed) that uses it.
  const nameKey = userName.toLowerCase().replace(/ /g, '_');
  const language = languageOfHeader(acceptLanguage);
  return { serverId, clientId, userName, userId: browser ? `${nameKey}~${browser}` : nameKey, ...(language ? { language } : {}) };
}

/** The start of a long text, for the "alice used /imagine …" line. */
export function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

type Intent = Pick<Invocation, 'command' | 'subcommand' | 'options'>;

/**
 * A typed line as the command it names with its options, or the refusal for a line that is no
 * command or that the command cannot read; with the "used /…" action shown above the answer.
 */
export function commandFromText(text: string, layer: CommandLayer): { action: string } & ({ intent: Intent } | { refusal: Markup }) {
  const list = joinMarkup(layer.commands.map((c) => code(`/${c.name}`)), ', ');
  if (text.length > MAX_COMMAND_CHARS) return { action: 'sent a very long message', refusal: md`That is too long: at most ${MAX_COMMAND_CHARS} characters.` };
  const match = /^\/([A-Za-z][\w-]*)(?:\s+([\s\S]*))?$/.exec(text);
  if (!match) return { action: `wrote ${shorten(text, 80)}`, refusal: md`Commands start with a slash, e.g. \`/imagine red heart --seed 7\`. Available: ${list}.` };
  const name = match[1]!.toLowerCase();
  if (!layer.commands.some((c) => c.name === name)) return { action: `used /${name}`, refusal: md`Unknown command \`/${name}\`. Available: ${list}.` };
  const action = `used ${shorten(text, 300)}`;
  try {
    const parsed = layer.parseText(name, match[2] ?? '');
    return { action, intent: { command: name, subcommand: parsed.subcommand, options: parsed.options } };
  } catch (err) {
    if (err instanceof UserError) return { action, refusal: err.markup };
    throw err;
  }
}

export function buttonIntent(id: unknown, value?: unknown, cells?: unknown): Intent {
  if (typeof id !== 'string' || id.length === 0 || id.length > 100) throw new HttpError(400, 'Missing or malformed button id.');
  // A choice in a menu comes with its value; a drawing also with its cells (checked by the command).
  if (value !== undefined && (typeof value !== 'string' || value.length > 150)) throw new HttpError(400, 'Malformed menu choice.');
  if (cells !== undefined && (typeof cells !== 'string' || cells.length > 4096)) throw new HttpError(400, 'Malformed drawing.');
  return { command: BUTTON_COMMAND, options: { id, ...(value === undefined ? {} : { value }), ...(cells === undefined ? {} : { cells }) } };
}

export function toInvocation(who: Identity, isServerAdmin: boolean, intent: Intent, delivery: Invocation['delivery']): Invocation {
  return {
    platform: 'web',
    serverId: who.serverId,
    channelId: 'general',
    userId: who.userId,
    userName: who.userName,
    isServerAdmin,
    admins: WEB_ADMINS,
    ...(who.language ? { locale: who.language } : {}),
    ...intent,
    delivery,
  };
}
