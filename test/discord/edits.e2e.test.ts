/**
 * Editing a result in Discord: Pan and Custom Zoom (its modal) under a single image, and the
 * buttons of an edited grid still working after a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buttonId, resultOf, startBot, type Bot } from './helpers.js';

let bot: Bot;

beforeAll(async () => {
  bot = await startBot({ adapter: { ackBudgetMs: 0, progressIntervalMs: 50 } });
});

afterAll(async () => {
  await bot?.close();
});

describe('edits', () => {
  it('Pan Right makes a wider grid whose buttons work after a restart, offering Make Square on the wide picture', async () => {
    const { fake } = bot;
    const grid = await resultOf(fake, fake.slash('imagine', { prompt: 'green apple --seed 8 --steps 4' }), 'the grid');
    const up = await resultOf(fake, fake.click(grid, buttonId(fake, grid, 'U1')), 'the upscale');
    const pan = await resultOf(fake, fake.click(up, buttonId(fake, up, 'Pan Right')), 'the panned grid');
    expect(pan.content).toContain('Pan Right by');
    expect(pan.content).toContain('96×64');
    await bot.restart();
    const wide = await resultOf(fake, fake.click(pan, buttonId(fake, pan, 'U2')), 'the upscale of the panned grid');
    expect(fake.buttons(wide).map((b) => b.label)).toContain('Make Square');
  });

  it('Custom Zoom asks for the factor and the prompt in a modal, then zooms by it', async () => {
    const { fake } = bot;
    const grid = await resultOf(fake, fake.slash('imagine', { prompt: 'yellow flower --seed 9 --steps 4' }), 'the grid');
    const up = await resultOf(fake, fake.click(grid, buttonId(fake, grid, 'U3')), 'the upscale');
    const click = fake.click(up, buttonId(fake, up, 'Custom Zoom'));
    expect((await fake.waitForAck(click)).type).toBe(9);
    expect(click.modal!.fields.map((f) => [f.customId, f.value])).toEqual([['factor', '1.5'], ['prompt', 'yellow flower']]);
    const zoomed = await resultOf(fake, fake.submitModal(click, { factor: '1.8', prompt: 'yellow flower in a meadow' }), 'the zoomed grid');
    expect(zoomed.content).toContain('**yellow flower in a meadow** - Zoom Out 1.8× by');
  });
});
