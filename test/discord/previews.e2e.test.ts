/**
 * Watching a job in Discord: the status message shows a progress bar, live previews of the grid
 * as it forms and a ✖ Cancel button, then the final grid in the same message.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyModel } from '../fixtures/tiny-models.js';
import { makeUser } from './fake-discord.js';
import { buttonId, privateAnswer, resultOf, startBot, type Bot } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'discord-previews-'));
let bot: Bot;

beforeAll(async () => {
  // A UNet with real work in each step (about 0.1 s here), so a grid takes long enough to watch.
  const model = writeTinyModel(join(root, 'slow-sd'), { generation: 'optimum-2025', family: 'sd1', unetWork: { size: 1024, matmuls: 12 } });
  bot = await startBot({ adapter: { ackBudgetMs: 0, progressIntervalMs: 50 }, services: { model } });
});

afterAll(async () => {
  await bot?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('a job as it runs', () => {
  it('edits its status with a progress bar and a preview of the grid before the final grid lands in the same message', async () => {
    const { fake } = bot;
    const i = fake.slash('imagine', { prompt: 'red heart --seed 4 --steps 24 --sampler euler' });
    const grid = await resultOf(fake, i, 'the grid');
    const previews = grid.revisions.map((r, n) => ({ n, r })).filter(({ r }) => r.attachments.some((a) => a.includes('_preview_')));
    expect(previews.length).toBeGreaterThan(0);
    const { r: first, n } = previews[0]!;
    expect(first.content).toMatch(/\*\*red heart\*\* - <@\d+> \([▰▱]{8} \d+% · (≈ \d+ s left|step \d+\/24)\)/);
    const image = await sharp(first.attachmentData[0]!).metadata();
    expect([image.format, image.width, image.height]).toEqual(['webp', 256, 256]);
    // The status carries ✖ Cancel while the job runs; the final grid has the result's buttons instead.
    expect(first.components.flatMap((row) => row.components.map((b: { label?: string }) => b.label))).toEqual(['Cancel']);
    expect(n).toBeLessThan(grid.revisions.length - 1);
    expect(fake.buttons(grid).map((b) => b.label)).toEqual(['U1', 'U2', 'U3', 'U4', 'Re-roll', 'V1', 'V2', 'V3', 'V4', 'Recipe', 'Delete']);
    expect(grid.attachments.map((a) => a.filename)).toEqual([expect.stringMatching(/_grid_.*\.png$/)]);
    expect((await sharp(grid.attachments[0]!.data).metadata()).format).toBe('png');
  });

  it('shows no previews in a server whose admins set previews off, and the bar still moves', async () => {
    const { fake } = bot;
    const set = await privateAnswer(fake, fake.slash('limits', { name: 'previews', value: 'off' }, { subcommand: 'set', user: fake.admin }));
    expect(set.content).toContain('`previews` is now **false**');
    try {
      const i = fake.slash('imagine', { prompt: 'frog --seed 5 --steps 20 --sampler euler' });
      const grid = await resultOf(fake, i, 'the grid');
      expect(grid.revisions.some((r) => r.attachments.some((a) => a.includes('_preview_')))).toBe(false);
      expect(grid.revisions.some((r) => /[▰▱]{8} \d+%/.test(r.content))).toBe(true);
    } finally {
      await bot.ts.services.settings.reset(fake.guild.id, 'previews');
    }
  });

  it('✖ Cancel stops the job for its requester; anyone else is told privately that they cannot', async () => {
    const { fake } = bot;
    const i = fake.slash('imagine', { prompt: 'green apple --steps 50 --sampler euler' });
    const running = await fake.waitFor(() => {
      const m = fake.original(i);
      return m && /[▰▱]{8}/.test(m.content) ? m : undefined;
    }, 'a running status');
    const cancel = buttonId(fake, running, 'Cancel');

    const carol = fake.addUser(makeUser('carol'));
    const refused = await privateAnswer(fake, fake.click(running, cancel, { user: carol }));
    expect(refused.content).toMatch(/Only the person who asked for `[\w-]+` or a server admin can cancel it\./);

    const click = fake.click(running, cancel);
    const ok = await privateAnswer(fake, click);
    expect(ok.content).toMatch(/^Cancelled `[\w-]+`\.$/);
    // The click was deferred privately: nobody else saw a "thinking…" message for it.
    expect(fake.isEphemeral(fake.original(click)!)).toBe(true);
    await fake.waitFor(() => (fake.original(i)?.content.includes('(cancelled)') ? true : undefined), 'the cancelled status');
    const final = fake.original(i)!;
    expect(fake.buttons(final)).toEqual([]);
    expect(final.attachments).toEqual([]);
    expect((await bot.ts.services.jobs.listByStatus(['cancelled'])).length).toBe(1);
  });
});
