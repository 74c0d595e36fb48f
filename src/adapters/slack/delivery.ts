/**
 * Puts a job's updates where its Slack delivery points: edits the status message (chat.update,
 * throttled by followJobs), and when the job is done uploads the picture as a file message with
 * the buttons and removes the status message, as Midjourney replaces its progress message.
 */
import { z } from 'zod';
import type { Delivery } from '../../core/invocation.js';
import { isFinalEvent, type JobEvent, type JobRecord } from '../../core/jobs.js';
import { concat } from '../../core/markup.js';
import type { Reply } from '../../core/reply.js';
import type { Logger } from '../../log/index.js';
import type { JobUpdateTarget } from '../../replies/follow.js';
import type { Services } from '../../services.js';
import { toMrkdwn, type SlackPicture } from './message.js';
import type { SlackMessenger } from './messenger.js';

/** What a Slack job's delivery.data holds. */
const deliveryDataSchema = z.object({
  channel: z.string(),
  /** The status message, once posted. */
  ts: z.string().optional().catch(undefined),
  /** Post in this thread (a click on a message inside a thread). */
  threadTs: z.string().optional().catch(undefined),
  /** Matches a job to the status post its command is making right now (the ts is not known yet). */
  key: z.string().optional().catch(undefined),
});

export type SlackDeliveryData = z.infer<typeof deliveryDataSchema>;

export function slackDeliveryData(delivery: Delivery | undefined): SlackDeliveryData | undefined {
  const parsed = deliveryDataSchema.safeParse(delivery?.data);
  return parsed.success ? parsed.data : undefined;
}

/** Identifies what a status message shows, to skip edits that would change nothing. */
export function shownKey(reply: Reply): string {
  return JSON.stringify([toMrkdwn(reply.text), reply.buttons ?? null]);
}

interface PendingPost {
  promise: Promise<string | undefined>;
  resolve(ts: string | undefined): void;
}

/** Said instead of a picture the server's safety policy shows only as a spoiler. */
export const SLACK_HIDDEN_NOTE = '🙈 The picture is not shown here: the image safety check marked it sensitive and Slack has no spoilers. Its buttons still work.';

export class SlackDelivery implements JobUpdateTarget {
  readonly platform = 'slack' as const;
  readonly progressIntervalMs = 2000;
  /** Status posts under way, by delivery key: updates for such a job wait for its ts. */
  private pendingPosts = new Map<string, PendingPost>();
  /** The status message we know of, per job (newer than the store while its update is in flight). */
  private statusTs = new Map<string, string>();
  /** What each status message shows now, to skip edits that change nothing. */
  private shown = new Map<string, string>();
  /** Jobs taken back because their conversation cannot be posted to. */
  private abandoned = new Set<string>();
  /** The live preview a status shows, and the quarter of the steps it was uploaded at. */
  private pictures = new Map<string, { quarter: number; picture: SlackPicture }>();

  constructor(
    readonly gateway: string,
    private readonly services: Services,
    private readonly messenger: SlackMessenger,
    private readonly log: Logger,
  ) {}

  /** Called before dispatch: updates for the job made under `key` wait until settlePost(key). */
  expectPost(key: string): void {
    let resolve!: (ts: string | undefined) => void;
    const promise = new Promise<string | undefined>((r) => (resolve = r));
    this.pendingPosts.set(key, { promise, resolve });
  }

  /** The command's status post is done (ts) or will not happen (undefined). */
  settlePost(key: string, posted?: { jobId: string; ts: string; reply: Reply }): void {
    const pending = this.pendingPosts.get(key);
    this.pendingPosts.delete(key);
    if (posted) {
      this.statusTs.set(posted.jobId, posted.ts);
      this.shown.set(posted.jobId, shownKey(posted.reply));
    }
    pending?.resolve(posted?.ts);
  }

  /** Drops the updates of a job whose status message could not be posted. */
  abandon(jobId: string): void {
    this.abandoned.add(jobId);
  }

