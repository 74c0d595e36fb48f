import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { limitsCommand } from '../../commands/limits.js';
import { BANNED, dispatch, parseCommandText } from '../../commands/index.js';
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

  it('history shows admins who changed which limit when, newest first; others are refused', async () => {
    expect((await typed('history', { isServerAdmin: true })).text).toBe('No limit of this server has been changed.');
    await typed('set max_steps 30', { isServerAdmin: true, userId: 'U9', userName: 'ann' });
    await typed('reset max_steps', { isServerAdmin: true, userId: 'U9', userName: 'ann' });
    const shownHistory = (await typed('history', { isServerAdmin: true })).text.split('\n');
    expect(shownHistory[0]).toBe('**Limit changes in this server** (newest first, last 20)');
    expect(shownHistory[1]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC — `max_steps` reset to 50 \(was 30\) by <@U9>$/);
    expect(shownHistory[2]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC — `max_steps` 50 → \*\*30\*\* by <@U9>$/);
    expect((await typed('history')).text).toMatch(/^Only server admins can see who changed the limits/);
  });

  it('ban stops a user everywhere in the server (privately told, nothing queued) until unban', async () => {
    const asBob = (command: string, options: Invocation['options'] = {}) => dispatch(invocation(command, { options, userId: 'bob', userName: 'bob' }), services);
    expect((await typed('ban <@bob|bob>', { isServerAdmin: true })).text).toBe('<@bob> can no longer use the bot in this server; `/limits unban` undoes it.');
    expect((await typed('ban <@bob>', { isServerAdmin: true })).text).toBe('<@bob> was already banned here.');
    const before = (await services.jobs.listByStatus(['queued', 'running', 'done'])).length;
    for (const [command, options] of [['imagine', { prompt: 'a cat' }], ['info', {}], ['button', { id: 'up:whatever:0:2' }]] as const) {
      const out = await asBob(command, options);
      expect(out.kind === 'reply' && out.reply.ephemeral && shown(out.reply.text)).toBe(BANNED);
    }
    expect((await services.jobs.listByStatus(['queued', 'running', 'done'])).length).toBe(before);
    // Only in this server, and not the admins.
    expect((await dispatch(invocation('info', { userId: 'bob', serverId: 'elsewhere' }), services)).kind).toBe('reply');
    expect(shown((await dispatch(invocation('info', { userId: 'bob', isServerAdmin: true }), services)).reply.text)).not.toBe(BANNED);
    expect((await typed('unban <@bob>', { isServerAdmin: true })).text).toBe('<@bob> can use the bot in this server again.');
    expect((await asBob('imagine', { prompt: 'a cat' })).kind).toBe('job');
    expect((await typed('unban <@bob>', { isServerAdmin: true })).text).toBe('<@bob> was not banned here.');
  });

  it('refuses a ban from a non-admin, of oneself, or of a name it cannot resolve', async () => {
    expect((await typed('ban <@bob>')).text).toMatch(/^Only server admins can ban users/);
    expect((await typed('ban <@U1>', { isServerAdmin: true, userId: 'U1' })).text).toBe('You cannot ban yourself. Nothing was changed.');
    expect((await typed('ban @nobody', { isServerAdmin: true })).text).toMatch(/^I cannot tell who `@nobody` is/);
    expect(await services.settings.isBanned('S', 'bob')).toBe(false);
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
