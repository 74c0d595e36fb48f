/**
 * The Redis backend's queue in one process against a real redis-server: a gateway's RedisJobQueue
 * and worker runtimes with FakeRunners, talking only through Redis and BullMQ.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { JOB_FAILED, UserError } from '../../src/core/errors.js';
import type { JobRecord } from '../../src/core/jobs.js';
import { RESTART_FAILURE } from '../../src/queue/messages.js';
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

async function refusal(p: Promise<unknown>): Promise<UserError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  return err as UserError;
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

  it('keeps fairness with one shared queue: all 5 jobs of server B run before the 12th of server A, which submitted 100 first', async () => {
    h = new ScaleHarness(server.url);
    await h.openGateway();
    const runner = new FakeRunner({ durationMs: 2, steps: 1 });
    runner.hold();
    await h.openWorker({ runner });
    const a: JobRecord[] = [];
    for (let i = 0; i < 100; i++) a.push(await h.queue.submit(submission('A', `a${i % 4}`)));
    const b: JobRecord[] = [];
    for (let i = 0; i < 5; i++) b.push(await h.queue.submit(submission('B', 'b1')));
    // B's first job waits behind A's running one only.
    expect(await h.queue.position(b[0]!.id)).toBe(1);
    expect(await h.queue.position(a[1]!.id)).toBe(2);
    runner.release();
    await h.settled([...a, ...b].map((j) => j.id));
    const order = runner.finished;
    const twelfthOfA = order.indexOf(a[11]!.id);
    for (const j of b) expect(order.indexOf(j.id)).toBeLessThan(twelfthOfA);
    // A's users took turns: A's first four runs were four different users.
    const firstOfA = order.filter((id) => a.some((j) => j.id === id)).slice(0, 4);
    expect(new Set(firstOfA.map((id) => a.find((j) => j.id === id)!.userId)).size).toBe(4);
  });

  it('honours server_max_running across two workers while other servers use the free slots', async () => {
    h = new ScaleHarness(server.url);
    await h.openGateway();
    const runner = new FakeRunner({ durationMs: 30, steps: 2 });
    // One runner shared by both workers counts what runs at once across them.
    await h.openWorker({ runner, concurrency: 2 });
    await h.openWorker({ runner, concurrency: 2 });
    await h.services.settings.set('A', 'server_max_running', 1);
    await h.services.settings.set('B', 'server_max_running', 2);
    const jobs = await Promise.all([
      ...Array.from({ length: 4 }, (_, i) => h.queue.submit(submission('A', `u${i}`))),
      ...Array.from({ length: 4 }, (_, i) => h.queue.submit(submission('B', `u${i}`))),
    ]);
    await h.settled(jobs.map((j) => j.id));
    expect(runner.maxRunningByServer.get('A')).toBe(1);
    expect(runner.maxRunningByServer.get('B')).toBe(2);
    expect(runner.maxRunning).toBe(3);
  });

  it('applies a server_max_running an admin raised while jobs wait', async () => {
    h = new ScaleHarness(server.url);
    await h.openGateway();
    const runner = new FakeRunner({ durationMs: 20, steps: 2 });
    runner.hold();
    await h.openWorker({ runner, concurrency: 3 });
    const jobs = [];
    for (let i = 0; i < 6; i++) jobs.push(await h.queue.submit(submission('S', `u${i}`)));
    await runner.waitForStarts(1);
    await h.services.settings.set('S', 'server_max_running', 3);
    runner.release();
    await h.settled(jobs.map((j) => j.id));
    expect(runner.maxRunningByServer.get('S')).toBe(3);
  });
});

describe.skipIf(!redisAvailable)('Redis queue admission (same rules and words as the local queue)', () => {
  it('never overshoots the daily quotas under a burst of concurrent submits from two gateways', async () => {
    h = new ScaleHarness(server.url, { daily_user_images: 10, daily_server_images: 20 });
    await h.openGateway();
    const first = h.queue;
    const second = await h.openGateway({ INSTANCE_ID: 'gw-2' });
    const both = [first, second];
    const one = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => both[i % 2]!.submit(submission('S', 'ann'))));
    expect(one.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    const refusals = one.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as UserError);
    expect(new Set(refusals.map((e) => e.reason))).toEqual(new Set(['quota-user']));
    expect(refusals[0]!.message).toMatch(/^This needs 4 images, but only 2 of your daily 10 are left; resets at 00:00 UTC \(in .+\)\.$/);
    const many = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => both[i % 2]!.submit(submission('S', `user${i}`))));
    expect(many.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(await h.services.usage.today('S', 'ann')).toMatchObject({ serverImages: 20, userImages: 8 });
    const full = await refusal(first.submit(submission('S', 'late', { count: 1 })));
    expect(full.reason).toBe('quota-server');
    expect(full.message).toMatch(/^Daily limit of 20 images for this server reached; resets at 00:00 UTC \(in (\d+ h )?\d+ min\)\.$/);
  });

  it('refuses when the queue is full, a user has too many waiting, or asks too often', async () => {
    h = new ScaleHarness(server.url, { user_max_queued: 2 });
    await h.openGateway({ QUEUE_MAX_LENGTH: '5' });
    // No worker: everything waits.
    for (let i = 0; i < 2; i++) await h.queue.submit(submission('S', 'ann'));
    const waiting = await refusal(h.queue.submit(submission('S', 'ann')));
    expect(waiting).toMatchObject({ reason: 'user-queued', message: 'You already have 2 jobs waiting (the limit here is 2); please wait until one starts.' });
    for (let i = 0; i < 3; i++) await h.queue.submit(submission(`s${i}`, 'u'));
    const full = await refusal(h.queue.submit(submission('s9', 'u')));
    expect(full).toMatchObject({ reason: 'queue-full', message: 'The queue is full (5 jobs); please try again in a few minutes.' });

    const unknown = await refusal(h.queue.submit(submission('T', 'bob', { model: 'nope' })));
    expect(unknown.message).toBe('Unknown model `nope`. Known models: `tiny`, `quick`.');

    await h.closeGateway();
    await h.openGateway({ QUEUE_MAX_LENGTH: '100' });
    await h.services.settings.set('T', 'user_requests_per_minute', 2);
    await h.services.settings.set('T', 'user_max_queued', 100);
    // A refused request does not count against the rate: bob has made none so far.
    await h.queue.submit(submission('T', 'bob'));
    await h.queue.submit(submission('T', 'bob'));
    const rate = await refusal(h.queue.submit(submission('T', 'bob')));
    expect(rate.reason).toBe('rate');
    expect(rate.message).toMatch(/^You can make 2 requests a minute here; please try again in (\d+ s|1 min)\.$/);
  });
});

describe.skipIf(!redisAvailable)('Redis queue across processes: cancel, timeout, failures, shutdown, restart', () => {
  it('cancels a job waiting to be handed over, one waiting in BullMQ and one running in a worker; refuses strangers; gives images back', async () => {
    h = new ScaleHarness(server.url, { daily_user_images: 100 });
    await h.openGateway();
    const runner = new FakeRunner({ durationMs: 60_000, steps: 600 });
    await h.openWorker({ runner });
    await h.services.settings.set('S', 'server_max_running', 2);
    const running = await h.queue.submit(submission('S', 'ann'));
    await h.next((e) => e.jobId === running.id && e.type === 'started');
    // The worker is busy: the second job waits in BullMQ, the third waits for S's slot.
    const inBull = await h.queue.submit(submission('S', 'ann'));
    const pending = await h.queue.submit(submission('S', 'ann'));
    const other = await h.queue.submit(submission('S', 'bob'));

    expect(await h.queue.cancel(pending.id, { userId: 'bob', serverId: 'S', isServerAdmin: false })).toBe('not-allowed');
    expect(await h.queue.cancel(pending.id, { userId: 'eve', serverId: 'T', isServerAdmin: true })).toBe('not-allowed');
    expect(await h.queue.cancel(pending.id, { userId: 'ann', serverId: 'S', isServerAdmin: false })).toBe('cancelled');
    expect(await h.queue.cancel(inBull.id, { userId: 'ann', serverId: 'S', isServerAdmin: false })).toBe('cancelled');
    await h.settled([pending.id, inBull.id]);
    expect(await h.queue.position(other.id)).toBe(1);

    expect(await h.queue.cancel(running.id, { userId: 'mod', serverId: 'S', isServerAdmin: true })).toBe('cancelled');
    await h.next((e) => e.jobId === other.id && e.type === 'started');
    expect(runner.aborted).toContain(running.id);
    for (const id of [running.id, inBull.id, pending.id]) {
      expect((await h.services.jobs.get(id))?.status).toBe('cancelled');
      expect(h.eventsOf(id).filter((e) => e.type === 'cancelled')).toHaveLength(1);
    }
    // ann's three cancelled jobs gave their 12 images back.
    expect((await h.services.usage.today('S', 'ann')).userImages).toBe(0);
    expect(runner.started).not.toContain(inBull.id);
    expect(await h.queue.cancel(running.id, { userId: 'ann', serverId: 'S', isServerAdmin: false })).toBe('finished');
    expect(await h.queue.cancel('nope', { userId: 'ann', serverId: 'S', isServerAdmin: false })).toBe('not-found');
  });

  it('stops a job past the timeout and tells the user; a failure shows the user message or a generic one', async () => {
    h = new ScaleHarness(server.url, { daily_user_images: 100 });
    await h.openGateway();
    const runner = new FakeRunner({
      durationMs: 20,
      steps: 2,
      fail: (job) =>
        job.params.prompt === 'expired' ? new UserError('The image this starts from has expired or was removed.') : job.params.prompt === 'boom' ? new Error('onnx exploded at node 42') : undefined,
    });
    await h.openWorker({ runner, concurrency: 2 });
    const a = await h.queue.submit(submission('S', 'ann', { prompt: 'expired' }));
    const b = await h.queue.submit(submission('T', 'ann', { prompt: 'boom' }));
    await h.settled([a.id, b.id]);
    expect(h.eventsOf(a.id).at(-1)).toEqual({ type: 'failed', jobId: a.id, message: 'The image this starts from has expired or was removed.' });
    expect(h.eventsOf(b.id).at(-1)).toEqual({ type: 'failed', jobId: b.id, message: JOB_FAILED });
    expect(h.logLines.join('')).toContain('onnx exploded at node 42');
    expect((await h.services.usage.today('S', 'ann')).userImages).toBe(0);

    const slow = new FakeRunner({ durationMs: 60_000, steps: 600 });
    await h.openWorker({ runner: slow, timeoutSeconds: 1, name: 'slow' });
    await h.workers[0]!.close({ deadlineMs: 0 });
    const late = await h.queue.submit(submission('U', 'cy'));
    const failed = await h.next((e) => e.jobId === late.id && e.type === 'failed');
    expect(failed).toMatchObject({ message: expect.stringMatching(/^This took longer than the 1 s limit and was stopped/) });
    expect(slow.aborted).toContain(late.id);
  });

  it('hands a running job back when a worker shuts down; another worker finishes it, announced once', async () => {
    h = new ScaleHarness(server.url);
    await h.openGateway();
    const first = new FakeRunner({ durationMs: 60_000, steps: 600 });
    const w1 = await h.openWorker({ runner: first });
    const job = await h.queue.submit(submission('S', 'ann'));
    await first.waitForStarts(1);
    await w1.close({ deadlineMs: 50 });
    expect(first.aborted).toEqual([job.id]);
    expect(await h.services.jobs.get(job.id)).toMatchObject({ status: 'queued', attempts: 0 });
    const second = new FakeRunner({ durationMs: 10, steps: 2 });
    await h.openWorker({ runner: second });
    await h.settled([job.id]);
    expect(second.finished).toEqual([job.id]);
    expect(await h.services.jobs.get(job.id)).toMatchObject({ status: 'done', attempts: 1 });
    expect(h.eventsOf(job.id).filter((e) => e.type === 'done')).toHaveLength(1);
    expect(h.eventsOf(job.id).filter((e) => e.type === 'started')).toHaveLength(2);
  });

  it('a gateway that restarts gets the results of its jobs that ended while it was away, once', async () => {
    h = new ScaleHarness(server.url);
    await h.openGateway();
    const runner = new FakeRunner({ durationMs: 10, steps: 1 });
    runner.hold();
    await h.openWorker({ runner });
    const delivery = { platform: 'discord' as const, gateway: 'gw-1', data: { token: 't' } };
    const done = await h.queue.submit(submission('S', 'ann', {}, { delivery }));
    const later = await h.queue.submit(submission('T', 'bob', {}, { delivery }));
    await runner.waitForStarts(1);
    await h.closeGateway();
    runner.release();
    await runner.waitForStarts(2);
    // Both finish while the gateway is down.
    for (let i = 0; i < 100 && runner.finished.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    await h.openGateway();
    await h.settled([done.id, later.id]);
    expect(h.eventsOf(done.id)).toEqual([{ type: 'done', jobId: done.id }]);
    expect(h.eventsOf(later.id)).toEqual([{ type: 'done', jobId: later.id }]);
    // A third start sees nothing left over.
    await h.closeGateway();
    await h.openGateway();
    await new Promise((r) => setTimeout(r, 50));
    expect(h.events).toEqual([]);
  });
});

describe.skipIf(!redisAvailable)('Redis queue bookkeeping', () => {
  it('keeps BullMQ priorities in range by moving the base up, without changing the fair order', async () => {
    h = new ScaleHarness(server.url);
    await h.openGateway();
    const { RedisBackend } = await import('../../src/queue/redis/backend.js');
    const probe = new RedisBackend({ url: server.url, prefix: h.prefix, settings: h.services.settings });
    await probe.redis.hset(probe.scripts.key('conf'), 'rebase_at', '3');
    await h.services.settings.set('A', 'server_max_running', 3);
    const runner = new FakeRunner({ durationMs: 5, steps: 1 });
    runner.hold();
    await h.openWorker({ runner });
    const a: JobRecord[] = [];
    for (let i = 0; i < 12; i++) a.push(await h.queue.submit(submission('A', `a${i % 3}`)));
    const c: JobRecord[] = [];
    for (let i = 0; i < 3; i++) c.push(await h.queue.submit(submission('C', 'c1')));
    runner.release();
    await h.settled([...a, ...c].map((j) => j.id));
    // Tags passed 3 several times: the base moved, and every priority BullMQ saw stayed near it.
    expect(Number(await probe.redis.hget(probe.scripts.key('base'), '0'))).toBeGreaterThan(3);
    const order = runner.finished;
    for (const j of c) expect(order.indexOf(j.id)).toBeLessThan(order.indexOf(a[8]!.id));
    for (const j of [...a, ...c]) expect((await h.services.jobs.get(j.id))?.status).toBe('done');
    await probe.close();
  });

  it('upkeep adds a released job a dead process never handed to BullMQ, and fails a running job whose BullMQ job vanished', async () => {
    h = new ScaleHarness(server.url, { daily_user_images: 100 });
    await h.openGateway();
    const { RedisBackend, bullIdOf } = await import('../../src/queue/redis/backend.js');
    const probe = new RedisBackend({ url: server.url, prefix: h.prefix, settings: h.services.settings });
    // Released by the submit script, then taken out of BullMQ as if the process died before adding it.
    const lost = await h.queue.submit(submission('S', 'ann'));
    await probe.queue.remove(bullIdOf(lost.id));
    await probe.redis.hset(probe.scripts.key('job', lost.id), '_rel', String(Date.now() - 60_000));
    // Stored as running, but nothing in BullMQ: its worker and its BullMQ job are gone.
    const ghost = await h.queue.submit(submission('T', 'bob'));
    await probe.queue.remove(bullIdOf(ghost.id));
    await h.services.jobs.update(ghost.id, { status: 'running', attempts: 1 });
    await probe.upkeep();
    expect(await probe.queue.getJobState(bullIdOf(lost.id))).toBe('prioritized');
    await h.next((e) => e.jobId === ghost.id && e.type === 'failed');
    expect(await h.services.jobs.get(ghost.id)).toMatchObject({ status: 'failed', error: RESTART_FAILURE });
    expect((await h.services.usage.today('T', 'bob')).userImages).toBe(0);
    const runner = new FakeRunner({ durationMs: 5, steps: 1 });
    await h.openWorker({ runner });
    // T's slot was freed: its next job runs.
    const next = await h.queue.submit(submission('T', 'bob'));
    await h.settled([lost.id, next.id]);
    expect(runner.finished.sort()).toEqual([lost.id, next.id].sort());
    await probe.close();
  });
});
