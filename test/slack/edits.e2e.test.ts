/**
 * Editing a result in Slack, checked on the pictures: Vary (Region) through its menu and view
 * keeps everything outside the region, and Pan Right keeps the picture and adds a strip.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandLayer } from '../../commands/index.js';
import { startSlack } from '../../src/adapters/slack/index.js';
import type { AdapterHandle } from '../../src/adapters/types.js';
import type { JobRecord } from '../../src/core/jobs.js';
import { createTestServices, type TestServices } from '../fixtures/services.js';
import { buttonsOf, FakeSlack, type FakeMessage } from './fake-slack.js';

const CHANNEL = 'C0EDIT';
const ALICE = 'U0ALICE';
let fake: FakeSlack;
let ts: TestServices;
let adapter: AdapterHandle;

beforeAll(async () => {
  fake = await FakeSlack.start({ users: [{ id: ALICE, name: 'alice' }] });
  ts = await createTestServices({
    env: { SLACK_BOT_TOKEN: fake.botToken, SLACK_APP_TOKEN: fake.appToken, SLACK_API_URL: fake.apiUrl },
    limits: { user_requests_per_minute: 0, user_max_queued: 10 },
  });
  adapter = await startSlack(ts.services, commandLayer);
});

afterAll(async () => {
  await adapter?.stop();
  await ts?.close();
  await fake?.close();
});

const results = () => fake.channelMessages(CHANNEL).filter((m) => m.files?.length);

/** The next picture message in the channel after the `before` ones. */
function nextResult(before: number, what: string): Promise<FakeMessage> {
  return fake.waitFor(() => results()[before], 60_000, what);
}

async function click(message: FakeMessage, label: string): Promise<void> {
  const button = buttonsOf(message).flat().find((b) => b.label.endsWith(label));
  if (!button) throw new Error(`no ${label} button under the message`);
  await fake.sendEnvelope('interactive', fake.blockAction({ message, actionId: button.actionId, userId: ALICE }));
}

async function jobWhere(test: (j: JobRecord) => boolean): Promise<JobRecord> {
  let found: JobRecord | undefined;
  await fake.waitFor(async () => (found = (await ts.services.jobs.listByStatus(['done'])).find(test)), 10_000, 'the job');
  return found!;
}

/** RGB bytes of a stored picture, resized to w×h as the job's runner resized its source. */
async function pixels(key: string, resize?: { width: number; height: number; fit: 'cover' | 'fill' }): Promise<Buffer> {
  let img = sharp(await ts.services.images.get(key)).removeAlpha();
  if (resize) img = img.resize(resize.width, resize.height, { fit: resize.fit, kernel: 'lanczos3' });
  return img.raw().toBuffer();
}

/** Sum of absolute differences in columns [x0, x1) of two w-wide RGB pictures, row by row (offset `dx` in the second). */
function columnDiff(a: Buffer, aw: number, b: Buffer, bw: number, h: number, x0: number, x1: number): number {
  let d = 0;
  for (let y = 0; y < h; y++) for (let x = x0; x < x1; x++) for (let c = 0; c < 3; c++) d += Math.abs(a[(y * aw + x) * 3 + c]! - b[(y * bw + x) * 3 + c]!);
  return d;
}

describe('editing in Slack', () => {
  let single: FakeMessage;
  let singleJob: JobRecord;

  beforeAll(async () => {
    await fake.sendEnvelope('slash_commands', fake.slashCommand({ command: '/imagine', text: 'red heart --seed 12 --steps 4', userId: ALICE, channelId: CHANNEL }));
    const grid = await nextResult(0, 'the grid');
    await click(grid, 'U1');
    single = await nextResult(1, 'the upscale');
    singleJob = await jobWhere((j) => j.kind === 'upscale');
  });

  it('Vary (Region): the menu, then a view for the prompt; outside the region every picture is the original, inside it changed', async () => {
    await click(single, 'Vary (Region)');
    const menu = await fake.waitFor(() => fake.ephemerals.find((e) => e.user === ALICE && e.text.includes('which part of image #1')), 10_000, 'the region menu');
    const select = menu.blocks!.flatMap((b) => (b.type === 'actions' ? b.elements : [])).find((e: { type: string }) => e.type === 'static_select');
    expect(select.options.map((o: { value: string }) => o.value)).toEqual(expect.arrayContaining(['left', 'right', 'c22']));
    const asMessage = { channel: CHANNEL, ts: '1.000002', user: fake.botUserId, text: menu.text, blocks: menu.blocks, history: [], deleted: false };
    const before = results().length;
    await fake.sendEnvelope('interactive', fake.selectAction({ message: asMessage, actionId: select.action_id, value: 'right', userId: ALICE }));
    const view = await fake.waitFor(() => fake.views.find((v) => v.userId === ALICE && !v.closed), 10_000, 'the view');
    expect(view.view.title.text).toBe('Vary (Region)');
    expect(await fake.submitView(view, ALICE, { prompt: 'blue heart' })).toEqual({});
    const varied = await nextResult(before, 'the repainted grid');
    expect(JSON.stringify(varied.blocks)).toContain('Vary (Region: Right half)');

    const job = await jobWhere((j) => j.params.prompt === 'blue heart');
    const { width: w, height: h } = job.params;
    const source = await pixels(singleJob.output!.images[0]!, { width: w, height: h, fit: 'cover' });
    for (const key of job.output!.images) {
      const px = await pixels(key);
      // Left of the region, beyond the 3-pixel blend: the original's pixels exactly.
      expect(columnDiff(px, w, source, w, h, 0, w / 2 - 4)).toBe(0);
      expect(columnDiff(px, w, source, w, h, w / 2, w)).toBeGreaterThan(0);
    }
  });

  it('Pan Right: a picture half as wide again, the original kept at the left and a new strip painted', async () => {
    const before = results().length;
    await click(single, 'Pan Right');
    const panned = await nextResult(before, 'the panned grid');
    const job = await jobWhere((j) => j.kind === 'zoom' && j.params.outpaint?.pan === 'right');
    const inner = job.params.outpaint!.inner;
    expect(job.params.width).toBe(inner.width + inner.width / 2);
    expect(job.params.height).toBe(inner.height);
    expect((await sharp(panned.files![0]!.data!).metadata()).width).toBeGreaterThan((await sharp(single.files![0]!.data!).metadata()).width! / 2);
    const source = await pixels(singleJob.output!.images[0]!, { width: inner.width, height: inner.height, fit: 'fill' });
    const w = job.params.width;
    for (const key of job.output!.images) {
      const px = await pixels(key);
      // The picture is pasted back as it was, feathered only on the edge that meets the new strip.
      expect(columnDiff(px, w, source, inner.width, inner.height, 0, inner.width - 4)).toBe(0);
    }
    const [a, b] = await Promise.all(job.output!.images.slice(0, 2).map((k) => pixels(k)));
    expect(columnDiff(a!, w, b!, w, inner.height, inner.width, w)).toBeGreaterThan(0);
  });
});
