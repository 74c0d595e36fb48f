import type { CommandDefinition, CommandOptionSpec } from '../src/core/command.js';
import { UserError, replyOf, type OptionValue } from '../src/core/invocation.js';
import { LIMIT_NAMES, LIMIT_SPECS, formatLimitValue, isLimitName, parseLimitValue, type LimitName } from '../src/core/limits.js';

const USAGE = 'Usage: `/limits show`, `/limits set <name> <value>` (lists comma-separated, `-` for none), `/limits reset <name>`.';
const ADMINS_ONLY = 'Only server admins can change limits (Discord: Manage Server; Slack: workspace admins; playground: a local user, or the password when exposed). Nothing was changed.';

const nameOption: CommandOptionSpec = {
  name: 'name',
  description: 'Which limit',
  type: 'string',
  required: true,
  choices: LIMIT_NAMES.map((n) => ({ name: n, value: n })),
};

function limitName(raw: unknown): LimitName {
  const name = String(raw ?? '').trim().toLowerCase();
  if (name === '') throw new UserError(`Name a limit. ${USAGE}`);
  if (!isLimitName(name)) throw new UserError(`Unknown limit \`${name}\`. Limits: ${LIMIT_NAMES.map((n) => `\`${n}\``).join(', ')}.`);
  return name;
}

/** /limits show | set <name> <value> | reset <name>: per-server limits; changing them is for server admins. */
export const limitsCommand: CommandDefinition = {
  name: 'limits',
  adminOnly: true,
  description: "Show or change this server's image limits",
  subcommands: [
    { name: 'show', description: 'Show the limits in force here' },
    {
      name: 'set',
      description: 'Change a limit (server admins)',
      options: [nameOption, { name: 'value', description: 'New value; lists comma-separated, - for none', type: 'string', required: true, maxLength: 500 }],
    },
    { name: 'reset', description: 'Put a limit back to the default (server admins)', options: [nameOption] },
  ],

  parseText(text): { subcommand?: string; options: Record<string, OptionValue> } {
    const t = text.trim();
    if (t === '') return { subcommand: 'show', options: {} };
    const [, sub = '', name, value] = /^(\S+)(?:\s+(\S+))?(?:\s+([\s\S]*\S))?\s*$/.exec(t) ?? [];
    switch (sub.toLowerCase()) {
      case 'show':
        return { subcommand: 'show', options: {} };
      case 'set':
        if (!name || value === undefined) throw new UserError(USAGE);
        return { subcommand: 'set', options: { name, value } };
      case 'reset':
        if (!name || value !== undefined) throw new UserError(USAGE);
        return { subcommand: 'reset', options: { name } };
      default:
        throw new UserError(`Unknown \`/limits ${sub}\`. ${USAGE}`);
    }
  },

  async execute(inv, services) {
    const sub = inv.subcommand ?? 'show';
    if (sub === 'show') {
      const limits = await services.settings.get(inv.serverId);
      const overrides = await services.settings.overrides(inv.serverId);
      const lines = LIMIT_NAMES.map((name) => {
        const value = formatLimitValue(limits[name]);
        return Object.hasOwn(overrides, name)
          ? `\`${name}\` **${value}** (set here) — ${LIMIT_SPECS[name].help}`
          : `\`${name}\` ${value} — ${LIMIT_SPECS[name].help}`;
      });
      const footer = inv.isServerAdmin ? '\nChange one with `/limits set <name> <value>`; undo with `/limits reset <name>`.' : '';
      return replyOf(`**Limits for this server**\n${lines.join('\n')}${footer}`, true);
    }
    if (sub !== 'set' && sub !== 'reset') throw new UserError(`Unknown \`/limits ${sub}\`. ${USAGE}`);
    if (!inv.isServerAdmin) return replyOf(ADMINS_ONLY, true);
    const name = limitName(inv.options.name);
    const before = (await services.settings.get(inv.serverId))[name];

    if (sub === 'reset') {
      await services.settings.reset(inv.serverId, name);
      const now = (await services.settings.get(inv.serverId))[name];
      services.log.info({ serverId: inv.serverId, userId: inv.userId, limit: name }, 'limit reset');
      return replyOf(`\`${name}\` is back to the default: **${formatLimitValue(now)}** (was ${formatLimitValue(before)}).`, true);
    }

    const raw = inv.options.value;
    if (raw === undefined) throw new UserError(`Give a value for \`${name}\`. ${USAGE}`);
    let value;
    try {
      value = parseLimitValue(name, String(raw));
      await services.settings.set(inv.serverId, name, value);
    } catch (err) {
      if (err instanceof UserError) throw err;
      throw new UserError(`${(err as Error).message}. Nothing was changed.`);
    }
    services.log.info({ serverId: inv.serverId, userId: inv.userId, limit: name }, 'limit set');
    return replyOf(`\`${name}\` is now **${formatLimitValue(value)}** (was ${formatLimitValue(before)}).`, true);
  },
};
