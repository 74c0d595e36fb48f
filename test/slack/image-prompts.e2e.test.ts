/**
 * Image prompts in Slack, where slash commands carry no files: the message shortcut “Imagine from
 * this image” on a message with a picture opens a view for the prompt and the strength; its answers
 * start a grid from that picture, read from Slack's file host with the bot token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandLayer } from '../../commands/index.js';
import { startSlack } from '../../src/adapters/slack/index.js';
import type { AdapterHandle } from '../../src/adapters/types.js';
import { meanColour, solid } from '../fixtures/pictures.js';
import { createTestServices, type TestServices } from '../fixtures/services.js';
import { buttonsOf, FakeSlack } from './fake-slack.js';

const CHANNEL = 'C0ART';
const ALICE = 'U0ALICE';
let fake: FakeSlack;
let ts: TestServices;
let adapter: AdapterHandle;

beforeAll(async () => {
  fake = await FakeSlack.start({ users: [{ id: ALICE, name: 'alice' }] });
  const port = new URL(fake.apiUrl).port;
  ts = await createTestServices({
    model: 'default',
    env: { SLACK_BOT_TOKEN: fake.botToken, SLACK_APP_TOKEN: fake.appToken, SLACK_API_URL: fake.apiUrl, IMAGE_HOSTS: `127.0.0.1:${port}` },
    limits: { user_requests_per_minute: 0 },
  });
  adapter = await startSlack(ts.services, commandLayer);
});

afterAll(async () => {
  await adapter?.stop();
  await ts?.close();
  await fake?.close();
});

const allJobs = () => ts.services.jobs.listByStatus(['queued', 'running', 'done', 'failed', 'cancelled']);

describe('“Imagine from this image” in Slack', () => {
  it('opens a view for the prompt and strength; sending it makes a bluish grid from the blue picture, fetched with the bot token', async () => {
    const posted = fake.postAsUser(CHANNEL, ALICE, 'our sky today', [{ filename: 'sky.png', data: await solid(30, 60, 220) }]);
    await fake.sendEnvelope('interactive', fake.messageShortcut({ callbackId: 'imagine-from-image', message: posted, userId: ALICE }));
    const view = await fake.waitFor(() => fake.views.find((v) => v.userId === ALICE && !v.closed), 10_000, 'the view');
    expect(view.view.title.text).toBe('Imagine from this image');
    expect(view.view.blocks.map((b: { block_id: string; optional: boolean }) => [b.block_id, b.optional])).toEqual([['prompt', false], ['strength', true]]);

    expect(await fake.submitView(view, ALICE, { prompt: 'a sky from the shortcut --seed 3', strength: '0.5' })).toEqual({});
    const grid = await fake.waitFor(() => fake.channelMessages(CHANNEL).find((m) => m.user === fake.botUserId && m.files?.length), 60_000, 'the grid');
    expect(buttonsOf(grid).flat().map((b) => b.label)).toContain('U1');
    const [r, g, b] = await meanColour(grid.files![0]!.data!);
    expect(b).toBeGreaterThan(r);
    expect(b).toBeGreaterThan(g);
    const job = (await allJobs()).find((j) => j.params.prompt === 'a sky from the shortcut');
    expect(job?.params.init).toEqual({ image: `${job!.id}/source.png`, strength: 0.5 });
  });

  it('keeps the view open with the reason under a strength out of range, and answers privately on a message without a picture; nothing is queued', async () => {
    const before = (await allJobs()).length;
    const posted = fake.postAsUser(CHANNEL, ALICE, 'again', [{ filename: 'sky.png', data: await solid(30, 60, 220) }]);
    await fake.sendEnvelope('interactive', fake.messageShortcut({ callbackId: 'imagine-from-image', message: posted, userId: ALICE }));
    const view = await fake.waitFor(() => fake.views.find((v) => v.userId === ALICE && !v.closed), 10_000, 'the view');
    const { errors } = await fake.submitView(view, ALICE, { prompt: 'a sky', strength: 'lots' });
    expect(errors).toEqual({ strength: expect.stringContaining('`strength` is a number (got `lots`).') });
    expect(view.closed).toBe(false);

    const words = fake.postAsUser(CHANNEL, ALICE, 'only words here');
    await fake.sendEnvelope('interactive', fake.messageShortcut({ callbackId: 'imagine-from-image', message: words, userId: ALICE }));
    const note = await fake.waitFor(() => fake.ephemerals.find((e) => e.user === ALICE && e.text.includes('That message has no picture')), 10_000, 'the private answer');
    expect(note.channel).toBe(CHANNEL);
    expect((await allJobs()).length).toBe(before);
  });
});
