/**
 * The slash commands every platform offers, and the one entry point adapters call. A command
 * file exports its definition; this file maps names to them (as the discord.js guide's loader does).
 */
import type { CommandDefinition, Services } from '../src/core/command.js';
import { UserError, type CommandOutcome, type Invocation, type OptionValue } from '../src/core/invocation.js';
import { SubmitRefusedError } from '../src/queue/types.js';
import { handleButton } from './buttons.js';
import { cancelCommand } from './cancel.js';
import { imagineCommand } from './imagine.js';
import { infoCommand } from './info.js';
import { limitsCommand } from './limits.js';

export const slashCommands: readonly CommandDefinition[] = [imagineCommand, limitsCommand, infoCommand, cancelCommand];

const byName = new Map(slashCommands.map((c) => [c.name, c]));

export function findCommand(name: string): CommandDefinition | undefined {
  return byName.get(name);
}

/** Free text (Slack, the playground) → subcommand and options; throws UserError on text it cannot read. */
export function parseCommandText(name: string, text: string): { subcommand?: string; options: Record<string, OptionValue> } {
  const command = byName.get(name);
  if (!command) throw new UserError(`Unknown command \`/${name}\`. Commands: ${slashCommands.map((c) => `/${c.name}`).join(', ')}.`);
  return command.parseText(text.trim());
}

/**
 * Runs a slash command or a button click. User mistakes and refusals come back as ephemeral
 * replies; an unexpected error is logged and the user gets a short apology, never a stack.
 */
export async function dispatch(inv: Invocation, services: Services): Promise<CommandOutcome> {
  try {
    if (inv.command === 'button') return await handleButton(inv, services);
    const command = byName.get(inv.command);
    if (!command) throw new UserError(`Unknown command \`/${inv.command}\`.`);
    return await command.execute(inv, services);
  } catch (err) {
    if (err instanceof UserError || err instanceof SubmitRefusedError) return { kind: 'reply', reply: { text: err.message, ephemeral: true } };
    services.log.error({ err, command: inv.command, platform: inv.platform, serverId: inv.serverId }, 'command failed');
    return { kind: 'reply', reply: { text: 'Something went wrong while handling that; please try again.', ephemeral: true } };
  }
}
