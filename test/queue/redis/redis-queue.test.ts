/**
 * The Redis backend's own behaviour in one process against a real redis-server (what every backend
 * does is in test/queue/contract.test.ts): where a cancel finds a job in BullMQ's life, workers that
 * stop, gateways that restart, and the bookkeeping that keeps BullMQ in step.
 */
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { JobRecord } from '../../../src/core/jobs.js';
import { RESTART_FAILURE } from '../../../src/queue/messages.js';
import { SAFETY_BLOCKED } from '../../../src/core/safety.js';
import { PipelineJobRunner } from '../../../src/jobs/runner.js';
import type { RunContext } from '../../../src/queue/types.js';
import { FakeRunner } from '../../fixtures/fake-runner.js';
import { ScaleHarness, refusal, submission } from './harness.js';
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

describe.skipIf(!redisAvailable)('Redis queue across processes: cancel, shutdown, restart', () => {
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

  it('a worker with the real pipeline checks results: a spoiler is marked and a blocked grid is withheld, refunded, kept apart for the log', async () => {
    h = new ScaleHarness(server.url, { daily_user_images: 100 });
    await h.openGateway();
    await h.openWorker({ inProcessPipeline: true });
    // A threshold of 0 flags any picture, so the tiny model's harmless ones drive both paths.
    const spoilered = await h.queue.submit(submission('S', 'ann', { steps: 2, safety: { policy: 'spoiler', threshold: 0, ageRestricted: false } }));
    const blocked = await h.queue.submit(submission('S', 'bob', { steps: 2, safety: { policy: 'block', threshold: 0, ageRestricted: false } }));
    await h.settled([spoilered.id, blocked.id]);
    const s = (await h.services.jobs.get(spoilered.id))!;
    expect(s).toMatchObject({ status: 'done', output: { spoiler: true }, moderation: { verdict: 'spoiler' } });
    const b = (await h.services.jobs.get(blocked.id))!;
    expect(b).toMatchObject({ status: 'failed', error: SAFETY_BLOCKED, moderation: { verdict: 'block' } });
    expect(b.output).toBeUndefined();
    expect(await h.sharedImages().has(b.moderation!.images[0]!)).toBe(true);
    expect((await h.services.usage.today('S', 'bob')).userImages).toBe(0);
  }, 120_000);

  it('a worker with the real pipeline runs the grids waiting behind a running one as one batch, each the grid it is alone', async () => {
    h = new ScaleHarness(server.url, { user_requests_per_minute: 0 });
    await h.openGateway();
    // The first job waits at its start until the others are queued behind it.
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const run = PipelineJobRunner.prototype.run;
    const runs = vi.spyOn(PipelineJobRunner.prototype, 'run').mockImplementationOnce(async function (this: PipelineJobRunner, job: JobRecord, ctx: RunContext) {
      await gate;
      return run.call(this, job, ctx);
    });
    const batches = vi.spyOn(PipelineJobRunner.prototype, 'runBatch');
    try {
      await h.openWorker({ inProcessPipeline: true });
      const first = await h.queue.submit(submission('A', 'ann', { steps: 2, prompt: 'a lighthouse' }));
      await vi.waitFor(() => expect(runs).toHaveBeenCalled(), { timeout: 60_000, interval: 20 });
      const waiting = [
        await h.queue.submit(submission('B', 'bob', { steps: 2, seed: 7 })),
        await h.queue.submit(submission('C', 'cy', { steps: 2, prompt: 'a blue whale', seed: 11, guidance: 3, negativePrompt: 'blurry' })),
        await h.queue.submit(submission('D', 'di', { steps: 2, prompt: 'green apple', seed: 42 })),
      ];
      open();
      await h.settled([first.id, ...waiting.map((j) => j.id)]);
      expect(batches).toHaveBeenCalledTimes(1);
      expect(batches.mock.calls[0]![0].map((i) => i.job.id)).toEqual(waiting.map((j) => j.id));
      batches.mockClear();
      const images = h.sharedImages();
      for (const j of waiting) {
        const batched = (await h.services.jobs.get(j.id))!;
        expect(batched.status).toBe('done');
        const again = await h.queue.submit(submission(j.serverId, j.userId, { ...j.params }));
        await h.settled([again.id]);
        const alone = (await h.services.jobs.get(again.id))!;
        for (let i = 0; i < 4; i++) {
          const [a, b] = await Promise.all([alone.output!.images[i]!, batched.output!.images[i]!].map(async (key) => sharp(await images.get(key)).raw().toBuffer()));
          expect(a).toEqual(b);
        }
      }
      expect(batches).not.toHaveBeenCalled();
    } finally {
      vi.restoreAllMocks();
    }
  }, 120_000);

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

  it('a worker shutting down hands every job of its running batch back; another worker finishes them, each done once', async () => {
    h = new ScaleHarness(server.url);
    await h.openGateway();
    const first = new FakeRunner({ batch: 4, durationMs: 60_000, steps: 600 });
    const w1 = await h.openWorker({ runner: first });
    const a = await h.queue.submit(submission('A', 'ann'));
    await first.waitForStarts(1);
    const batch = [await h.queue.submit(submission('B', 'bob')), await h.queue.submit(submission('C', 'cy')), await h.queue.submit(submission('D', 'di'))];
    const ids = batch.map((j) => j.id);
    // The first job ends; the three behind it start as one batch.
    expect(await h.queue.cancel(a.id, { userId: 'ann', serverId: 'A', isServerAdmin: false })).toBe('cancelled');
    await first.waitForStarts(4);
    expect(first.batches).toEqual([ids]);
    await w1.close({ deadlineMs: 50 });
    expect([...first.aborted].sort()).toEqual([a.id, ...ids].sort());
    for (const id of ids) expect(await h.services.jobs.get(id)).toMatchObject({ status: 'queued', attempts: 0 });

    const second = new FakeRunner({ batch: 4, durationMs: 10, steps: 2 });
    await h.openWorker({ runner: second });
    await h.settled(ids);
    // Back in front of the jobs of their priority; BullMQ orders equal priorities put back by id.
    expect(second.batches.map((b) => [...b].sort())).toEqual([[...ids].sort()]);
    for (const id of ids) {
      expect(await h.services.jobs.get(id)).toMatchObject({ status: 'done', attempts: 1 });
      expect(h.eventsOf(id).filter((e) => e.type === 'done')).toHaveLength(1);
    }
  });

  it('a job whose start fails as it joins a batch goes back in its place; the batch runs without it and the job runs next', async () => {
    h = new ScaleHarness(server.url);
    await h.openGateway();
    const runner = new FakeRunner({ batch: 4, durationMs: 60_000, steps: 600 });
    const worker = await h.openWorker({ runner });
    const a = await h.queue.submit(submission('A', 'ann'));
    await runner.waitForStarts(1);
    const [b, c, d] = [await h.queue.submit(submission('B', 'bob')), await h.queue.submit(submission('C', 'cy')), await h.queue.submit(submission('D', 'di'))];
    const scripts = worker.backend.scripts;
    const run = scripts.run.bind(scripts);
    let failed = 0;
    scripts.run = (async (name: string, ...args: unknown[]) => {
      if (name === 'imagineStart' && args.includes(c!.id) && failed++ === 0) throw new Error('connection lost');
      return run(name as never, ...(args as never[]));
    }) as typeof scripts.run;
    expect(await h.queue.cancel(a.id, { userId: 'ann', serverId: 'A', isServerAdmin: false })).toBe('cancelled');
    await runner.waitForStarts(2);
    expect(runner.started).toEqual([a.id, b!.id]);
    expect(await h.queue.cancel(b!.id, { userId: 'bob', serverId: 'B', isServerAdmin: false })).toBe('cancelled');
    await runner.waitForStarts(4);
    expect(runner.batches).toEqual([[c!.id, d!.id]]);
    for (const j of [c!, d!]) await h.queue.cancel(j.id, { userId: j.userId, serverId: j.serverId, isServerAdmin: false });
    await h.settled([a.id, b!.id, c!.id, d!.id]);
    expect(failed).toBe(2);
    expect(h.logLines.some((l) => l.includes('could not take more jobs into a batch'))).toBe(true);
  });

  it('keeps the lock of every job of a batch that runs longer than a lock lasts: none is taken as stalled and run twice', async () => {
    h = new ScaleHarness(server.url);
    await h.openGateway();
    const runner = new FakeRunner({ batch: 4, durationMs: 3000, steps: 30 });
    const starts: string[] = [];
    const locks = { lockDurationMs: 1000, stalledIntervalMs: 500, onRun: (e: { type: string; jobId: string }) => void (e.type === 'start' && starts.push(e.jobId)) };
    await h.openWorker({ runner, ...locks });
    runner.hold();
    const a = await h.queue.submit(submission('A', 'ann'));
    await runner.waitForStarts(1);
    const batch = [await h.queue.submit(submission('B', 'bob')), await h.queue.submit(submission('C', 'cy')), await h.queue.submit(submission('D', 'di'))];
    const ids = batch.map((j) => j.id);
    expect(await h.queue.cancel(a.id, { userId: 'ann', serverId: 'A', isServerAdmin: false })).toBe('cancelled');
    await runner.waitForStarts(4);
    runner.release();
    // An idle worker would take any job of the batch whose lock ran out.
    const idle = new FakeRunner();
    await h.openWorker({ runner: idle, ...locks });
    await h.settled(ids);
    expect(runner.batches).toEqual([ids]);
    expect(idle.started).toEqual([]);
    expect(starts).toEqual([a.id, ...ids]);
    for (const id of ids) expect(await h.services.jobs.get(id)).toMatchObject({ status: 'done', attempts: 1 });
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
    const { RedisBackend } = await import('../../../src/queue/redis/backend.js');
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
    const { RedisBackend, bullIdOf } = await import('../../../src/queue/redis/backend.js');
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
