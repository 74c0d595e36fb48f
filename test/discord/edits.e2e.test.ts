/**
 * Editing a result in Discord: Pan and Custom Zoom (its modal) under a single image, and the
 * buttons of an edited grid still working after a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { buttonId, privateAnswer, resultOf, startBot, type Bot } from './helpers.js';

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

describe('Vary (Region)', () => {
  it('offers a menu of regions, asks for the prompt, and repaints only that region', async () => {
    const { fake } = bot;
    const grid = await resultOf(fake, fake.slash('imagine', { prompt: 'red heart --seed 12 --steps 4' }), 'the grid');
    const up = await resultOf(fake, fake.click(grid, buttonId(fake, grid, 'U1')), 'the upscale');
    const menu = await privateAnswer(fake, fake.click(up, buttonId(fake, up, 'Vary (Region)')));
    const select = fake.selects(menu)[0]!;
    expect(select.options.map((o) => o.value)).toEqual(expect.arrayContaining(['left', 'right', 'top', 'bottom', 'tl', 'br', 'center', 'c11', 'c33']));
    const choose = fake.choose(menu, select.custom_id, 'right');
    expect((await fake.waitForAck(choose)).type).toBe(9);
    expect(choose.modal!.title).toBe('Vary (Region)');
    const varied = await resultOf(fake, fake.submitModal(choose, { prompt: 'blue heart' }), 'the repainted grid');
    expect(varied.content).toContain('**blue heart** - Vary (Region: Right half) by');
    const job = (await bot.ts.services.jobs.listByStatus(['done'])).find((j) => j.params.prompt === 'blue heart')!;
    expect(job.params.region).toMatchObject({ name: 'right', left: 0.5, width: 0.5 });
    // Left of the region (beyond the blended edge) every picture is the original's, pixel for pixel.
    const source = await sharp(await bot.ts.services.images.get((await bot.ts.services.jobs.get(job.params.source!.jobId))!.output!.images[0]!))
      .resize(job.params.width, job.params.height, { fit: 'cover', kernel: 'lanczos3' })
      .removeAlpha()
      .raw()
      .toBuffer();
    const w = job.params.width;
    const keep = (w / 2) - 4;
    for (const key of job.output!.images) {
      const px = await sharp(await bot.ts.services.images.get(key)).removeAlpha().raw().toBuffer();
      let same = 0;
      let changed = 0;
      for (let y = 0; y < job.params.height; y++) {
        for (let x = 0; x < w; x++) {
          const i = (y * w + x) * 3;
          const d = Math.abs(px[i]! - source[i]!) + Math.abs(px[i + 1]! - source[i + 1]!) + Math.abs(px[i + 2]! - source[i + 2]!);
          if (x < keep) same += d;
          else if (x >= w / 2) changed += d;
        }
      }
      expect(same).toBe(0);
      expect(changed).toBeGreaterThan(0);
    }
  });
});
