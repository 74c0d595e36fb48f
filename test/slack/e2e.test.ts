/**
 * End to end: the real Bolt app (startSlack) on the real command layer, queue, SQLite stores and
 * pipeline (a tiny generated ONNX model), against the loopback fake of Slack.
 */
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { SLACK_HIDDEN_NOTE } from '../../src/adapters/slack/delivery.js';
import { SAFETY_BLOCKED } from '../../src/core/safety.js';
import { CATALOGUES } from '../../src/core/i18n.js';
import { startSlack } from '../../src/adapters/slack/index.js';
import type { AdapterHandle } from '../../src/adapters/types.js';
import type { ImageStore } from '../../src/store/types.js';
import { FakeRunner } from '../fixtures/fake-runner.js';
import { createTestServices, type TestServices } from '../fixtures/services.js';
import { buttonsOf, FakeSlack, type FakeMessage } from './fake-slack.js';
import { freePort } from './stub-layer.js';
import { BANNED, commandLayer } from '../../commands/index.js';

const CHANNEL = 'C0ART';
const ALICE = 'U0ALICE';
const OWNER = 'U0OWNER';
const BOB = 'U0BOB';
const HEIDI = 'U0HEIDI';

let fake: FakeSlack | undefined;
let ts: TestServices | undefined;
let adapter: AdapterHandle | undefined;

afterEach(async () => {
  await adapter?.stop();
  await ts?.close();
  await fake?.close();
  adapter = ts = fake = undefined;
});

async function start(mode: 'http' | 'socket', runner?: FakeRunner): Promise<{ fake: FakeSlack; ts: TestServices; url: string; port: number }> {
  fake = await FakeSlack.start({
    users: [
      { id: ALICE, name: 'alice', realName: 'Alice Liddell' },
      { id: OWNER, name: 'owner', isPrimaryOwner: true },
      { id: BOB, name: 'bob' },
      { id: HEIDI, name: 'heidi', locale: 'de-DE' },
    ],
  });
  const port = await freePort();
  const env: Record<string, string> =
    mode === 'http'
      ? { SLACK_BOT_TOKEN: fake.botToken, SLACK_SIGNING_SECRET: fake.signingSecret, SLACK_API_URL: fake.apiUrl, SLACK_PORT: String(port) }
      : { SLACK_BOT_TOKEN: fake.botToken, SLACK_APP_TOKEN: fake.appToken, SLACK_API_URL: fake.apiUrl };
  ts = await createTestServices({ env, runner, limits: { user_requests_per_minute: 0, user_max_queued: 10 } });
  adapter = await startSlack(ts.services, commandLayer, mode === 'http' ? { listen: { port, host: '127.0.0.1' } } : undefined);
  return { fake, ts, url: `http://127.0.0.1:${port}/slack/events`, port };
}

