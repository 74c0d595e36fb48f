/**
 * The playground in headless Chromium, as a new user tries the bot: type a prompt, watch it run,
 * get the grid, click U1 and V1, make a mistake; a second tab sees the shared channel but not
 * the first tab's private answers; an exposed playground refuses admin actions without the password.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandLayer } from '../../commands/index.js';
import { startWeb, type WebHandle } from '../../src/adapters/web/index.js';
import { DEFAULT_MODEL_DIR, PROJECT_ROOT } from '../../src/config.js';
import { startPlayground, type Playground } from '../fixtures/browser.js';
import type { TestServices } from '../fixtures/services.js';
import { drawnCell } from '../../src/core/drawn-region.js';
import { CATALOGUES } from '../../src/core/i18n.js';

const OUTPUT = join(PROJECT_ROOT, 'test-output', 'web');
// The shipped emoji model when it is there (what a new user sees), else the tiny test model.
const MODEL = existsSync(join(DEFAULT_MODEL_DIR, 'model_index.json')) ? 'default' : 'tiny';

/** The parts of the browser's HTMLImageElement the checks read (the project's types have no DOM). */
type ImageElement = { complete: boolean; naturalWidth: number; naturalHeight: number; src: string };

let t: TestServices;
let web: WebHandle;
let browser: Browser;
let playground: Playground | undefined;
const pageErrors: string[] = [];

async function openPage(url: string, user: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  await page.goto(url);
  await page.locator('#connection[data-state="live"]').waitFor();
  await page.fill('#user-name', user);
  return page;
}

async function send(page: Page, text: string): Promise<void> {
  await page.fill('#input', text);
  await page.press('#input', 'Enter');
}

/** The finished message that answers `action` (e.g. "used /imagine …", "clicked U1"). */
function finished(page: Page, action: string): Locator {
  return page.locator('li.msg[data-status="done"]').filter({ has: page.locator('.invoked', { hasText: action }) });
}

/** Checks the picture the page shows: a PNG the browser decoded, at the size the job says. */
async function checkImage(page: Page, message: Locator): Promise<{ width: number; height: number; jobWidth: number }> {
  const img = message.locator('.images img');
  await expect.poll(() => img.evaluate((i: ImageElement) => i.complete && i.naturalWidth > 0)).toBe(true);
  const jobId = (await message.getAttribute('data-job-id'))!;
  const job = (await t.services.jobs.get(jobId))!;
  const natural = await img.evaluate((i: ImageElement) => ({ width: i.naturalWidth, height: i.naturalHeight }));
  const bytes = await (await page.request.get(await img.evaluate((i: ImageElement) => i.src))).body();
  const meta = await sharp(bytes).metadata();
  expect(meta.format).toBe('png');
  expect({ width: meta.width, height: meta.height }).toEqual({ width: job.output!.previewWidth, height: job.output!.previewHeight });
  expect(natural).toEqual({ width: meta.width, height: meta.height });
  return { width: meta.width!, height: meta.height!, jobWidth: job.params.width };
}

beforeAll(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  playground = await startPlayground({ model: MODEL, env: { WEB_PASSWORD: 'open sesame' } });
  ({ t, web, browser } = playground);
});

afterAll(async () => {
  await playground?.close();
});

