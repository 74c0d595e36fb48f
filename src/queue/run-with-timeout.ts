import type { JobRecord } from '../core/jobs.js';
import type { JobRunner, RunContext, RunResult } from './types.js';

export type { RunResult } from './types.js';

/**
 * Runs one job on the runner with a time limit: `onTimeout` is called once the limit passes (it is
 * expected to abort ctx.signal). Never throws; the result says how the run ended.
 */
export async function runWithTimeout(runner: JobRunner, job: JobRecord, ctx: RunContext, timeoutMs: number, onTimeout: () => void): Promise<RunResult> {
  const timer = setTimeout(onTimeout, timeoutMs);
  try {
    return { ok: true, output: await runner.run(job, ctx) };
  } catch (err) {
    return { ok: false, err };
  } finally {
    clearTimeout(timer);
  }
}
