/**
 * Puts a job's updates where its Discord delivery points. While the interaction token lives
 * (15 minutes) that is the interaction's reply, edited in place; after that, or when the reply is
 * gone, a new channel message mentioning the requester takes over (a DM when the bot may not post
 * in the channel), and later updates edit that message. Everything needed is in the job's stored
 * delivery, so this works the same after a restart.
 */
import { z } from 'zod';
import { isFinalEvent, type JobEvent, type JobRecord } from '../../core/jobs.js';
import type { Delivery } from '../../core/invocation.js';
import type { Reply } from '../../core/reply.js';
import type { Logger } from '../../log/index.js';
import type { JobUpdateTarget } from '../../replies/follow.js';
import type { Services } from '../../services.js';
import { BoundedMap } from '../../util/bounded-map.js';
import { renderMessage, shownKey, truncateContent, type DiscordMessage } from './message.js';
import { isGone, isNoAccess, type DiscordMessenger, type PostedMessage } from './messenger.js';

/** What a Discord job's delivery.data holds (JSON in the job store). */
const deliveryDataSchema = z.object({
  applicationId: z.string(),
  /** The interaction token; edits the interaction's reply for 15 minutes. Never logged; dropped once the job's result is out. */
  token: z.string().optional().catch(undefined),
  channelId: z.string(),
  guildId: z.string().optional().catch(undefined),
  /** The requester, mentioned when the result goes to a new message. */
  userId: z.string(),
  /** When the interaction arrived (epoch ms, this process's clock): the token's 15 minutes start here. */
  createdAt: z.number().catch(0),
  /** interaction.attachmentSizeLimit: the largest file the reply may carry. */
  attachmentSizeLimit: z.number().catch(0),
  /** Set once the updates moved to a message of their own (token expired or reply deleted). */
  message: z.object({ channelId: z.string(), id: z.string() }).optional().catch(undefined),
});

export type DiscordDeliveryData = z.infer<typeof deliveryDataSchema>;

export function discordDeliveryData(delivery: Delivery | undefined): DiscordDeliveryData | undefined {
  const parsed = deliveryDataSchema.safeParse(delivery?.data);
  return parsed.success ? parsed.data : undefined;
}

export const TOKEN_LIFETIME_MS = 15 * 60 * 1000;
/** Stop using a token a little before Discord does, so an edit never races the expiry. */
export const TOKEN_MARGIN_MS = 60 * 1000;

/** Jobs remembered in memory at most (jobs that end in another process never clear theirs). */
const MAX_REMEMBERED = 10_000;

interface Gate {
  promise: Promise<boolean>;
  resolve(ok: boolean): void;
}

export class DiscordDelivery implements JobUpdateTarget {
  readonly platform = 'discord' as const;
  readonly progressIntervalMs: number;
  /** First answers under way, by token: a job's updates wait until its reply exists. */
  private gates = new Map<string, Gate>();
  /** Tokens whose first answer failed (epoch ms of the failure): their jobs go to channel messages. */
  private deadTokens = new Map<string, number>();
  /** What each job's status message shows now, to skip edits that change nothing. */
  private shown = new BoundedMap<string, string>(MAX_REMEMBERED);
  /** The interaction reply of a job, learnt from edits, to remove it when a new message takes over. */
  private originals = new BoundedMap<string, PostedMessage>(MAX_REMEMBERED);

  constructor(
    readonly gateway: string,
    private readonly services: Services,
    private readonly messenger: DiscordMessenger,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
    progressIntervalMs = 2000,
  ) {
    this.progressIntervalMs = progressIntervalMs;
  }

  /** Called before dispatch: updates of jobs made with this token wait for settle(). */
  expect(token: string): void {
    let resolve!: (ok: boolean) => void;
    const promise = new Promise<boolean>((r) => (resolve = r));
    this.gates.set(token, { promise, resolve });
  }

  /** The first answer is out (ok) or failed; `shown` is the job status it carried. */
  settle(token: string, ok: boolean, shown?: { jobId: string; reply: Reply }): void {
    if (shown && ok) this.shown.set(shown.jobId, shownKey(shown.reply));
    if (!ok) {
      const now = this.now();
      for (const [t, at] of this.deadTokens) if (now - at > TOKEN_LIFETIME_MS) this.deadTokens.delete(t);
      this.deadTokens.set(token, now);
    }
    const gate = this.gates.get(token);
    this.gates.delete(token);
    gate?.resolve(ok);
  }

  private tokenUsable(data: DiscordDeliveryData): data is DiscordDeliveryData & { token: string } {
    return data.token !== undefined && !this.deadTokens.has(data.token) && this.now() - data.createdAt < TOKEN_LIFETIME_MS - TOKEN_MARGIN_MS;
  }

