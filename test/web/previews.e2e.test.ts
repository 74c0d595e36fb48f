/**
 * Live previews in the playground, in headless Chromium: the running job's message shows the
 * grid as it forms, picture after picture, then the final grid in the same message.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebHandle } from '../../src/adapters/web/index.js';
import { PROJECT_ROOT } from '../../src/config.js';
import { startPlayground, type Playground } from '../fixtures/browser.js';
import type { TestServices } from '../fixtures/services.js';
import { writeTinyModel } from '../fixtures/tiny-models.js';

const OUTPUT = join(PROJECT_ROOT, 'test-output', 'web');
const root = mkdtempSync(join(tmpdir(), 'web-previews-'));
let t: TestServices;
let web: WebHandle;
let browser: Browser;
let playground: Playground | undefined;

beforeAll(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  // A UNet with real work in each step, so the grid takes a few seconds to form.
  const model = writeTinyModel(join(root, 'slow-sd'), { generation: 'optimum-2025', family: 'sd1', unetWork: { size: 1024, matmuls: 12 } });
  playground = await startPlayground({ model });
  ({ t, web, browser } = playground);
});

afterAll(async () => {
  await playground?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('the playground while a job runs', () => {
  it('shows a preview that changes as the steps go, then the grid in the same message', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(web.url);
    await page.locator('#connection[data-state="live"]').waitFor();
    await page.fill('#user-name', 'ada');
    await page.fill('#input', '/imagine red heart --seed 3 --steps 36 --sampler euler');
    await page.press('#input', 'Enter');

    const message = page.locator('li.msg[data-job-id]').last();
    await message.waitFor();
    // Every picture the message showed while running, in order.
    const seen: string[] = [];
    let screenshot = false;
    await expect
      .poll(
        async () => {
          // Status and picture read together: the message may turn to the final grid between two reads.
          const [status, src] = await message.evaluate((el: { dataset: Record<string, string | undefined>; querySelector(s: string): { getAttribute(a: string): string | null } | null }) => [
            el.dataset.status,
            el.querySelector('.images img')?.getAttribute('src') ?? null,
          ]);
          if (status === 'running' && src && seen.at(-1) !== src) {
            seen.push(src);
            if (!screenshot && seen.length === 2) {
              screenshot = true;
              await page.screenshot({ path: join(OUTPUT, 'playground-preview.png') });
            }
          }
          return status;
        },
        { timeout: 60_000, interval: 50 },
      )
      .toBe('done');
    expect(seen.length).toBeGreaterThanOrEqual(2);
    const response = await page.request.get(new URL(seen[0]!, web.url).toString());
    expect(response.headers()['content-type']).toBe('image/webp');
    expect((await sharp(await response.body()).metadata()).format).toBe('webp');
    expect(await message.locator('.msg-text').textContent()).toContain('seeds 3–6');
    const final = await message.locator('.images img').getAttribute('src');
    expect(seen).not.toContain(final);
    expect(await message.locator('.buttons button').allTextContents()).toContain('U1');
  });
});
