import { afterEach, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../src/core/jobs.js';
import { RESTART_FAILURE } from '../../src/queue/messages.js';
import { FakeRunner } from '../fixtures/fake-runner.js';
import { Harness, refusal, submission } from './harness.js';

// What every queue backend does is in contract.test.ts; this file holds what is the in-process queue's own: restarts.
let h: Harness;
afterEach(async () => {
  await h?.dispose();
});

describe('restart', () => {
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
