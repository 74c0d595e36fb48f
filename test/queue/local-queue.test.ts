import { afterEach, describe, expect, it } from 'vitest';
import { JOB_FAILED, UserError } from '../../src/core/errors.js';
import type { JobRecord } from '../../src/core/jobs.js';
import { RESTART_FAILURE } from '../../src/queue/messages.js';
import { FakeRunner } from '../fixtures/fake-runner.js';
import { Harness, submission } from './harness.js';

let h: Harness;
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

describe('fairness', () => {
  it('runs all 5 jobs of server B before the 12th of server A, which submitted 100 first', async () => {
    h = new Harness();
    const runner = new FakeRunner({ durationMs: 2, steps: 1 });
    runner.hold();
    await h.open({ runner });
    const a: JobRecord[] = [];
    for (let i = 0; i < 100; i++) a.push(await h.queue.submit(submission('A', `a${i % 4}`)));
    const b: JobRecord[] = [];
    for (let i = 0; i < 5; i++) b.push(await h.queue.submit(submission('B', 'b1')));
    runner.release();
    await h.settled([...a, ...b].map((j) => j.id));
    const order = runner.finished;
    const twelfthOfA = order.indexOf(a[11]!.id);
    for (const j of b) expect(order.indexOf(j.id)).toBeLessThan(twelfthOfA);
    // A's own users took turns: A's first four runs were four different users.
    expect(new Set(order.filter((id) => a.some((j) => j.id === id)).slice(0, 4).map((id) => a.find((j) => j.id === id)!.userId)).size).toBe(4);
  });

  it('honours server_max_running while other servers use the free slots', async () => {
    h = new Harness();
    await h.open({ concurrency: 4, runner: new FakeRunner({ durationMs: 8, steps: 2 }) });
    await h.stores.settings.set('A', 'server_max_running', 1);
    await h.stores.settings.set('B', 'server_max_running', 2);
    const jobs = await Promise.all([
      ...Array.from({ length: 4 }, (_, i) => h.queue.submit(submission('A', `u${i}`))),
      ...Array.from({ length: 4 }, (_, i) => h.queue.submit(submission('B', `u${i}`))),
    ]);
    await h.settled(jobs.map((j) => j.id));
    expect(h.runner.maxRunningByServer.get('A')).toBe(1);
    expect(h.runner.maxRunningByServer.get('B')).toBe(2);
    expect(h.runner.maxRunning).toBe(3);
  });
});

describe('limit changes', () => {
  it('applies a server_max_running an admin raised while jobs wait', async () => {
    h = new Harness();
    const runner = new FakeRunner({ durationMs: 20, steps: 2 });
    runner.hold();
    await h.open({ runner, concurrency: 3 });
    const jobs = [];
    for (let i = 0; i < 6; i++) jobs.push(await h.queue.submit(submission('S', `u${i}`)));
    expect(runner.running.size).toBe(1);
    await h.stores.settings.set('S', 'server_max_running', 3);
    runner.release();
    await h.settled(jobs.map((j) => j.id));
    expect(runner.maxRunningByServer.get('S')).toBe(3);
  });
});

