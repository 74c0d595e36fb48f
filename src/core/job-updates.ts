import type { Services } from './command.js';
import type { Platform, Reply } from './invocation.js';
import type { JobEvent, JobRecord } from './jobs.js';

/** How an adapter puts a job's rendered status where its Delivery points. */
export interface JobUpdateTarget {
  platform: Platform;
  /** Jobs whose delivery names another gateway are left to that process. */
  gateway: string;
  /** At most one queued/progress update per job per interval (2000 for chat platforms). */
  progressIntervalMs: number;
  /**
   * Edits the job's status message (or posts a new one when the old can no longer be edited).
   * Called in event order per job; a throw is logged and the next update still comes.
   */
  deliver(job: JobRecord, reply: Reply, event: JobEvent): Promise<void>;
}

/**
 * Subscribes an adapter to the queue's events: loads each job, keeps only the target's own,
 * throttles queued/progress updates, renders with renderJob and calls deliver in order.
 * Returns an unsubscribe function. (Implementation: see followJobs below.)
 */
export { followJobs } from './job-follower.js';
