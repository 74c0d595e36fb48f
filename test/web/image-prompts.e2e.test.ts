/**
 * Image prompts in the playground, in headless Chromium: a picture attached in the composer (the
 * 🖼 button's file picker) starts the next /imagine; a file that is not a picture is refused privately.
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebHandle } from '../../src/adapters/web/index.js';
import { PROJECT_ROOT } from '../../src/config.js';
import { startPlayground, type Playground } from '../fixtures/browser.js';
import type { TestServices } from '../fixtures/services.js';

const OUTPUT = join(PROJECT_ROOT, 'test-output', 'web');
let t: TestServices;
let web: WebHandle;
let browser: Browser;

let playground: Playground | undefined;

beforeAll(async () => {
  playground = await startPlayground({ model: 'default' });
  ({ t, web, browser } = playground);
});

afterAll(async () => {
  await playground?.close();
});

describe('the playground composer', () => {
  it('uploads an attached picture with /imagine, which starts the grid from it', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(web.url);
    await page.locator('#connection[data-state="live"]').waitFor();
    await page.fill('#user-name', 'ada');
    const blue = await sharp({ create: { width: 96, height: 64, channels: 3, background: { r: 30, g: 60, b: 220 } } }).png().toBuffer();
    await page.setInputFiles('#attach-file', { name: 'blue.png', mimeType: 'image/png', buffer: blue });
    await expect.poll(() => page.locator('#attached-name').textContent()).toContain('blue.png');
    await page.fill('#input', '/imagine a picture --seed 3 --strength 0.5');
    await page.press('#input', 'Enter');

    const done = page.locator('li.msg[data-status="done"]').last();
    await done.waitFor({ timeout: 60_000 });
    expect(await page.locator('#attached').isHidden()).toBe(true);
    const srcs = await done.locator('.images img').evaluateAll((imgs) => imgs.map((i) => (i as unknown as { src: string }).src));
    expect(srcs).toHaveLength(2);
    const grid = await (await page.request.get(srcs[0]!)).body();
    const { data } = await sharp(grid).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const mean = [0, 1, 2].map((c) => data.filter((_, i) => i % 3 === c).reduce((s, v) => s + v, 0) / (data.length / 3));
    expect(mean[2]).toBeGreaterThan(mean[0]!);
    // The grid takes the picture's shape: 96×64 is nearest 3:2.
    const job = (await t.services.jobs.listByStatus(['done'])).at(-1)!;
    expect(job.params.aspectRatio).toBe('3:2');
    await page.screenshot({ path: join(OUTPUT, 'playground-image-prompt.png') });

    // A text file named like a picture: refused privately, nothing queued.
    const before = (await t.services.jobs.listByStatus(['queued', 'running', 'done'])).length;
    await page.setInputFiles('#attach-file', { name: 'cat.png', mimeType: 'image/png', buffer: Buffer.from('not a picture at all') });
    await page.fill('#input', '/imagine a cat');
    await page.press('#input', 'Enter');
    await page.locator('li.msg.ephemeral', { hasText: 'That file is not a picture this bot can read' }).waitFor();
    expect((await t.services.jobs.listByStatus(['queued', 'running', 'done'])).length).toBe(before);
  });
});