describe('the playground in a browser', () => {
  it('makes a grid, upscales and varies it, shows mistakes privately', async () => {
    const alice = await openPage(web.url, 'alice');
    await expect.poll(() => alice.locator('#role').textContent()).toContain('Admin (local)');

    await send(alice, '/imagine red heart --seed 7');
    const grid = finished(alice, 'used /imagine red heart --seed 7');
    await grid.waitFor();
    expect(await grid.locator('.msg-text strong').first().textContent()).toBe('red heart');
    expect(await grid.locator('.mention').textContent()).toBe('@alice');
    expect(await grid.locator('.msg-text').textContent()).toContain('seeds 7–10');
    const gridImage = await checkImage(alice, grid);
    expect(gridImage.width).toBeGreaterThanOrEqual(2 * gridImage.jobWidth);
    expect(await grid.locator('.buttons .button-row').evaluateAll((rows) => rows.map((r) => r.textContent!.replace(/\s+/g, ' ').trim()))).toEqual([
      'U1U2U3U4🔄 Re-roll',
      'V1V2V3V4',
      'ℹ️ Recipe🗑️ Delete',
    ]);
    await alice.mouse.move(5, 995);
    await alice.screenshot({ path: join(OUTPUT, 'playground-grid.png') });

    // Another tab is another user in the same server: it sees the grid.
    const bob = await openPage(web.url, 'bob');
    const gridId = await grid.getAttribute('data-id');
    await bob.locator(`li.msg[data-id="${gridId}"] .images img`).waitFor();

    await grid.getByRole('button', { name: 'U1', exact: true }).click();
    const upscaled = finished(alice, 'clicked U1');
    await upscaled.waitFor();
    expect(await upscaled.locator('.msg-text').textContent()).toContain('Image #1 (upscaled 2×)');
    const upImage = await checkImage(alice, upscaled);
    expect(upImage.width).toBeGreaterThanOrEqual(2 * upImage.jobWidth);
    expect(await upscaled.locator('.btn').allTextContents()).toEqual(['🪄 Vary (Strong)', '🪄 Vary (Subtle)', '🖌️ Vary (Region)', '🔍 Upscale 2×', '🔍 Upscale 4×', '🔄 Re-roll', '🔎 Zoom Out 2×', '🔎 Zoom Out 1.5×', '🔎 Custom Zoom', '⬅️ Pan Left', '➡️ Pan Right', '⬆️ Pan Up', '⬇️ Pan Down', 'ℹ️ Recipe', '🗑️ Delete']);

    await grid.getByRole('button', { name: 'V1', exact: true }).click();
    const varied = finished(alice, 'clicked V1');
    await varied.waitFor();
    expect(await varied.locator('.msg-text').textContent()).toContain('Variations (Strong)');
    await checkImage(alice, varied);
    expect(await varied.getByRole('button', { name: 'U4', exact: true }).count()).toBe(1);

    await send(alice, '/imagine red heart --seed x');
    const mistake = alice.locator('li.msg.ephemeral', { hasText: 'Invalid' });
    await mistake.waitFor();
    expect(await mistake.locator('.msg-text code').first().textContent()).toBe('--seed x');
    expect(await mistake.locator('.ephemeral-note').textContent()).toContain('Only you can see this');
    // The whole conversation in one picture for a human to look at; the mouse off the messages.
    await alice.mouse.move(5, 995);
    await alice.setViewportSize({ width: 1280, height: 2000 });
    await alice.locator('#messages').evaluate((l: { scrollTop: number; scrollHeight: number }) => (l.scrollTop = l.scrollHeight));
    await alice.screenshot({ path: join(OUTPUT, 'playground.png') });

    // Bob saw alice's results appear, not her mistake.
    await bob.locator('li.msg .invoked', { hasText: 'clicked V1' }).waitFor();
    expect(await bob.locator('li.msg', { hasText: 'Invalid' }).count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('opens a form in a dialog: a refused answer shows under its box, a good one is saved', async () => {
    const page = await openPage(web.url, 'fay');
    await send(page, '/settings');
    const panel = page.locator('li.msg', { hasText: 'Your settings here' }).last();
    await panel.locator('.btn', { hasText: 'Defaults…' }).click();
    const dialog = page.locator('dialog.form-dialog');
    await dialog.waitFor();
    expect(await dialog.locator('.form-title').textContent()).toBe('Your defaults');
    await dialog.locator('input[name="steps"]').fill('lots');
    await dialog.locator('button[type="submit"]').click();
    await dialog.locator('.form-error', { hasText: 'Invalid steps' }).waitFor();
    await dialog.locator('input[name="steps"]').fill('7');
    await dialog.locator('button[type="submit"]').click();
    await page.locator('li.msg', { hasText: 'Saved.' }).waitFor();
    expect(await page.locator('dialog.form-dialog').count()).toBe(0);
    const saved = page.locator('li.msg', { hasText: 'Saved.' }).last();
    expect(await saved.textContent()).toContain('Steps: 7');
    // The aspect-ratio menu: a choice is saved at once.
    await saved.locator('select.menu').nth(1).selectOption('3:2');
    await page.locator('li.msg', { hasText: 'Aspect ratio: 3:2' }).waitFor();
    // The panel redrew itself in place rather than posting another.
    expect(await page.locator('li.msg', { hasText: 'Aspect ratio: 3:2' }).count()).toBe(1);
    expect(await page.locator('li.msg', { hasText: 'Saved.' }).count()).toBe(0);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('Vary (Region) by drawing on the picture: a rectangle and a brush stroke, then the prompt; only what was drawn changes', async () => {
    const page = await openPage(web.url, 'gus');
    await send(page, '/imagine red heart --seed 21');
    const grid = finished(page, 'used /imagine red heart --seed 21');
    await grid.waitFor();
    await grid.getByRole('button', { name: 'U1', exact: true }).click();
    const single = finished(page, 'clicked U1');
    await single.waitFor();
    await single.getByRole('button', { name: '🖌️ Vary (Region)' }).click();
    const menu = page.locator('li.msg.ephemeral', { hasText: 'which part of image #1' });
    await menu.locator('.btn', { hasText: 'Draw the region' }).click();
    const dialog = page.locator('dialog.draw-dialog');
    await dialog.waitFor();
    // Nothing drawn yet: the page says so and sends nothing.
    await dialog.getByRole('button', { name: 'Use this region' }).click();
    await dialog.locator('.form-error', { hasText: 'Draw over the part' }).waitFor();
    const canvas = dialog.locator('canvas.draw-canvas');
    await expect.poll(() => dialog.locator('.draw-stage img').evaluate((i: ImageElement) => i.complete && i.naturalWidth > 0)).toBe(true);
    const box = (await canvas.boundingBox())!;
    const to = (fx: number, fy: number) => [box.x + fx * box.width, box.y + fy * box.height] as const;
    // The right half as a rectangle…
    await page.mouse.move(...to(0.5, 0));
    await page.mouse.down();
    await page.mouse.move(...to(0.75, 0.5), { steps: 4 });
    await page.mouse.move(...to(1.05, 1.05), { steps: 4 });
    await page.mouse.up();
    // …and a dab of the brush near the top-left corner.
    await dialog.getByRole('button', { name: '🖌️ Brush' }).click();
    await page.mouse.move(...to(0.1, 0.1));
    await page.mouse.down();
    await page.mouse.move(...to(0.12, 0.12), { steps: 2 });
    await page.mouse.up();
    await page.mouse.move(5, 5);
    await page.screenshot({ path: join(OUTPUT, 'playground-draw-region.png') });
    await dialog.getByRole('button', { name: 'Use this region' }).click();

    const form = page.locator('dialog.form-dialog:not(.draw-dialog)');
    await form.waitFor();
    expect(await form.locator('.form-title').textContent()).toBe('Vary (Region)');
    expect(await form.locator('textarea[name="prompt"]').inputValue()).toBe('red heart');
    await form.locator('textarea[name="prompt"]').fill('green apple');
    await form.locator('button[type="submit"]').click();
    const varied = finished(page, 'sent Vary (Region)');
    await varied.waitFor();
    expect(await varied.locator('.msg-text').textContent()).toContain('Vary (Region: Drawn area)');

    const job = (await t.services.jobs.get((await varied.getAttribute('data-job-id'))!))!;
    const region = job.params.region!;
    expect(region).toMatchObject({ name: 'drawn', left: expect.closeTo(0.07, 1), top: expect.closeTo(0, 1), width: expect.closeTo(0.93, 1), height: expect.closeTo(1, 1) });
    expect(drawnCell(region.cells!, 6, 6)).toBe(true);
    expect(drawnCell(region.cells!, 60, 60)).toBe(true);
    expect(drawnCell(region.cells!, 20, 40)).toBe(false);
    // Where nothing was drawn (the lower left, clear of the blended edge) every picture is the original, pixel for pixel; in the rectangle they were repainted.
    const { width: w, height: h } = job.params;
    const sourceJob = (await t.services.jobs.get(job.params.source!.jobId))!;
    const source = await sharp(await t.services.images.get(sourceJob.output!.images[0]!)).resize(w, h, { fit: 'cover', kernel: 'lanczos3' }).removeAlpha().raw().toBuffer();
    let keptDiff = 0;
    let drawnDiff = 0;
    for (const key of job.output!.images) {
      const px = await sharp(await t.services.images.get(key)).removeAlpha().raw().toBuffer();
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const i = (y * w + x) * 3;
          const d = Math.abs(px[i]! - source[i]!) + Math.abs(px[i + 1]! - source[i + 1]!) + Math.abs(px[i + 2]! - source[i + 2]!);
          if (x < w / 2 - 4 && y > 0.3 * h) keptDiff += d;
          else if (x >= w / 2) drawnDiff += d;
        }
      }
    }
    expect(keptDiff).toBe(0);
    expect(drawnDiff).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('speaks the browser’s language: a German browser gets the page and its private answers in German', async () => {
    const page = await browser.newPage({ locale: 'de-DE', viewport: { width: 1280, height: 1000 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(web.url);
    await page.locator('#connection[data-state="live"]').waitFor();
    expect(await page.locator('#send').textContent()).toBe(CATALOGUES.de['Send']);
    expect(await page.locator('#connection').textContent()).toBe(CATALOGUES.de['live']);
    await page.fill('#user-name', 'heidi');
    await send(page, '/info');
    const info = page.locator('li.msg.ephemeral', { hasText: CATALOGUES.de['None queued or running.']! });
    await info.waitFor();
    expect(await info.locator('.ephemeral-note').textContent()).toContain(CATALOGUES.de['👁 Only you can see this ·']!.replace(' ·', ''));
    expect(await info.textContent()).not.toContain('Your jobs');
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('blurs a result the safety policy spoilers until it is clicked', async () => {
    // A threshold of 0 flags any picture, so a harmless one drives the spoiler path.
    await t.services.settings.set('second', 'nsfw_threshold', 0);
    await t.services.settings.set('second', 'nsfw_policy', 'spoiler');
    try {
      const page = await openPage(web.url, 'dora');
      await page.locator('.server-button[data-server="second"]').click();
      await send(page, '/imagine green apple --seed 3');
      const grid = finished(page, 'used /imagine green apple --seed 3');
      await grid.waitFor();
      const img = grid.locator('.images img');
      type Styles = { getComputedStyle(element: unknown): { filter: string } };
      const filter = () => img.evaluate((i) => (globalThis as unknown as Styles).getComputedStyle(i).filter);
      expect(await filter()).toMatch(/blur/);
      await img.click();
      expect(await filter()).toBe('none');
      // Revealed, the picture is an ordinary link again: the page stays where it was.
      expect(page.url()).toBe(web.url);
    } finally {
      await t.services.settings.reset('second', 'nsfw_threshold');
      await t.services.settings.reset('second', 'nsfw_policy');
    }
  });

  it('keeps eight tabs of one browser live, each able to send', async () => {
    // Each tab holds one live feed; over plain HTTP streams a browser would stall past six per host.
    const pages: Page[] = [];
    for (let i = 1; i <= 8; i++) pages.push(await openPage(web.url, `tab${i}`));
    const last = pages.at(-1)!;
    await send(last, '/info');
    await last.locator('li.msg.ephemeral', { hasText: 'Your jobs' }).waitFor();
    await send(pages[0]!, '/imagine tiny boat --seed 3');
    const id = await finished(pages[0]!, 'used /imagine tiny boat --seed 3').getAttribute('data-id');
    await last.locator(`li.msg[data-id="${id}"][data-status="done"] .images img`).waitFor();
    for (const p of pages) await p.close();
    expect(pageErrors).toEqual([]);
  });

  it('refuses admin actions on an exposed playground until the password is given', async () => {
    const exposed = await startWeb(t.services, commandLayer, { port: 0, host: '0.0.0.0' });
    try {
      const page = await openPage(exposed.url, 'mallory');
      await page.locator('.server-button[data-server="second"]').click();
      await page.locator('#connection[data-state="live"]').waitFor();
      expect(await page.locator('#password-row').isVisible()).toBe(true);
      await expect.poll(() => page.locator('#role').textContent()).toBe('Admin actions need the password.');

      await send(page, '/limits set max_steps 5');
      await page.locator('li.msg.ephemeral', { hasText: 'Only server admins can change limits' }).waitFor();
      expect((await t.services.settings.get('second')).max_steps).toBe(50);

      await page.fill('#password', 'open sesame');
      await send(page, '/limits set max_steps 5');
      await page.locator('li.msg.ephemeral', { hasText: 'max_steps is now 5 (was 50)' }).waitFor();
      // The role line follows the server's answer on its own message; it may come a moment later.
      await expect.poll(() => page.locator('#role').textContent()).toContain('Admin (password accepted)');
      expect((await t.services.settings.get('second')).max_steps).toBe(5);
      await page.screenshot({ path: join(OUTPUT, 'playground-exposed.png') });
      expect(pageErrors).toEqual([]);
    } finally {
      await exposed.stop();
    }
  });
});