  /** The job's last update is out: its stored delivery keeps where the message is, not the token that could edit it. */
  private async forgetToken(jobId: string): Promise<void> {
    const job = await this.services.jobs.get(jobId);
    const data = discordDeliveryData(job?.delivery);
    if (!job?.delivery || !data?.token) return;
    const { token: _token, ...rest } = data;
    await this.services.jobs.update(jobId, { delivery: { ...job.delivery, data: { ...rest } } });
  }

  async deliver(job: JobRecord, reply: Reply, event: JobEvent): Promise<void> {
    const data = discordDeliveryData(job.delivery);
    if (!data) {
      this.log.warn({ jobId: job.id }, 'a Discord job has no usable delivery; its updates are dropped');
      return;
    }
    if (data.token) await this.gates.get(data.token)?.promise;
    const final = isFinalEvent(event);
    try {
      if (final && reply.ephemeral) {
        await this.tellPrivately(job, data, await renderMessage(reply, { attachmentLimit: data.attachmentSizeLimit }));
        return;
      }
      const key = shownKey(reply);
      if (this.shown.get(job.id) === key) return;
      const message = await renderMessage(reply, { ping: [job.userId], attachmentLimit: data.attachmentSizeLimit });
      await this.put(job, data, message);
      this.shown.set(job.id, key);
    } finally {
      if (final) {
        this.shown.delete(job.id);
        this.originals.delete(job.id);
        await this.forgetToken(job.id);
      }
    }
  }

  private async put(job: JobRecord, data: DiscordDeliveryData, message: DiscordMessage): Promise<void> {
    if (data.message) {
      try {
        await this.messenger.edit(data.message.channelId, data.message.id, message);
        return;
      } catch (err) {
        if (!isGone(err)) throw err;
        this.log.info({ jobId: job.id }, 'the status message of a Discord job is gone; posting a new one');
      }
    } else if (this.tokenUsable(data)) {
      try {
        const posted = await this.messenger.editOriginal(data.applicationId, data.token, message);
        this.originals.set(job.id, posted);
        return;
      } catch (err) {
        if (!isGone(err)) throw err;
        this.log.info({ jobId: job.id }, 'the interaction reply of a Discord job cannot be edited any more; posting a new message');
      }
    }
    await this.postAnew(job, data, message);
  }

  /**
   * Takes the public status down and tells only the requester: an ephemeral follow-up while the
   * interaction token lives, a DM after.
   */
  private async tellPrivately(job: JobRecord, data: DiscordDeliveryData, message: DiscordMessage): Promise<void> {
    const gone = (err: unknown) => (isGone(err) ? undefined : Promise.reject(err));
    if (data.message) await this.messenger.delete(data.message.channelId, data.message.id).catch(gone);
    else if (this.tokenUsable(data)) await this.messenger.deleteOriginal(data.applicationId, data.token).catch(gone);
    const old = this.originals.get(job.id);
    if (old) await this.messenger.delete(old.channel_id, old.id).catch(() => undefined);
    if (this.tokenUsable(data)) {
      await this.messenger.followUp(data.applicationId, data.token, message);
      return;
    }
    const { flags: _flags, ...body } = message.body;
    await this.messenger.post(await this.messenger.openDm(job.userId), { body, files: message.files });
  }

  /** A new message mentioning the requester: in the channel, else in a DM. Later updates edit it. */
  private async postAnew(job: JobRecord, data: DiscordDeliveryData, message: DiscordMessage): Promise<void> {
    const mention = `<@${job.userId}>`;
    const body = message.body.content.includes(mention) ? message.body : { ...message.body, content: truncateContent(`${mention} ${message.body.content}`) };
    const fresh: DiscordMessage = { body: { ...body, allowed_mentions: { parse: [], users: [job.userId] } }, files: message.files };
    let posted: PostedMessage;
    try {
      // Private mode: once the interaction's private reply cannot be edited, the requester's DMs take over.
      if (job.params.private) posted = await this.messenger.post(await this.messenger.openDm(job.userId), fresh);
      else posted = await this.messenger.post(data.channelId, fresh);
    } catch (err) {
      if (!isNoAccess(err) && !isGone(err)) throw err;
      this.log.info({ jobId: job.id }, 'cannot post in the channel of a Discord job; sending it to the requester by DM');
      posted = await this.messenger.post(await this.messenger.openDm(job.userId), fresh);
    }
    const moved: DiscordDeliveryData = { ...data, message: { channelId: posted.channel_id, id: posted.id } };
    await this.services.jobs.update(job.id, { delivery: { platform: 'discord', gateway: job.delivery?.gateway ?? this.gateway, data: { ...moved } } });
    // The old reply would show a stale status forever; the bot may still delete its own message.
    const old = this.originals.get(job.id);
    this.originals.delete(job.id);
    if (old) await this.messenger.delete(old.channel_id, old.id).catch(() => undefined);
  }
}
