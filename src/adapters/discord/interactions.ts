/**
 * Answers Discord interactions. Discord wants an answer within 3 seconds: the command runs at
 * once, and if its outcome is there within the ack budget it is the answer itself (ephemeral for
 * refusals, the job's status otherwise); if not, the interaction is deferred first and the outcome
 * fills the deferred reply. Either way a job's later updates edit that reply (see delivery.ts).
 */
import type { Interaction, MessageContextMenuCommandInteraction, ModalSubmitInteraction } from 'discord.js';
import { decodeButtonId } from '../../core/buttons.js';
import { SOMETHING_WENT_WRONG, UserError } from '../../core/errors.js';
import { FORM_EXPIRED, PendingForms, readFormAnswers, type Form } from '../../core/forms.js';
import { BUTTON_COMMAND, type CommandOutcome, type Invocation } from '../../core/invocation.js';
import { languageOf, localize } from '../../core/i18n.js';
import { md, tr, type Markup } from '../../core/markup.js';
import type { Reply } from '../../core/reply.js';
import type { Logger } from '../../log/index.js';
import type { Services } from '../../services.js';
import { startsJob, type CommandLayer } from '../types.js';
import type { DiscordDelivery, DiscordDeliveryData } from './delivery.js';
import { messageTarget, toInvocation, whoAndWhere, type AnsweredInteraction } from './invocation.js';
import { DEFAULT_ATTACHMENT_LIMIT, renderMessage, renderModal } from './message.js';
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

/** A modal's custom_id: this prefix and the pending form's id. */
const FORM_PREFIX = 'form:';
/** Buttons whose click may answer with a form: the /settings panel's, Custom Zoom, and V, Vary, Zoom and Pan under Remix. */
const FORM_BUTTONS = new Set(['set', 'var', 'zo', 'pan', 'vr']);

function mayAskFirst(interaction: AnsweredInteraction): boolean {
  if (interaction.isMessageContextMenuCommand()) return true;
  return (interaction.isButton() || interaction.isStringSelectMenu()) && FORM_BUTTONS.has(decodeButtonId(interaction.customId)?.action ?? '');
}

/**
 * How long an interaction that may answer with a form may take to come up with it. A modal must
 * be the first answer to an interaction, so these are never deferred early; Discord's 3 s leave
 * this much.
 */
const FORM_BUDGET_MS = 2500;

function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  if (ms <= 0) return Promise.resolve(TIMED_OUT);
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), ms)))]).finally(() => clearTimeout(timer));
}

export class InteractionHandler {
  /** Forms shown as modals, until their answers come back (a custom_id cannot hold a picture's link). */
  private readonly forms = new PendingForms();

  constructor(private readonly o: InteractionHandlerOptions) {}

  /** The Invocation for an interaction, or a refusal text; throws UserError for answers a form cannot take. */
  private invocationOf(interaction: AnsweredInteraction): Invocation | string {
    if (interaction.isChatInputCommand() || interaction.isButton()) return toInvocation(interaction, this.o.allowDms);
    const base = whoAndWhere(interaction, this.o.allowDms);
    if (typeof base === 'string') return base;
    // A choice in a menu is a click with a value.
    if (interaction.isStringSelectMenu()) return { ...base, command: BUTTON_COMMAND, options: { id: interaction.customId, value: interaction.values[0] ?? '' } };
    if (interaction.isMessageContextMenuCommand()) return this.messageActionOf(interaction, base);
    return this.formAnswersOf(interaction, base);
  }

  private messageActionOf(interaction: MessageContextMenuCommandInteraction, base: Invocation): Invocation | string {
    const action = this.o.commands.messageActions?.find((a) => a.label === interaction.commandName);
    if (!action) return `This bot no longer has “${interaction.commandName}”.`;
    return { ...base, command: action.id, message: messageTarget(interaction.targetMessage) };
  }

  private formAnswersOf(interaction: ModalSubmitInteraction, base: Invocation): Invocation | string {
    const form = interaction.customId.startsWith(FORM_PREFIX) ? this.forms.take(interaction.customId.slice(FORM_PREFIX.length), base.userId) : undefined;
    if (!form) return FORM_EXPIRED;
    const answers: Record<string, string | undefined> = {};
    for (const f of form.fields) answers[f.name] = interaction.fields.fields.has(f.name) ? interaction.fields.getTextInputValue(f.name) : undefined;
    const spec = this.o.commands.commands.find((c) => c.name === form.command);
    const options = readFormAnswers(spec, form, answers);
    return { ...base, command: form.command, ...(form.subcommand ? { subcommand: form.subcommand } : {}), options };
  }

  private async refuse(interaction: AnsweredInteraction, text: UserError['markup'] | string): Promise<void> {
    const said = localize(typeof text === 'string' ? [tr(text)] : text, languageOf(interaction.locale) ?? 'en');
    await this.o.messenger.respond(interaction.id, interaction.token, await renderMessage({ text: said, ephemeral: true })).catch((err: unknown) => {
      this.o.log.warn({ err, interactionId: interaction.id }, 'could not answer a Discord interaction');
    });
  }

