/**
 * Cross-job batching through the real queue, pipeline runner and tiny ONNX model: grids of three
 * servers that wait behind a running one start together in one batch, and each is the grid it
 * would be alone.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { JobRecord } from '../../src/core/jobs.js';
import { PipelineJobRunner } from '../../src/jobs/runner.js';
import type { RunContext } from '../../src/queue/types.js';
import { submission } from '../queue/harness.js';
import { createTestServices, type TestServices } from '../fixtures/services.js';

let t: TestServices;
beforeAll(async () => {
  t = await createTestServices({ limits: { user_requests_per_minute: 0, user_max_queued: 10 } });
});
afterAll(async () => {
  vi.restoreAllMocks();
  await t.close();
});

async function settled(ids: string[]): Promise<JobRecord[]> {
  for (;;) {
    const jobs = await Promise.all(ids.map((id) => t.services.jobs.get(id)));
    if (jobs.every((j) => j && ['done', 'failed', 'cancelled'].includes(j.status))) return jobs as JobRecord[];
    await new Promise((r) => setTimeout(r, 20));
  }
}

const pixels = async (key: string) => sharp(await t.services.images.get(key)).raw().toBuffer();

describe('cross-job batching in the worker', () => {
  it('runs the grids waiting behind a running job as one batch, each the grid it is alone', async () => {
    // The first job waits at its start until the others are queued behind it.
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const run = PipelineJobRunner.prototype.run;
    vi.spyOn(PipelineJobRunner.prototype, 'run').mockImplementationOnce(async function (this: PipelineJobRunner, job: JobRecord, ctx: RunContext) {
      await gate;
      return run.call(this, job, ctx);
    });
    const batches = vi.spyOn(PipelineJobRunner.prototype, 'runBatch');
    const params = { model: 'tiny-sd', steps: 4, guidance: 5 } as const;
    const first = await t.services.queue.submit(submission('A', 'ann', { ...params, prompt: 'a lighthouse' }));
    const waiting = [
      await t.services.queue.submit(submission('B', 'bob', { ...params, prompt: 'a red heart', seed: 7 })),
      await t.services.queue.submit(submission('C', 'cy', { ...params, prompt: 'a blue whale', seed: 11, guidance: 3, negativePrompt: 'blurry' })),
      await t.services.queue.submit(submission('D', 'di', { ...params, prompt: 'green apple', seed: 42 })),
    ];
    open();
    const done = await settled([first.id, ...waiting.map((j) => j.id)]);
    expect(done.map((j) => j.status)).toEqual(['done', 'done', 'done', 'done']);
    expect(batches).toHaveBeenCalledTimes(1);
    expect(batches.mock.calls[0]![0].map((i) => i.job.id)).toEqual(waiting.map((j) => j.id));
    // Each batched grid is the grid the same job makes alone.
    batches.mockClear();
    for (const j of waiting) {
      const again = await t.services.queue.submit(submission(j.serverId, j.userId, { ...j.params }));
      const [alone] = await settled([again.id]);
      const batched = done.find((d) => d.id === j.id)!;
      for (let i = 0; i < 4; i++) expect(await pixels(alone!.output!.images[i]!)).toEqual(await pixels(batched.output!.images[i]!));
    }
    expect(batches).not.toHaveBeenCalled();
  });
});
