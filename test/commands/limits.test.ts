import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { limitsCommand } from '../../commands/limits.js';
import { dispatch, parseCommandText } from '../../commands/index.js';
import { shown } from '../fixtures/markup.js';
import type { Services } from '../../src/services.js';
import type { Invocation } from '../../src/core/invocation.js';
import { LIMIT_NAMES } from '../../src/core/limits.js';
import { Harness, invocation, submission } from '../queue/harness.js';

let h: Harness;
let services: Services;
beforeEach(async () => {
  h = new Harness({ max_steps: 50 });
  await h.open();
  services = h.services();
});
afterEach(async () => {
  await h.dispose();
});

/** Runs /limits as Slack or the playground would: free text read by the command's spec, then dispatch. */
async function typed(text: string, fields: Partial<Invocation> = {}) {
  const { subcommand, options } = parseCommandText('limits', text);
  const outcome = await dispatch(invocation('limits', { subcommand, options, ...fields }), services);
  expect(outcome.kind).toBe('reply');
  return { ...outcome.reply, text: shown(outcome.reply.text) };
}

describe('/limits', () => {
  it('reads free text the way Slack and the playground send it', () => {
    expect(parseCommandText('limits', '')).toEqual({ subcommand: 'show', options: {} });
    expect(parseCommandText('limits', 'show')).toEqual({ subcommand: 'show', options: {} });
    expect(parseCommandText('limits', 'set max_steps 30')).toEqual({ subcommand: 'set', options: { name: 'max_steps', value: '30' } });
    expect(parseCommandText('limits', 'set blocked_words cat, dog ')).toEqual({ subcommand: 'set', options: { name: 'blocked_words', value: 'cat, dog' } });
    expect(parseCommandText('limits', 'reset blocked_words')).toEqual({ subcommand: 'reset', options: { name: 'blocked_words' } });
    expect(() => parseCommandText('limits', 'set max_steps')).toThrow(/Usage/);
    expect(() => parseCommandText('limits', 'frobnicate')).toThrow(/Unknown `\/limits frobnicate`/);
  });

  it('offers Discord a set subcommand whose name option lists every limit', () => {
    const set = limitsCommand.subcommands!.find((s) => s.name === 'set')!;
    expect(set.options!.map((o) => o.name)).toEqual(['name', 'value']);
    expect(set.options![0]!.choices!.map((c) => c.value)).toEqual(LIMIT_NAMES);
  });

  it('shows every limit to anyone, marking what this server changed', async () => {
    await services.settings.set('S', 'max_steps', 20);
    const reply = await typed('show');
    expect(reply.ephemeral).toBe(true);
    for (const name of LIMIT_NAMES) expect(reply.text).toContain(`\`${name}\``);
    expect(reply.text).toContain('`max_steps` **20** (set here)');
    expect(reply.text).toContain('`daily_user_images` 0');
  });

  it('lets an admin set and reset a limit, and the queue applies it at once', async () => {
    const set = await typed('set max_steps 30', { isServerAdmin: true });
    expect(set.text).toBe('`max_steps` is now **30** (was 50).');
    expect((await services.settings.get('S')).max_steps).toBe(30);
    await expect(h.queue.submit(submission('S', 'ann', { steps: 31 }))).rejects.toThrow(/at most 30/);

    await typed('set blocked_words cat, dog', { isServerAdmin: true });
    expect((await services.settings.get('S')).blocked_words).toEqual(['cat', 'dog']);
    expect((await typed('set nsfw_policy Spoiler', { isServerAdmin: true })).text).toBe('`nsfw_policy` is now **spoiler** (was block).');
    expect((await typed('set nsfw_threshold 0.35', { isServerAdmin: true })).text).toBe('`nsfw_threshold` is now **0.35** (was 0.6).');
    await typed('reset nsfw_policy', { isServerAdmin: true });
    await typed('reset nsfw_threshold', { isServerAdmin: true });
    const reset = await typed('reset max_steps', { isServerAdmin: true });
    expect(reset.text).toBe('`max_steps` is back to the default: **50** (was 30).');
    expect(await services.settings.overrides('S')).toEqual({ blocked_words: ['cat', 'dog'] });
  });

  it('refuses set and reset from someone who is not a server admin, and changes nothing', async () => {
    for (const text of ['set max_steps 5', 'reset max_steps']) {
      const reply = await typed(text);
      expect(reply).toMatchObject({ ephemeral: true, text: expect.stringMatching(/^Only server admins can change limits/) });
    }
    expect(await services.settings.overrides('S')).toEqual({});
  });

  it('refuses a bad value or an unknown name with the reason, and changes nothing', async () => {
    await services.settings.set('S', 'max_steps', 40);
    const cases: [string, RegExp][] = [
      ['set max_steps 500', /^max_steps must be from 1 to 150 \(got 500\)\. Nothing was changed\.$/],
      ['set max_steps lots', /^max_steps must be a whole number/],
      ['set upscale_allowed maybe', /^upscale_allowed must be true or false/],
      ['set nsfw_policy sometimes', /^nsfw_policy must be one of block, spoiler, allow \(got 'sometimes'\)\. Nothing was changed\.$/],
      ['set nsfw_threshold 1.5', /^nsfw_threshold must be a number from 0 to 1 \(got '1\.5'\)/],
      ['set nsfw_threshold high', /^nsfw_threshold must be a number from 0 to 1/],
      ['set max_stepz 5', /^Unknown limit `max_stepz`/],
    ];
    for (const [text, message] of cases) {
      const reply = await typed(text, { isServerAdmin: true });
      expect(reply.ephemeral).toBe(true);
      expect(reply.text).toMatch(message);
    }
    expect(await services.settings.overrides('S')).toEqual({ max_steps: 40 });
  });

  it('takes Discord options directly (name from the choices, value as a string)', async () => {
    const outcome = await dispatch(
      invocation('limits', { subcommand: 'set', options: { name: 'upscale_allowed', value: 'off' }, isServerAdmin: true }),
      services,
    );
    expect(outcome.kind === 'reply' && shown(outcome.reply.text)).toBe('`upscale_allowed` is now **false** (was true).');
    expect((await services.settings.get('S')).upscale_allowed).toBe(false);
  });
});
