/**
 * The Redis backend's queue in one process against a real redis-server: a gateway's RedisJobQueue
 * and worker runtimes with FakeRunners, talking only through Redis and BullMQ.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/invocation.js';
import type { JobRecord } from '../../src/core/jobs.js';
import { SubmitRefusedError } from '../../src/queue/types.js';
import { GENERIC_FAILURE } from '../../src/scale/redis-worker.js';
import { FakeRunner } from '../fixtures/fake-runner.js';
import { ScaleHarness, submission } from './harness.js';
import { SKIP_MESSAGE, redisAvailable, startRedis, type RedisServer } from './redis-server.js';

if (!redisAvailable) console.warn(SKIP_MESSAGE);

let server: RedisServer;
let h: ScaleHarness;
beforeAll(async () => {
  if (redisAvailable) server = await startRedis();
});
afterAll(async () => {
  await server?.stop();
});
afterEach(async () => {
  await h?.dispose();
});

async function refusal(p: Promise<unknown>): Promise<SubmitRefusedError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SubmitRefusedError);
  return err as SubmitRefusedError;
}

describe.skipIf(!redisAvailable)('Redis queue, one process', () => {
  it('runs a job in a worker: queued, started, every step, done, with the state stored first and the images in the shared folder', async () => {
    h = new ScaleHarness(server.url);
    await h.openGateway();
    const seen: Promise<[string, string | undefined]>[] = [];
    h.queue.onEvent((e) => seen.push(h.services.jobs.get(e.jobId).then((j) => [e.type, j?.status])));
    const runner = new FakeRunner({ durationMs: 40, steps: 4, images: h.sharedImages() });
    await h.openWorker({ runner });
    const job = await h.queue.submit(submission('S', 'ann'));
    expect(job.status).toBe('queued');
    await h.settled([job.id]);
    expect(h.eventsOf(job.id).map((e) => e.type)).toEqual(['queued', 'started', 'progress', 'progress', 'progress', 'progress', 'done']);
    expect(h.eventsOf(job.id)[0]).toEqual({ type: 'queued', jobId: job.id, position: 1 });
    const expected: Record<string, string> = { queued: 'queued', started: 'running', progress: 'running', done: 'done' };
    // The state a listener reads is at least as far as the event (later states may be there already).
    const order = ['queued', 'running', 'done'];
    for (const [type, status] of await Promise.all(seen)) expect(order.indexOf(status!)).toBeGreaterThanOrEqual(order.indexOf(expected[type]!));
    const stored = await h.services.jobs.get(job.id);
    expect(stored).toMatchObject({ status: 'done', attempts: 1, output: { images: [`${job.id}/0.png`, `${job.id}/1.png`, `${job.id}/2.png`, `${job.id}/3.png`] } });
    expect(runner.finished).toEqual([job.id]);
    expect((await h.services.images.get(stored!.output!.preview)).subarray(1, 4).toString()).toBe('PNG');
    expect(await h.queue.stats()).toMatchObject({ queued: 0, running: 0 });
  });
});
