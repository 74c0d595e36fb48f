/**
 * The real Bolt app (HTTP receiver and Socket Mode) against the loopback fake of Slack, with a
 * scripted command layer so each step of a job can be watched in the fake's channel.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, type Socket } from 'node:net';
import { MAX_UNVERIFIED } from '../../src/adapters/slack/http-receiver.js';
import { startSlack, type SlackAdapterHandle } from '../../src/adapters/slack/index.js';
import { buttonsOf, FakeSlack, type FakeMessage } from './fake-slack.js';
import { freePort, stubWorld, type StubWorld } from './stub-layer.js';

const CHANNEL = 'C0GENERAL';
const ALICE = 'U0ALICE';
const ADMIN = 'U0ADMIN';
const LISTED = 'U0LISTED';

let fake: FakeSlack;
let world: StubWorld;
let adapter: SlackAdapterHandle | undefined;
let url: string;

async function startHttp(extraEnv: Record<string, string> = {}) {
  const port = await freePort();
  world = stubWorld({
    SLACK_BOT_TOKEN: fake.botToken,
    SLACK_SIGNING_SECRET: fake.signingSecret,
    SLACK_API_URL: fake.apiUrl,
    SLACK_PORT: String(port),
    SLACK_ADMIN_USERS: LISTED,
    ...extraEnv,
  });
  adapter = await startSlack(world.services, world.layer, { listen: { port, host: '127.0.0.1' } });
  url = `http://127.0.0.1:${port}/slack/events`;
}

/** The head of a raw POST /slack/events with these headers. */
function head(headers: Record<string, string>): string {
  return `POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
}

/** Sends the headers and the start of a body (never the rest); resolves the first bytes of the answer. */
function rawRequest(port: number, headers: Record<string, string>, bodyStart: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(head(headers) + bodyStart));
    socket.once('data', (d: Buffer) => {
      resolve(d.toString('latin1'));
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

/** A request that sends its headers and a byte of body, then stalls; resolves once the server has it. */
function openSlowRequest(port: number, headers: Record<string, string>): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(head(headers) + 'x', () => setTimeout(() => resolve(socket), 20));
    });
    socket.once('error', reject);
  });
}

function slash(command: string, text: string, userId = ALICE, channelId = CHANNEL) {
  return fake.slashCommand({ command, text, userId, channelId });
}

const statusOf = (jobId: string) => world.jobs.rows.get(jobId)?.status;

beforeEach(async () => {
  fake = await FakeSlack.start({
    users: [
      { id: ALICE, name: 'alice', displayName: 'Alice' },
      { id: ADMIN, name: 'boss', isAdmin: true },
      { id: LISTED, name: 'listed' },
    ],
    unreachableChannels: ['C0PRIVATE'],
  });
});

afterEach(async () => {
  await adapter?.stop();
  adapter = undefined;
  await fake.close();
});

describe('Slack over HTTP (signed requests)', () => {
  it('runs /imagine: ack, status with progress edits, grid upload with buttons, status removed', async () => {
    await startHttp();
    expect(adapter!.state()).toBe('connected');
    const res = await fake.postToApp(url, { form: slash('/imagine', 'red heart &amp; stars') });
    expect(res.status).toBe(200);

    const status = await fake.waitFor(() => fake.channelMessages(CHANNEL)[0], 10_000, 'status message');
    // Slack message text is HTML-escaped; Slack shows it as "red heart & stars".
    expect(status.text).toContain('red heart &amp; stars');
    expect(status.blocks?.[0]).toMatchObject({ type: 'section', text: { type: 'mrkdwn' } });
    expect(status.blocks?.[0]?.text.text).toContain(`<@${ALICE}>`);
    expect(status.blocks?.[0]?.text.text).toContain('*red heart &amp; stars*');

    const inv = world.invocations[0]!;
    expect(inv).toMatchObject({ platform: 'slack', serverId: fake.teamId, channelId: CHANNEL, userId: ALICE, userName: 'Alice', isServerAdmin: false, command: 'imagine', options: { prompt: 'red heart & stars' } });
    const jobId = [...world.jobs.rows.keys()][0]!;
    // The job knows where its status message is, for updates after a restart.
    await fake.waitFor(() => world.jobs.rows.get(jobId)?.delivery?.data.ts === status.ts, 5000, 'stored ts');
    expect(world.jobs.rows.get(jobId)!.delivery).toMatchObject({ platform: 'slack', gateway: 'main', data: { channel: CHANNEL, ts: status.ts } });

    await world.queue.run(jobId);
    world.queue.progress(jobId, 2, 4);
    await fake.waitFor(() => status.text.includes('step 2/4'), 10_000, 'progress edit');
    expect(fake.channelMessages(CHANNEL)).toHaveLength(1);

    const png = await world.queue.finish(jobId);
    const grid = await fake.waitFor(() => fake.channelMessages(CHANNEL).find((m) => m.files?.length), 10_000, 'grid upload');
    expect(grid.files![0]!.data!.equals(png)).toBe(true);
    expect(grid.files![0]!.filename).toMatch(/\.png$/);
    expect(buttonsOf(grid).map((row) => row.map((b) => b.label))).toEqual([
      ['U1', 'U2', 'U3', 'U4', '🔄 Re-roll'],
      ['V1', 'V2', 'V3', 'V4'],
      ['ℹ️ Recipe', '🗑️ Delete'],
    ]);
    expect(grid.blocks?.[0]?.text.text).toContain('seeds 7–10');
    // The v2 flow, not the retired files.upload.
    expect(fake.callsOf('files.getUploadURLExternal')).toHaveLength(1);
    expect(fake.callsOf('files.completeUploadExternal')).toHaveLength(1);
    expect(fake.callsOf('files.upload')).toHaveLength(0);
    await fake.waitFor(() => status.deleted, 5000, 'status message removed');
    expect(fake.channelMessages(CHANNEL)).toEqual([grid]);
  });

  it('never steps a status message back to an older state', async () => {
    await startHttp();
    await fake.postToApp(url, { form: slash('/imagine', 'eager beaver') });
    const status = await fake.waitFor(() => fake.channelMessages(CHANNEL)[0], 10_000, 'status');
    expect(status.text).toContain('Starting');
    const jobId = [...world.jobs.rows.keys()][0]!;
    world.queue.progress(jobId, 1, 4);
    await fake.waitFor(() => status.text.includes('step 1/4'), 10_000, 'progress edit');
    // The queued event, rendered before the job started, was not shown after "Starting…".
    expect(status.history.map((h) => h.text)).toEqual([expect.stringContaining('Starting')]);
  });

  it('turns a button click into a button invocation and posts the new job', async () => {
    await startHttp();
    await fake.postToApp(url, { form: slash('/imagine', 'blue cat') });
    await fake.waitFor(() => world.jobs.rows.size === 1 && fake.channelMessages(CHANNEL).length === 1, 10_000, 'first job');
    const jobId = [...world.jobs.rows.keys()][0]!;
    await world.queue.finish(jobId);
    const grid: FakeMessage = await fake.waitFor(() => fake.channelMessages(CHANNEL).find((m) => m.files?.length), 10_000, 'grid');

    const v2 = buttonsOf(grid)[1]![1]!;
    const res = await fake.postToApp(url, { payload: fake.blockAction({ message: grid, actionId: v2.actionId, userId: ADMIN }) });
    expect(res.status).toBe(200);
    const click = await fake.waitFor(() => world.invocations.find((i) => i.command === 'button'), 10_000, 'button invocation');
    expect(click).toMatchObject({ platform: 'slack', serverId: fake.teamId, channelId: CHANNEL, userId: ADMIN, isServerAdmin: true, options: { id: v2.value } });
    const second = await fake.waitFor(() => fake.channelMessages(CHANNEL).find((m) => m !== grid && !m.files), 10_000, 'variation status');
    expect(second.text).toContain('Variations');
    expect(second.text).toContain(`<@${ADMIN}>`);
  });

  it('refuses forged, unsigned and replayed old requests without running anything', async () => {
    await startHttp();
    const forged = await fake.postToApp(url, { form: slash('/imagine', 'forged') }, { secret: 'not-the-secret' });
    const unsigned = await fake.postToApp(url, { form: slash('/imagine', 'unsigned') }, { unsigned: true });
    // A captured request replayed six minutes later: its signature is valid but stale.
    const replayed = await fake.postToApp(url, { form: slash('/imagine', 'replayed') }, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect([forged.status, unsigned.status, replayed.status]).toEqual([401, 401, 401]);
    // A fresh, correctly signed request still works afterwards.
    const good = await fake.postToApp(url, { form: slash('/imagine', 'genuine') });
    expect(good.status).toBe(200);
    await fake.waitFor(() => world.invocations.length === 1, 10_000, 'genuine invocation');
    expect(world.invocations.map((i) => i.options.prompt)).toEqual(['genuine']);
  });

  it('takes a signed request once: a replay inside the window and a timestamp from tomorrow are refused', async () => {
    await startHttp();
    const form = slash('/imagine', 'only once');
    const timestamp = Math.floor(Date.now() / 1000);
    expect((await fake.postToApp(url, { form }, { timestamp })).status).toBe(200);
    expect((await fake.postToApp(url, { form }, { timestamp })).status).toBe(401);
    const tomorrow = await fake.postToApp(url, { form: slash('/imagine', 'from the future') }, { timestamp: timestamp + 86_400 });
    expect(tomorrow.status).toBe(401);
    await fake.waitFor(() => world.invocations.length === 1, 10_000, 'one invocation');
    // Nothing more arrives: the refused ones never reached Bolt.
    await fake.postToApp(url, { form: slash('/info', '') });
    await fake.waitFor(() => world.invocations.length === 2, 10_000, 'the /info after them');
    expect(world.invocations.map((i) => i.options.prompt ?? i.command)).toEqual(['only once', 'info']);
    expect(world.jobs.rows.size).toBe(1);
  });

  it('answers before reading the body when the signature headers are missing, and refuses bodies over the cap', async () => {
    await startHttp();
    const { port } = new URL(url);
    // Headers without a signature and a body that never ends: the answer does not wait for it.
    const early = await rawRequest(Number(port), { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '100000' }, 'text=');
    expect(early).toMatch(/^HTTP\/1\.1 401/);
    // Signed-looking headers, a declared body of 4 MB: refused from the headers alone.
    const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)), 'x-slack-signature': `v0=${'0'.repeat(64)}` };
    expect(await rawRequest(Number(port), { ...headers, 'content-length': String(4 * 1024 * 1024) }, 'text=')).toMatch(/^HTTP\/1\.1 413/);
    // Sent in chunks with no length: cut off once past the cap.
    const chunked = await fetch(url, { method: 'POST', headers, body: 'a'.repeat(512 * 1024) }).then((r) => r.status, () => 0);
    expect([413, 0]).toContain(chunked);
    expect((await fake.postToApp(url, { form: slash('/info', '') })).status).toBe(200);
  });

  it('caps the requests whose signature is not checked yet; the next gets 503 without its body read', async () => {
    await startHttp();
    const { port } = new URL(url);
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': '1000',
      'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)),
      'x-slack-signature': `v0=${'0'.repeat(64)}`,
    };
    // Slow senders: headers and a few bytes each, never the rest of the body.
    const slow = await Promise.all(Array.from({ length: MAX_UNVERIFIED }, () => openSlowRequest(Number(port), headers)));
    try {
      expect(await rawRequest(Number(port), headers, 'x')).toMatch(/^HTTP\/1\.1 503/);
    } finally {
      for (const socket of slow) socket.destroy();
    }
    await expect.poll(() => fake.postToApp(url, { form: slash('/info', '') }).then((r) => r.status), { timeout: 10_000, interval: 100 }).toBe(200);
  });

  it('acknowledges clicks on buttons it does not own and leaves them alone', async () => {
    await startHttp();
    const foreign: FakeMessage = {
      channel: CHANNEL,
      ts: '1700000000.000001',
      user: 'U0OTHERBOT',
      text: 'another app',
      blocks: [{ type: 'actions', block_id: 'other-app', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Hi' }, action_id: 'hi', value: 'up:job1:0:2' }] }],
      history: [],
      deleted: false,
    };
    const res = await fake.postToApp(url, { payload: fake.blockAction({ message: foreign, actionId: 'hi', userId: ALICE }) });
    expect(res.status).toBe(200);
    await fake.postToApp(url, { form: slash('/info', '') });
    await fake.waitFor(() => world.invocations.length > 0, 10_000, 'info invocation');
    expect(world.invocations.map((i) => i.command)).toEqual(['info']);
  });

  it('knows admins from users.info and SLACK_ADMIN_USERS; a non-admin /limits set is refused ephemerally', async () => {
    await startHttp();
    await fake.postToApp(url, { form: slash('/limits', 'set max_steps 30', ALICE) });
    const refusal = await fake.waitFor(() => fake.ephemerals.find((e) => e.user === ALICE), 10_000, 'refusal');
    expect(refusal.text).toContain('Only server admins');
    expect(refusal.via).toBe('response_url');
    expect(fake.channelMessages(CHANNEL)).toHaveLength(0);

    await fake.postToApp(url, { form: slash('/limits', 'set max_steps 30', ADMIN) });
    await fake.postToApp(url, { form: slash('/limits', 'set max_steps 31', LISTED) });
    await fake.waitFor(() => world.invocations.length === 3, 10_000, 'three invocations');
    expect(world.invocations.map((i) => [i.userId, i.subcommand, i.isServerAdmin])).toEqual([
      [ALICE, 'set', false],
      [ADMIN, 'set', true],
      [LISTED, 'set', true],
    ]);
  });

  it('answers bad command text and unknown commands only to the user', async () => {
    await startHttp();
    await fake.postToApp(url, { form: slash('/imagine', '   ') });
    await fake.postToApp(url, { form: slash('/paint', 'a cat') });
    await fake.waitFor(() => fake.ephemerals.length === 2, 10_000, 'two ephemeral answers');
    const texts = fake.ephemerals.map((e) => e.text).sort();
    expect(texts[0]).toContain('Describe the image');
    expect(texts[1]).toContain('Unknown command');
    expect(world.invocations).toHaveLength(0);
    expect(fake.channelMessages(CHANNEL)).toHaveLength(0);
  });

  it('rides out a 429 from Slack and still posts the status message', async () => {
    await startHttp();
    fake.rateLimit('chat.postMessage', 1, 1);
    await fake.postToApp(url, { form: slash('/imagine', 'patient fox') });
    const status = await fake.waitFor(() => fake.channelMessages(CHANNEL)[0], 20_000, 'status after 429');
    expect(status.text).toContain('patient fox');
    expect(fake.callsOf('chat.postMessage').map((c) => c.status)).toEqual([429, 200]);
    expect(fake.ephemerals).toHaveLength(0);
  });

  it('takes the job back and tells the user when it cannot post in the conversation', async () => {
    await startHttp();
    await fake.postToApp(url, { form: slash('/imagine', 'secret garden', ALICE, 'C0PRIVATE') });
    const note = await fake.waitFor(() => fake.ephemerals[0], 10_000, 'cannot-post note');
    expect(note.text).toContain('/invite');
    expect(world.queue.cancelled.map((c) => c.jobId)).toEqual([...world.jobs.rows.keys()]);
    expect(statusOf([...world.jobs.rows.keys()][0]!)).toBe('cancelled');
  });

  it('posts a new status message when the old one was deleted', async () => {
    await startHttp();
    await fake.postToApp(url, { form: slash('/imagine', 'phoenix') });
    const first = await fake.waitFor(() => fake.channelMessages(CHANNEL)[0], 10_000, 'status');
    const jobId = [...world.jobs.rows.keys()][0]!;
    await fake.waitFor(() => world.jobs.rows.get(jobId)?.delivery?.data.ts === first.ts, 5000, 'stored ts');
    first.deleted = true; // someone removed it in Slack
    await world.queue.run(jobId);
    const second = await fake.waitFor(() => fake.channelMessages(CHANNEL)[0], 10_000, 'reposted status');
    expect(second.ts).not.toBe(first.ts);
    expect(second.text).toContain('phoenix');
    await fake.waitFor(() => world.jobs.rows.get(jobId)?.delivery?.data.ts === second.ts, 5000, 'new ts stored');
  });

  it('keeps tokens and the signing secret out of the logs, even at debug level', async () => {
    await startHttp();
    await fake.postToApp(url, { form: slash('/imagine', 'quiet owl') });
    const jobId = await fake.waitFor(() => [...world.jobs.rows.keys()][0], 10_000, 'job');
    await world.queue.finish(jobId);
    await fake.waitFor(() => fake.channelMessages(CHANNEL).find((m) => m.files?.length), 10_000, 'grid');
    const all = world.logs.join('');
    expect(all.length).toBeGreaterThan(0);
    for (const secret of [fake.botToken, fake.signingSecret]) expect(all).not.toContain(secret);
    expect(all).not.toMatch(/\/respond\/[0-9a-f]{16}/);
  });
});

describe('Slack over Socket Mode', () => {
  async function startSocket() {
    world = stubWorld({ SLACK_BOT_TOKEN: fake.botToken, SLACK_APP_TOKEN: fake.appToken, SLACK_API_URL: fake.apiUrl });
    adapter = await startSlack(world.services, world.layer);
  }

  it('connects with the app token, acks envelopes and delivers the grid', async () => {
    await startSocket();
    expect(adapter!.state()).toBe('connected');
    expect(fake.openSockets).toBe(1);
    expect(fake.callsOf('apps.connections.open')[0]!.token).toBe(fake.appToken);

    const ack = await fake.sendEnvelope('slash_commands', slash('/imagine', 'green dragon'));
    expect(ack.payload).toEqual({});
    const status = await fake.waitFor(() => fake.channelMessages(CHANNEL)[0], 10_000, 'status');
    expect(status.text).toContain('green dragon');
    const jobId = [...world.jobs.rows.keys()][0]!;
    await world.queue.finish(jobId);
    const grid = await fake.waitFor(() => fake.channelMessages(CHANNEL).find((m) => m.files?.length), 10_000, 'grid');

    const u3 = buttonsOf(grid)[0]![2]!;
    await fake.sendEnvelope('interactive', fake.blockAction({ message: grid, actionId: u3.actionId, userId: ALICE }));
    const click = await fake.waitFor(() => world.invocations.find((i) => i.command === 'button'), 10_000, 'click');
    expect(click.options.id).toBe(u3.value);
    // Socket Mode debug logs carry whole envelopes: the secrets in them are masked.
    const all = world.logs.join('');
    expect(all).toContain('Received a message on the WebSocket');
    for (const secret of [fake.appToken, fake.botToken]) expect(all).not.toContain(secret);
    expect(all).not.toMatch(/\/respond\/[0-9a-f]{16}|ticket=[0-9a-f]{24}/);
  });

  it('reconnects when Slack asks it to, and stops cleanly', async () => {
    await startSocket();
    fake.sendDisconnect();
    await fake.waitFor(() => fake.socketConnections === 2 && fake.openSockets === 1, 20_000, 'reconnect');
    await fake.waitFor(() => adapter!.state() === 'connected' || undefined, 5000, 'connected again');
    const ack = await fake.sendEnvelope('slash_commands', slash('/info', ''));
    expect(ack.payload).toEqual({});
    await fake.waitFor(() => fake.responseMessages.find((m) => m.text.includes('Queue')), 10_000, 'info answer');
    expect(fake.responseMessages[0]!.responseType).toBe('in_channel');

    await adapter!.stop();
    expect(adapter!.state()).toBe('stopped');
    await fake.waitFor(() => fake.openSockets === 0 || undefined, 5000, 'socket closed');
    adapter = undefined;
  });

  it('refuses to start with a wrong bot token or app token, naming the problem', async () => {
    world = stubWorld({ SLACK_BOT_TOKEN: 'xoxb-wrong', SLACK_APP_TOKEN: fake.appToken, SLACK_API_URL: fake.apiUrl });
    await expect(startSlack(world.services, world.layer)).rejects.toThrow(/SLACK_BOT_TOKEN.*invalid_auth/);
    world = stubWorld({ SLACK_BOT_TOKEN: fake.botToken, SLACK_APP_TOKEN: 'xapp-wrong', SLACK_API_URL: fake.apiUrl });
    await expect(startSlack(world.services, world.layer)).rejects.toThrow(/SLACK_APP_TOKEN.*invalid_auth/);
    expect(fake.openSockets).toBe(0);
  });

  it('gives up soon with a clear error when Slack cannot be reached', async () => {
    const closed = await freePort();
    world = stubWorld({ SLACK_BOT_TOKEN: fake.botToken, SLACK_APP_TOKEN: fake.appToken, SLACK_API_URL: `http://127.0.0.1:${closed}/api/` });
    await expect(startSlack(world.services, world.layer)).rejects.toThrow(/Slack is not reachable at http:\/\/127\.0\.0\.1:\d+\/api\//);
  });
});
