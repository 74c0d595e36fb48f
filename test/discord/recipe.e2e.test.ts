/**
 * Results people can keep and manage, in Discord: every PNG carries its recipe in A1111's format,
 * ℹ️ Recipe shows it privately, /show posts a result again with working buttons (also after a
 * restart), 🗑 Delete takes a result down for its requester and server admins only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRecipe } from '../../src/core/recipe.js';
import { readPngText } from '../../src/images/png.js';
import { makeUser } from './fake-discord.js';
import { buttonId, privateAnswer, resultOf, startBot, type Bot } from './helpers.js';

let bot: Bot;

beforeAll(async () => {
  bot = await startBot({ adapter: { ackBudgetMs: 0, progressIntervalMs: 50 } });
});

afterAll(async () => {
  await bot?.close();
});

describe('a result’s recipe', () => {
  it('rides in every PNG as A1111 parameters, and ℹ️ Recipe shows it privately to whoever asks', async () => {
    const { fake } = bot;
    const grid = await resultOf(fake, fake.slash('imagine', { prompt: 'red heart --seed 42 --steps 6 --no blur --sampler euler-a' }), 'the grid');
    const job = (await bot.ts.services.jobs.listByStatus(['done'])).find((j) => j.params.prompt === 'red heart')!;
    const recipe = parseRecipe(readPngText(grid.attachments[0]!.data).parameters!);
    expect(recipe.prompt).toBe('red heart');
    expect(recipe.negativePrompt).toBe('blur');
    expect(recipe.fields).toMatchObject({ Steps: '6', Sampler: 'Euler a', 'CFG scale': String(job.params.guidance), Seed: '42', Size: `${job.params.width}x${job.params.height}`, Model: 'tiny-sd', Job: job.id });
    // Each picture has its own seed.
    const third = parseRecipe(readPngText(await bot.ts.services.images.get(job.output!.images[2]!)).parameters!);
    expect(third.fields.Seed).toBe('44');

    const carol = fake.addUser(makeUser('carol'));
    const info = await privateAnswer(fake, fake.click(grid, buttonId(fake, grid, 'Recipe'), { user: carol }));
    expect(info.content).toContain(`**Recipe** of \`${job.id}\``);
    expect(info.content).toContain('Prompt: red heart');
    expect(info.content).toContain('Negative prompt: blur');
    expect(info.content).toContain('Seeds: 42–45');
    expect(info.content).toContain(`/show ${job.id}`);
  });
});

describe('/show', () => {
  it('posts a result again after a restart, and its buttons work', async () => {
    const { fake } = bot;
    await resultOf(fake, fake.slash('imagine', { prompt: 'blue whale --seed 5 --steps 4' }), 'the grid');
    const job = (await bot.ts.services.jobs.listByStatus(['done'])).find((j) => j.params.prompt === 'blue whale')!;
    await bot.restart();
    const shown = await resultOf(fake, fake.slash('show', { job: job.id }), 'the grid shown again');
    expect(fake.isEphemeral(shown)).toBe(false);
    expect(shown.content).toContain('**blue whale**');
    expect(fake.buttons(shown).map((b) => b.label)).toContain('U2');
    const up = await resultOf(fake, fake.click(shown, buttonId(fake, shown, 'U2')), 'the upscale');
    expect(up.content).toContain('Image #2');
  });

  it('refuses privately a job of another server and an unknown id', async () => {
    const { fake } = bot;
    const elsewhere = (await bot.ts.services.jobs.listByStatus(['done']))[0]!;
    await bot.ts.services.jobs.update(elsewhere.id, { serverId: 'another-server' });
    try {
      expect((await privateAnswer(fake, fake.slash('show', { job: elsewhere.id }))).content).toContain(`There is no job \`${elsewhere.id}\` in this server`);
    } finally {
      await bot.ts.services.jobs.update(elsewhere.id, { serverId: fake.guild.id });
    }
    expect((await privateAnswer(fake, fake.slash('show', { job: 'nope' }))).content).toContain('There is no job `nope` in this server');
  });
});

describe('🗑 Delete', () => {
  it('is refused to other members; for the requester it takes the message, the pictures and the job away', async () => {
    const { fake } = bot;
    const grid = await resultOf(fake, fake.slash('imagine', { prompt: 'doomed daisy --seed 3 --steps 4' }), 'the grid');
    const job = (await bot.ts.services.jobs.listByStatus(['done'])).find((j) => j.params.prompt === 'doomed daisy')!;
    const dave = fake.addUser(makeUser('dave'));
    const refused = await privateAnswer(fake, fake.click(grid, buttonId(fake, grid, 'Delete'), { user: dave }));
    expect(refused.content).toContain('Only the person who asked for this image, or members with the Manage Server permission, can delete it.');
    expect(fake.messages.get(grid.id)!.deleted).toBe(false);

    const done = await privateAnswer(fake, fake.click(grid, buttonId(fake, grid, 'Delete')));
    expect(done.content).toContain(`Deleted the result of \`${job.id}\`.`);
    expect(fake.messages.get(grid.id)!.deleted).toBe(true);
    expect(await bot.ts.services.jobs.get(job.id)).toBeUndefined();
    expect(await bot.ts.services.images.has(job.output!.grid!)).toBe(false);
    expect((await privateAnswer(fake, fake.slash('show', { job: job.id }))).content).toContain('There is no job');
  });

  it('works for a server admin on someone else’s result', async () => {
    const { fake } = bot;
    const grid = await resultOf(fake, fake.slash('imagine', { prompt: 'moderated moth --seed 3 --steps 4' }), 'the grid');
    await privateAnswer(fake, fake.click(grid, buttonId(fake, grid, 'Delete'), { user: fake.admin }));
    expect(fake.messages.get(grid.id)!.deleted).toBe(true);
  });
});
