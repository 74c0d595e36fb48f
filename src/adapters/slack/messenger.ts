/**
 * The Slack Web API calls the adapter makes, in terms of neutral Replies: post, edit and delete
 * a status message, post an ephemeral note, and upload images with the files v2 flow
 * (files.getUploadURLExternal → upload → files.completeUploadExternal) with the reply's text and
 * buttons as the file message's blocks. 429s are ridden out by the WebClient's retry policy.
 */
import type { webApi } from '@slack/bolt';
import type { Reply } from '../../core/reply.js';
import { fallbackText, messageBody, replyBlocks, type SlackPicture } from './message.js';

export interface SlackPlace {
  channel: string;
  /** Post in this thread. */
  threadTs?: string;
}

/** Slack API error codes meaning the message cannot be edited any more. */
const GONE = new Set(['message_not_found', 'cant_update_message', 'edit_window_closed', 'channel_not_found', 'is_archived']);
/** Error codes meaning the bot cannot post into this conversation at all. */
export const CANNOT_POST = new Set(['channel_not_found', 'not_in_channel', 'is_archived', 'restricted_action', 'restricted_action_read_only_channel', 'cannot_reply_to_message', 'ekm_access_denied']);

/** The `error` code of a Web API platform error, if it is one. */
export function slackErrorCode(err: unknown): string | undefined {
  const e = err as { code?: string; data?: { error?: unknown } };
  return e?.code === 'slack_webapi_platform_error' && typeof e.data?.error === 'string' ? e.data.error : undefined;
}

export class SlackMessenger {
  constructor(private readonly client: webApi.WebClient) {}

  /** Posts a message; returns its ts. */
  async post(place: SlackPlace, reply: Reply): Promise<string> {
    const res = await this.client.chat.postMessage({
      channel: place.channel,
      ...(place.threadTs ? { thread_ts: place.threadTs } : {}),
      ...messageBody(reply),
      unfurl_links: false,
      unfurl_media: false,
    });
    if (!res.ts) throw new Error('chat.postMessage returned no ts');
    return res.ts;
  }

  /** Edits a message (with a picture uploaded before, when given); false when it is gone (deleted, archived channel) and cannot be edited. */
  async update(channel: string, ts: string, reply: Reply, picture?: SlackPicture): Promise<boolean> {
    try {
      await this.client.chat.update({ channel, ts, ...messageBody(reply, picture) });
      return true;
    } catch (err) {
      if (GONE.has(slackErrorCode(err) ?? '')) return false;
      throw err;
    }
  }

  /** Deletes a file the bot uploaded; one already gone is fine. */
  async deleteFile(file: string): Promise<void> {
    try {
      await this.client.files.delete({ file });
    } catch (err) {
      if (slackErrorCode(err) !== 'file_not_found' && slackErrorCode(err) !== 'file_deleted') throw err;
    }
  }

  /** Deletes one of the bot's messages; a message already gone is fine. */
  async delete(channel: string, ts: string): Promise<void> {
    try {
      await this.client.chat.delete({ channel, ts });
    } catch (err) {
      if (!GONE.has(slackErrorCode(err) ?? '')) throw err;
    }
  }

  /** A message only `user` sees, in `channel`. */
  async ephemeral(channel: string, user: string, reply: Reply, threadTs?: string, picture?: SlackPicture): Promise<void> {
    await this.client.chat.postEphemeral({ channel, user, ...(threadTs ? { thread_ts: threadTs } : {}), ...messageBody(reply, picture) });
  }

  /** Uploads a picture without sharing it anywhere, for an image block of the bot's own messages; returns its file id. */
  async uploadPrivate(image: { data: Buffer; filename: string; alt?: string }): Promise<string> {
    const res = (await this.client.filesUploadV2({ file_uploads: [{ file: image.data, filename: image.filename, title: image.filename, ...(image.alt ? { alt_text: truncate(image.alt, 1000) } : {}) }] })) as {
      files?: { files?: { id?: string }[] }[];
    };
    const id = res.files?.[0]?.files?.[0]?.id;
    if (!id) throw new Error('files.completeUploadExternal returned no file id');
    return id;
  }

  /**
   * Uploads the reply's images into the conversation as one file message whose blocks carry the
   * reply's text and buttons (initial_comment is left out: Slack ignores blocks when it is set).
   */
  async uploadImages(place: SlackPlace, reply: Reply): Promise<void> {
    const images = reply.images ?? [];
    if (images.length === 0) throw new Error('uploadImages needs at least one image');
    const blocks = replyBlocks(reply);
    await this.client.filesUploadV2({
      channel_id: place.channel,
      ...(place.threadTs ? { thread_ts: place.threadTs } : {}),
      ...(blocks.length ? { blocks } : {}),
      file_uploads: images.map((img) => ({
        file: img.data,
        filename: img.filename,
        title: img.alt ? truncate(img.alt, 250) : img.filename,
        alt_text: truncate(img.alt ?? fallbackText(reply), 1000),
      })),
    });
  }
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
