/**
 * Watching a job in Slack: the status shows a text progress bar with ✖ Cancel, a preview picture
 * (an uploaded file in an image block) at a few points of the steps, then the grid.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandLayer } from '../../commands/index.js';
import { startSlack } from '../../src/adapters/slack/index.js';
import type { AdapterHandle } from '../../src/adapters/types.js';
import { createTestServices, type TestServices } from '../fixtures/services.js';
import { writeTinyModel } from '../fixtures/tiny-models.js';
import { buttonsOf, FakeSlack } from './fake-slack.js';

const CHANNEL = 'C0ART';
const ALICE = 'U0ALICE';
const root = mkdtempSync(join(tmpdir(), 'slack-previews-'));
let fake: FakeSlack;
let ts: TestServices;
let adapter: AdapterHandle;

beforeAll(async () => {
  fake = await FakeSlack.start({ users: [{ id: ALICE, name: 'alice' }] });
  // A UNet with real work in each step: a 36-step grid takes a few seconds, long enough for Slack's 2 s updates.
  const model = writeTinyModel(join(root, 'slow-sd'), { generation: 'optimum-2025', family: 'sd1', unetWork: { size: 1024, matmuls: 24 } });
  ts = await createTestServices({ model, env: { SLACK_BOT_TOKEN: fake.botToken, SLACK_APP_TOKEN: fake.appToken, SLACK_API_URL: fake.apiUrl }, limits: { user_requests_per_minute: 0 } });
  adapter = await startSlack(ts.services, commandLayer);
});

afterAll(async () => {
  await adapter?.stop();
  await ts?.close();
  await fake?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('a Slack job as it runs', () => {
  it('shows a progress bar with ✖ Cancel and previews uploaded for it, then posts the grid', async () => {
    await fake.sendEnvelope('slash_commands', fake.slashCommand({ command: '/imagine', text: 'red heart --seed 9 --steps 36 --sampler euler', userId: ALICE, channelId: CHANNEL }));
    await fake.waitFor(() => fake.channelMessages(CHANNEL).find((m) => m.files?.length), 60_000, 'the grid');
    const updates = fake.callsOf('chat.update').filter((c) => c.ok);
    const texts = updates.map((u) => String(u.params.text));
    expect(texts.some((t) => /red heart - <@U0ALICE> \([▰▱]{8} \d+% · (≈ \d+ s left|step \d+\/36)\)/.test(t))).toBe(true);
    const blocksOf = (u: (typeof updates)[number]) => JSON.parse(String(u.params.blocks)) as { type: string; slack_file?: { id: string }; elements?: { text?: { text: string } }[] }[];
    const withPicture = updates.filter((u) => blocksOf(u).some((b) => b.type === 'image'));
    expect(withPicture.length).toBeGreaterThan(0);
    const fileId = blocksOf(withPicture[0]!).find((b) => b.type === 'image')!.slack_file!.id;
    const file = fake.files.get(fileId)!;
    expect((await sharp(file.data!).metadata()).format).toBe('webp');
    // The preview file is not shared in the channel; only the grid is.
    expect(fake.channelMessages(CHANNEL).some((m) => m.files?.some((f) => f.id === fileId))).toBe(false);
    // At most one upload per quarter of the steps.
    expect(new Set(withPicture.map((u) => blocksOf(u).find((b) => b.type === 'image')!.slack_file!.id)).size).toBeLessThanOrEqual(3);
    expect(blocksOf(withPicture[0]!).flatMap((b) => b.elements ?? []).map((e) => e.text?.text)).toContain('✖ Cancel');
    const grid = fake.channelMessages(CHANNEL).find((m) => m.files?.length)!;
    expect(buttonsOf(grid).flat().map((b) => b.label)).toContain('U1');
  });
});
