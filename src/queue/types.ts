import type { JobEvent, JobOutput, JobRecord, JobSubmission } from '../core/jobs.js';

export interface CancelRequest {
  userId: string;
  serverId: string;
  isServerAdmin: boolean;
}

export type CancelResult = 'cancelled' | 'not-found' | 'not-allowed' | 'finished';

export interface QueueStats {
  queued: number;
  running: number;
  /** Jobs by state since start (for /metrics). */
  byStatus: Record<string, number>;
}

/**
 * One shared queue in front of the pipeline: fair across servers then users, limited per server,
 * persisted. The in-process backend sits on p-queue; the scale-out backend on BullMQ/Redis.
 */
export interface JobQueue {
  /** False while the backend cannot be reached (Redis down): commands then answer QUEUE_UNAVAILABLE. */
  readonly available: boolean;
  /** Checks every limit atomically, stores the job and queues it; throws UserError with the reason. */
  submit(submission: JobSubmission): Promise<JobRecord>;
  cancel(jobId: string, by: CancelRequest): Promise<CancelResult>;
  /** 1-based place in the queue of a queued job; undefined once it runs or ends. */
  position(jobId: string): Promise<number | undefined>;
  /** When a queued job should start, or how long a running one has left, from the jobs that ran before. */
  estimate(jobId: string): Promise<JobEstimate>;
  /** Every job's life-cycle events, in order per job. Returns an unsubscribe function. */
  onEvent(listener: (event: JobEvent) => void): () => void;
  stats(): Promise<QueueStats>;
  /** Re-queues stored jobs after a restart and starts running. */
  start(): Promise<void>;
  /**
   * Stops taking new work; waits for running jobs up to the deadline, then leaves what is left
   * stored as queued, so the next start picks it up.
   */
  close(options?: { deadlineMs?: number }): Promise<void>;
}

/** Milliseconds; each undefined where it does not apply or nothing like the job has run yet. */
export interface JobEstimate {
  startsInMs?: number;
  leftMs?: number;
}

export interface RunContext {
  signal: AbortSignal;
  /** A step is done; `preview` is the image-store key of a live preview made at it. */
  onProgress(step: number, total: number, preview?: string): void;
}

/** Does the work of one job (the pipeline in production, a timer in fairness tests). */
/** How a run ended: its output, or what it threw. */
export type RunResult = { ok: true; output: JobOutput } | { ok: false; err: unknown };

export interface JobRunner {
  run(job: JobRecord, ctx: RunContext): Promise<JobOutput>;
  /**
   * Jobs of one batch key (batchKeyOf) in one go, sharing UNet calls; each has its own context
   * (progress, signal) and result. Runners without it run every job alone.
   */
  runBatch?(items: readonly { job: JobRecord; ctx: RunContext }[]): Promise<RunResult[]>;
  /** How many jobs of this model may share UNet calls (1: none). */
  batchLimit?(model: string): number;
}
