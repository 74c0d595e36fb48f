import { afterEach, describe, expect, it } from 'vitest';
import { dispatch, parseCommandText } from '../../commands/index.js';
import { encodeButtonId } from '../../src/core/buttons.js';
import type { Invocation } from '../../src/core/invocation.js';
import { runRetention } from '../../src/store/retention.js';
import { FakeRunner } from '../fixtures/fake-runner.js';
import { shown } from '../fixtures/markup.js';
import { Harness, invocation, submission } from '../queue/harness.js';

let h: Harness;
afterEach(async () => {
  await h.dispose();
});

async function text(inv: Invocation): Promise<string> {
  const outcome = await dispatch(inv, h.services());
  expect(outcome.kind).toBe('reply');
  expect(outcome.reply.ephemeral).toBe(true);
  return shown(outcome.reply.text);
}

describe('/info', () => {
  it('shows the user’s usage, what is left of both quotas, and their jobs with places', async () => {
    h = new Harness({ daily_user_images: 20, daily_server_images: 100, user_requests_per_minute: 6, user_max_queued: 3 });
    const runner = new FakeRunner();
    runner.hold();
    await h.open({ runner });
    const running = await h.queue.submit(submission('S', 'ann', { prompt: 'a red heart' }));
    await h.queue.submit(submission('S', 'bob'));
    const waiting = await h.queue.submit(submission('S', 'ann', { prompt: 'a **blue** star', count: 1 }));
    await runner.waitForStarts(1);

    const out = await text(invocation('info'));
    expect(out).toContain('You: **5** images · 15 of 20 left');
    expect(out).toContain('This server: **9** images · 91 of 100 left');
    expect(out).toMatch(/resets at 00:00 UTC \(in (\d+ h \d+ min|\d+ h|\d+ min|\d+ s)\)/);
    expect(out).toContain(`\`${running.id}\` running: a red heart (4 images, tiny)`);
    expect(out).toContain(`\`${waiting.id}\` queued, place 2: a blue star (1 image, tiny)`);
    expect(out).not.toContain('bob');

    const bob = await text(invocation('info', { userId: 'cy' }));
    expect(bob).toContain('You: **0** images · 20 of 20 left');
    expect(bob).toContain('None queued or running.');
  });
});

describe('/cancel', () => {
  it('reads an optional job id from text', () => {
    expect(parseCommandText('cancel', '')).toEqual({ options: {} });
    expect(parseCommandText('cancel', ' abc123 ')).toEqual({ options: { job: 'abc123' } });
    expect(() => parseCommandText('cancel', 'two words')).toThrow(/Usage/);
  });

  it('cancels the user’s newest job, or a named one; strangers are refused and nothing changes', async () => {
    h = new Harness();
    const runner = new FakeRunner();
    runner.hold();
    await h.open({ runner });
    const first = await h.queue.submit(submission('S', 'ann'));
    const second = await h.queue.submit(submission('S', 'ann'));
    const bobs = await h.queue.submit(submission('S', 'bob'));
    await runner.waitForStarts(1);

    expect(await text(invocation('cancel'))).toBe(`Cancelled \`${second.id}\`.`);
    expect((await h.stores.jobs.get(second.id))?.status).toBe('cancelled');

    expect(await text(invocation('cancel', { options: { job: bobs.id } }))).toBe(`Only the person who asked for \`${bobs.id}\` or a server admin can cancel it.`);
    expect((await h.stores.jobs.get(bobs.id))?.status).toBe('queued');
    expect(await text(invocation('cancel', { userId: 'mod', isServerAdmin: true, options: { job: bobs.id } }))).toBe(`Cancelled \`${bobs.id}\`.`);

    // The running one goes next, then there is nothing left.
    expect(await text(invocation('cancel'))).toBe(`Cancelled \`${first.id}\`.`);
    await h.next((e) => e.jobId === first.id && e.type === 'cancelled');
    expect(await text(invocation('cancel'))).toBe('You have no queued or running jobs.');
    expect(await text(invocation('cancel', { options: { job: first.id } }))).toBe(`\`${first.id}\` has already finished.`);
    expect(await text(invocation('cancel', { options: { job: 'zzzz' } }))).toBe('There is no job `zzzz`; `/info` lists yours.');
  });
});

describe('expired jobs', () => {
  it('answers a button on a job retention deleted with "no longer available", naming how long images are kept', async () => {
    h = new Harness();
    await h.open();
    const job = await h.queue.submit(submission('S', 'ann'));
    await h.settled([job.id]);
    const click = invocation('button', { options: { id: encodeButtonId({ action: 'up', jobId: job.id, index: 0, variant: '2' }) } });

    // While the images are kept, the click queues an upscale.
    const upscale = await dispatch(click, h.services());
    if (upscale.kind !== 'job') throw new Error('the click made no job');
    await h.settled([upscale.jobId]);
    const later = () => Date.now() + 31 * 86_400_000;
    expect(await runRetention({ jobs: h.stores.jobs, images: h.stores.images, retentionDays: 30, now: later })).toBe(2);
    expect(await h.stores.jobs.get(job.id)).toBeUndefined();
    expect(await h.stores.images.has(`${job.id}/0.png`)).toBe(false);
    expect(await text(click)).toBe('This image is no longer available (images are kept 30 days).');
  });
});