async function until(probe: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const gridMessages = (f: FakeSlack) => f.channelMessages(CHANNEL).filter((m) => m.files?.length);

async function pngSize(data: Buffer): Promise<{ width?: number; height?: number; format?: string }> {
  const meta = await sharp(data).metadata();
  return { width: meta.width, height: meta.height, format: meta.format };
}

describe('Slack end to end', () => {
  it('signed /imagine → status with queue position → grid PNG with U/V buttons; V1 → variations; U2 → upscale with single-image buttons', async () => {
    const { fake, ts, url } = await start('http');
    const res = await fake.postToApp(url, { form: fake.slashCommand({ command: '/imagine', text: 'red heart —seed 7 --steps 4', userId: ALICE, channelId: CHANNEL }) });
    expect(res.status).toBe(200);

    const status = await fake.waitFor(() => fake.callsOf('chat.postMessage').find((c) => c.ok), 20_000, 'status post');
    expect(String(status.params.text)).toMatch(/red heart - <@U0ALICE> \((Waiting to start|Starting|\d+%)/);

    const grid = await fake.waitFor(() => gridMessages(fake)[0], 60_000, 'grid');
    const file = grid.files![0]!;
    const [job] = await ts.services.jobs.listByStatus(['done']);
    // The uploaded bytes are the job's stored preview (the grid), a real PNG of its size.
    expect(file.data!.equals(await ts.services.images.get(job!.output!.preview))).toBe(true);
    expect(await pngSize(file.data!)).toEqual({ width: job!.output!.previewWidth, height: job!.output!.previewHeight, format: 'png' });
    expect(file.filename).toMatch(/^red_heart_grid_.+\.png$/);
    expect(grid.blocks?.[0]?.text.text).toContain('seeds 7–10');
    expect(buttonsOf(grid).map((r) => r.map((b) => b.label))).toEqual([
      ['U1', 'U2', 'U3', 'U4', '🔄 Re-roll'],
      ['V1', 'V2', 'V3', 'V4'],
      ['ℹ️ Recipe', '🗑️ Delete'],
    ]);
    // The status message made way for the result.
    await fake.waitFor(() => fake.channelMessages(CHANNEL).length === 1, 10_000, 'status removed');
    expect(job).toMatchObject({ platform: 'slack', serverId: fake.teamId, channelId: CHANNEL, userId: ALICE, userName: 'Alice Liddell', params: { prompt: 'red heart', seed: 7, steps: 4 } });
    expect(job!.delivery).toMatchObject({ platform: 'slack', gateway: 'main', data: { channel: CHANNEL } });

    // V1: four variations of image 1, from whoever clicks.
    const v1 = buttonsOf(grid)[1]![0]!;
    expect((await fake.postToApp(url, { payload: fake.blockAction({ message: grid, actionId: v1.actionId, userId: OWNER }) })).status).toBe(200);
    const variations = await fake.waitFor(() => gridMessages(fake).find((m) => m !== grid), 60_000, 'variations grid');
    // It links back to the grid it came from (its permalink).
    expect(variations.blocks?.[0]?.text.text).toContain(`<https://fake-team.slack.com/archives/${CHANNEL}/p${grid.ts.replace('.', '')}|image #1>`);
    expect(variations.blocks?.[0]?.text.text).toContain(`Variations (Strong) by <@${OWNER}>`);
    expect(buttonsOf(variations)[1]!.map((b) => b.label)).toEqual(['V1', 'V2', 'V3', 'V4']);
    const vjob = (await ts.services.jobs.listByStatus(['done'])).find((j) => j.kind === 'variation')!;
    expect(vjob.params.source).toEqual({ jobId: job!.id, index: 0 });

    // U2: image 2 upscaled, with the single-image actions.
    const u2 = buttonsOf(grid)[0]![1]!;
    await fake.postToApp(url, { payload: fake.blockAction({ message: grid, actionId: u2.actionId, userId: ALICE }) });
    const upscaled = await fake.waitFor(() => gridMessages(fake).find((m) => m !== grid && m !== variations), 60_000, 'upscale');
    expect(upscaled.blocks?.[0]?.text.text).toContain('Image #2');
    expect(buttonsOf(upscaled).flat().map((b) => b.label)).toEqual(['🪄 Vary (Strong)', '🪄 Vary (Subtle)', '🖌️ Vary (Region)', '🔍 Upscale 2×', '🔍 Upscale 4×', '🔄 Re-roll', '🔎 Zoom Out 2×', '🔎 Zoom Out 1.5×', '🔎 Custom Zoom', '⬅️ Pan Left', '➡️ Pan Right', '⬆️ Pan Up', '⬇️ Pan Down', 'ℹ️ Recipe', '🗑️ Delete']);
    const up = await pngSize(upscaled.files![0]!.data!);
    expect(up.format).toBe('png');
    const ujob = (await ts.services.jobs.listByStatus(['done'])).find((j) => j.kind === 'upscale')!;
    expect(up.width).toBe(ujob.output!.previewWidth);
    expect(ujob.output!.width).toBe(2 * job!.output!.width);

    // Every status edit Slack got was accepted.
    expect(fake.callsOf('chat.update').every((c) => c.ok)).toBe(true);
    expect(fake.ephemerals).toEqual([]);
  });

  it('refuses forged and replayed requests: nothing is queued', async () => {
    const { fake, ts, url } = await start('http');
    const form = fake.slashCommand({ command: '/imagine', text: 'sneaky', userId: ALICE, channelId: CHANNEL });
    expect((await fake.postToApp(url, { form }, { secret: 'guessed-secret' })).status).toBe(401);
    expect((await fake.postToApp(url, { form }, { timestamp: Math.floor(Date.now() / 1000) - 301 })).status).toBe(401);
    expect((await fake.postToApp(url, { form }, { unsigned: true })).status).toBe(401);
    expect(await ts.services.jobs.listByStatus(['queued', 'running', 'done', 'failed', 'cancelled'])).toEqual([]);
    expect(fake.calls.filter((c) => c.method.startsWith('chat.'))).toEqual([]);
  });

  it('/limits set: refused for a member (ephemeral, nothing changed), done for the workspace owner', async () => {
    const { fake, ts, url } = await start('http');
    const before = (await ts.services.settings.get(fake.teamId)).max_steps;
    await fake.postToApp(url, { form: fake.slashCommand({ command: '/limits', text: 'set max_steps 30', userId: ALICE, channelId: CHANNEL }) });
    const refusal = await fake.waitFor(() => fake.ephemerals.find((e) => e.user === ALICE), 20_000, 'refusal');
    expect(refusal.text).toContain('Only server admins');
    expect((await ts.services.settings.get(fake.teamId)).max_steps).toBe(before);

    await fake.postToApp(url, { form: fake.slashCommand({ command: '/limits', text: 'set max_steps 30', userId: OWNER, channelId: CHANNEL }) });
    await fake.waitFor(() => fake.ephemerals.find((e) => e.user === OWNER), 20_000, 'owner answer');
    expect((await ts.services.settings.get(fake.teamId)).max_steps).toBe(30);
    // Nothing public was posted for either.
    expect(fake.channelMessages(CHANNEL)).toEqual([]);
  });

  it('/limits ban with an escaped mention stops that member (told privately, nothing queued)', async () => {
    const { fake, ts, url } = await start('http');
    // Slack escapes mentions in /limits (should_escape in the manifest): @alice arrives as <@U0ALICE|alice>.
    await fake.postToApp(url, { form: fake.slashCommand({ command: '/limits', text: `ban <@${ALICE}|alice>`, userId: OWNER, channelId: CHANNEL }) });
    const done = await fake.waitFor(() => fake.ephemerals.find((e) => e.user === OWNER), 20_000, 'owner answer');
    expect(done.text).toContain('can no longer use the bot');
    expect(await ts.services.settings.isBanned(fake.teamId, ALICE)).toBe(true);
    await fake.postToApp(url, { form: fake.slashCommand({ command: '/imagine', text: 'a banned cat', userId: ALICE, channelId: CHANNEL }) });
    const refusal = await fake.waitFor(() => fake.ephemerals.find((e) => e.user === ALICE), 20_000, 'refusal');
    expect(refusal.text).toBe(BANNED);
    expect(await ts.services.jobs.listByStatus(['queued', 'running', 'done'])).toEqual([]);
    expect(fake.channelMessages(CHANNEL)).toEqual([]);
  });

  it('answers a bad /imagine parameter only to the user', async () => {
    const { fake, url } = await start('http');
    await fake.postToApp(url, { form: fake.slashCommand({ command: '/imagine', text: 'red heart --ar 99:1', userId: ALICE, channelId: CHANNEL }) });
    const note = await fake.waitFor(() => fake.ephemerals[0], 20_000, 'ephemeral error');
    expect(note.user).toBe(ALICE);
    expect(note.text).toMatch(/99:1|aspect/i);
    expect(fake.channelMessages(CHANNEL)).toEqual([]);
  });

  it('answers a user whose Slack is in German in German (users.info include_locale)', async () => {
    const { fake, url } = await start('http');
    await fake.postToApp(url, { form: fake.slashCommand({ command: '/info', text: '', userId: HEIDI, channelId: CHANNEL }) });
    const note = await fake.waitFor(() => fake.ephemerals.find((e) => e.user === HEIDI), 20_000, 'the private answer');
    expect(note.text).toContain(CATALOGUES.de['None queued or running.']);
    expect(note.text).not.toContain('Your jobs');
    expect(fake.calls.some((c) => c.method === 'users.info' && String(c.params.include_locale) === 'true')).toBe(true);
  });

  it('rides out 429s on the status post and the upload and still delivers the grid', async () => {
    const { fake, url } = await start('http');
    fake.rateLimit('files.completeUploadExternal', 1, 1);
    fake.rateLimit('chat.postMessage', 1, 1);
    await fake.postToApp(url, { form: fake.slashCommand({ command: '/imagine', text: 'slow snail --seed 3', userId: ALICE, channelId: CHANNEL }) });
    const grid: FakeMessage = await fake.waitFor(() => gridMessages(fake)[0], 60_000, 'grid after 429s');
    expect(buttonsOf(grid)).toHaveLength(3);
    expect(fake.callsOf('files.completeUploadExternal').map((c) => c.status)).toEqual([429, 200]);
    expect(fake.callsOf('chat.postMessage')[0]!.status).toBe(429);
  });

  it('a result the safety policy blocks: the status message goes, only the requester is told', async () => {
    const { fake, ts, url } = await start('http');
    await ts.services.settings.set(fake.teamId, 'nsfw_threshold', 0);
    await fake.postToApp(url, { form: fake.slashCommand({ command: '/imagine', text: 'withheld heron --seed 3', userId: ALICE, channelId: CHANNEL }) });
    const note = await fake.waitFor(() => fake.ephemerals.find((e) => e.user === ALICE && e.text.includes(SAFETY_BLOCKED)), 30_000, 'the private notice');
    expect(note.channel).toBe(CHANNEL);
    await fake.waitFor(() => fake.channelMessages(CHANNEL).every((m) => m.deleted) || undefined, 10_000, 'the status message to go');
    expect(fake.callsOf('files.completeUploadExternal')).toEqual([]);
  });

  it('the moderation log channel gets refused prompts and flagged results, without the picture', async () => {
    const { fake, ts, url } = await start('http');
    await fake.postToApp(url, { form: fake.slashCommand({ command: '/limits', text: 'set mod_log_channel <#C0MODS|mods>', userId: OWNER, channelId: CHANNEL }) });
    await fake.waitFor(() => fake.ephemerals.find((e) => e.user === OWNER), 20_000, 'owner answer');
    expect((await ts.services.settings.get(fake.teamId)).mod_log_channel).toBe('C0MODS');
    await ts.services.settings.set(fake.teamId, 'blocked_words', ['kraken']);
    await fake.postToApp(url, { form: fake.slashCommand({ command: '/imagine', text: 'a kraken', userId: ALICE, channelId: CHANNEL }) });
    const refused = await fake.waitFor(() => fake.channelMessages('C0MODS').find((m) => m.text.includes('Refused prompt')), 20_000, 'the refusal in the log');
    expect(refused.text).toContain(`<@${ALICE}>`);
    expect(refused.text).toContain('a kraken');
    await ts.services.settings.set(fake.teamId, 'nsfw_threshold', 0);
    await fake.postToApp(url, { form: fake.slashCommand({ command: '/imagine', text: 'logged heron --seed 2', userId: ALICE, channelId: CHANNEL }) });
    const blocked = await fake.waitFor(() => fake.channelMessages('C0MODS').find((m) => m.text.includes('Blocked image')), 30_000, 'the blocked image in the log');
    expect(blocked.text).toContain('logged heron');
    expect(blocked.text).toContain('not shown: Slack has no spoilers');
    expect(blocked.files ?? []).toEqual([]);
  });

  it('a result the safety policy spoilers is not shown (Slack has no spoilers); its buttons still work', async () => {
    const { fake, ts, url } = await start('http');
    // A threshold of 0 flags any picture, so a harmless one drives the spoiler path.
    await ts.services.settings.set(fake.teamId, 'nsfw_threshold', 0);
    await ts.services.settings.set(fake.teamId, 'nsfw_policy', 'spoiler');
    await fake.postToApp(url, { form: fake.slashCommand({ command: '/imagine', text: 'hidden heron --seed 3', userId: ALICE, channelId: CHANNEL }) });
    const done = await fake.waitFor(() => fake.channelMessages(CHANNEL).find((m) => !m.deleted && m.text.includes(SLACK_HIDDEN_NOTE)), 30_000, 'the hidden result');
    expect(buttonsOf(done).length).toBeGreaterThan(0);
    expect(fake.callsOf('files.completeUploadExternal')).toEqual([]);
    expect(gridMessages(fake)).toEqual([]);
  });

  it('works the same over Socket Mode', async () => {
    const { fake } = await start('socket');
    expect(adapter!.state()).toBe('connected');
    const ack = await fake.sendEnvelope('slash_commands', fake.slashCommand({ command: '/imagine', text: 'blue whale --seed 11', userId: ALICE, channelId: CHANNEL }));
    expect(ack.payload).toEqual({});
    const grid = await fake.waitFor(() => gridMessages(fake)[0], 60_000, 'grid');
    expect((await pngSize(grid.files![0]!.data!)).format).toBe('png');
    const reroll = buttonsOf(grid)[0]!.find((b) => b.label.includes('Re-roll'))!;
    const clickAck = await fake.sendEnvelope('interactive', fake.blockAction({ message: grid, actionId: reroll.actionId, userId: ALICE }));
    expect(clickAck.payload).toEqual({});
    const second = await fake.waitFor(() => gridMessages(fake).find((m) => m !== grid), 60_000, 're-rolled grid');
    expect(second.blocks?.[0]?.text.text).toContain('blue whale');
    expect(second.files![0]!.data!.equals(grid.files![0]!.data!)).toBe(false);
  });

  it('/settings: Defaults… opens a view whose answers /imagine uses; private mode keeps everything between the bot and the user', async () => {
    const { fake } = await start('socket');
    await fake.sendEnvelope('slash_commands', fake.slashCommand({ command: '/settings', text: '', userId: ALICE, channelId: CHANNEL }));
    const panel = await fake.waitFor(() => fake.ephemerals.find((e) => e.user === ALICE && e.text.includes('Your settings here')), 10_000, 'the panel');
    const defaults = panel.blocks!.filter((b) => b.type === 'actions').flatMap((b) => b.elements).find((e: { type: string; text?: { text: string } }) => e.type === 'button' && e.text!.text.includes('Defaults'));
    const asMessage = { channel: CHANNEL, ts: '1.000001', user: fake.botUserId, text: panel.text, blocks: panel.blocks, history: [], deleted: false };
    await fake.sendEnvelope('interactive', fake.blockAction({ message: asMessage, actionId: defaults.action_id, userId: ALICE }));
    const view = await fake.waitFor(() => fake.views.find((v) => v.userId === ALICE && !v.closed), 10_000, 'the view');
    expect(await fake.submitView(view, ALICE, { steps: '3' })).toEqual({});
    await fake.waitFor(() => fake.ephemerals.find((e) => e.user === ALICE && e.text.includes('Saved.')), 10_000, 'saved');
    // The sampler menu: a static select whose choice is saved.
    const sampler = panel.blocks!.flatMap((b) => (b.type === 'actions' ? b.elements : [])).find((e: { type: string; placeholder?: { text: string } }) => e.type === 'static_select' && e.placeholder!.text.startsWith('Sampler'));
    await fake.sendEnvelope('interactive', fake.selectAction({ message: asMessage, actionId: sampler.action_id, value: 'euler-karras', userId: ALICE }));
    await fake.waitFor(() => fake.ephemerals.find((e) => e.user === ALICE && e.text.includes('euler-karras')), 10_000, 'the sampler chosen');
    // The panel redraws itself in place of the one clicked.
    expect(fake.responseMessages.find((m) => m.text.includes('euler-karras'))?.replaceOriginal).toBe(true);

    await fake.sendEnvelope('slash_commands', fake.slashCommand({ command: '/settings', text: 'set private on', userId: ALICE, channelId: CHANNEL }));
    await fake.waitFor(() => fake.ephemerals.find((e) => e.user === ALICE && e.text.includes('Private mode is now')), 10_000, 'private on');
    await fake.sendEnvelope('slash_commands', fake.slashCommand({ command: '/imagine', text: 'quiet heart --seed 2', userId: ALICE, channelId: CHANNEL }));
    const result = await fake.waitFor(() => fake.ephemerals.find((e) => e.user === ALICE && e.blocks?.some((b) => b.type === 'image')), 60_000, 'the private grid');
    expect(result.text).toContain('quiet heart');
    expect(buttonsOf({ ...asMessage, blocks: result.blocks }).flat().map((b) => b.label)).toContain('U1');
    expect(fake.channelMessages(CHANNEL).some((m) => m.text.includes('quiet heart') || m.blocks?.some((b) => JSON.stringify(b).includes('quiet heart')))).toBe(false);
    const job = (await ts!.services.jobs.listByStatus(['done'])).find((j) => j.params.prompt === 'quiet heart')!;
    expect(job.params).toMatchObject({ steps: 3, private: true, scheduler: 'euler', karras: true });
  });

  it('ℹ️ Recipe answers privately; 🗑 Delete takes the grid message and its file down for its requester only', async () => {
    const { fake } = await start('socket');
    await fake.sendEnvelope('slash_commands', fake.slashCommand({ command: '/imagine', text: 'doomed daisy --seed 4', userId: ALICE, channelId: CHANNEL }));
    const grid = await fake.waitFor(() => gridMessages(fake)[0], 60_000, 'grid');
    const [recipe, del] = buttonsOf(grid)[2]!;
    await fake.sendEnvelope('interactive', fake.blockAction({ message: grid, actionId: recipe!.actionId, userId: OWNER }));
    const info = await fake.waitFor(() => fake.ephemerals.find((e) => e.user === OWNER && e.text.includes('Recipe')), 10_000, 'the recipe');
    expect(info.text).toContain('Prompt: doomed daisy');

    const fileId = grid.files![0]!.id;
    await fake.sendEnvelope('interactive', fake.blockAction({ message: grid, actionId: del!.actionId, userId: BOB }));
    await fake.waitFor(() => fake.ephemerals.find((e) => e.user === BOB && e.text.includes('Only the person who asked for this image')), 10_000, 'the refusal');
    expect(grid.deleted).toBe(false);
    await fake.sendEnvelope('interactive', fake.blockAction({ message: grid, actionId: del!.actionId, userId: ALICE }));
    await fake.waitFor(() => fake.ephemerals.find((e) => e.user === ALICE && e.text.includes('Deleted the result')), 10_000, 'the confirmation');
    expect(grid.deleted).toBe(true);
    expect(fake.files.has(fileId)).toBe(false);
  });

  it('finishes a job after a bot restart in the status message it posted before', async () => {
    // The fake runner writes its images through this, to whichever store is current.
    const store: { current?: ImageStore } = {};
    const images: ImageStore = {
      put: (k, d) => store.current!.put(k, d),
      get: (k) => store.current!.get(k),
      has: (k) => store.current!.has(k),
      deletePrefix: (p) => store.current!.deletePrefix(p),
    };
    const runner = new FakeRunner({ images, durationMs: 40 });
    runner.hold();
    const first = await start('http', runner);
    store.current = first.ts.services.images;
    await first.fake.postToApp(first.url, { form: first.fake.slashCommand({ command: '/imagine', text: 'patient tortoise', userId: ALICE, channelId: CHANNEL }) });
    await runner.waitForStarts(1);
    const status = await first.fake.waitFor(() => first.fake.channelMessages(CHANNEL)[0], 20_000, 'status');
    const [job] = await first.ts.services.jobs.listByStatus(['running']);
    await until(async () => (await first.ts.services.jobs.get(job!.id))?.delivery?.data.ts === status.ts, 'stored status ts');

    // Restart: the running job goes back to the queue; a new adapter instance picks it up.
    await adapter!.stop();
    ts = await first.ts.restart();
    store.current = ts.services.images;
    adapter = await startSlack(ts.services, commandLayer, { listen: { port: first.port, host: '127.0.0.1' } });
    runner.release();

    const grid = await first.fake.waitFor(() => gridMessages(first.fake)[0], 30_000, 'grid after restart');
    expect(grid.blocks?.[0]?.text.text).toContain('patient tortoise');
    await first.fake.waitFor(() => status.deleted, 10_000, 'old status removed');
    // The status message from before the restart was the one kept up to date: no second one.
    expect(first.fake.callsOf('chat.postMessage').filter((c) => c.ok)).toHaveLength(1);
    expect(first.fake.callsOf('chat.update').some((c) => c.params.ts === status.ts && c.ok)).toBe(true);
  });
});
