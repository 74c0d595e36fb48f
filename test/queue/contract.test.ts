/**
 * What every queue backend promises (the JobQueue contract), run against each: the in-process
 * queue and the Redis backend. The fair order exists twice, in TypeScript (fair-scheduler.ts) and
 * in Lua (redis/lua/), and these tests hold both to the same behaviour. Backend-specific
 * behaviour (restarts, BullMQ bookkeeping, several processes) has its own files.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { JOB_FAILED, UserError } from '../../src/core/errors.js';
import type { JobRecord } from '../../src/core/jobs.js';
import { fairWeight } from '../../src/core/estimates.js';
import { FairScheduler, type SchedulerEntry } from '../../src/queue/fair-scheduler.js';
import { runRetention } from '../../src/store/retention.js';
import { SKIP_MESSAGE } from './redis/redis-server.js';
import { BACKENDS, type QueueWorld } from './backends.js';
import { refusal, submission } from './harness.js';

/**
 * The first job runs (held) while the rest wait: every waiting job's place is FairScheduler's
 * (server A capped at 2), and once released the jobs start in exactly FairScheduler's order.
 */
async function expectFairSchedulerOrder(w: QueueWorld, jobs: JobRecord[], entry: (j: JobRecord) => SchedulerEntry): Promise<void> {
  const model = new FairScheduler();
  model.setServerCap('A', 2);
  model.add(entry(jobs[0]!));
  let running = model.take()!;
  for (const j of jobs.slice(1)) model.add(entry(j));
  // The places users are told are the model's too.
  for (const j of jobs) expect(await w.queue.position(j.id), j.id).toBe(model.position(j.id));
  w.runner.release();
  await w.settled(jobs.map((j) => j.id));
  const expected = [running.id];
  for (;;) {
    model.finish(running.id);
    const next = model.take();
    if (!next) break;
    expected.push(next.id);
    running = next;
  }
  expect(w.runner.started).toEqual(expected);
}

