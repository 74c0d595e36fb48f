/**
 * The generation flow every platform shares, through dispatch and the real queue, pipeline
 * runner and tiny ONNX model: /imagine, then each button under the grid and under one image.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../commands/index.js';
import { decodeButtonId } from '../../src/core/buttons.js';
import type { CommandOutcome, Invocation } from '../../src/core/invocation.js';
import { shown } from '../fixtures/markup.js';
import type { JobRecord } from '../../src/core/jobs.js';
import { finishedJob, pressButton } from '../fixtures/flow.js';
import { createTestServices, type TestServices } from '../fixtures/services.js';

let t: TestServices;
beforeAll(async () => {
  t = await createTestServices({ limits: { user_requests_per_minute: 0, user_max_queued: 10 } });
});
afterAll(async () => {
  await t.close();
});

function inv(command: string, options: Invocation['options'], who: Partial<Invocation> = {}): Invocation {
  return { platform: 'web', serverId: 'srv', channelId: 'general', userId: 'ann', userName: 'ann', isServerAdmin: false, admins: 'anyone on this machine', command, options, ...who };
}

const finished = (outcome: CommandOutcome) => finishedJob(t.services, outcome);

function click(job: JobRecord, label: string, who: Partial<Invocation> = {}): Promise<CommandOutcome> {
  const { command: _c, options: _o, ...base } = inv('button', {}, who);
  return pressButton(t.services, job, label, base);
}

async function size(key: string): Promise<[number, number]> {
  const m = await sharp(await t.services.images.get(key)).metadata();
  return [m.width!, m.height!];
}

describe('the generation flow', () => {
  let grid: JobRecord;

  beforeAll(async () => {
    grid = await finished(await dispatch(inv('imagine', { prompt: 'red heart --seed 40' }), t.services));
  });

  it('/imagine makes four images with consecutive seeds and a grid of them', async () => {
    expect(grid.status).toBe('done');
    expect(grid.output!.seeds).toEqual([40, 41, 42, 43]);
    expect(grid.output!.images).toHaveLength(4);
    for (const key of grid.output!.images) expect(await size(key)).toEqual([64, 64]);
    const [w, h] = await size(grid.output!.grid!);
    expect(w).toBeGreaterThanOrEqual(2 * 256);
    expect(h).toBe(w);
  });

  it('U2 upscales image 2 to twice its size, under the single-image buttons', async () => {
    const up = await finished(await click(grid, 'U2'));
    expect(up.kind).toBe('upscale');
    expect(up.params.source).toEqual({ jobId: grid.id, index: 1 });
    expect(await size(up.output!.images[0]!)).toEqual([128, 128]);
    const { renderJob } = await import('../../src/replies/render.js');
    const labels = (await renderJob(up, t.services.images)).buttons!.flat().map((b) => b.label);
    expect(labels).toEqual(['Vary (Strong)', 'Vary (Subtle)', 'Vary (Region)', 'Upscale 2×', 'Upscale 4×', 'Re-roll', 'Zoom Out 2×', 'Zoom Out 1.5×', 'Custom Zoom', 'Pan Left', 'Pan Right', 'Pan Up', 'Pan Down', 'Recipe', 'Delete']);

    const up4 = await finished(await click(up, 'Upscale 4×'));
    expect(await size(up4.output!.images[0]!)).toEqual([512, 512]);
  });

  it('knows every size in a chain of upscales before queueing, and refuses the one past max_upscale_pixels', async () => {
    const all = async () => (await t.services.jobs.listByStatus(['queued', 'running', 'done', 'failed', 'cancelled'])).length;
    await t.services.settings.set('srv', 'max_upscale_pixels', 512 * 512);
    try {
      const up = await finished(await click(grid, 'U3'));
      expect(up.params.outputSize).toEqual({ width: 128, height: 128 });
      const up4 = await finished(await click(up, 'Upscale 4×'));
      expect(up4.params.outputSize).toEqual({ width: 512, height: 512 });
      expect(await size(up4.output!.images[0]!)).toEqual([512, 512]);

      const before = await all();
      const refused = await click(up4, 'Upscale 2×');
      expect(refused).toMatchObject({ kind: 'reply', reply: { ephemeral: true } });
      expect(shown(refused.reply.text)).toBe('Upscaling this image 2× would make 1024×1024; this server allows at most 512×512 pixels (`max_upscale_pixels`).');
      expect(await all()).toBe(before);

      // A variation of the large image is made at the size the grid was made at.
      const vary = await finished(await click(up4, 'Vary (Subtle)'));
      expect(vary.params).toMatchObject({ width: 64, height: 64 });
      expect(vary.params.outputSize).toBeUndefined();
    } finally {
      await t.services.settings.reset('srv', 'max_upscale_pixels');
    }
  });

  it('Zoom Out keeps the picture in the middle of a new grid of four', async () => {
    const up = await finished(await click(grid, 'U1'));
    const zoom = await finished(await click(up, 'Zoom Out 2×'));
    expect(zoom.kind).toBe('zoom');
    expect(zoom.output!.images).toHaveLength(4);
    const original = await sharp(await t.services.images.get(up.output!.images[0]!)).resize(32, 32).removeAlpha().raw().toBuffer();
    for (const key of zoom.output!.images) {
      expect(await size(key)).toEqual([64, 64]);
      const middle = await sharp(await t.services.images.get(key)).extract({ left: 16, top: 16, width: 32, height: 32 }).removeAlpha().raw().toBuffer();
      let diff = 0;
      for (let i = 0; i < middle.length; i++) diff += Math.abs(middle[i]! - original[i]!);
      expect(diff / middle.length).toBeLessThan(25);
    }
  });

  /** Mean absolute difference of a region of a stored picture from the same-sized picture `expected`. */
  async function regionDiff(key: string, region: { left: number; top: number; width: number; height: number }, expected: Buffer): Promise<number> {
    const got = await sharp(await t.services.images.get(key)).extract(region).removeAlpha().raw().toBuffer();
    let diff = 0;
    for (let i = 0; i < got.length; i++) diff += Math.abs(got[i]! - expected[i]!);
    return diff / got.length;
  }

  it('Zoom Out 1.5× and Custom Zoom keep the picture centred at the factor asked; a factor out of range is refused', async () => {
    const up = await finished(await click(grid, 'U3'));
    const z15 = await finished(await click(up, 'Zoom Out 1.5×'));
    expect(z15.params.outpaint).toMatchObject({ mode: 'zoom', zoom: 1.5, inner: { left: 10, top: 10, width: 43, height: 43 } });
    const small = await sharp(await t.services.images.get(up.output!.images[0]!)).resize(43, 43, { kernel: 'lanczos3', fit: 'fill' }).removeAlpha().raw().toBuffer();
    for (const key of z15.output!.images) expect(await regionDiff(key, { left: 12, top: 12, width: 39, height: 39 }, await sharp(small, { raw: { width: 43, height: 43, channels: 3 } }).extract({ left: 2, top: 2, width: 39, height: 39 }).raw().toBuffer())).toBeLessThan(1);
    expect(z15.params.prompt).toBe('red heart');

    const form = await click(up, 'Custom Zoom');
    expect(form.kind).toBe('form');
    const id = form.kind === 'form' ? String(form.form.options.id) : '';
    const refused = await dispatch(inv('button', { id, factor: '3', prompt: 'red heart' }), t.services);
    expect(refused.kind === 'reply' && shown(refused.reply.text)).toContain('The zoom factor is a number from 1 to 2 (got `3`).');
    const custom = await finished(await dispatch(inv('button', { id, factor: '1.25', prompt: 'red heart, starry sky' }), t.services));
    expect(custom.params).toMatchObject({ prompt: 'red heart, starry sky', outpaint: { mode: 'zoom', zoom: 1.25, inner: { width: 51, height: 51 } } });
  });

  it('Pan widens or heightens the canvas by half and keeps the picture pixel for pixel; Make Square squares a wide one', async () => {
    const up = await finished(await click(grid, 'U4'));
    const source = await sharp(await t.services.images.get(up.output!.images[0]!)).resize(64, 64, { kernel: 'lanczos3', fit: 'fill' }).removeAlpha().raw().toBuffer();
    const right = await finished(await click(up, 'Pan Right'));
    expect([right.params.width, right.params.height]).toEqual([96, 64]);
    for (const key of right.output!.images) {
      expect(await size(key)).toEqual([96, 64]);
      // Everything but the feathered seam (2 columns) is the picture as it was.
      const keep = await sharp(source, { raw: { width: 64, height: 64, channels: 3 } }).extract({ left: 0, top: 0, width: 62, height: 64 }).raw().toBuffer();
      expect(await regionDiff(key, { left: 0, top: 0, width: 62, height: 64 }, keep)).toBe(0);
    }
    const up2 = await finished(await click(up, 'Pan Up'));
    expect([up2.params.width, up2.params.height]).toEqual([64, 96]);
    const keep = await sharp(source, { raw: { width: 64, height: 64, channels: 3 } }).extract({ left: 0, top: 2, width: 64, height: 62 }).raw().toBuffer();
    expect(await regionDiff(up2.output!.images[0]!, { left: 0, top: 34, width: 64, height: 62 }, keep)).toBe(0);
    // The panned grid's U gives a wide picture, which offers Make Square.
    const wide = await finished(await click(right, 'U1'));
    const square = await finished(await click(wide, 'Make Square'));
    expect(square.params).toMatchObject({ width: 80, height: 80, outpaint: { mode: 'square', inner: { left: 0, top: 13, width: 80, height: 53 } } });
    // Server admins can turn editing off: the click is refused and nothing is queued.
    await t.services.settings.set('srv', 'edits', false);
    try {
      const before = (await t.services.jobs.listByStatus(['queued', 'running', 'done'])).length;
      const refused = await click(wide, 'Pan Left');
      expect(refused.kind === 'reply' && shown(refused.reply.text)).toContain('Editing results (zoom, pan, make square, vary region) is turned off on this server.');
      expect((await t.services.jobs.listByStatus(['queued', 'running', 'done'])).length).toBe(before);
    } finally {
      await t.services.settings.reset('srv', 'edits');
    }
  });

  it('V3 and Vary (Subtle) make variations of one image with new seeds, subtle with a lower strength', async () => {
    const strong = await finished(await click(grid, 'V3'));
    expect(strong.kind).toBe('variation');
    expect(strong.params.source).toEqual({ jobId: grid.id, index: 2 });
    expect(strong.output!.seeds).not.toContain(42);
    const up = await finished(await click(grid, 'U3'));
    const subtle = await finished(await click(up, 'Vary (Subtle)'));
    expect(subtle.params.strength).toBeLessThan(strong.params.strength!);
    // How close each stays is the model's business: test/default-model checks it on real pictures.
    expect(subtle.output!.images).toHaveLength(4);
  });

  it('🔄 makes the same prompt again with new seeds, for whoever clicks', async () => {
    const again = await finished(await click(grid, '🔄', { userId: 'bob', userName: 'bob' }));
    expect(again.kind).toBe('imagine');
    expect(again.userId).toBe('bob');
    expect(again.params.prompt).toBe('red heart');
    expect(again.output!.seeds[0]).not.toBe(40);
  });

  it('refuses a click on another server’s job, and nothing is queued', async () => {
    const before = (await t.services.jobs.listByStatus(['queued', 'running', 'done'])).length;
    const out = await click(grid, 'U1', { serverId: 'elsewhere' });
    expect(out).toMatchObject({ kind: 'reply', reply: { ephemeral: true } });
    expect(shown(out.reply.text)).toMatch(/another server/);
    expect((await t.services.jobs.listByStatus(['queued', 'running', 'done'])).length).toBe(before);
  });

  it('answers a button id it did not make, without a crash', async () => {
    const out = await dispatch(inv('button', { id: 'up:nope:9:2' }), t.services);
    expect(out.reply).toMatchObject({ ephemeral: true });
    expect(decodeButtonId('up:nope:9:2')).toBeDefined();
    expect(shown(out.reply.text)).toMatch(/no longer available/);
  });

  it('refuses an aspect ratio the model cannot make, naming it, and queues nothing', async () => {
    const out = await dispatch(inv('imagine', { prompt: 'red heart --ar 16:9' }), t.services);
    // The tiny model has no fixed size: 16:9 works and gives a wide picture.
    const job = await finished(out);
    expect(job.params.width).toBeGreaterThan(job.params.height);
    const before = (await t.services.jobs.listByStatus(['queued', 'running', 'done', 'failed', 'cancelled'])).length;
    const bad = await dispatch(inv('imagine', { prompt: 'red heart --ar 99:1' }), t.services);
    expect(bad).toMatchObject({ kind: 'reply', reply: { ephemeral: true } });
    expect(shown(bad.reply.text)).toMatch(/--ar 99:1/);
    expect((await t.services.jobs.listByStatus(['queued', 'running', 'done', 'failed', 'cancelled'])).length).toBe(before);
  });
});
