/**
 * /settings in Discord: a private panel whose buttons switch Remix and private mode and open
 * modals for the defaults and the suffix; what is saved changes what /imagine does, a parameter in
 * the prompt still wins, and it all survives a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeUser, type FakeMessage } from './fake-discord.js';
import { buttonId, privateAnswer, resultOf, startBot, type Bot } from './helpers.js';

let bot: Bot;

beforeAll(async () => {
  bot = await startBot({ adapter: { ackBudgetMs: 0, progressIntervalMs: 50 } });
});

afterAll(async () => {
  await bot?.close();
});

const latestJob = async (prompt: string) => (await bot.ts.services.jobs.listByStatus(['queued', 'running', 'done'])).filter((j) => j.params.prompt === prompt).at(-1)!;

describe('/settings', () => {
  let panel: FakeMessage;

  it('shows a private panel; Defaults… opens a modal whose answers /imagine then uses, a typed parameter still winning', async () => {
    const { fake } = bot;
    panel = await privateAnswer(fake, fake.slash('settings', {}, { subcommand: 'show' }));
    expect(panel.content).toContain('**Your settings here**');
    expect(fake.buttons(panel).map((b) => b.label)).toEqual(['Defaults…', 'Suffix…', 'Reset all', 'Remix: off', 'Private mode: off']);
    const open = fake.click(panel, buttonId(fake, panel, 'Defaults…'));
    expect((await fake.waitForAck(open)).type).toBe(9);
    expect(open.modal!.fields.map((f) => f.customId)).toEqual(['model', 'ar', 'steps', 'sampler', 'guidance']);
    const saved = await privateAnswer(fake, fake.submitModal(open, { steps: '6', sampler: 'DPM++ 2M Karras' }));
    expect(saved.content).toContain('Saved.');
    expect(saved.content).toContain('Steps: `6`');
    // The model, the aspect ratio and the sampler are menus too.
    const menus = fake.selects(saved);
    expect(menus.map((m) => m.placeholder)).toEqual(['Model: default (server default tiny-sd)', 'Aspect ratio: default (1:1)', 'Sampler: dpmpp-2m-karras']);
    expect(menus[2]!.options.find((o) => o.default)?.value).toBe('dpmpp-2m-karras');
    const chosen = await privateAnswer(fake, fake.choose(saved, menus[1]!.custom_id, '16:9'));
    expect(chosen.content).toContain('Aspect ratio: `16:9`');

    await resultOf(fake, fake.slash('imagine', { prompt: 'settled heart --seed 1' }), 'the grid');
    const job = await latestJob('settled heart');
    expect(job.params).toMatchObject({ steps: 6, scheduler: 'dpmpp-2m', karras: true, aspectRatio: '16:9' });
    expect(job.params.width).toBeGreaterThan(job.params.height);
    await resultOf(fake, fake.slash('imagine', { prompt: 'typed heart --steps 4 --ar 1:1' }), 'the grid');
    expect((await latestJob('typed heart')).params).toMatchObject({ steps: 4, aspectRatio: '1:1' });
  });

  it('refuses a bad value in the modal and keeps what was there', async () => {
    const { fake } = bot;
    const open = fake.click(panel, buttonId(fake, panel, 'Defaults…'));
    await fake.waitForAck(open);
    expect(open.modal!.fields.find((f) => f.customId === 'steps')!.value).toBe('6');
    const refused = await privateAnswer(fake, fake.submitModal(open, { steps: 'lots', guidance: '5' }));
    expect(refused.content).toContain('Invalid steps `lots`');
    const prefs = await bot.ts.services.settings.preferences(fake.guild.id, fake.member.user.id);
    expect(prefs).toMatchObject({ steps: 6, guidance: 0 });
  });

  it('adds the suffix to every prompt, its parameters as settings', async () => {
    const { fake } = bot;
    const open = fake.click(panel, buttonId(fake, panel, 'Suffix…'));
    await fake.waitForAck(open);
    await privateAnswer(fake, fake.submitModal(open, { suffix: 'watercolor --no text --steps 5' }));
    await resultOf(fake, fake.slash('imagine', { prompt: 'a fox --seed 2' }), 'the grid');
    const job = await latestJob('a fox watercolor');
    expect(job.params.negativePrompt).toContain('text');
    // The suffix's --steps beats the Defaults… setting.
    expect(job.params.steps).toBe(5);
  });

  it('survives a restart, and /info shows the defaults in force', async () => {
    const { fake } = bot;
    await bot.restart();
    const info = await privateAnswer(fake, fake.slash('info'));
    expect(info.content).toMatch(/Your defaults: model tiny-sd · 16:9 · 6 steps · cfg [\d.]+ · dpmpp-2m-karras · suffix “watercolor --no text --steps 5”/);
  });

  it('private mode: a job’s status and grid only the requester sees, and its buttons work for them', async () => {
    const { fake } = bot;
    const fresh = await privateAnswer(fake, fake.slash('settings', {}, { subcommand: 'show' }));
    const click = fake.click(fresh, buttonId(fake, fresh, 'Private mode: off'));
    // The panel redraws itself in place.
    expect((await fake.waitForAck(click)).type).toBe(7);
    const toggled = await privateAnswer(fake, click);
    expect(toggled.id).toBe(fresh.id);
    expect(fake.buttons(toggled).map((b) => b.label)).toContain('Private mode: on');
    const i = fake.slash('imagine', { prompt: 'secret heart --seed 4' });
    const grid = await fake.waitFor(() => {
      const m = fake.original(i);
      return m && fake.isEphemeral(m) && m.attachments.length && fake.buttons(m).length ? m : undefined;
    }, 'the private grid');
    const other = fake.addUser(makeUser('eve'));
    expect(fake.visibleMessages(fake.channelId, other.user.id).some((m) => m.content.includes('secret heart'))).toBe(false);
    const up = fake.click(grid, buttonId(fake, grid, 'U1'));
    const upscaled = await fake.waitFor(() => {
      const m = fake.original(up);
      return m && m.attachments.length && fake.buttons(m).length ? m : undefined;
    }, 'the private upscale');
    expect(fake.isEphemeral(upscaled)).toBe(true);
    await bot.ts.services.settings.resetPreference(fake.guild.id, fake.member.user.id, 'private');
  });

  it('Remix: V1 asks for the prompt in a modal first, and the variation uses the new one', async () => {
    const { fake } = bot;
    const alice = fake.admin;
    const grid = await resultOf(fake, fake.slash('imagine', { prompt: 'plain heart --seed 9' }, { user: alice }), 'the grid');
    await bot.ts.services.settings.setPreference(fake.guild.id, alice.user.id, 'remix', true);
    const click = fake.click(grid, buttonId(fake, grid, 'V1'), { user: alice });
    expect((await fake.waitForAck(click)).type).toBe(9);
    expect(click.modal!.title).toBe('Remix');
    expect(click.modal!.fields[0]!.value).toBe('plain heart');
    const varied = await resultOf(fake, fake.submitModal(click, { prompt: 'striped heart --no dots' }), 'the remixed variations');
    expect(varied.content).toContain('**striped heart**');
    const job = await latestJob('striped heart');
    expect(job).toMatchObject({ kind: 'variation', params: { negativePrompt: 'dots', source: { index: 0 } } });
  });
});