describe('admission', () => {
  it('never overshoots the daily quotas under a burst of concurrent submits', async () => {
    h = new Harness({ daily_user_images: 10, daily_server_images: 20 });
    const runner = new FakeRunner();
    runner.hold();
    await h.open({ runner });
    // One user: 20 submits of 4 images at once against a quota of 10.
    const one = await Promise.allSettled(Array.from({ length: 20 }, () => h.queue.submit(submission('S', 'ann'))));
    expect(one.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    const userRefusals = one.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as UserError);
    expect(new Set(userRefusals.map((e) => e.reason))).toEqual(new Set(['quota-user']));
    expect(userRefusals[0]!.message).toMatch(/^This needs 4 images, but only 2 of your daily 10 are left; resets at 00:00 UTC \(in .+\)\.$/);
    // Many users at once against the server's 20.
    const many = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => h.queue.submit(submission('S', `user${i}`))));
    expect(many.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    const usage = await h.stores.usage.today('S', 'ann');
    expect(usage).toMatchObject({ serverImages: 20, userImages: 8 });
    const full = await refusal(h.queue.submit(submission('S', 'late', { count: 1 })));
    expect(full.reason).toBe('quota-server');
    expect(full.message).toMatch(/^Daily limit of 20 images for this server reached; resets at 00:00 UTC \(in (\d+ h )?\d+ min\)\.$/);
  });

  it('refuses when the queue is full, with the number of waiting jobs', async () => {
    h = new Harness();
    const runner = new FakeRunner();
    runner.hold();
    await h.open({ runner, maxLength: 3 });
    for (let i = 0; i < 4; i++) await h.queue.submit(submission(`s${i}`, 'u'));
    const err = await refusal(h.queue.submit(submission('s9', 'u')));
    expect(err.reason).toBe('queue-full');
    expect(err.message).toBe('The queue is full (3 jobs); please try again in a few minutes.');
  });

  it('refuses blocked words as whole words in any case', async () => {
    h = new Harness({ blocked_words: ['cat'] });
    await h.open();
    const err = await refusal(h.queue.submit(submission('S', 'u', { prompt: 'A Cat! on a mat' })));
    expect(err.reason).toBe('blocked-word');
    expect(err.message).toContain('"cat"');
    const ok = await h.queue.submit(submission('S', 'u', { prompt: 'a category of hats' }));
    expect(ok.status).toBe('queued');
  });

  it('checks the model, steps, size and upscale against the server and the model', async () => {
    h = new Harness({ max_steps: 30, max_pixels: 512 * 512 });
    await h.open();
    const reasons = async (fields: Parameters<typeof submission>[2], more?: Parameters<typeof submission>[3]) =>
      refusal(h.queue.submit(submission('S', 'u', fields, more)));
    const unknown = await reasons({ model: 'nope' });
    expect(unknown.message).toBe('Unknown model `nope`. Known models: `tiny`, `quick`.');
    expect((await reasons({ steps: 31 })).message).toMatch(/^31 steps is more than this server allows \(at most 30\)/);
    expect((await reasons({ model: 'quick', steps: 9 })).message).toMatch(/^9 steps is more than the model `quick` allows \(at most 8\)/);
    expect((await reasons({ width: 768, height: 768 })).message).toMatch(/^768×768 is larger than this server allows \(at most 262144 pixels/);
    await h.stores.settings.set('S', 'allowed_models', ['quick']);
    expect((await reasons({})).message).toBe('The model `tiny` is not allowed on this server. Allowed: `quick`.');
    await h.stores.settings.set('S', 'upscale_allowed', false);
    const up = await reasons({ model: 'quick', count: 1, factor: 2, source: { jobId: 'x', index: 0 } }, { kind: 'upscale' });
    expect(up).toMatchObject({ reason: 'upscale', message: 'Upscaling is turned off on this server.' });
  });

  it('limits the jobs one user has waiting and the requests per minute', async () => {
    h = new Harness({ user_max_queued: 2 });
    const runner = new FakeRunner();
    runner.hold();
    await h.open({ runner });
    // One runs, two wait; the fourth is refused.
    for (let i = 0; i < 3; i++) await h.queue.submit(submission('S', 'ann'));
    const err = await refusal(h.queue.submit(submission('S', 'ann')));
    expect(err).toMatchObject({ reason: 'user-queued' });
    expect(err.message).toMatch(/^You already have 2 jobs waiting/);
    await h.queue.submit(submission('S', 'bob'));

    await h.stores.settings.set('S', 'user_max_queued', 100);
    await h.stores.settings.set('S', 'user_requests_per_minute', 4);
    // ann has made 3 requests (the refused one does not count): one more is fine, then no.
    await h.queue.submit(submission('S', 'ann'));
    const rate = await refusal(h.queue.submit(submission('S', 'ann')));
    expect(rate.reason).toBe('rate');
    expect(rate.message).toMatch(/^You can make 4 requests a minute here; please try again in (\d+ s|1 min)\.$/);
  });

  it('keeps limits and usage across a restart on the same database', async () => {
    h = new Harness({ daily_user_images: 8 });
    await h.open();
    await h.stores.settings.set('S', 'max_steps', 12);
    const j = await h.queue.submit(submission('S', 'ann'));
    await h.settled([j.id]);
    await h.close();

    await h.open();
    expect((await h.stores.settings.get('S')).max_steps).toBe(12);
    expect(await h.stores.usage.today('S', 'ann')).toMatchObject({ userImages: 4, serverImages: 4 });
    await h.queue.submit(submission('S', 'ann'));
    expect((await refusal(h.queue.submit(submission('S', 'ann')))).reason).toBe('quota-user');
    expect((await refusal(h.queue.submit(submission('S', 'bob', { steps: 13 })))).reason).toBe('steps');
  });
});

