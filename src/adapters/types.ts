/**
 * What every adapter (discord/, slack/, web/) is given and gives back. Each has the same rooms:
 * invocation.ts (platform event → Invocation), message.ts (Reply → the platform's message),
 * delivery.ts (a job's updates to where its Delivery points), index.ts (start and stop).
 */
import type { CommandLayer } from '../../commands/command.js';
import type { Invocation } from '../core/invocation.js';
import { decodeButtonId } from '../core/buttons.js';

export type { CommandLayer };

export type AdapterState = 'starting' | 'connected' | 'disconnected' | 'stopped';

/** A running platform adapter, as the runtime sees it. */
export interface AdapterHandle {
  readonly name: 'discord' | 'slack' | 'web';
  /** For /healthz and the adapter-connection metric. */
  state(): AdapterState;
  /** Stops taking new events and closes connections; running jobs keep their stored delivery. */
  stop(): Promise<void>;
}

/** Buttons whose answer is private (✖ Cancel, ℹ️ Recipe, 🗑 Delete, the /settings panel); every other button starts a job. */
const PRIVATE_BUTTONS = new Set(['cx', 'nf', 'del', 'set']);

/** Whether an invocation's outcome is usually for everyone in the channel (a job's status, a result shown again). */
export function startsJob(layer: CommandLayer, invocation: Pick<Invocation, 'command' | 'options'>, buttonCommand: string): boolean {
  if (invocation.command === buttonCommand) return !PRIVATE_BUTTONS.has(decodeButtonId(String(invocation.options.id ?? ''))?.action ?? 'cx');
  return layer.commands.some((c) => c.name === invocation.command && (c.startsJob || c.answersPublicly));
}