  async handle(interaction: Interaction): Promise<void> {
    if (!interaction.isChatInputCommand() && !interaction.isButton() && !interaction.isStringSelectMenu() && !interaction.isMessageContextMenuCommand() && !interaction.isModalSubmit()) return;
    const { messenger, target, log } = this.o;
    let inv: Invocation | string;
    try {
      inv = this.invocationOf(interaction);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      await this.refuse(interaction, err.markup);
      return;
    }
    if (typeof inv === 'string') {
      await this.refuse(interaction, inv);
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
    // Further jobs (permutations, repeats) post messages of their own in the channel.
    const { token: _token, ...withoutToken } = data;
    inv.moreDelivery = { platform: 'discord', gateway: this.o.gateway, data: { ...withoutToken } };
    target.expect(interaction.token);
    let ok = false;
    let shown: { jobId: string; reply: Reply } | undefined;
    try {
      const outcomePromise = this.o.commands.dispatch(inv, this.o.services).catch((err: unknown): CommandOutcome => {
        log.error({ err, command: inv.command }, 'a Discord command failed');
        return { kind: 'reply', reply: { text: [tr(SOMETHING_WENT_WRONG)], ephemeral: true } };
      });
      // An outcome that may be a form (a modal) cannot follow a deferral: those get longer first.
      const early = await within(outcomePromise, mayAskFirst(interaction) ? Math.max(this.o.ackBudgetMs, FORM_BUDGET_MS) : this.o.ackBudgetMs);
      let outcome: CommandOutcome;
      if (early !== TIMED_OUT) {
        outcome = await this.removeSource(interaction, early);
        if (outcome.kind === 'form' && !interaction.isModalSubmit()) await this.showForm(interaction, outcome.form, inv.userId);
        else await this.answer(interaction, outcome.kind === 'form' ? { ...outcome.reply, ephemeral: true } : outcome.reply, data);
      } else {
        // A command whose outcome is usually a job defers publicly: its status is for everyone.
        // Private mode (/settings): a job's deferral is private too (read only when deferring).
        const ephemeral = !startsJob(this.o.commands, inv, BUTTON_COMMAND) || (await this.privateMode(inv));
        await messenger.defer(interaction.id, interaction.token, ephemeral);
        outcome = await this.removeSource(interaction, await outcomePromise);
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

  private privateMode(inv: Invocation): Promise<boolean> {
    return this.o.services.settings.preferences(inv.serverId, inv.userId).then((p) => p.private, () => false);
  }

  /** 🗑 Delete: the message the click came from comes down (the bot's own message, by the channel route). */
  private async removeSource(interaction: AnsweredInteraction, outcome: CommandOutcome): Promise<CommandOutcome> {
    if (outcome.kind !== 'removed' || !interaction.isButton()) return outcome;
    try {
      await this.o.messenger.delete(interaction.message.channelId, interaction.message.id);
      return outcome;
    } catch (err) {
      this.o.log.warn({ err, messageId: interaction.message.id }, 'could not delete a result message');
      const text = localize(md`${outcome.reply.text} The message could not be taken down; remove it yourself.`, languageOf(interaction.locale) ?? 'en');
      return { ...outcome, reply: { ...outcome.reply, text } };
    }
  }

  private async showForm(interaction: Exclude<AnsweredInteraction, ModalSubmitInteraction>, form: Form, userId: string): Promise<void> {
    const id = this.forms.put(form, userId);
    await this.o.messenger.showModal(interaction.id, interaction.token, renderModal(form, `${FORM_PREFIX}${id}`));
  }

  private async answer(interaction: AnsweredInteraction, reply: Reply, data: DiscordDeliveryData): Promise<void> {
    const message = await renderMessage(reply, { attachmentLimit: data.attachmentSizeLimit });
    // A panel updating itself: the clicked message is edited in place (callback type 7).
    if (reply.replaces && (interaction.isButton() || interaction.isStringSelectMenu())) await this.o.messenger.update(interaction.id, interaction.token, message);
    else await this.o.messenger.respond(interaction.id, interaction.token, message);
  }

  /** Puts the outcome into a deferred reply, keeping refusals private even when the deferral was public. */
  private async fillDeferred(interaction: AnsweredInteraction, outcome: CommandOutcome, deferredEphemeral: boolean, data: DiscordDeliveryData): Promise<void> {
    const { messenger } = this.o;
    // A form that came too late for a modal: its text instead.
    const reply = outcome.kind === 'form' ? { ...outcome.reply, ephemeral: true } : outcome.reply;
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
      this.o.log.warn({ command: interaction.isButton() || interaction.isStringSelectMenu() || interaction.isModalSubmit() ? interaction.customId : interaction.commandName }, 'a job started from a private deferred reply; its updates stay private');
    }
    await messenger.editOriginal(data.applicationId, interaction.token, message);
  }
}
