/**
 * What a slash command looks like to every platform: its typed options (Discord registers them;
 * Slack and the playground send free text, read by parseCommandText against the same spec),
 * whether it starts a job, whether it is for admins. The handler lives in commands/.
 */
import { UserError } from './errors.js';
import type { OptionValue } from './invocation.js';
import { md, type Markup } from './markup.js';

export interface CommandOptionSpec {
  name: string;
  description: string;
  /**
   * 'user': a member of the server, given as the platform's user id (a mention in free text).
   * 'attachment': a file the user attaches (Discord), given as its URL.
   */
  type: 'string' | 'integer' | 'number' | 'boolean' | 'user' | 'attachment';
  required?: boolean;
  choices?: { name: string; value: string | number }[];
  minValue?: number;
  maxValue?: number;
  maxLength?: number;
  /** In free text this option takes the rest of the line (a prompt, a list), not one word. */
  rest?: boolean;
  /** What to tell a user who left this required option out (else the usage). */
  whenMissing?: Markup;
}

export interface SubcommandSpec {
  name: string;
  description: string;
  options?: CommandOptionSpec[];
}

export interface CommandSpec {
  name: string;
  description: string;
  options?: CommandOptionSpec[];
  subcommands?: SubcommandSpec[];
  /** The subcommand free text without one means ('/limits' → show). */
  defaultSubcommand?: string;
  /** Discord: default_member_permissions = Manage Server. The handler checks again at run time. */
  adminOnly?: boolean;
  /** Its outcome is usually a job, whose status everyone in the channel sees (Discord defers publicly). */
  startsJob?: boolean;
  /** Its answer is for everyone in the channel though it starts no job (/show): Discord defers publicly. */
  answersPublicly?: boolean;
}

/**
 * An action on a message someone posted (Discord's message context menu, Slack's message
 * shortcut). It runs as a command named by `id`, with the message in Invocation.message.
 */
export interface MessageActionSpec {
  /** The Invocation's command and Slack's callback_id. */
  id: string;
  /** What the menu shows (Discord: at most 32 characters). */
  label: string;
  /** Slack shows it under the shortcut's name. */
  description: string;
}

/** Options free text can reach: in order, up to the first that takes the rest of the line. */
function textOptions(options: readonly CommandOptionSpec[] = []): CommandOptionSpec[] {
  const end = options.findIndex((o) => o.rest);
  return end < 0 ? [...options] : options.slice(0, end + 1);
}

/** `/limits set <name> <value>` lines for a usage message. */
export function usageOf(spec: CommandSpec): string[] {
  const line = (words: string[], options: CommandOptionSpec[] = []) =>
    `/${[...words, ...textOptions(options).map((o) => (o.required ? `<${o.name}>` : `[${o.name}]`))].join(' ')}`;
  if (spec.subcommands?.length) return spec.subcommands.map((s) => line([spec.name, s.name], s.options));
  return [line([spec.name], spec.options)];
}

function usageError(spec: CommandSpec, why?: Markup): UserError {
  const lines = usageOf(spec);
  const usage = md`Usage: ${lines.map((l, i) => md`${i ? ', ' : ''}\`${l}\``).flat()}.`;
  return new UserError(why ? md`${why} ${usage}` : usage, 'usage');
}

/** One option's value from text, by its type; throws UserError saying what it should be. */
export function convertOption(option: CommandOptionSpec, raw: string): OptionValue {
  switch (option.type) {
    case 'string':
    case 'attachment':
      return raw;
    case 'user': {
      // Slack escapes a mention as <@U123|name>; the playground sends @name, which its adapter resolves.
      const escaped = /^<@([A-Za-z0-9_~.-]+)(?:\|[^>]*)?>$/.exec(raw);
      if (escaped) return escaped[1]!;
      if (/^@?[^\s<>@]+$/.test(raw)) return raw.startsWith('@') ? raw : `@${raw}`;
      throw new UserError(md`\`${option.name}\` is a user: mention them, e.g. \`@alice\` (got \`${raw}\`).`);
    }
    case 'boolean': {
      const v = raw.toLowerCase();
      if (['true', 'yes', 'on', '1'].includes(v)) return true;
      if (['false', 'no', 'off', '0'].includes(v)) return false;
      throw new UserError(md`\`${option.name}\` is true or false (got \`${raw}\`).`);
    }
    case 'integer':
    case 'number': {
      const n = Number(raw);
      if (raw === '' || !Number.isFinite(n) || (option.type === 'integer' && !Number.isInteger(n))) {
        throw new UserError(option.type === 'integer' ? md`\`${option.name}\` is a whole number (got \`${raw}\`).` : md`\`${option.name}\` is a number (got \`${raw}\`).`);
      }
      return n;
    }
  }
}

/**
 * Free text as Slack and the playground deliver it ('set max_steps 30') → subcommand and options,
 * by the spec: a subcommand word first, then the options in order, one word each, an option marked
 * `rest` taking what is left. Throws UserError with the usage for text it cannot read.
 */
export function parseCommandText(spec: CommandSpec, text: string): { subcommand?: string; options: Record<string, OptionValue> } {
  let rest = text.trim();
  let subcommand: string | undefined;
  let options = spec.options ?? [];
  if (spec.subcommands?.length) {
    const m = /^(\S+)\s*([\s\S]*)$/.exec(rest);
    const word = m?.[1]?.toLowerCase() ?? spec.defaultSubcommand;
    const sub = spec.subcommands.find((s) => s.name === word);
    if (!sub) throw usageError(spec, word === undefined ? undefined : md`Unknown \`/${spec.name} ${m?.[1] ?? ''}\`.`);
    subcommand = sub.name;
    options = sub.options ?? [];
    rest = m?.[2]?.trim() ?? '';
  }
  const out: Record<string, OptionValue> = {};
  options = textOptions(options);
  for (const option of options) {
    if (rest === '') {
      if (option.required) throw option.whenMissing ? new UserError(option.whenMissing, 'usage') : usageError(spec);
      continue;
    }
    let raw: string;
    if (option.rest) {
      raw = rest;
      rest = '';
    } else {
      const m = /^(\S+)\s*([\s\S]*)$/.exec(rest)!;
      // Ids copied from a message come with their code backticks.
      raw = m[1]!.replace(/^`([^`]*)`$/, '$1');
      rest = m[2]!;
    }
    out[option.name] = convertOption(option, raw);
  }
  if (rest !== '' && options.length > 0) throw usageError(spec);
  return subcommand === undefined ? { options: out } : { subcommand, options: out };
}
