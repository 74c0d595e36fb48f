/**
 * Midjourney's permutations and --repeat in Discord: one job per combination, the first in the
 * command's reply and the others in messages of their own, each counted against the quotas.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buttonId, privateAnswer, resultOf, startBot, type Bot } from './helpers.js';

let bot: Bot;

beforeAll(async () => {
  bot = await startBot({ adapter: { ackBudgetMs: 0, progressIntervalMs: 50 } });
});

afterAll(async () => {
  await bot?.close();
});

/** Finished grids posted as channel messages of their own (not interaction replies). */
function ownGrids(prompt: string) {
  return [...bot.fake.messages.values()].filter((m) => !m.deleted && !m.interactionId && m.content.includes(`**${prompt}**`) && m.attachments.length > 0 && bot.fake.buttons(m).length > 0);
}

describe('permutations and --repeat', () => {
  it('{red, blue} heart makes two jobs: one answers the command, the other posts its own grid, mentioning the user', async () => {
    const { fake } = bot;
    const i = fake.slash('imagine', { prompt: '{red, blue} heart --seed 3 --steps 4' });
    const first = await resultOf(fake, i, 'the first grid');
    expect(first.content).toContain('**red heart**');
    const second = await fake.waitFor(() => ownGrids('blue heart')[0], 'the second grid');
    expect(second.content).toContain(`<@${fake.member.user.id}>`);
    expect(second.pinged).toEqual([fake.member.user.id]);
    // Its buttons work like any grid's.
    const up = await resultOf(fake, fake.click(second, buttonId(fake, second, 'U1')), 'the upscale');
    expect(up.content).toContain('**blue heart**');
    const jobs = (await bot.ts.services.jobs.listByStatus(['done'])).filter((j) => j.kind === 'imagine' && j.params.prompt.endsWith('heart'));
    expect(jobs.map((j) => j.params.prompt).sort()).toEqual(['blue heart', 'red heart']);
  });

  it('--repeat 2 makes two grids of the prompt, a fixed seed moving on by four', async () => {
    const { fake } = bot;
    await resultOf(fake, fake.slash('imagine', { prompt: 'green apple --seed 10 --repeat 2 --steps 4' }), 'the first grid');
    await fake.waitFor(() => ownGrids('green apple')[0], 'the repeat');
    const seeds = (await bot.ts.services.jobs.listByStatus(['done'])).filter((j) => j.params.prompt === 'green apple').map((j) => j.params.seed);
    expect(seeds.sort((a, b) => a - b)).toEqual([10, 14]);
  });

  it('refuses more than four jobs privately, and stops at the daily quota with a note of what was queued', async () => {
    const { fake } = bot;
    expect((await privateAnswer(fake, fake.slash('imagine', { prompt: '{a, b, c} cat --repeat 2' }))).content).toContain('That makes 6 jobs (3 prompts × `--repeat`); at most 4 run at once.');
    const used = (await bot.ts.services.jobs.listByStatus(['done', 'queued', 'running'])).filter((j) => j.userId === fake.member.user.id).reduce((n, j) => n + j.cost, 0);
    await bot.ts.services.settings.set(fake.guild.id, 'daily_user_images', used + 4);
    try {
      const i = fake.slash('imagine', { prompt: '{pink, grey} cloud --steps 4' });
      const grid = await resultOf(fake, i, 'the one grid within the quota');
      expect(grid.revisions.some((r) => r.content.includes('1 of 2 jobs queued; the rest were not:'))).toBe(true);
      expect((await bot.ts.services.jobs.listByStatus(['queued', 'running', 'done'])).filter((j) => j.params.prompt === 'grey cloud')).toHaveLength(0);
    } finally {
      await bot.ts.services.settings.reset(fake.guild.id, 'daily_user_images');
    }
  });
});