describe('life-cycle', () => {
  it('emits queued, started, every step, done, each after the store has the new state', async () => {
    h = new Harness();
    await h.open({ runner: new FakeRunner({ durationMs: 4, steps: 4 }) });
    const seen: Promise<[string, string | undefined]>[] = [];
    h.queue.onEvent((e) => seen.push(h.stores.jobs.get(e.jobId).then((j) => [e.type, j?.status])));
    const job = await h.queue.submit(submission('S', 'ann'));
    await h.settled([job.id]);
    expect(h.eventsOf(job.id).map((e) => e.type)).toEqual(['queued', 'started', 'progress', 'progress', 'progress', 'progress', 'done']);
    expect(h.eventsOf(job.id)[0]).toEqual({ type: 'queued', jobId: job.id, position: 1 });
    const statuses = await Promise.all(seen);
    const expected: Record<string, string> = { queued: 'queued', started: 'running', progress: 'running', done: 'done' };
    for (const [type, status] of statuses) expect(status).toBe(expected[type]);
    const stored = await h.stores.jobs.get(job.id);
    expect(stored).toMatchObject({ status: 'done', attempts: 1, output: { images: [`${job.id}/0.png`, `${job.id}/1.png`, `${job.id}/2.png`, `${job.id}/3.png`] } });
    expect(stored!.finishedAt).toBeGreaterThanOrEqual(stored!.startedAt!);
  });

  it('tells a waiting job its new place as the jobs ahead of it run', async () => {
    h = new Harness();
    const runner = new FakeRunner();
    runner.hold();
    await h.open({ runner });
    const jobs: JobRecord[] = [];
    for (let i = 0; i < 3; i++) jobs.push(await h.queue.submit(submission('S', 'ann')));
    expect(await h.queue.position(jobs[0]!.id)).toBeUndefined();
    expect(await h.queue.position(jobs[2]!.id)).toBe(2);
    runner.release();
    await h.settled(jobs.map((j) => j.id));
    const places = h.eventsOf(jobs[2]!.id).flatMap((e) => (e.type === 'queued' ? [e.position] : []));
    expect(places).toEqual([2, 1]);
  });

  it('gives the user a failure message: their own for a UserError, a generic one otherwise, with the detail only in the log', async () => {
    h = new Harness({ daily_user_images: 100 });
    const runner = new FakeRunner({
      fail: (job) =>
        job.params.prompt === 'expired' ? new UserError('The image this starts from has expired or was removed.') : job.params.prompt === 'boom' ? new Error('onnx exploded at node 42') : undefined,
    });
    await h.open({ runner });
    const a = await h.queue.submit(submission('S', 'ann', { prompt: 'expired' }));
    const b = await h.queue.submit(submission('S', 'ann', { prompt: 'boom' }));
    await h.settled([a.id, b.id]);
    expect(h.eventsOf(a.id).at(-1)).toEqual({ type: 'failed', jobId: a.id, message: 'The image this starts from has expired or was removed.' });
    expect(h.eventsOf(b.id).at(-1)).toEqual({ type: 'failed', jobId: b.id, message: JOB_FAILED });
    expect((await h.stores.jobs.get(b.id))?.error).toBe(JOB_FAILED);
    expect(h.logLines.join('')).toContain('onnx exploded at node 42');
    // Failed jobs give their images back.
    expect((await h.stores.usage.today('S', 'ann')).userImages).toBe(0);
  });

  it('stops a job that runs past the timeout with a clear message', async () => {
    h = new Harness();
    await h.open({ runner: new FakeRunner({ durationMs: 60_000, steps: 600 }), timeoutMs: 50 });
    const job = await h.queue.submit(submission('S', 'ann'));
    const failed = await h.next((e) => e.jobId === job.id && e.type === 'failed');
    expect(failed).toMatchObject({ message: expect.stringMatching(/^This took longer than the 1 s limit and was stopped/) });
    expect((await h.stores.jobs.get(job.id))?.status).toBe('failed');
    const next = await h.queue.submit(submission('S', 'bob'));
    await h.next((e) => e.jobId === next.id && e.type === 'started');
    expect(h.runner.aborted).toContain(job.id);
  });
});

