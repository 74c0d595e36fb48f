/**
 * The Discord REST calls the adapter makes, on discord.js's REST client (which queues per route
 * and rides out 429s). Everything goes by ids and tokens rather than live discord.js objects, so
 * a job's updates can be delivered after a restart from what the job store holds.
 */
import { DiscordAPIError, InteractionResponseType, Routes, type RawFile, type REST } from 'discord.js';
import type { DiscordMessage, DiscordModal } from './message.js';

/** What Discord answers for a message; only the fields the adapter reads. */
export interface PostedMessage {
  id: string;
  channel_id: string;
}

/** Error codes meaning "this message or token is no longer reachable this way". */
export const GONE_CODES = new Set([
  10003, // Unknown Channel
  10008, // Unknown Message
  10015, // Unknown Webhook
  10062, // Unknown interaction
  50027, // Invalid Webhook Token
]);
/** Error codes meaning "the bot may not post there". */
export const NO_ACCESS_CODES = new Set([
  50001, // Missing Access
  50007, // Cannot send messages to this user
  50013, // Missing Permissions
]);

export function apiErrorCode(err: unknown): number | undefined {
  return err instanceof DiscordAPIError && typeof err.code === 'number' ? err.code : undefined;
}

/** The interaction token expired or the message is gone: post elsewhere instead. */
export function isGone(err: unknown): boolean {
  if (!(err instanceof DiscordAPIError)) return false;
  return GONE_CODES.has(Number(err.code)) || err.status === 401;
}

export function isNoAccess(err: unknown): boolean {
  if (!(err instanceof DiscordAPIError)) return false;
  return NO_ACCESS_CODES.has(Number(err.code)) || err.status === 403;
}

export class DiscordMessenger {
  constructor(private readonly rest: REST) {}

  private static files(message: DiscordMessage): RawFile[] | undefined {
    return message.files.length ? message.files : undefined;
  }

  /** The first answer to an interaction: a message (type 4). */
  async respond(interactionId: string, token: string, message: DiscordMessage): Promise<void> {
    await this.rest.post(Routes.interactionCallback(interactionId, token), {
      body: { type: InteractionResponseType.ChannelMessageWithSource, data: message.body },
      files: DiscordMessenger.files(message),
      auth: false,
    });
  }

  /** The first answer to a click that edits the clicked message in place (type 7). */
  async update(interactionId: string, token: string, message: DiscordMessage): Promise<void> {
    await this.rest.post(Routes.interactionCallback(interactionId, token), {
      body: { type: InteractionResponseType.UpdateMessage, data: message.body },
      files: DiscordMessenger.files(message),
      auth: false,
    });
  }

  /** The first answer that asks questions: a modal (type 9); its answers come back as a modal submit interaction. */
  async showModal(interactionId: string, token: string, modal: DiscordModal): Promise<void> {
    await this.rest.post(Routes.interactionCallback(interactionId, token), {
      body: { type: InteractionResponseType.Modal, data: modal },
      auth: false,
    });
  }

  /** The first answer when the result takes longer: "thinking…" (type 5). */
  async defer(interactionId: string, token: string, ephemeral: boolean): Promise<void> {
    await this.rest.post(Routes.interactionCallback(interactionId, token), {
      body: { type: InteractionResponseType.DeferredChannelMessageWithSource, data: { flags: ephemeral ? 64 : 0 } },
      auth: false,
    });
  }

  async editOriginal(applicationId: string, token: string, message: DiscordMessage): Promise<PostedMessage> {
    return (await this.rest.patch(Routes.webhookMessage(applicationId, token, '@original'), {
      body: message.body,
      files: DiscordMessenger.files(message),
      auth: false,
    })) as PostedMessage;
  }

  async deleteOriginal(applicationId: string, token: string): Promise<void> {
    await this.rest.delete(Routes.webhookMessage(applicationId, token, '@original'), { auth: false });
  }

  async followUp(applicationId: string, token: string, message: DiscordMessage): Promise<PostedMessage> {
    return (await this.rest.post(Routes.webhook(applicationId, token), {
      body: message.body,
      files: DiscordMessenger.files(message),
      auth: false,
    })) as PostedMessage;
  }

  async post(channelId: string, message: DiscordMessage): Promise<PostedMessage> {
    return (await this.rest.post(Routes.channelMessages(channelId), { body: message.body, files: DiscordMessenger.files(message) })) as PostedMessage;
  }

  async edit(channelId: string, messageId: string, message: DiscordMessage): Promise<PostedMessage> {
    return (await this.rest.patch(Routes.channelMessage(channelId, messageId), { body: message.body, files: DiscordMessenger.files(message) })) as PostedMessage;
  }

  async delete(channelId: string, messageId: string): Promise<void> {
    await this.rest.delete(Routes.channelMessage(channelId, messageId));
  }

  /** The DM channel between the bot and a user. */
  async openDm(userId: string): Promise<string> {
    const channel = (await this.rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as { id: string };
    return channel.id;
  }
}