for (const backend of BACKENDS) {
  if (!backend.available) console.warn(SKIP_MESSAGE);

  describe.skipIf(!backend.available)(`JobQueue contract: ${backend.name} backend`, () => {
    let w: QueueWorld | undefined;
    afterEach(async () => {
      await w?.dispose();
      w = undefined;
    });
    afterAll(async () => {
      await backend.shutdown();
    });

    describe('life-cycle', () => {
      it('keeps a finished job and its images for the retention, then deletes both; a waiting job stays', async () => {
        w = await backend.open();
        const done = await w.queue.submit(submission('S', 'ann'));
        await w.settled([done.id]);
        w.runner.hold();
        const waiting = await w.queue.submit(submission('S', 'bob'));
        const stored = (await w.jobs.get(done.id))!;
        const keep = { jobs: w.jobs, images: w.images, retentionDays: 30 };
        expect(await runRetention({ ...keep, now: () => stored.finishedAt! + 29 * 86_400_000 })).toBe(0);
        expect(await w.images.has(stored.output!.images[0]!)).toBe(true);
        expect(await runRetention({ ...keep, now: () => stored.finishedAt! + 31 * 86_400_000 })).toBe(1);
        expect(await w.jobs.get(done.id)).toBeUndefined();
        for (const key of stored.output!.images) expect(await w.images.has(key)).toBe(false);
        expect((await w.jobs.listForUser('S', 'ann', ['done'])).map((j) => j.id)).toEqual([]);
        expect((await w.jobs.get(waiting.id))?.status).toMatch(/queued|running/);
        w.runner.release();
      });

      it('estimates when a queued job starts and how long a running one has left, once a job like them has run', async () => {
        w = await backend.open({ runner: { durationMs: 400, steps: 4 } });
        const world = w;
        const first = await w.queue.submit(submission('S', 'ann'));
        expect(await w.queue.estimate(first.id)).toEqual(expect.not.objectContaining({ startsInMs: expect.any(Number) }));
        await w.settled([first.id]);
        // The next job starts and waits at the gate, so the one behind it stays queued while we look.
        w.runner.hold();
        const a = await w.queue.submit(submission('S', 'bob'));
        const b = await w.queue.submit(submission('T', 'cy'));
        // Which of the two starts first is the fair order's business (and Redis's timing): take the one that did.
        await expect.poll(async () => (await Promise.all([a, b].map(async (j) => (await world.jobs.get(j.id))?.status))).filter((s) => s === 'running').length, { timeout: 10_000, interval: 20 }).toBe(1);
        const [running, waiting] = (await world.jobs.get(a.id))?.status === 'running' ? [a, b] : [b, a];
        const left = (await w.queue.estimate(running.id)).leftMs;
        expect(left, 'time left of the running job').toBeGreaterThanOrEqual(0);
        expect(left).toBeLessThan(2000);
        const starts = (await w.queue.estimate(waiting.id)).startsInMs;
        expect(starts, `start of the queued job (${w.backend})`).toBeGreaterThanOrEqual(0);
        expect(starts).toBeLessThan(2000);
        w.runner.release();
        await w.settled([running.id, waiting.id]);
        await expect.poll(() => world.queue.estimate(waiting.id), { timeout: 5000, interval: 20 }).toEqual({});
      });

      it('emits queued, started, every step, done, each after the store has the new state', async () => {
        w = await backend.open({ runner: { durationMs: 8, steps: 4, previewAt: 2 } });
        const world = w;
        const seen: Promise<[string, string | undefined]>[] = [];
        world.queue.onEvent((e) => seen.push(world.jobs.get(e.jobId).then((j) => [e.type, j?.status])));
        const job = await w.queue.submit(submission('S', 'ann'));
        expect(job.status).toBe('queued');
        await w.settled([job.id]);
        expect(w.eventsOf(job.id).map((e) => e.type)).toEqual(['queued', 'started', 'progress', 'progress', 'progress', 'progress', 'done']);
        expect(w.eventsOf(job.id)[0]).toEqual({ type: 'queued', jobId: job.id, position: 1 });
        // A step's live preview travels with its progress event.
        expect(w.eventsOf(job.id).filter((e) => e.type === 'progress').map((e) => (e.type === 'progress' ? e.preview : ''))).toEqual([undefined, `${job.id}/live/2.webp`, undefined, undefined]);
        const expected: Record<string, string> = { queued: 'queued', started: 'running', progress: 'running', done: 'done' };
        const order = ['queued', 'running', 'done'];
        for (const [type, status] of await Promise.all(seen)) {
          // The state a listener reads is at least as far as the event; in one process, exactly it.
          expect(order.indexOf(status!)).toBeGreaterThanOrEqual(order.indexOf(expected[type]!));
          if (w.backend === 'local') expect(status).toBe(expected[type]);
        }
        const stored = await w.jobs.get(job.id);
        expect(stored).toMatchObject({ status: 'done', attempts: 1, output: { images: [`${job.id}/0.png`, `${job.id}/1.png`, `${job.id}/2.png`, `${job.id}/3.png`] } });
        expect(stored!.finishedAt).toBeGreaterThanOrEqual(stored!.startedAt!);
        expect((await w.images.get(stored!.output!.preview)).subarray(1, 4).toString()).toBe('PNG');
        expect(await w.queue.stats()).toMatchObject({ queued: 0, running: 0 });
      });

      it('tells a waiting job its new place as the jobs ahead of it run', async () => {
        w = await backend.open({ hold: true });
        const jobs: JobRecord[] = [];
        for (let i = 0; i < 3; i++) jobs.push(await w.queue.submit(submission('S', 'ann')));
        await w.runner.waitForStarts(1);
        expect(await w.queue.position(jobs[0]!.id)).toBeUndefined();
        expect(await w.queue.position(jobs[1]!.id)).toBe(1);
        expect(await w.queue.position(jobs[2]!.id)).toBe(2);
        // The first job ends and the second starts (and waits): the third is told it is next.
        w.runner.releaseOne();
        await w.next((e) => e.jobId === jobs[2]!.id && e.type === 'queued' && e.position === 1);
        w.runner.release();
        await w.settled(jobs.map((j) => j.id));
        const places = w.eventsOf(jobs[2]!.id).flatMap((e) => (e.type === 'queued' ? [e.position] : []));
        expect(places).toEqual([2, 1]);
      });

      it('gives the user a failure message: their own for a UserError, a generic one otherwise, with the detail only in the log; images go back', async () => {
        w = await backend.open({
          limits: { daily_user_images: 100 },
          concurrency: 2,
          runner: {
            fail: (job) =>
              job.params.prompt === 'expired' ? new UserError('The image this starts from has expired or was removed.') : job.params.prompt === 'boom' ? new Error('onnx exploded at node 42') : undefined,
          },
        });
        const a = await w.queue.submit(submission('S', 'ann', { prompt: 'expired' }));
        const b = await w.queue.submit(submission('T', 'ann', { prompt: 'boom' }));
        await w.settled([a.id, b.id]);
        expect(w.eventsOf(a.id).at(-1)).toEqual({ type: 'failed', jobId: a.id, message: 'The image this starts from has expired or was removed.' });
        expect(w.eventsOf(b.id).at(-1)).toEqual({ type: 'failed', jobId: b.id, message: JOB_FAILED });
        expect((await w.jobs.get(b.id))?.error).toBe(JOB_FAILED);
        expect(w.logLines.join('')).toContain('onnx exploded at node 42');
        expect((await w.usage.today('S', 'ann')).userImages).toBe(0);
      });

      it('stops a job that runs past the timeout with a clear message, and the next job runs', async () => {
        w = await backend.open({ timeoutSeconds: 1, runner: { durationMs: 60_000, steps: 600 } });
        const job = await w.queue.submit(submission('S', 'ann'));
        const failed = await w.next((e) => e.jobId === job.id && e.type === 'failed');
        expect(failed).toMatchObject({ message: expect.stringMatching(/^This took longer than the 1 s limit and was stopped/) });
        expect((await w.jobs.get(job.id))?.status).toBe('failed');
        const next = await w.queue.submit(submission('S', 'bob'));
        await w.next((e) => e.jobId === next.id && e.type === 'started');
        expect(w.runner.aborted).toContain(job.id);
      });
    });

    describe('fairness', () => {
      it('runs all 5 jobs of server B before the 12th of server A, which submitted 100 first; A\'s users take turns', async () => {
        w = await backend.open({ hold: true, runner: { durationMs: 2, steps: 1 } });
        const a: JobRecord[] = [];
        for (let i = 0; i < 100; i++) a.push(await w.queue.submit(submission('A', `a${i % 4}`)));
        const b: JobRecord[] = [];
        for (let i = 0; i < 5; i++) b.push(await w.queue.submit(submission('B', 'b1')));
        await w.runner.waitForStarts(1);
        // B's first job waits behind A's running one only.
        expect(await w.queue.position(b[0]!.id)).toBe(1);
        expect(await w.queue.position(a[1]!.id)).toBe(2);
        w.runner.release();
        await w.settled([...a, ...b].map((j) => j.id));
        const order = w.runner.finished;
        const twelfthOfA = order.indexOf(a[11]!.id);
        for (const j of b) expect(order.indexOf(j.id)).toBeLessThan(twelfthOfA);
        const firstOfA = order.filter((id) => a.some((j) => j.id === id)).slice(0, 4);
        expect(new Set(firstOfA.map((id) => a.find((j) => j.id === id)!.userId)).size).toBe(4);
      });

      it('starts a mixed burst of servers, users and caps in exactly the order of FairScheduler', async () => {
        w = await backend.open({ hold: true, runner: { durationMs: 1, steps: 1 } });
        await w.settings.set('A', 'server_max_running', 2);
        const who: [string, string][] = [];
        let seed = 7;
        const pick = <T>(xs: readonly T[]) => xs[(seed = (seed * 1103515245 + 12345) % 2147483648) % xs.length]!;
        for (let i = 0; i < 30; i++) {
          const server = pick(['A', 'A', 'B', 'C']);
          who.push([server, `${server.toLowerCase()}${pick([1, 2, 3])}`]);
        }
        // The first job starts (and waits) before the rest arrive, so no worker races a submit.
        const first = await w.queue.submit(submission(who[0]![0], who[0]![1]));
        await w.runner.waitForStarts(1);
        const jobs = [first];
        for (const [server, user] of who.slice(1)) jobs.push(await w.queue.submit(submission(server, user)));

        await expectFairSchedulerOrder(w, jobs, (j) => ({ id: j.id, serverId: j.serverId, userId: j.userId, priority: 0 }));
      });

      it('weighs each job by its work: a mixed burst of sizes and steps starts in exactly the order of FairScheduler, and its places are the model\'s', async () => {
        w = await backend.open({ hold: true, runner: { durationMs: 1, steps: 1 } });
        await w.settings.set('A', 'server_max_running', 2);
        let seed = 11;
        const pick = <T>(xs: readonly T[]) => xs[(seed = (seed * 1103515245 + 12345) % 2147483648) % xs.length]!;
        const subs = Array.from({ length: 30 }, () => {
          const server = pick(['A', 'A', 'B', 'C']);
          return submission(server, `${server.toLowerCase()}${pick([1, 2])}`, { steps: pick([2, 10, 40]), width: pick([64, 128, 256]), height: 128, count: pick([1, 4]) });
        });
        const first = await w.queue.submit(subs[0]!);
        await w.runner.waitForStarts(1);
        const jobs = [first];
        for (const s of subs.slice(1)) jobs.push(await w.queue.submit(s));
        expect(new Set(jobs.map((j) => j.weight)).size).toBeGreaterThan(3);
        expect(jobs.every((j) => j.weight === fairWeight(j.kind, j.params))).toBe(true);

        await expectFairSchedulerOrder(w, jobs, (j) => ({ id: j.id, serverId: j.serverId, userId: j.userId, priority: 0, weight: j.weight! }));
      });

      it('shares worker time, not turns: a server of 40-step jobs and one of 4-step jobs each get 40–60% of the busy time while both flood', async () => {
        w = await backend.open({ hold: true, runner: { durationMs: 1, steps: 1 } });
        const slow = { steps: 40, width: 256, height: 256 };
        const quick = { steps: 4, width: 256, height: 256 };
        const gate = await w.queue.submit(submission('Z', 'z', quick));
        await w.runner.waitForStarts(1);
        const jobs: JobRecord[] = [];
        for (let i = 0; i < 6; i++) jobs.push(await w.queue.submit(submission('A', `a${i % 2}`, slow)));
        for (let i = 0; i < 60; i++) jobs.push(await w.queue.submit(submission('B', `b${i % 3}`, quick)));
        w.runner.release();
        await w.settled([gate.id, ...jobs.map((j) => j.id)]);
        // While both still had jobs waiting: the work (steps) each server's started jobs took.
        const started = w.runner.started.filter((id) => id !== gate.id).map((id) => jobs.find((j) => j.id === id)!);
        const lastA = started.map((j) => j.serverId).lastIndexOf('A');
        const lastB = started.map((j) => j.serverId).lastIndexOf('B');
        const window = started.slice(0, Math.min(lastA, lastB));
        const busy = (server: string) => window.filter((j) => j.serverId === server).reduce((sum, j) => sum + j.params.steps, 0);
        const share = busy('A') / (busy('A') + busy('B'));
        expect(window.length).toBeGreaterThan(30);
        expect(share).toBeGreaterThanOrEqual(0.4);
        expect(share).toBeLessThanOrEqual(0.6);
      });

      it('honours server_max_running while other servers use the free slots', async () => {
        w = await backend.open({ concurrency: 4, runner: { durationMs: 30, steps: 2 } });
        await w.settings.set('A', 'server_max_running', 1);
        await w.settings.set('B', 'server_max_running', 2);
        const jobs = await Promise.all([
          ...Array.from({ length: 4 }, (_, i) => w!.queue.submit(submission('A', `u${i}`))),
          ...Array.from({ length: 4 }, (_, i) => w!.queue.submit(submission('B', `u${i}`))),
        ]);
        await w.settled(jobs.map((j) => j.id));
        expect(w.runner.maxRunningByServer.get('A')).toBe(1);
        expect(w.runner.maxRunningByServer.get('B')).toBe(2);
        expect(w.runner.maxRunning).toBe(3);
      });

      it('applies a server_max_running an admin raised while jobs wait', async () => {
        w = await backend.open({ hold: true, concurrency: 3, runner: { durationMs: 20, steps: 2 } });
        const jobs: JobRecord[] = [];
        for (let i = 0; i < 6; i++) jobs.push(await w.queue.submit(submission('S', `u${i}`)));
        await w.runner.waitForStarts(1);
        expect(w.runner.running.size).toBe(1);
        await w.settings.set('S', 'server_max_running', 3);
        w.runner.release();
        await w.settled(jobs.map((j) => j.id));
        expect(w.runner.maxRunningByServer.get('S')).toBe(3);
      });
    });

    describe('admission', () => {
      it('never overshoots the daily quotas under a burst of concurrent submits (through every gateway)', async () => {
        w = await backend.open({ hold: true, limits: { daily_user_images: 10, daily_server_images: 20 } });
        const via = (i: number) => w!.submitters[i % w!.submitters.length]!;
        const one = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => via(i).submit(submission('S', 'ann'))));
        expect(one.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
        const userRefusals = one.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as UserError);
        expect(new Set(userRefusals.map((e) => e.reason))).toEqual(new Set(['quota-user']));
        expect(userRefusals[0]!.message).toMatch(/^This needs 4 images, but only 2 of your daily 10 are left; resets at 00:00 UTC \(in .+\)\.$/);
        const many = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => via(i).submit(submission('S', `user${i}`))));
        expect(many.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
        expect(await w.usage.today('S', 'ann')).toMatchObject({ serverImages: 20, userImages: 8 });
        const full = await refusal(w.queue.submit(submission('S', 'late', { count: 1 })));
        expect(full.reason).toBe('quota-server');
        expect(full.message).toMatch(/^Daily limit of 20 images for this server reached; resets at 00:00 UTC \(in (\d+ h \d+ min|\d+ h|\d+ min|\d+ s)\)\.$/);
      });

      it('counts finished jobs’ worker time against daily_server_gpu_seconds: past it the server is refused until midnight, others go on', async () => {
        w = await backend.open({ runner: { workerMs: 1500 }, limits: { daily_server_gpu_seconds: 2 } });
        const first = await w.queue.submit(submission('S', 'ann'));
        await w.settled([first.id]);
        expect((await w.usage.today('S', 'ann')).serverGpuMs).toBe(1500);
        // Under the budget when it is asked for: it runs, and the server ends the day past it.
        const second = await w.queue.submit(submission('S', 'bob'));
        await w.settled([second.id]);
        expect((await w.usage.today('S', 'bob')).serverGpuMs).toBe(3000);
        const refused = await refusal(w.queue.submit(submission('S', 'cy')));
        expect(refused.reason).toBe('quota-gpu');
        expect(refused.message).toMatch(/^This server has used its daily 2 seconds of generation time; resets at 00:00 UTC \(in .+\)\.$/);
        const other = await w.queue.submit(submission('T', 'di'));
        await w.settled([other.id]);
        expect((await w.jobs.get(other.id))?.status).toBe('done');
        expect((await w.usage.today('T', 'di')).serverGpuMs).toBe(1500);
      });

      it('refuses when the queue is full, with the number of waiting jobs', async () => {
        w = await backend.open({ hold: true, maxLength: 3 });
        // One runs, three wait.
        for (let i = 0; i < 4; i++) await w.queue.submit(submission(`s${i}`, 'u'));
        await w.runner.waitForStarts(1);
        const err = await refusal(w.queue.submit(submission('s9', 'u')));
        expect(err).toMatchObject({ reason: 'queue-full', message: 'The queue is full (3 jobs); please try again in a few minutes.' });
      });

      it('limits the jobs one user has waiting and the requests per minute', async () => {
        w = await backend.open({ hold: true, limits: { user_max_queued: 2 } });
        // One runs, two wait; the fourth is refused.
        await w.queue.submit(submission('S', 'ann'));
        await w.runner.waitForStarts(1);
        for (let i = 0; i < 2; i++) await w.queue.submit(submission('S', 'ann'));
        const err = await refusal(w.queue.submit(submission('S', 'ann')));
        expect(err).toMatchObject({ reason: 'user-queued', message: 'You already have 2 jobs waiting (the limit here is 2); please wait until one starts.' });
        await w.queue.submit(submission('S', 'bob'));

        await w.settings.set('S', 'user_max_queued', 100);
        await w.settings.set('S', 'user_requests_per_minute', 4);
        // ann has made 3 requests (the refused one does not count): one more is fine, then no.
        await w.queue.submit(submission('S', 'ann'));
        const rate = await refusal(w.queue.submit(submission('S', 'ann')));
        expect(rate.reason).toBe('rate');
        expect(rate.message).toMatch(/^You can make 4 requests a minute here; please try again in (\d+ s|1 min)\.$/);
      });

      it('refuses blocked words as whole words in any case', async () => {
        w = await backend.open({ limits: { blocked_words: ['cat'] } });
        const err = await refusal(w.queue.submit(submission('S', 'u', { prompt: 'A Cat! on a mat' })));
        expect(err.reason).toBe('blocked-word');
        expect(err.message).toContain('"cat"');
        // Hidden characters and look-alike letters do not get a blocked word past the queue.
        for (const hidden of ['a c\u200Bat', 'a ｃａｔ', 'a с\u00ADat']) expect((await refusal(w.queue.submit(submission('S', 'u', { prompt: hidden })))).reason).toBe('blocked-word');
        const ok = await w.queue.submit(submission('S', 'u', { prompt: 'a category of hats' }));
        expect(ok.status).toBe('queued');
      });

      it('checks the model, steps, size and upscale against the server and the model', async () => {
        w = await backend.open({ limits: { max_steps: 30, max_pixels: 512 * 512 } });
        const reasons = async (fields: Parameters<typeof submission>[2], more?: Parameters<typeof submission>[3]) => refusal(w!.queue.submit(submission('S', 'u', fields, more)));
        expect(await reasons({ model: 'nope' })).toMatchObject({ reason: 'model-unknown', message: 'Unknown model `nope`. Known models: `tiny`, `quick`.' });
        expect((await reasons({ steps: 31 })).message).toMatch(/^31 steps is more than this server allows \(at most 30\)/);
        expect((await reasons({ model: 'quick', steps: 9 })).message).toMatch(/^9 steps is more than the model `quick` allows \(at most 8\)/);
        expect((await reasons({ width: 768, height: 768 })).message).toMatch(/^768×768 is larger than this server allows \(at most 262144 pixels/);
        await w.settings.set('S', 'allowed_models', ['quick']);
        expect((await reasons({})).message).toBe('The model `tiny` is not allowed on this server. Allowed: `quick`.');
        await w.settings.set('S', 'upscale_allowed', false);
        const up = await reasons({ model: 'quick', count: 1, factor: 2, source: { jobId: 'x', index: 0 } }, { kind: 'upscale' });
        expect(up).toMatchObject({ reason: 'upscale', message: 'Upscaling is turned off on this server.' });
        expect(await w.jobs.listByStatus(['queued', 'running', 'done'])).toEqual([]);
      });

      it('refuses an upscale whose output is past the server limit or the deployer ceiling, naming it', async () => {
        w = await backend.open({ limits: { max_upscale_pixels: 1024 * 1024 }, maxUpscalePixels: 2048 * 2048 });
        const upscale = (width: number, factor: 2 | 4) =>
          w!.queue.submit(submission('S', 'u', { count: 1, factor, source: { jobId: 'x', index: 0 }, outputSize: { width: width * factor, height: width * factor } }, { kind: 'upscale' }));
        expect((await upscale(512, 2)).status).toBe('queued');
        expect(await refusal(upscale(512, 4))).toMatchObject({
          reason: 'upscale-size',
          message: 'Upscaling this image 4× would make 2048×2048; this server allows at most 1024×1024 pixels (`max_upscale_pixels`). Try Upscale (2×).',
        });
        await w.settings.set('S', 'max_upscale_pixels', 4096 * 4096);
        expect((await upscale(512, 4)).status).toBe('queued');
        expect(await refusal(upscale(2048, 2))).toMatchObject({ reason: 'upscale-size', message: 'Upscaling this image 2× would make 4096×4096; this bot upscales to at most 2048×2048 pixels.' });
        expect(await w.jobs.listByStatus(['queued', 'running', 'done'])).toHaveLength(2);
      });
    });

    describe('cross-job batching', () => {
      type Flood = [server: string, fields: Partial<JobRecord['params']>][];
      /** Servers flooding while the first job holds the worker: 40-step and 4-step grids, one of another size. */
      const FLOODS: Record<string, Flood> = {
        'two servers': [
          ['A', { steps: 40 }],
          ['B', { steps: 4 }],
          ['B', { steps: 4 }],
          ['A', { steps: 40 }],
          ['B', { steps: 4 }],
          ['A', { steps: 40 }],
          ['A', { steps: 40, width: 128 }],
          ['B', { steps: 4 }],
          ['B', { steps: 4 }],
          ['A', { steps: 40 }],
        ],
        'three servers': [
          ['A', { steps: 40 }],
          ['B', { steps: 4 }],
          ['C', { steps: 4 }],
          ['A', { steps: 40 }],
          ['B', { steps: 4 }],
          ['C', { steps: 40 }],
          ['A', { steps: 40, width: 128 }],
          ['B', { steps: 4 }],
        ],
      };

      /** The first job runs (held) while the rest arrive; then all run. Returns the jobs' ids in submit order. */
      async function flood(batch: number, order: Flood): Promise<string[]> {
        w = await backend.open({ limits: { server_max_running: 4 }, runner: { batch }, hold: true });
        const ids = [(await w.queue.submit(submission(order[0]![0], 'u0', order[0]![1]))).id];
        await w.runner.waitForStarts(1);
        for (const [i, [server, fields]] of order.entries()) if (i > 0) ids.push((await w.queue.submit(submission(server, `u${i}`, fields))).id);
        w.runner.release();
        await w.settled(ids);
        return ids;
      }

      for (const [name, order] of Object.entries(FLOODS)) {
        it(`${name}: a batch only takes the jobs right behind in the fair order, so every job starts where it would without batching (never more than one batch later)`, async () => {
          const idsAlone = await flood(1, order);
          const alone = w!.runner.started.map((id) => idsAlone.indexOf(id));
          expect(w!.runner.batches).toEqual([]);
          await w!.dispose();

          const ids = await flood(4, order);
          expect(w!.runner.started.map((id) => ids.indexOf(id))).toEqual(alone);
          const jobs = await Promise.all(ids.map((id) => w!.jobs.get(id)));
          const shape = (id: string) => JSON.stringify([jobs.find((j) => j!.id === id)!.params.steps, jobs.find((j) => j!.id === id)!.params.width]);
          for (const batch of w!.runner.batches) expect(new Set(batch.map(shape)).size).toBe(1);
          // Compatible neighbours did share.
          expect(w!.runner.batches.length).toBeGreaterThan(0);
          for (const job of jobs) expect(job).toMatchObject({ status: 'done', attempts: 1 });
        });
      }

      it('a job cancelled in a running batch ends cancelled; the others of its batch finish', async () => {
        w = await backend.open({ limits: { server_max_running: 4 }, runner: { batch: 4, durationMs: 400, steps: 40 }, hold: true });
        const first = await w.queue.submit(submission('A', 'ann'));
        await w.runner.waitForStarts(1);
        const rest = [await w.queue.submit(submission('B', 'bob')), await w.queue.submit(submission('C', 'cy')), await w.queue.submit(submission('D', 'di'))];
        w.runner.release();
        await w.runner.waitForStarts(4);
        // The first ran alone; the three that waited behind it share one batch.
        expect(w.runner.batches).toEqual([rest.map((j) => j.id)]);
        expect(await w.queue.cancel(rest[1]!.id, { serverId: 'C', userId: 'cy', isServerAdmin: false })).toBe('cancelled');
        await w.settled([first.id, ...rest.map((j) => j.id)]);
        expect(w.runner.aborted).toEqual([rest[1]!.id]);
        expect((await w.jobs.get(rest[1]!.id))!.status).toBe('cancelled');
        for (const j of [rest[0]!, rest[2]!]) expect((await w.jobs.get(j.id))!.status).toBe('done');
        expect(w.eventsOf(rest[1]!.id).filter((e) => e.type === 'cancelled' || e.type === 'done')).toEqual([{ type: 'cancelled', jobId: rest[1]!.id }]);
      });

      it('a batch never holds more than the model allows, and a server over its cap is not batched past it', async () => {
        w = await backend.open({ limits: { server_max_running: 2 }, runner: { batch: 3 }, hold: true });
        const first = await w.queue.submit(submission('A', 'a0'));
        await w.runner.waitForStarts(1);
        const more = [];
        for (let i = 1; i < 7; i++) more.push(await w.queue.submit(submission(i < 4 ? 'B' : 'C', `u${i}`)));
        w.runner.release();
        await w.settled([first.id, ...more.map((j) => j.id)]);
        for (const batch of w.runner.batches) {
          expect(batch.length).toBeLessThanOrEqual(3);
          const servers = await Promise.all(batch.map(async (id) => (await w!.jobs.get(id))!.serverId));
          for (const s of new Set(servers)) expect(servers.filter((x) => x === s).length).toBeLessThanOrEqual(2);
        }
        expect(w.runner.maxRunningByServer.get('B')).toBeLessThanOrEqual(2);
        expect(w.runner.batches.length).toBeGreaterThan(0);
      });
    });

    describe('cancel', () => {
      it('lets the requester and a server admin cancel, refuses strangers, stops a running job and gives images back', async () => {
        w = await backend.open({ limits: { daily_user_images: 100 }, runner: { durationMs: 60_000, steps: 600 } });
        const running = await w.queue.submit(submission('S', 'ann'));
        await w.next((e) => e.jobId === running.id && e.type === 'started');
        const waiting = await w.queue.submit(submission('S', 'ann'));
        const other = await w.queue.submit(submission('S', 'bob'));

        expect(await w.queue.cancel(waiting.id, { userId: 'bob', serverId: 'S', isServerAdmin: false })).toBe('not-allowed');
        expect(await w.queue.cancel(waiting.id, { userId: 'eve', serverId: 'T', isServerAdmin: true })).toBe('not-allowed');
        expect((await w.jobs.get(waiting.id))?.status).toBe('queued');

        expect(await w.queue.cancel(waiting.id, { userId: 'ann', serverId: 'S', isServerAdmin: false })).toBe('cancelled');
        await w.settled([waiting.id]);
        expect(w.eventsOf(waiting.id).at(-1)).toEqual({ type: 'cancelled', jobId: waiting.id });
        expect(await w.queue.position(waiting.id)).toBeUndefined();
        expect(await w.queue.position(other.id)).toBe(1);

        // An admin stops ann's running job; the runner stops and bob's job starts.
        expect(await w.queue.cancel(running.id, { userId: 'mod', serverId: 'S', isServerAdmin: true })).toBe('cancelled');
        await w.next((e) => e.jobId === other.id && e.type === 'started');
        expect((await w.jobs.get(running.id))?.status).toBe('cancelled');
        expect(w.runner.aborted).toContain(running.id);
        for (const id of [running.id, waiting.id]) expect(w.eventsOf(id).filter((e) => e.type === 'cancelled')).toHaveLength(1);
        expect((await w.usage.today('S', 'ann')).userImages).toBe(0);

        expect(await w.queue.cancel(running.id, { userId: 'ann', serverId: 'S', isServerAdmin: false })).toBe('finished');
        expect(await w.queue.cancel('nope', { userId: 'ann', serverId: 'S', isServerAdmin: false })).toBe('not-found');
      });
    });
  });
}
