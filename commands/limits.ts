import { UserError } from '../src/core/errors.js';
import { replyOf } from '../src/core/invocation.js';
import { LIMIT_NAMES, LIMIT_SPECS, formatLimitValue, isLimitName, parseLimitValue, type LimitName } from '../src/core/limits.js';
import { code, concat, joinMarkup, md } from '../src/core/markup.js';
import type { CommandOptionSpec } from '../src/core/command.js';
import type { Command } from './command.js';

const USAGE = md`Usage: \`/limits show\`, \`/limits set <name> <value>\` (lists comma-separated, \`-\` for none), \`/limits reset <name>\`.`;

const nameOption: CommandOptionSpec = {
  name: 'name',
  description: 'Which limit',
  type: 'string',
  required: true,
  choices: LIMIT_NAMES.map((n) => ({ name: n, value: n })),
};

function limitName(raw: unknown): LimitName {
  const name = String(raw ?? '').trim().toLowerCase();
  if (name === '') throw new UserError(md`Name a limit. ${USAGE}`, 'usage');
  if (!isLimitName(name)) throw new UserError(md`Unknown limit \`${name}\`. Limits: ${joinMarkup(LIMIT_NAMES.map((n) => code(n)), ', ')}.`, 'usage');
  return name;
}

/** /limits show | set <name> <value> | reset <name>: per-server limits; changing them is for server admins. */
export const limitsCommand: Command = {
  name: 'limits',
  adminOnly: true,
  description: "Show or change this server's image limits",
  defaultSubcommand: 'show',
  subcommands: [
    { name: 'show', description: 'Show the limits in force here' },
    {
      name: 'set',
      description: 'Change a limit (server admins)',
      options: [nameOption, { name: 'value', description: 'New value; lists comma-separated, - for none', type: 'string', required: true, maxLength: 500, rest: true }],
    },
    { name: 'reset', description: 'Put a limit back to the default (server admins)', options: [nameOption] },
  ],

  async execute(inv, services) {
    const sub = inv.subcommand ?? 'show';
    if (sub === 'show') {
      const limits = await services.settings.get(inv.serverId);
      const overrides = await services.settings.overrides(inv.serverId);
      const lines = LIMIT_NAMES.map((name) => {
        const value = formatLimitValue(limits[name]);
        return Object.hasOwn(overrides, name)
          ? md`\`${name}\` **${value}** (set here) — ${LIMIT_SPECS[name].help}`
          : md`\`${name}\` ${value} — ${LIMIT_SPECS[name].help}`;
      });
      const footer = inv.isServerAdmin ? md`\nChange one with \`/limits set <name> <value>\`; undo with \`/limits reset <name>\`.` : [];
      return replyOf(concat(md`**Limits for this server**\n`, joinMarkup(lines, '\n'), footer), true);
    }
    if (sub !== 'set' && sub !== 'reset') throw new UserError(md`Unknown \`/limits ${sub}\`. ${USAGE}`, 'usage');
    if (!inv.isServerAdmin) return replyOf(`Only server admins can change limits (here: ${inv.admins}). Nothing was changed.`, true);
    const name = limitName(inv.options.name);
    const before = (await services.settings.get(inv.serverId))[name];

    if (sub === 'reset') {
      await services.settings.reset(inv.serverId, name);
      const now = (await services.settings.get(inv.serverId))[name];
      services.log.info({ serverId: inv.serverId, userId: inv.userId, limit: name }, 'limit reset');
      return replyOf(md`\`${name}\` is back to the default: **${formatLimitValue(now)}** (was ${formatLimitValue(before)}).`, true);
    }

    const raw = inv.options.value;
    if (raw === undefined) throw new UserError(md`Give a value for \`${name}\`. ${USAGE}`, 'usage');
    let value;
    try {
      value = parseLimitValue(name, String(raw));
      await services.settings.set(inv.serverId, name, value);
    } catch (err) {
      if (err instanceof UserError) throw err;
      throw new UserError(`${(err as Error).message}. Nothing was changed.`, 'limit');
    }
    services.log.info({ serverId: inv.serverId, userId: inv.userId, limit: name }, 'limit set');
    return replyOf(md`\`${name}\` is now **${formatLimitValue(value)}** (was ${formatLimitValue(before)}).`, true);
  },
};