describe('cancel', () => {
  it('lets the requester and a server admin cancel, refuses strangers, and gives images back', async () => {
    h = new Harness({ daily_user_images: 100 });
    const runner = new FakeRunner({ durationMs: 60_000, steps: 600 });
    await h.open({ runner });
    const running = await h.queue.submit(submission('S', 'ann'));
    const waiting = await h.queue.submit(submission('S', 'ann'));
    const other = await h.queue.submit(submission('S', 'bob'));
    await h.next((e) => e.jobId === running.id && e.type === 'started');

    expect(await h.queue.cancel(waiting.id, { userId: 'bob', serverId: 'S', isServerAdmin: false })).toBe('not-allowed');
    expect(await h.queue.cancel(waiting.id, { userId: 'eve', serverId: 'T', isServerAdmin: true })).toBe('not-allowed');
    expect((await h.stores.jobs.get(waiting.id))?.status).toBe('queued');

    expect(await h.queue.cancel(waiting.id, { userId: 'ann', serverId: 'S', isServerAdmin: false })).toBe('cancelled');
    expect(h.eventsOf(waiting.id).at(-1)).toEqual({ type: 'cancelled', jobId: waiting.id });
    expect(await h.queue.position(waiting.id)).toBeUndefined();
    expect(await h.queue.position(other.id)).toBe(1);

    // An admin stops ann's running job; the runner stops and bob's job starts.
    expect(await h.queue.cancel(running.id, { userId: 'mod', serverId: 'S', isServerAdmin: true })).toBe('cancelled');
    expect((await h.stores.jobs.get(running.id))?.status).toBe('cancelled');
    await h.next((e) => e.jobId === other.id && e.type === 'started');
    expect(runner.aborted).toContain(running.id);
    expect((await h.stores.usage.today('S', 'ann')).userImages).toBe(0);

    expect(await h.queue.cancel(running.id, { userId: 'ann', serverId: 'S', isServerAdmin: false })).toBe('finished');
    expect(await h.queue.cancel('nope', { userId: 'ann', serverId: 'S', isServerAdmin: false })).toBe('not-found');
  });
});

