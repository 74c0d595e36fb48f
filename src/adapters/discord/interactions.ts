/**
 * Answers Discord interactions. Discord wants an answer within 3 seconds: the command runs at
 * once, and if its outcome is there within the ack budget it is the answer itself (ephemeral for
 * refusals, the job's status otherwise); if not, the interaction is deferred first and the outcome
 * fills the deferred reply. Either way a job's later updates edit that reply (see delivery.ts).
 */
import type { ButtonInteraction, ChatInputCommandInteraction, Interaction } from 'discord.js';
import { SOMETHING_WENT_WRONG } from '../../core/errors.js';
import { BUTTON_COMMAND, type CommandOutcome } from '../../core/invocation.js';
import { md } from '../../core/markup.js';
import type { Reply } from '../../core/reply.js';
import type { Logger } from '../../log/index.js';
import type { Services } from '../../services.js';
import { startsJob, type CommandLayer } from '../types.js';
import type { DiscordDelivery, DiscordDeliveryData } from './delivery.js';
import { toInvocation } from './invocation.js';
import { DEFAULT_ATTACHMENT_LIMIT, renderMessage } from './message.js';
import type { DiscordMessenger } from './messenger.js';

export interface InteractionHandlerOptions {
  services: Services;
  commands: CommandLayer;
  messenger: DiscordMessenger;
  target: DiscordDelivery;
  log: Logger;
  allowDms: boolean;
  gateway: string;
  /** How long to wait for the command's outcome before deferring (ms); 0 always defers. */
  ackBudgetMs: number;
  now: () => number;
}

const TIMED_OUT = Symbol('timed out');

function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  if (ms <= 0) return Promise.resolve(TIMED_OUT);
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), ms)))]).finally(() => clearTimeout(timer));
}

export class InteractionHandler {
  constructor(private readonly o: InteractionHandlerOptions) {}

  async handle(interaction: Interaction): Promise<void> {
    if (!interaction.isChatInputCommand() && !interaction.isButton()) return;
    const { messenger, target, log } = this.o;
    const inv = toInvocation(interaction, this.o.allowDms);
    if (typeof inv === 'string') {
      await messenger.respond(interaction.id, interaction.token, await renderMessage({ text: md`${inv}`, ephemeral: true })).catch((err: unknown) => {
        log.warn({ err, interactionId: interaction.id }, 'could not answer a Discord interaction');
      });
      return;
    }
    const data: DiscordDeliveryData = {
      applicationId: interaction.applicationId,
      token: interaction.token,
      channelId: inv.channelId,
      ...(interaction.guildId ? { guildId: interaction.guildId } : {}),
      userId: inv.userId,
      createdAt: this.o.now(),
      attachmentSizeLimit: interaction.attachmentSizeLimit || DEFAULT_ATTACHMENT_LIMIT,
    };
    inv.delivery = { platform: 'discord', gateway: this.o.gateway, data: { ...data } };
    target.expect(interaction.token);
    let ok = false;
    let shown: { jobId: string; reply: Reply } | undefined;
    try {
      const outcomePromise = this.o.commands.dispatch(inv, this.o.services).catch((err: unknown): CommandOutcome => {
        log.error({ err, command: inv.command }, 'a Discord command failed');
        return { kind: 'reply', reply: { text: md`${SOMETHING_WENT_WRONG}`, ephemeral: true } };
      });
      const early = await within(outcomePromise, this.o.ackBudgetMs);
      let outcome: CommandOutcome;
      if (early !== TIMED_OUT) {
        outcome = early;
        await this.answer(interaction, outcome.reply, data);
      } else {
        // A command whose outcome is usually a job defers publicly: its status is for everyone.
        const ephemeral = !startsJob(this.o.commands, inv, BUTTON_COMMAND);
        await messenger.defer(interaction.id, interaction.token, ephemeral);
        outcome = await outcomePromise;
        await this.fillDeferred(interaction, outcome, ephemeral, data);
      }
      ok = true;
      if (outcome.kind === 'job') shown = { jobId: outcome.jobId, reply: outcome.reply };
    } catch (err) {
      log.warn({ err, interactionId: interaction.id, command: inv.command }, 'could not answer a Discord interaction');
    } finally {
      target.settle(interaction.token, ok, shown);
    }
  }

  private async answer(interaction: ChatInputCommandInteraction | ButtonInteraction, reply: Reply, data: DiscordDeliveryData): Promise<void> {
    const message = await renderMessage(reply, { attachmentLimit: data.attachmentSizeLimit });
    await this.o.messenger.respond(interaction.id, interaction.token, message);
  }

  /** Puts the outcome into a deferred reply, keeping refusals private even when the deferral was public. */
  private async fillDeferred(interaction: ChatInputCommandInteraction | ButtonInteraction, outcome: CommandOutcome, deferredEphemeral: boolean, data: DiscordDeliveryData): Promise<void> {
    const { messenger } = this.o;
    const reply = outcome.reply;
    const message = await renderMessage({ ...reply, ephemeral: false }, { attachmentLimit: data.attachmentSizeLimit });
    if (reply.ephemeral && !deferredEphemeral) {
      // The first follow-up of a deferred reply would fill it publicly: settle the deferred reply,
      // send the refusal privately, then remove the placeholder.
      await messenger.editOriginal(data.applicationId, interaction.token, await renderMessage({ text: md`…` }));
      await messenger.followUp(data.applicationId, interaction.token, await renderMessage(reply, { attachmentLimit: data.attachmentSizeLimit }));
      await messenger.deleteOriginal(data.applicationId, interaction.token);
      return;
    }
    if (!reply.ephemeral && deferredEphemeral && outcome.kind === 'job') {
      this.o.log.warn({ command: interaction.isButton() ? 'button' : interaction.commandName }, 'a job started from a private deferred reply; its updates stay private');
    }
    await messenger.editOriginal(data.applicationId, interaction.token, message);
  }
}
