/**
 * The image safety check on every result, through the command layer, queue and pipeline worker
 * with the shipped classifier. The pictures are harmless: a server threshold of 0 flags anything,
 * which is how the block, spoiler and allow paths are driven.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../commands/index.js';
import type { Invocation } from '../../src/core/invocation.js';
import { CHILD_SAFETY_REFUSAL } from '../../src/core/prompt-checks.js';
import { DEFAULT_NSFW_THRESHOLD, SAFETY_BLOCKED } from '../../src/core/safety.js';
import { renderJob } from '../../src/replies/render.js';
import { finishedJob, pressButton } from '../fixtures/flow.js';
import { shown } from '../fixtures/markup.js';
import { createTestServices, type TestServices } from '../fixtures/services.js';

let t: TestServices;
beforeAll(async () => {
  t = await createTestServices({ limits: { user_requests_per_minute: 0, user_max_queued: 10 } });
}, 60_000);
afterAll(() => t?.close());

const user = (serverId: string, extra: Partial<Invocation> = {}) =>
  ({ platform: 'web', serverId, channelId: 'general', userId: 'ann', userName: 'ann', isServerAdmin: false, admins: 'anyone', ...extra }) satisfies Omit<Invocation, 'command' | 'options'>;
const imagine = (serverId: string, extra: Partial<Invocation> = {}) => dispatch({ ...user(serverId, extra), command: 'imagine', options: { prompt: 'a lighthouse --seed 5' } }, t.services);

describe('prompt checks', () => {
  const refusal = async (serverId: string, prompt: string) => {
    const out = await dispatch({ ...user(serverId), command: 'imagine', options: { prompt } }, t.services);
    if (out.kind !== 'reply') throw new Error(`expected a refusal, got a ${out.kind}`);
    expect(out.reply.ephemeral).toBe(true);
    return shown(out.reply.text);
  };
  const admin = (serverId: string, subcommand: string, options: Record<string, string>) =>
    dispatch({ ...user(serverId, { isServerAdmin: true }), command: 'limits', subcommand, options }, t.services);

  it('blocked_patterns refuse a matching prompt privately and queue nothing', async () => {
    const set = await admin('patterned', 'set', { name: 'blocked_patterns', value: '/gr[ae]y\\s+wolf/, /\\bdrag(on|ons)\\b/' });
    expect(set.kind === 'reply' && shown(set.reply.text)).toMatch(/`blocked_patterns` is now/);
    const before = (await t.services.jobs.listByStatus(['queued', 'running', 'done', 'failed'])).length;
    expect(await refusal('patterned', 'a GREY wolf at dusk')).toBe('Your prompt matches a pattern this server does not allow; please rephrase it.');
    expect((await t.services.jobs.listByStatus(['queued', 'running', 'done', 'failed'])).length).toBe(before);
    const slow = await admin('patterned', 'set', { name: 'blocked_patterns', value: '/(a+)+$/' });
    expect(slow.kind === 'reply' && shown(slow.reply.text)).toMatch(/takes too long.*Nothing was changed/);
  });

  it('the child-safety check refuses whatever the server\'s limits say, and has no limit to clear', async () => {
    await t.services.settings.set('lenient', 'blocked_words', []);
    await t.services.settings.set('lenient', 'blocked_patterns', []);
    await t.services.settings.set('lenient', 'nsfw_policy', 'allow');
    await t.services.settings.set('lenient', 'nsfw_threshold', 1);
    expect(await refusal('lenient', 'naked schoolgirl')).toBe(CHILD_SAFETY_REFUSAL);
    const clear = await admin('lenient', 'set', { name: 'child_safety', value: 'off' });
    expect(clear.kind === 'reply' && shown(clear.reply.text)).toMatch(/^Unknown limit `child_safety`/);
    expect(await refusal('lenient', 'naked schoolgirl')).toBe(CHILD_SAFETY_REFUSAL);
  });
});

describe('the image safety check', () => {
  it('lets ordinary results through at the default threshold', async () => {
    await t.services.settings.set('calm', 'nsfw_threshold', DEFAULT_NSFW_THRESHOLD);
    const job = await finishedJob(t.services, await imagine('calm'));
    expect(job.status).toBe('done');
    expect(job.output!.spoiler).toBeUndefined();
    expect(job.params.safety).toEqual({ policy: 'block', threshold: 0.6, ageRestricted: false });
  });

  it('block: a flagged result is neither stored nor sent, the user is told, the quota comes back', async () => {
    await t.services.settings.set('strict', 'nsfw_threshold', 0);
    const job = await finishedJob(t.services, await imagine('strict'));
    expect(job.status).toBe('failed');
    expect(job.error).toBe(SAFETY_BLOCKED);
    for (const i of [0, 1, 2, 3]) expect(await t.services.images.has(`${job.id}/${i}.png`)).toBe(false);
    expect(await t.services.images.has(`${job.id}/grid.png`)).toBe(false);
    expect((await t.services.usage.today('strict', 'ann')).userImages).toBe(0);
    // Kept apart from the results, for the moderation log only.
    expect(job.moderation).toMatchObject({ verdict: 'block', images: [`${job.id}/flagged-0.png`, `${job.id}/flagged-1.png`, `${job.id}/flagged-2.png`, `${job.id}/flagged-3.png`] });
    expect(await t.services.images.has(`${job.id}/flagged-0.png`)).toBe(true);
    const reply = await renderJob(job, t.services.images);
    expect(reply.images).toBeUndefined();
    expect(reply.ephemeral).toBe(true);
    expect(shown(reply.text)).toContain(SAFETY_BLOCKED);
  });

  it('spoiler: a flagged result is sent hidden, and its buttons still work', async () => {
    await t.services.settings.set('veiled', 'nsfw_threshold', 0);
    await t.services.settings.set('veiled', 'nsfw_policy', 'spoiler');
    const grid = await finishedJob(t.services, await imagine('veiled'));
    expect(grid.status).toBe('done');
    expect(grid.output!.spoiler).toBe(true);
    const reply = await renderJob(grid, t.services.images);
    expect(reply.images![0]!.spoiler).toBe(true);
    expect(shown(reply.text)).toContain('marked sensitive by the image safety check');
    const up = await finishedJob(t.services, await pressButton(t.services, grid, 'U1', user('veiled')));
    expect(up).toMatchObject({ status: 'done', kind: 'upscale', output: { spoiler: true } });
  });

  it('allow: posted as it is in an age-restricted channel, as a spoiler anywhere else', async () => {
    await t.services.settings.set('adult', 'nsfw_threshold', 0);
    await t.services.settings.set('adult', 'nsfw_policy', 'allow');
    const restricted = await finishedJob(t.services, await imagine('adult', { ageRestricted: true }));
    expect(restricted.status).toBe('done');
    expect(restricted.output!.spoiler).toBeUndefined();
    const elsewhere = await finishedJob(t.services, await imagine('adult'));
    expect(elsewhere.output!.spoiler).toBe(true);
  });

  it('takes the policy in force when asked: a later change does not apply to a job already made', async () => {
    await t.services.settings.set('changing', 'nsfw_threshold', 0);
    await t.services.settings.set('changing', 'nsfw_policy', 'spoiler');
    const job = await finishedJob(t.services, await imagine('changing'));
    await t.services.settings.set('changing', 'nsfw_policy', 'block');
    expect((await t.services.jobs.get(job.id))!.output!.spoiler).toBe(true);
  });
});
