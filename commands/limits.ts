import { errorMarkup, UserError } from '../src/core/errors.js';
import { replyOf } from '../src/core/invocation.js';
import { LIMIT_NAMES, LIMIT_SPECS, formatLimitValue, isLimitName, parseLimitValue, type LimitName } from '../src/core/limits.js';
import { code, concat, joinMarkup, md, mention, tr } from '../src/core/markup.js';
import type { CommandOptionSpec } from '../src/core/command.js';
import type { Command } from './command.js';

const USAGE = md`Usage: \`/limits show\`, \`/limits set <name> <value>\` (lists comma-separated, \`-\` for none), \`/limits reset <name>\`, \`/limits history\`, \`/limits ban @user\`, \`/limits unban @user\`.`;

const userOption: CommandOptionSpec = { name: 'user', description: 'Whom', type: 'user', required: true };

/** Changes /limits history lists. */
const HISTORY_SHOWN = 20;

const nameOption: CommandOptionSpec = {
  name: 'name',
  description: 'Which limit',
  type: 'string',
  required: true,
  choices: LIMIT_NAMES.map((n) => ({ name: n, value: n })),
};

/** `2026-12-02 09:10 UTC`. */
function utcTime(at: number): string {
  return `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

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
    { name: 'history', description: 'Who changed which limit when (server admins)' },
    { name: 'ban', description: 'Stop a user from using the bot in this server (server admins)', options: [userOption] },
    { name: 'unban', description: 'Let a banned user use the bot again (server admins)', options: [userOption] },
  ],

  async execute(inv, services) {
    const sub = inv.subcommand ?? 'show';
    if (sub === 'show') {
      const limits = await services.settings.get(inv.serverId);
      const overrides = await services.settings.overrides(inv.serverId);
      const lines = LIMIT_NAMES.map((name) => {
        const value = formatLimitValue(limits[name]);
        return Object.hasOwn(overrides, name)
          ? md`\`${name}\` **${value}** (set here) — ${tr(LIMIT_SPECS[name].help)}`
          : md`\`${name}\` ${value} — ${tr(LIMIT_SPECS[name].help)}`;
      });
      const footer = inv.isServerAdmin ? md`\nChange one with \`/limits set <name> <value>\`; undo with \`/limits reset <name>\`.` : [];
      return replyOf(concat(md`**Limits for this server**\n`, joinMarkup(lines, '\n'), footer), true);
    }
    if (sub === 'ban' || sub === 'unban') {
      if (!inv.isServerAdmin) return replyOf(md`Only server admins can ban users (here: ${tr(inv.admins)}). Nothing was changed.`, true);
      const userId = String(inv.options.user ?? '');
      if (userId === '' || userId.startsWith('@')) {
        throw new UserError(md`I cannot tell who \`${userId || '(nobody)'}\` is: mention them so their name turns into a link. Nothing was changed.`, 'usage');
      }
      if (userId === inv.userId) throw new UserError('You cannot ban yourself. Nothing was changed.', 'usage');
      if (sub === 'ban') {
        const done = await services.settings.ban(inv.serverId, userId, { userId: inv.userId, userName: inv.userName });
        services.log.info({ serverId: inv.serverId, userId: inv.userId, banned: userId }, 'user banned');
        return replyOf(done ? md`${mention(userId)} can no longer use the bot in this server; \`/limits unban\` undoes it.` : md`${mention(userId)} was already banned here.`, true);
      }
      const done = await services.settings.unban(inv.serverId, userId);
      services.log.info({ serverId: inv.serverId, userId: inv.userId, unbanned: userId }, 'user unbanned');
      return replyOf(done ? md`${mention(userId)} can use the bot in this server again.` : md`${mention(userId)} was not banned here.`, true);
    }
    if (sub !== 'set' && sub !== 'reset' && sub !== 'history') throw new UserError(md`Unknown \`/limits ${sub}\`. ${USAGE}`, 'usage');
    if (sub === 'history') {
      if (!inv.isServerAdmin) return replyOf(md`Only server admins can see who changed the limits (here: ${tr(inv.admins)}).`, true);
      const changes = await services.settings.history(inv.serverId, HISTORY_SHOWN);
      if (changes.length === 0) return replyOf('No limit of this server has been changed.', true);
      const lines = changes.map((c) => {
        const who = c.userId ? mention(c.userId) : c.userName;
        const what = c.reset ? md`\`${c.name}\` reset to ${c.after} (was ${c.before})` : md`\`${c.name}\` ${c.before} → **${c.after}**`;
        return md`${utcTime(c.at)} — ${what} by ${who}`;
      });
      return replyOf(concat(md`**Limit changes in this server** (newest first, last ${HISTORY_SHOWN})\n`, joinMarkup(lines, '\n')), true);
    }
    if (!inv.isServerAdmin) return replyOf(md`Only server admins can change limits (here: ${tr(inv.admins)}). Nothing was changed.`, true);
    const name = limitName(inv.options.name);
    const by = { userId: inv.userId, userName: inv.userName };
    const before = (await services.settings.get(inv.serverId))[name];

    if (sub === 'reset') {
      await services.settings.reset(inv.serverId, name, by);
      const now = (await services.settings.get(inv.serverId))[name];
      services.log.info({ serverId: inv.serverId, userId: inv.userId, limit: name }, 'limit reset');
      return replyOf(md`\`${name}\` is back to the default: **${formatLimitValue(now)}** (was ${formatLimitValue(before)}).`, true);
    }

    const raw = inv.options.value;
    if (raw === undefined) throw new UserError(md`Give a value for \`${name}\`. ${USAGE}`, 'usage');
    let value;
    try {
      value = parseLimitValue(name, String(raw));
      await services.settings.set(inv.serverId, name, value, by);
    } catch (err) {
      throw new UserError(md`${errorMarkup(err)} Nothing was changed.`, err instanceof UserError ? err.reason : 'limit');
    }
    services.log.info({ serverId: inv.serverId, userId: inv.userId, limit: name }, 'limit set');
    return replyOf(md`\`${name}\` is now **${formatLimitValue(value)}** (was ${formatLimitValue(before)}).`, true);
  },
};