describe('restart', () => {
  it('hands running jobs back at close and runs every job after the next start, in order', async () => {
    h = new Harness();
    const first = new FakeRunner({ durationMs: 60_000, steps: 600 });
    await h.open({ runner: first });
    const jobs: JobRecord[] = [];
    for (const [server, user] of [['S', 'ann'], ['S', 'ann'], ['S', 'bob'], ['T', 'cy'], ['S', 'ann']] as const) {
      jobs.push(await h.queue.submit(submission(server, user)));
    }
    await first.waitForStarts(1);
    await h.queue.close({ deadlineMs: 0 });
    expect(await h.stores.jobs.listByStatus(['running'])).toEqual([]);
    const stored = await h.stores.jobs.listByStatus(['queued']);
    expect(stored.map((j) => j.id)).toEqual(jobs.map((j) => j.id));
    expect(stored[0]!.attempts).toBe(0);
    await expect(h.queue.submit(submission('S', 'ann'))).rejects.toThrow(/restarting/);
    h.stores.close();
    first.release();

    const second = new FakeRunner({ durationMs: 2, steps: 1 });
    await h.open({ runner: second });
    await h.settled(jobs.map((j) => j.id));
    for (const j of jobs) expect((await h.stores.jobs.get(j.id))?.status).toBe('done');
    const order = second.finished;
    expect(order[0]).toBe(jobs[0]!.id);
    // Each user's jobs keep their order.
    const annOrder = order.filter((id) => [jobs[0], jobs[1], jobs[4]].some((j) => j!.id === id));
    expect(annOrder).toEqual([jobs[0]!.id, jobs[1]!.id, jobs[4]!.id]);
  });

  it('lets a running job finish when it ends before the close deadline', async () => {
    h = new Harness();
    await h.open({ runner: new FakeRunner({ durationMs: 40, steps: 4 }) });
    const running = await h.queue.submit(submission('S', 'ann'));
    const waiting = await h.queue.submit(submission('S', 'ann'));
    await h.runner.waitForStarts(1);
    await h.queue.close({ deadlineMs: 10_000 });
    expect((await h.stores.jobs.get(running.id))?.status).toBe('done');
    // The waiting job was not started and stays queued for the next start.
    expect(await h.stores.jobs.get(waiting.id)).toMatchObject({ status: 'queued', attempts: 0 });
    expect(h.runner.started).toEqual([running.id]);
  });

  it('after a crash, retries a running job once and fails one that already ran twice, with a message', async () => {
    h = new Harness({ daily_user_images: 100 });
    await h.open({ start: false });
    const t = Date.now() - 10_000;
    const base = { kind: 'imagine', platform: 'slack', channelId: 'c', userName: 'x', priority: 0, cost: 4 } as const;
    const p = { prompt: 'a heart', negativePrompt: '', model: 'tiny', seed: 1, steps: 4, guidance: 7, width: 64, height: 64, count: 4 };
    await h.stores.jobs.insert({ ...base, id: 'twice', serverId: 'S', userId: 'ann', params: p, status: 'running', createdAt: t + 1, attempts: 2 });
    await h.stores.jobs.insert({ ...base, id: 'once', serverId: 'S', userId: 'bob', params: p, status: 'running', createdAt: t + 2, attempts: 1 });
    await h.stores.jobs.insert({ ...base, id: 'waiting', serverId: 'S', userId: 'cy', params: p, status: 'queued', createdAt: t + 3, attempts: 0 });
    await h.stores.usage.reserve({ serverId: 'S', userId: 'ann', cost: 4, now: t + 1, dailyServerImages: 0, dailyUserImages: 0, requestsPerMinute: 0 });
    await h.queue.start();
    await h.settled(['twice', 'once', 'waiting']);
    expect(h.eventsOf('twice').at(-1)).toEqual({ type: 'failed', jobId: 'twice', message: RESTART_FAILURE });
    expect(await h.stores.jobs.get('twice')).toMatchObject({ status: 'failed', error: RESTART_FAILURE });
    expect(await h.stores.jobs.get('once')).toMatchObject({ status: 'done', attempts: 2 });
    expect(await h.stores.jobs.get('waiting')).toMatchObject({ status: 'done', attempts: 1 });
    expect(h.runner.finished).toEqual(['once', 'waiting']);
    expect(h.eventsOf('waiting')[0]).toEqual({ type: 'queued', jobId: 'waiting', position: 2 });
    expect((await h.stores.usage.today('S', 'ann')).userImages).toBe(0);
  });
});