  async deliver(job: JobRecord, rendered: Reply, event: JobEvent): Promise<void> {
    let reply = rendered;
    if (this.abandoned.has(job.id)) {
      if (isFinalEvent(event)) this.abandoned.delete(job.id);
      return;
    }
    const data = slackDeliveryData(job.delivery);
    if (!data) {
      this.log.warn({ jobId: job.id }, 'Slack job without a channel in its delivery; update dropped');
      return;
    }
    const final = isFinalEvent(event);
    if (job.params.private) {
      if (final) await this.deliverPrivately(job, data, reply, event);
      return;
    }
    try {
      let ts = this.statusTs.get(job.id);
      if (!ts && data.key && this.pendingPosts.has(data.key)) {
        ts = await this.pendingPosts.get(data.key)!.promise;
        // This update was rendered before the command's own status post, which is at least as new.
        if (ts && !final) return;
      }
      ts ??= data.ts;
      const place = { channel: data.channel, threadTs: data.threadTs };

      if (reply.ephemeral) {
        await this.messenger.ephemeral(data.channel, job.userId, reply, data.threadTs);
        // A withheld result: its public status goes too.
        if (final && ts) await this.messenger.delete(data.channel, ts).catch((err: unknown) => this.log.warn({ err, jobId: job.id }, 'could not remove the Slack status message'));
        return;
      }
      if (final && event.type === 'done' && reply.images?.some((i) => i.spoiler)) {
        // Slack has no spoilers: a picture the server's policy hides is not posted; its buttons still work.
        reply = { ...reply, images: undefined, text: concat(reply.text, `\n${SLACK_HIDDEN_NOTE}`) };
      }
      if (final && event.type === 'done' && reply.images?.length) {
        await this.finishWithImages(job, data, ts, reply);
        return;
      }
      const picture = final ? undefined : await this.previewPicture(job, reply, event);
      if (!final) reply = { ...reply, images: undefined };
      const key = shownKey(reply) + (picture?.fileId ?? '');
      if (ts && this.shown.get(job.id) === key) return;
      if (ts && (await this.messenger.update(data.channel, ts, reply, picture))) {
        this.shown.set(job.id, key);
        return;
      }
      // Never posted, or deleted by someone: post anew and remember where.
      const newTs = await this.messenger.post(place, reply);
      this.shown.set(job.id, key);
      if (!final) await this.remember(job, data, newTs);
    } finally {
      if (final) {
        this.statusTs.delete(job.id);
        this.shown.delete(job.id);
        this.pictures.delete(job.id);
      }
    }
  }

  /**
   * The preview a running job's status shows. Slack allows an image block only on a file uploaded
   * first, and uploads are rate-limited: a new preview goes up at a quarter, half and three
   * quarters of the steps; in between the status keeps the last one (or none, a text bar).
   */
  private async previewPicture(job: JobRecord, reply: Reply, event: JobEvent): Promise<SlackPicture | undefined> {
    const shown = this.pictures.get(job.id);
    const image = reply.images?.[0];
    if (event.type !== 'progress' || !image || !event.total) return shown?.picture;
    const quarter = Math.floor((4 * event.step) / event.total);
    if (quarter < 1 || quarter > 3 || quarter <= (shown?.quarter ?? 0)) return shown?.picture;
    try {
      const fileId = await this.messenger.uploadPrivate({ data: image.data, filename: image.filename, alt: image.alt });
      const picture = { fileId, alt: image.alt ?? image.filename };
      this.pictures.set(job.id, { quarter, picture });
      return picture;
    } catch (err) {
      this.log.warn({ err, jobId: job.id }, 'could not upload a live preview to Slack');
      return shown?.picture;
    }
  }

  private async finishWithImages(job: JobRecord, data: SlackDeliveryData, ts: string | undefined, reply: Reply): Promise<void> {
    const place = { channel: data.channel, threadTs: data.threadTs };
    try {
      await this.messenger.uploadImages(place, reply);
    } catch (err) {
      // The picture could not go up: say so in the status message rather than leave it waiting.
      this.log.error({ err, jobId: job.id, channel: data.channel }, 'Slack image upload failed');
      const note: Reply = {
        text: concat(reply.text, "\n⚠️ The image could not be uploaded to Slack; try the button again or ask an admin to check the bot's files:write scope."),
        buttons: reply.buttons,
      };
      if (!(ts && (await this.messenger.update(data.channel, ts, note)))) await this.messenger.post(place, note);
      return;
    }
    if (ts) {
      await this.messenger.delete(data.channel, ts).catch((err: unknown) => {
        this.log.warn({ err, jobId: job.id }, 'could not remove the Slack status message');
      });
    }
  }

  /**
   * Private mode: Slack cannot edit a message only one user sees, so the requester gets the end
   * alone, privately: the picture (uploaded unshared, in an image block) with its buttons, or why not.
   */
  private async deliverPrivately(job: JobRecord, data: SlackDeliveryData, reply: Reply, event: JobEvent): Promise<void> {
    const image = event.type === 'done' && !reply.images?.[0]?.spoiler ? reply.images?.[0] : undefined;
    const picture = image ? { fileId: await this.messenger.uploadPrivate({ data: image.data, filename: image.filename, alt: image.alt }), alt: image.alt ?? image.filename } : undefined;
    await this.messenger.ephemeral(data.channel, job.userId, { ...reply, images: undefined }, data.threadTs, picture);
  }

  private async remember(job: JobRecord, data: SlackDeliveryData, ts: string): Promise<void> {
    this.statusTs.set(job.id, ts);
    const { key: _key, ...rest } = data;
    const delivery: Delivery = { ...job.delivery!, data: { ...rest, ts } };
    await this.services.jobs.update(job.id, { delivery });
  }
}
