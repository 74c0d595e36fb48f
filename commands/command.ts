import type { CommandSpec, MessageActionSpec } from '../src/core/command.js';
import type { CommandOutcome, Invocation, OptionValue } from '../src/core/invocation.js';
import type { Services } from '../src/services.js';

/** A slash command: its platform-neutral spec (src/core/command.ts) and what it does. */
export interface Command extends CommandSpec {
  execute(invocation: Invocation, services: Services): Promise<CommandOutcome>;
}

/** What every adapter is started with: the commands it offers and runs (index.ts; a stub in some tests). */
export interface CommandLayer {
  /** The slash commands, as every platform registers or lists them. */
  commands: readonly CommandSpec[];
  /** Actions on a message (Discord's message menu, Slack's message shortcuts); none when absent. */
  messageActions?: readonly MessageActionSpec[];
  /** Free text (Slack, the playground) → subcommand and options; throws UserError on text it cannot read. */
  parseText(name: string, text: string): { subcommand?: string; options: Record<string, OptionValue> };
  /** Runs a command or a button click; refusals come back as ephemeral replies, never as throws. */
  dispatch(invocation: Invocation, services: Services): Promise<CommandOutcome>;
}
