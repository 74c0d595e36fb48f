/**
 * Puts a job's updates into the playground channel its delivery names: the job's status message
 * is replaced in place (every open tab of that server sees the edit); an ephemeral update gets a
 * message of its own, so it never turns the shared status private.
 */
import type { Language } from '../../core/i18n.js';
import { z } from 'zod';
import { isFinalEvent, type JobEvent, type JobRecord } from '../../core/jobs.js';
import type { Reply } from '../../core/reply.js';
import type { Logger } from '../../log/index.js';
import type { JobUpdateTarget } from '../../replies/follow.js';
import type { ChannelHub } from './channels.js';
import { jobStateOf, type WebMessage } from './message.js';

/** The one channel each playground server has. */
export const WEB_CHANNEL_ID = 'general';

/** Routing data stored with a job started from the playground. */
const deliveryDataSchema = z.object({
  serverId: z.string(),
  channelId: z.string().catch(WEB_CHANNEL_ID),
  /** The job's status message; a job without one (a further job of a permutation) gets its own. */
  messageId: z.string().optional().catch(undefined),
  clientId: z.string().catch('nobody'),
  userId: z.string(),
  userName: z.string(),
  action: z.string().catch('started a job'),
});

export type WebDeliveryData = z.infer<typeof deliveryDataSchema>;

/** A Reply as a WebMessage; what is not localized yet is said in `language` (English when absent). */
export type ToWebMessage = (
  reply: Reply,
  base: Omit<WebMessage, 'text' | 'mentions' | 'images' | 'buttons' | 'createdAt' | 'updatedAt' | 'visibleTo'>,
  clientId: string | undefined,
  language?: Language,
) => WebMessage;

export class WebDelivery implements JobUpdateTarget {
  readonly platform = 'web' as const;

  constructor(
    readonly gateway: string,
    readonly progressIntervalMs: number,
    private readonly hub: ChannelHub,
    private readonly toMessage: ToWebMessage,
    private readonly rememberUser: (userId: string, userName: string) => void,
    private readonly log: Logger,
  ) {}

  async deliver(job: JobRecord, reply: Reply, event: JobEvent): Promise<void> {
    const parsed = deliveryDataSchema.safeParse({ userId: job.userId, userName: job.userName, ...job.delivery?.data });
    if (!parsed.success || !this.hub.hasServer(parsed.data.serverId)) {
      this.log.debug({ jobId: job.id }, 'job update for a playground server this process does not serve; dropped');
      return;
    }
    const data = { ...parsed.data, messageId: parsed.data.messageId ?? `job-${job.id}` };
    this.rememberUser(job.userId, job.userName);
    // Private mode: the job's one message is the requester's tab's alone.
    if (job.params.private) {
      this.hub.upsert(this.toMessage({ ...reply, ephemeral: true }, { id: data.messageId, serverId: data.serverId, jobId: job.id, invokedBy: { userId: data.userId, userName: data.userName, action: data.action }, job: jobStateOf(job, event) }, data.clientId));
      return;
    }
    // A withheld result: the public status goes, the requester alone is told.
    if (reply.ephemeral && isFinalEvent(event)) this.hub.remove(data.serverId, data.messageId);
    const id = reply.ephemeral ? `${data.messageId}-${event.type}` : data.messageId;
    this.hub.upsert(
      this.toMessage(
        reply,
        { id, serverId: data.serverId, jobId: job.id, invokedBy: { userId: data.userId, userName: data.userName, action: data.action }, job: jobStateOf(job, event) },
        data.clientId,
      ),
    );
  }
}
