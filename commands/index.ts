/**
 * The slash commands every platform offers, and the one entry point adapters call. A command
 * file exports its definition; this file maps names to them (as the discord.js guide's loader does).
 */
import { parseCommandText as parseBySpec } from '../src/core/command.js';
import { QUEUE_UNAVAILABLE, SOMETHING_WENT_WRONG, UserError } from '../src/core/errors.js';
import { BUTTON_COMMAND, type CommandOutcome, type Invocation, type OptionValue } from '../src/core/invocation.js';
import { languageOf, localizeForm, localizeReply, type Language } from '../src/core/i18n.js';
import { code, joinMarkup, md, msg, tr } from '../src/core/markup.js';
import type { Services } from '../src/services.js';
import { handleButton } from './buttons.js';
import { cancelCommand } from './cancel.js';
import type { Command, CommandLayer } from './command.js';
import { imagineFromImage, type MessageAction } from './imagine-from-image.js';
import { imagineCommand } from './imagine.js';
import { infoCommand } from './info.js';
import { limitsCommand } from './limits.js';
import { modelsCommand } from './models.js';
import { showCommand } from './recipe.js';
import { settingsCommand } from './settings.js';

/** What a banned user is told, privately. */
export const BANNED = msg('A server admin has stopped you from using this bot in this server. Nothing was done.');

export const slashCommands: readonly Command[] = [imagineCommand, limitsCommand, infoCommand, cancelCommand, modelsCommand, showCommand, settingsCommand];

/** Actions on a message someone posted. */
export const messageActions: readonly MessageAction[] = [imagineFromImage];

const byName = new Map(slashCommands.map((c) => [c.name, c]));
const actionById = new Map(messageActions.map((a) => [a.id, a]));

export function findCommand(name: string): Command | undefined {
  return byName.get(name);
}

const commandList = () => joinMarkup(slashCommands.map((c) => code(`/${c.name}`)), ', ');

/** Free text (Slack, the playground) → subcommand and options; throws UserError on text it cannot read. */
export function parseCommandText(name: string, text: string): { subcommand?: string; options: Record<string, OptionValue> } {
  const command = byName.get(name);
  if (!command) throw new UserError(md`Unknown command \`/${name}\`. Commands: ${commandList()}.`, 'usage');
  return parseBySpec(command, text);
}

/** Refusals the moderation log gets (UserError reasons), in its words. */
const MODERATED: Record<string, string> = {
  'blocked-word': msg('a blocked word'),
  'blocked-pattern': msg('a blocked pattern'),
  'child-safety': msg('the child-safety check'),
};

function reportRefusal(inv: Invocation, services: Services, why: string): void {
  const prompt = typeof inv.options.prompt === 'string' ? inv.options.prompt : undefined;
  services.moderation.report({ platform: inv.platform, serverId: inv.serverId, userId: inv.userId, kind: 'refused', reason: md`${tr(why)} (/${inv.command})`, prompt });
}

/** The user's and the server's language: the server's /limits language, else the platform's server language, else English; the user's locale, else the server's language. */
export async function languagesOf(inv: Pick<Invocation, 'serverId' | 'locale' | 'serverLocale'>, services: Pick<Services, 'settings'>): Promise<{ user: Language; server: Language }> {
  const chosen = await services.settings
    .get(inv.serverId)
    .then((l) => languageOf(l.language))
    .catch(() => undefined);
  const server = chosen ?? languageOf(inv.serverLocale) ?? 'en';
  return { user: languageOf(inv.locale) ?? server, server };
}

/** An outcome in its readers' languages: private answers and forms in the user's, public messages in the server's. */
function localizeOutcome(outcome: CommandOutcome, languages: { user: Language; server: Language }): CommandOutcome {
  const reply = localizeReply(outcome.reply, outcome.reply.ephemeral || outcome.kind === 'form' || outcome.kind === 'removed' ? languages.user : languages.server);
  return outcome.kind === 'form' ? { ...outcome, form: localizeForm(outcome.form, languages.user), reply } : { ...outcome, reply };
}

/**
 * Runs a slash command or a button click, and says its answer in its readers' languages. User
 * mistakes and refusals come back as ephemeral replies; an unexpected error is logged and the
 * user gets a short apology, never a stack.
 */
export async function dispatch(inv: Invocation, services: Services): Promise<CommandOutcome> {
  const languages = await languagesOf(inv, services);
  return localizeOutcome(await run({ ...inv, languages }, services), languages);
}

async function run(inv: Invocation, services: Services): Promise<CommandOutcome> {
  try {
    // A user a server's admins banned gets nothing from the bot there but this.
    if (!inv.isServerAdmin && (await services.settings.isBanned(inv.serverId, inv.userId))) {
      reportRefusal(inv, services, msg('a banned user'));
      return { kind: 'reply', reply: { text: [tr(BANNED)], ephemeral: true } };
    }
    if (inv.command === BUTTON_COMMAND) return await handleButton(inv, services);
    const action = actionById.get(inv.command);
    if (action) return await action.execute(inv, services);
    const command = byName.get(inv.command);
    if (!command) throw new UserError(md`Unknown command \`/${inv.command}\`. Commands: ${commandList()}.`, 'usage');
    return await command.execute(inv, services);
  } catch (err) {
    if (err instanceof UserError) {
      const why = MODERATED[err.reason ?? ''];
      if (why) reportRefusal(inv, services, why);
      return { kind: 'reply', reply: { text: err.markup, ephemeral: true } };
    }
    // Redis down: every store read fails at once; say so rather than apologise for a bug.
    if (!services.queue.available) {
      services.log.warn({ err: { message: (err as Error).message }, command: inv.command }, 'command failed while the queue is unreachable');
      return { kind: 'reply', reply: { text: [tr(QUEUE_UNAVAILABLE)], ephemeral: true } };
    }
    services.log.error({ err, command: inv.command, platform: inv.platform, serverId: inv.serverId }, 'command failed');
    return { kind: 'reply', reply: { text: [tr(SOMETHING_WENT_WRONG)], ephemeral: true } };
  }
}

/** The command layer every adapter is started with. */
export const commandLayer: CommandLayer = { commands: slashCommands, messageActions, parseText: parseCommandText, dispatch };
