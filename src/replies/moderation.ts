/**
 * The moderation log: refused prompts and the images the safety check flagged, posted to the
 * channel a server's admins named in `mod_log_channel`. Refusals come from dispatch (the feed in
 * Services), flagged images from the queue's final events (the job's `moderation`, whose pictures
 * the runner kept apart from the results). Each adapter follows the log for its own platform and
 * gateway and posts with its own messenger; images always go as spoilers.
 */
import type { Platform } from '../core/invocation.js';
import { isFinalEvent, type JobRecord } from '../core/jobs.js';
import { languageOf, localizeReply } from '../core/i18n.js';
import { bold, code, concat, mention, md, msg, tr, type Markup } from '../core/markup.js';
import type { Reply } from '../core/reply.js';
import type { Services } from '../services.js';

export interface ModerationEntry {
  platform: Platform;
  serverId: string;
  userId: string;
  /** What was refused or flagged: a command, or a job's result. */
  kind: 'refused' | 'blocked' | 'spoilered';
  /** In words: why a prompt was refused, or the unsafe score of an image. */
  reason: Markup;
  prompt?: string;
  jobId?: string;
  images?: { data: Buffer; width: number; height: number }[];
}

/** Where dispatch reports refusals; adapters listen. */
export class ModerationFeed {
  private readonly listeners = new Set<(entry: ModerationEntry) => void>();

  report(entry: ModerationEntry): void {
    for (const l of this.listeners) l(entry);
  }

  on(listener: (entry: ModerationEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** How an adapter posts to a channel of a server. */
export interface ModerationLogTarget {
  platform: Platform;
  /** Flagged images of jobs another gateway delivers are left to it. */
  gateway: string;
  post(serverId: string, channelId: string, reply: Reply): Promise<void>;
}

const TITLES = { refused: msg('🛡️ Refused prompt'), blocked: msg('🛡️ Blocked image'), spoilered: msg('🛡️ Spoilered image') } as const;

/** An entry as the message the log shows. */
export function renderEntry(entry: ModerationEntry): Reply {
  const parts = [md`${bold(tr(TITLES[entry.kind]))} from ${mention(entry.userId)}: ${entry.reason}`];
  if (entry.jobId) parts.push(md` · job ${code(entry.jobId)}`);
  if (entry.prompt !== undefined) parts.push(md`\nPrompt: ${code(entry.prompt || '(empty)')}`);
  return {
    text: concat(...parts),
    images: entry.images?.map((img, i) => ({ filename: `flagged_${entry.jobId ?? 'image'}_${i + 1}.png`, ...img, spoiler: true })),
  };
}

/** Subscribes an adapter to the log of its platform; returns the function that unsubscribes. */
export function followModeration(services: Pick<Services, 'queue' | 'jobs' | 'images' | 'settings' | 'moderation' | 'log'>, target: ModerationLogTarget): () => void {
  const post = async (entry: ModerationEntry) => {
    const limits = await services.settings.get(entry.serverId);
    if (limits.mod_log_channel) await target.post(entry.serverId, limits.mod_log_channel, localizeReply(renderEntry(entry), languageOf(limits.language) ?? 'en'));
  };
  const failed = (err: unknown) => services.log.warn({ err, platform: target.platform }, 'could not post to the moderation log');

  const offRefusals = services.moderation.on((entry) => {
    if (entry.platform === target.platform) post(entry).catch(failed);
  });
  const offJobs = services.queue.onEvent((event) => {
    if (!isFinalEvent(event)) return;
    void (async () => {
      const job = await services.jobs.get(event.jobId);
      if (!job?.moderation || job.delivery?.platform !== target.platform || job.delivery.gateway !== target.gateway) return;
      await post(await flaggedEntry(job, services));
    })().catch(failed);
  });
  return () => {
    offRefusals();
    offJobs();
  };
}

async function flaggedEntry(job: JobRecord, services: Pick<Services, 'images'>): Promise<ModerationEntry> {
  const m = job.moderation!;
  const images = [];
  for (const key of m.images) {
    if (!(await services.images.has(key))) continue;
    const data = await services.images.get(key);
    // A PNG's size is in its header (IHDR).
    images.push({ data, width: data.readUInt32BE(16), height: data.readUInt32BE(20) });
  }
  return {
    platform: job.platform,
    serverId: job.serverId,
    userId: job.userId,
    kind: m.verdict === 'block' ? 'blocked' : 'spoilered',
    reason: md`unsafe score ${m.unsafe.toFixed(2)}`,
    prompt: job.params.prompt,
    jobId: job.id,
    images,
  };
}
