/**
 * How long jobs take, as both queue backends learn it: a running job's clock (its start, first
 * and latest step), the sample it leaves in the job store when it finishes, and the time it has
 * left. The arithmetic is core/estimates.ts's.
 */
import { expectedMs, speedKey, speedSample } from '../core/estimates.js';
import type { JobRecord } from '../core/jobs.js';
import type { Logger } from '../log/index.js';
import type { JobStore } from '../store/types.js';

export class StepClock {
  private first?: { step: number; at: number };
  private last?: { step: number; total: number; at: number };

  constructor(readonly startedAt: number) {}

  /** A step is done (repeated reports of the same step, e.g. with a preview, count once). */
  step(step: number, total: number, at: number): void {
    if (step <= 0 || this.last?.step === step) return;
    this.first ??= { step, at };
    this.last = { step, total, at };
  }

  /** Milliseconds a step has taken so far; undefined before two steps. */
  get perStepMs(): number | undefined {
    const { first, last } = this;
    return first && last && last.step > first.step ? (last.at - first.at) / (last.step - first.step) : undefined;
  }

  /** The rest of the steps at the pace so far; undefined before two steps. */
  leftMs(now: number): number | undefined {
    const per = this.perStepMs;
    return per === undefined ? undefined : Math.max(0, (this.last!.total - this.last!.step) * per - (now - this.last!.at));
  }
}

/** A job's expected running time from its kind's speed record. */
export async function expectedOf(jobs: JobStore, job: JobRecord | undefined): Promise<number | undefined> {
  if (!job) return undefined;
  return expectedMs(await jobs.speed(speedKey(job.kind, job.params)), job.kind, job.params);
}

/** A running job's time left: its pace when it has one, else its expected time less what has passed. */
export async function timeLeft(jobs: JobStore, job: JobRecord, clock: StepClock, now: number): Promise<number | undefined> {
  const paced = clock.leftMs(now);
  if (paced !== undefined) return paced;
  const expected = await expectedOf(jobs, job);
  return expected === undefined ? undefined : Math.max(0, expected - (now - clock.startedAt));
}

/** Folds a finished job's timing into its kind's speed record, for the ETAs of the jobs after it. */
export async function learnSpeed(jobs: JobStore, job: JobRecord, clock: StepClock, finishedAt: number, log?: Logger): Promise<void> {
  const sample = speedSample(job.kind, job.params, { totalMs: finishedAt - clock.startedAt, stepMs: clock.perStepMs });
  if (!sample) return;
  await jobs.recordSpeed(speedKey(job.kind, job.params), sample).catch((err: unknown) => log?.warn({ err }, 'could not record how long a job took'));
}
