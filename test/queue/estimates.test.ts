/**
 * ETAs: the queue learns how long a model's jobs take from the ones that ran (kept across
 * restarts), and the status a user sees says when a queued job starts and how long a running one
 * has left, close to what then happens.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { expectedMs, formatEta, mergeSpeed, speedKey, startsIn } from '../../src/core/estimates.js';
import type { JobEvent, JobRecord } from '../../src/core/jobs.js';
import type { Reply } from '../../src/core/reply.js';
import { followJobs } from '../../src/replies/follow.js';
import { FakeRunner } from '../fixtures/fake-runner.js';
import { shown } from '../fixtures/markup.js';
import { dispatch } from '../../commands/index.js';
import { Harness, invocation, submission } from './harness.js';

let h: Harness;
afterEach(async () => {
  await h?.dispose();
});

describe('estimates', () => {
  it('fills free slots in order: a job starts when the slot it waits for frees', () => {
    expect(startsIn([], [], 1)).toBe(0);
    expect(startsIn([300], [100, 100], 1)).toBe(500);
    expect(startsIn([300], [100, 100], 2)).toBe(200);
    expect(startsIn([300, 50], [100, 100, 100], 2)).toBe(300);
    expect(startsIn([300], [undefined], 1)).toBeUndefined();
    expect([formatEta(14_200), formatEta(400), formatEta(150_000), formatEta(5_400_000)]).toEqual(['≈ 14 s', '≈ 1 s', '≈ 3 min', '≈ 1 h 30 min']);
    const speed = mergeSpeed(mergeSpeed(undefined, { msPerUnit: 10, overheadMs: 100 }), { msPerUnit: 20, overheadMs: 100 });
    expect(speed).toEqual({ msPerUnit: 13, overheadMs: 100, samples: 2 });
  });

  it('learns a model’s speed from a finished job, and keeps it across a restart', async () => {
    h = new Harness();
    await h.open({ runner: { durationMs: 400, steps: 8 } });
    const first = await h.queue.submit(submission('S', 'ann'));
    await h.settled([first.id]);
    const speed = await h.stores.jobs.speed(speedKey('imagine', first.params));
    expect(speed?.samples).toBe(1);
    const expected = expectedMs(speed, 'imagine', first.params)!;
    expect(expected).toBeGreaterThan(200);
    expect(expected).toBeLessThan(1600);
    await h.close();
    await h.open({ runner: { durationMs: 400, steps: 8 } });
    expect(await h.stores.jobs.speed(speedKey('imagine', first.params))).toEqual(speed);
  });

  it('/info tells a user how long their running job has left and when their queued one starts', async () => {
    h = new Harness({ user_max_queued: 10 });
    const runner = new FakeRunner({ durationMs: 400, steps: 8 });
    await h.open({ runner });
    const warm = await h.queue.submit(submission('S', 'ann'));
    await h.settled([warm.id]);
    runner.hold();
    const running = await h.queue.submit(submission('S', 'ann', { prompt: 'first' }));
    const queued = await h.queue.submit(submission('S', 'ann', { prompt: 'second' }));
    await runner.waitForStarts(2);
    const out = await dispatch(invocation('info'), h.services());
    const text = shown(out.reply.text);
    expect(text).toMatch(new RegExp(`\`${running.id}\` running, ≈ \\d+ s left: first`));
    expect(text).toMatch(new RegExp(`\`${queued.id}\` queued, place 1, starts in ≈ \\d+ s: second`));
    runner.release();
    await h.settled([running.id, queued.id]);
  });

  it('shows each of 6 equal queued jobs a start time within a factor of 2 of its real wait', async () => {
    h = new Harness({ user_max_queued: 10, daily_user_images: 0, daily_server_images: 0 });
    await h.open({ runner: { durationMs: 800, steps: 8 } });
    // One job first, so the queue knows how long this model's jobs take.
    const warm = await h.queue.submit(submission('S', 'ann'));
    await h.settled([warm.id]);

    const shownAt: { jobId: string; text: string; at: number }[] = [];
    const started = new Map<string, number>();
    h.queue.onEvent((e: JobEvent) => {
      if (e.type === 'started') started.set(e.jobId, Date.now());
    });
    const stop = followJobs(h.services(), {
      platform: 'discord',
      gateway: 'main',
      progressIntervalMs: 0,
      async deliver(job: JobRecord, reply: Reply) {
        shownAt.push({ jobId: job.id, text: shown(reply.text), at: Date.now() });
      },
    });
    try {
      const jobs: JobRecord[] = [];
      for (const user of ['ann', 'bob', 'cy', 'dee', 'eve', 'fay']) jobs.push(await h.queue.submit(submission('S', user, {}, { delivery: { platform: 'discord', gateway: 'main', data: {} } })));
      await h.settled(jobs.map((j) => j.id));
      let checked = 0;
      for (const job of jobs.slice(1)) {
        const first = shownAt.find((s) => s.jobId === job.id && /starts in ≈ \d+ s/.test(s.text));
        expect(first, `the status of ${job.id} with a start time`).toBeDefined();
        const promised = Number(/starts in ≈ (\d+) s/.exec(first!.text)![1]) * 1000;
        const waited = started.get(job.id)! - first!.at;
        // Shown in whole seconds: compare with the wait rounded the same way (at least 1 s).
        const real = Math.max(1000, Math.round(waited / 1000) * 1000);
        expect(promised / real, `${first!.text} vs ${waited} ms`).toBeGreaterThanOrEqual(0.5);
        expect(promised / real, `${first!.text} vs ${waited} ms`).toBeLessThanOrEqual(2);
        checked++;
      }
      expect(checked).toBe(5);
      // A running job's status says how long it has left.
      expect(shownAt.some((s) => /\([▰▱]{8} \d+% · ≈ \d+ s left\)/.test(s.text))).toBe(true);
    } finally {
      stop();
    }
  });
});
