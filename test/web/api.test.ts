/**
 * The playground's HTTP API end to end on the real command layer, queue and tiny ONNX model:
 * what every tab of a server sees, what only the asking tab sees, admin rules, and bad requests.
 */
import { request } from 'node:http';
import sharp from 'sharp';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWeb, type WebHandle } from '../../src/adapters/web/index.js';
import { createTestServices, type TestServices } from '../fixtures/services.js';
import { click, command, openTab, post, type Tab } from './client.js';
import { commandLayer } from '../../commands/index.js';
import { shown } from '../fixtures/markup.js';
import { SAFETY_BLOCKED } from '../../src/core/safety.js';

/** The HTTP status a WebSocket handshake gets (101 when it opens). */
function handshake(httpUrl: string, origin: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(httpUrl.replace(/^http/, 'ws'), { origin });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode!));
    ws.once('error', reject);
  });
}

let t: TestServices;
let web: WebHandle;
let url: string;
const tabs: Tab[] = [];
const tab = async (server = 'local') => {
  const x = await openTab(url, server);
  tabs.push(x);
  return x;
};

beforeAll(async () => {
  t = await createTestServices({ env: { WEB_PASSWORD: 'open sesame' } });
  web = await startWeb(t.services, commandLayer, { port: 0, progressIntervalMs: 50 });
  url = web.url;
});

afterAll(async () => {
  for (const x of tabs) x.close();
  await web?.stop();
  await t?.close();
});

describe('playground API on loopback', () => {
  it('serves the page and its assets with a strict content policy', async () => {
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    for (const asset of ['/app.js', '/style.css']) {
      expect(html).toContain(asset);
      expect((await fetch(url + asset.slice(1))).status).toBe(200);
    }
    const state = (await (await fetch(`${url}api/state`)).json()) as { servers: string[]; admin: boolean; passwordNeeded: boolean; commands: { name: string }[] };
    expect(state).toMatchObject({ servers: ['local', 'second'], admin: true, passwordNeeded: false });
    expect(state.commands.map((c) => c.name)).toEqual(['imagine', 'limits', 'info', 'cancel', 'models', 'show', 'settings']);
    expect(web.state()).toBe('connected');
  });

  it('shows a grid to every tab of the server, with a decodable PNG, and nothing to another server', async () => {
    const [alice, bob, elsewhere] = [await tab(), await tab(), await tab('second')];
    const sent = await command(url, alice, 'local', 'Alice', '/imagine red heart --seed 7');
    expect(sent.status).toBe(200);
    const id = sent.body.message!.id;
    expect(sent.body.message).toMatchObject({ jobId: expect.any(String), invokedBy: { userName: 'Alice', action: 'used /imagine red heart --seed 7' } });

    const done = await bob.waitFor((m) => m.id === id && m.job?.status === 'done', 'the grid in the second tab');
    expect(shown(done.text)).toMatch(/^\*\*red heart\*\* - <@alice>\nseeds 7–10/);
    expect(done.mentions).toEqual({ alice: 'Alice' });
    expect(done.buttons.map((row) => row.map((b) => b.label))).toEqual([['U1', 'U2', 'U3', 'U4', 'Re-roll'], ['V1', 'V2', 'V3', 'V4'], ['Recipe', 'Delete']]);
    await alice.waitFor((m) => m.id === id && m.job?.status === 'done', 'the grid in the asking tab');
    // Progress came through as edits of the same message before the result.
    expect(bob.received.filter((m) => m.id === id).map((m) => m.job?.status)).toContain('running');

    const job = (await t.services.jobs.get(done.jobId!))!;
    const png = await fetch(url + done.images[0]!.url.slice(1));
    expect(png.headers.get('content-type')).toBe('image/png');
    const meta = await sharp(Buffer.from(await png.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', job.output!.previewWidth, job.output!.previewHeight]);
    expect(meta.width).toBeGreaterThanOrEqual(2 * job.params.width);
    expect(done.images[0]).toMatchObject({ width: meta.width, height: meta.height });

    expect(elsewhere.received.some((m) => m.id === id)).toBe(false);
  });

  it('a result the safety policy blocks: every tab loses its status, only the asking tab is told', async () => {
    await t.services.settings.set('second', 'nsfw_threshold', 0);
    try {
      const [erin, frank] = [await tab('second'), await tab('second')];
      const sent = await command(url, erin, 'second', 'Erin', '/imagine withheld heron --seed 4');
      const id = sent.body.message!.id;
      const note = await erin.waitFor((m) => m.id !== id && m.jobId === sent.body.message!.jobId && m.job?.status === 'failed', 'the private notice');
      expect(note.visibleTo).toBe(erin.clientId);
      expect(shown(note.text)).toContain(SAFETY_BLOCKED);
      await frank.waitFor((m) => m.id === id && m.deleted === true, 'the status taken down in the other tab');
      expect(frank.received.some((m) => shown(m.text).includes(SAFETY_BLOCKED))).toBe(false);
    } finally {
      await t.services.settings.reset('second', 'nsfw_threshold');
    }
  });

  it('posts the moderation log in the playground channel when it is set to #general', async () => {
    const [admin, gina] = [await tab('second'), await tab('second')];
    await command(url, admin, 'second', 'Root', '/limits set mod_log_channel #general');
    await command(url, admin, 'second', 'Root', '/limits set blocked_words kraken');
    try {
      await command(url, gina, 'second', 'Gina', '/imagine a kraken');
      const entry = await admin.waitFor((m) => shown(m.text).includes('Refused prompt'), 'the log entry');
      expect(entry.visibleTo).toBeUndefined();
      expect(shown(entry.text)).toContain('a kraken');
    } finally {
      await t.services.settings.reset('second', 'mod_log_channel');
      await t.services.settings.reset('second', 'blocked_words');
    }
  });

  it('marks a result the safety policy spoilers as a spoiler for every tab', async () => {
    // A threshold of 0 flags any picture, so a harmless one drives the spoiler path.
    await t.services.settings.set('second', 'nsfw_threshold', 0);
    await t.services.settings.set('second', 'nsfw_policy', 'spoiler');
    try {
      const carol = await tab('second');
      const sent = await command(url, carol, 'second', 'Carol', '/imagine grey heron --seed 2');
      const done = await carol.waitFor((m) => m.id === sent.body.message!.id && m.job?.status === 'done', 'the spoilered grid');
      expect(done.images[0]).toMatchObject({ spoiler: true });
      expect(shown(done.text)).toContain('marked sensitive by the image safety check');
    } finally {
      await t.services.settings.reset('second', 'nsfw_threshold');
      await t.services.settings.reset('second', 'nsfw_policy');
    }
  });

  it('runs U1 and V1 clicks as new jobs and shows their results', async () => {
    const alice = await tab();
    const grid = [...alice.latest().values()].find((m) => m.job?.status === 'done' && m.buttons[0]?.[0]?.label === 'U1')!;
    const up = await click(url, alice, 'local', 'Alice', grid, 'U1');
    expect(up.body.message?.invokedBy?.action).toBe('clicked U1');
    const upscaled = await alice.waitFor((m) => m.id === up.body.message!.id && m.job?.status === 'done', 'the upscale');
    expect(shown(upscaled.text)).toContain('Image #1 (upscaled 2×)');
    expect(shown(upscaled.text)).toContain(` · from [image #1](#m-${grid.id})`);
    expect(upscaled.buttons.flat().map((b) => b.label)).toEqual(['Vary (Strong)', 'Vary (Subtle)', 'Vary (Region)', 'Upscale 2×', 'Upscale 4×', 'Re-roll', 'Zoom Out 2×', 'Zoom Out 1.5×', 'Custom Zoom', 'Pan Left', 'Pan Right', 'Pan Up', 'Pan Down', 'Recipe', 'Delete']);
    const upJob = (await t.services.jobs.get(upscaled.jobId!))!;
    expect(upJob).toMatchObject({ kind: 'upscale', output: { width: 128, height: 128 } });

    const vary = await click(url, alice, 'local', 'Alice', grid, 'V1');
    const varied = await alice.waitFor((m) => m.id === vary.body.message!.id && m.job?.status === 'done', 'the variations');
    expect(shown(varied.text)).toContain('Variations (Strong)');
    expect(varied.images).toHaveLength(1);
    expect((await t.services.jobs.get(varied.jobId!))?.params.source).toEqual({ jobId: grid.jobId, index: 0 });
  });

  it('a permutation prompt makes a job and a message for each combination', async () => {
    const alice = await tab();
    await command(url, alice, 'local', 'Alice', '/imagine {red, blue} kite --seed 5');
    const red = await alice.waitFor((m) => m.job?.status === 'done' && shown(m.text).includes('red kite'), 'the red grid');
    const blue = await alice.waitFor((m) => m.job?.status === 'done' && shown(m.text).includes('blue kite'), 'the blue grid');
    expect(red.id).not.toBe(blue.id);
    expect(blue.invokedBy?.userName).toBe('Alice');
  });

  it('/settings set changes what /imagine makes; private mode shows the job to the asking tab only', async () => {
    const [alice, bob] = [await tab(), await tab()];
    const set = await command(url, alice, 'local', 'Carol', '/settings set steps 5');
    expect(shown(set.body.message!.text)).toContain('Steps is now `5`');
    await command(url, alice, 'local', 'Carol', '/settings set private on');
    const sent = await command(url, alice, 'local', 'Carol', '/imagine hushed heart --seed 2');
    const grid = await alice.waitFor((m) => m.id === sent.body.message!.id && m.job?.status === 'done', 'the private grid');
    expect(grid.visibleTo).toBe(alice.clientId);
    expect((await t.services.jobs.get(grid.jobId!))!.params).toMatchObject({ steps: 5, private: true });
    await command(url, bob, 'local', 'Bob', '/info');
    expect(bob.received.some((m) => m.id === grid.id)).toBe(false);
    await command(url, alice, 'local', 'Carol', '/settings reset');
  });

  it('🗑 Delete takes a result down in every tab', async () => {
    const [alice, bob] = [await tab(), await tab()];
    const sent = await command(url, alice, 'local', 'Dora', '/imagine doomed daisy --seed 3');
    const grid = await alice.waitFor((m) => m.id === sent.body.message!.id && m.job?.status === 'done', 'the grid');
    await bob.waitFor((m) => m.id === grid.id && m.job?.status === 'done', "the grid in bob's tab");
    const done = await click(url, alice, 'local', 'Dora', grid, 'Delete');
    expect(shown(done.body.message!.text)).toContain('Deleted the result');
    await bob.waitFor((m) => m.id === grid.id && m.deleted === true, "the grid gone from bob's tab");
    expect(await t.services.jobs.get(grid.jobId!)).toBeUndefined();
  });

  it('answers mistakes only in the tab that made them', async () => {
    const [alice, bob] = [await tab(), await tab()];
    const bad = await command(url, alice, 'local', 'Alice', '/imagine red heart --seed x');
    expect(bad.body.message).toMatchObject({ visibleTo: alice.clientId });
    expect(shown(bad.body.message!.text)).toContain('Invalid `--seed x`');
    const unknown = await command(url, alice, 'local', 'Alice', '/paint a cat');
    expect(shown(unknown.body.message!.text)).toContain('Unknown command `/paint`');
    const chat = await command(url, alice, 'local', 'Alice', 'hello?');
    expect(shown(chat.body.message!.text)).toContain('Commands start with a slash');
    await alice.waitFor((m) => m.id === chat.body.message!.id, 'the hint');
    // bob's own answer, sent after them, reaches his tab; alice's private ones never did.
    const info = await command(url, bob, 'local', 'Bob', '/info');
    await bob.waitFor((m) => m.id === info.body.message!.id, "bob's own /info");
    const seenByBob = new Set(bob.received.map((m) => m.id));
    for (const m of [bad, unknown, chat]) expect(seenByBob.has(m.body.message!.id)).toBe(false);
    expect(shown(info.body.message!.text)).toContain('**Your jobs**');
  });

  it('lets a local user change limits without a password', async () => {
    const admin = await tab();
    const set = await command(url, admin, 'local', 'Root', '/limits set max_steps 30');
    expect(set.body).toMatchObject({ admin: true });
    expect(shown(set.body.message!.text)).toBe('`max_steps` is now **30** (was 50).');
    expect((await t.services.settings.get('local')).max_steps).toBe(30);
    expect((await t.services.settings.get('second')).max_steps).toBe(50);
  });

  it('resolves @name in /limits ban to the playground user of that name', async () => {
    const [admin, bob] = [await tab(), await tab()];
    await command(url, bob, 'local', 'Bobby', '/info');
    const ban = await command(url, admin, 'local', 'Root', '/limits ban @bobby');
    expect(shown(ban.body.message!.text)).toBe('<@bobby> can no longer use the bot in this server; `/limits unban` undoes it.');
    expect(ban.body.message!.mentions).toEqual({ bobby: 'Bobby' });
    expect(await t.services.settings.isBanned('local', 'bobby')).toBe(true);
    const unknown = await command(url, admin, 'local', 'Root', '/limits ban @nobody');
    expect(shown(unknown.body.message!.text)).toMatch(/^I cannot tell who `@nobody` is/);
    await command(url, admin, 'local', 'Root', '/limits unban @bobby');
    expect(await t.services.settings.isBanned('local', 'bobby')).toBe(false);
  });

  it('refuses malformed requests with 4xx and keeps serving', async () => {
    const x = await tab();
    const ok = { server: 'local', clientId: x.clientId, user: 'Al', text: '/info' };
    expect((await fetch(`${url}nope`)).status).toBe(404);
    expect((await fetch(`${url}api/command`)).status).toBe(405);
    expect((await post(url, '/api/command', '{"server":')).status).toBe(400);
    expect((await post(url, '/api/command', ok, { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post(url, '/api/command', { ...ok, text: 'x'.repeat(20_000) })).status).toBe(413);
    expect((await post(url, '/api/command', { ...ok, server: 'third' })).body.error).toContain('Unknown server');
    expect((await post(url, '/api/command', { ...ok, user: '<script>' })).status).toBe(400);
    expect((await post(url, '/api/command', { ...ok, text: 42 })).status).toBe(400);
    expect((await post(url, '/api/button', { ...ok, id: 'x'.repeat(101) })).status).toBe(400);
    const forged = await post(url, '/api/button', { ...ok, id: 'up:doesnotexist:0:2' });
    expect(shown(forged.body.message!.text)).toBe('This image is no longer available (images are kept 30 days).');
    expect((await fetch(`${url}api/images/${'0'.repeat(64)}.png`)).status).toBe(404);
    expect((await fetch(`${url}api/events?server=local&client=${x.clientId}`)).status).toBe(426);
    await expect(openTab(url.replace('127.0.0.1', 'localhost'), 'third')).rejects.toThrow('answered 400');
    expect((await post(url, '/api/command', ok, { origin: 'https://evil.example' })).status).toBe(403);
    // Browsers apply no CORS to WebSockets: a foreign page must not read a tab's private answers.
    expect(await handshake(`${url}api/events?server=local&client=${x.clientId}`, 'https://evil.example')).toBe(403);
    expect(await handshake(`${url}api/events?server=local&client=${x.clientId}`, 'null')).toBe(403);
    expect(await handshake(`${url}api/nope`, url)).toBe(404);
    // A DNS-rebinding page reaches the server under its own host name.
    const rebinding = await new Promise<number>((resolve, reject) => {
      request(`${url}api/state`, { headers: { host: 'evil.example:80' } }, (res) => resolve(res.statusCode!)).on('error', reject).end();
    });
    expect(rebinding).toBe(421);
    expect((await post(url, '/api/command', ok)).status).toBe(200);
  });
});

describe('playground API when exposed', () => {
  it('needs WEB_PASSWORD for admin actions', async () => {
    const exposed = await startWeb(t.services, commandLayer, { port: 0, host: '0.0.0.0' });
    try {
      const base = exposed.url;
      expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const state = (await (await fetch(`${base}api/state`)).json()) as { passwordNeeded: boolean; admin: boolean };
      expect(state).toMatchObject({ passwordNeeded: true, admin: false });
      const x = await openTab(base, 'second');
      tabs.push(x);
      const refused = await command(base, x, 'second', 'Mallory', '/limits set max_steps 5');
      expect(refused.body).toMatchObject({ admin: false });
      expect(shown(refused.body.message!.text)).toContain('Only server admins can change limits');
      const wrong = await command(base, x, 'second', 'Mallory', '/limits set max_steps 5', { 'x-playground-password': 'guess' });
      expect(wrong.body).toMatchObject({ admin: false, passwordRejected: 'wrong' });
      expect((await t.services.settings.get('second')).max_steps).toBe(50);
      const allowed = await command(base, x, 'second', 'Owner', '/limits set max_steps 5', { 'x-playground-password': 'open sesame' });
      expect(allowed.body).toMatchObject({ admin: true });
      expect((await t.services.settings.get('second')).max_steps).toBe(5);
      // Stopping ends the open feeds (the page reconnects when the bot is back) and refuses new ones.
      await exposed.stop();
      expect(await x.closed).toBe(1001);
      await expect(openTab(base, 'second')).rejects.toThrow();
    } finally {
      await exposed.stop();
    }
    expect(exposed.state()).toBe('stopped');
  });
});

describe('playground behind a trusted reverse proxy (TRUSTED_PROXIES)', () => {
  it('takes the forwarded address for admin and password lockout, and ignores what the client wrote further left', async () => {
    const services = { ...t.services, config: { ...t.services.config, TRUSTED_PROXIES: ['127.0.0.1', '::1'] } };
    const proxied = await startWeb(services, commandLayer, { port: 0 });
    try {
      const state = async (headers: Record<string, string>) => ((await (await fetch(`${proxied.url}api/state`, { headers })).json()) as { admin: boolean }).admin;
      // This machine itself, not through the proxy: an admin, as on any loopback playground.
      expect(await state({})).toBe(true);
      // Someone on the internet through the proxy is not, even when claiming to be this machine.
      expect(await state({ 'x-forwarded-for': '203.0.113.7' })).toBe(false);
      expect(await state({ 'x-forwarded-for': '127.0.0.1, 203.0.113.7' })).toBe(false);
      // Wrong passwords lock out the address that sent them, not everyone behind the proxy.
      const x = await openTab(proxied.url, 'local');
      tabs.push(x);
      const guess = async (from: string) => (await command(proxied.url, x, 'local', 'Eve', '/info', { 'x-forwarded-for': from, 'x-playground-password': 'guess' })).body.passwordRejected;
      for (let i = 0; i < 10; i++) expect(await guess('203.0.113.7')).toBe('wrong');
      expect(await guess('203.0.113.7')).toBe('locked');
      expect(await guess('198.51.100.2')).toBe('wrong');
    } finally {
      await proxied.stop();
    }
  });
});

describe('exposed playground identities', () => {
  it('makes a name a user only in the browser that uses it: another browser typing it cannot cancel or spend for them', async () => {
    const exposed = await startWeb(t.services, commandLayer, { port: 0, host: '0.0.0.0' });
    try {
      const base = exposed.url;
      const cookieOf = async (sent?: string) => {
        const res = await fetch(`${base}api/state`, { headers: sent ? { cookie: sent } : {} });
        return res.headers.get('set-cookie')?.split(';')[0];
      };
      const ann = (await cookieOf())!;
      const impostor = (await cookieOf())!;
      expect(ann).toMatch(/^imagine_browser=[\w-]{22}\.[\w-]+$/);
      expect(impostor).not.toBe(ann);
      // A known browser gets no new cookie; a forged one does (and is not believed).
      expect(await cookieOf(ann)).toBeUndefined();
      const forged = `${impostor.split('.')[0]}.${'A'.repeat(43)}`;
      expect(await cookieOf(forged)).toMatch(/^imagine_browser=/);

      const x = await openTab(base, 'local');
      tabs.push(x);
      const made = await command(base, x, 'local', 'Ann', '/imagine a red heart --seed 3', { cookie: ann });
      const jobId = made.body.message!.jobId!;
      const job = (await t.services.jobs.get(jobId))!;
      expect(job.userName).toBe('Ann');
      const stolen = await command(base, x, 'local', 'Ann', `/cancel ${jobId}`, { cookie: impostor });
      expect(shown(stolen.body.message!.text)).toBe(`Only the person who asked for \`${jobId}\` or a server admin can cancel it.`);
      // The impostor's images count against the impostor, not Ann.
      const annToday = await t.services.usage.today('local', job.userId);
      await command(base, x, 'local', 'Ann', '/imagine a blue star', { cookie: impostor });
      expect((await t.services.usage.today('local', job.userId)).userImages).toBe(annToday.userImages);
      const own = await command(base, x, 'local', 'Ann', `/cancel ${jobId}`, { cookie: ann });
      expect(shown(own.body.message!.text)).toMatch(/^(Cancelled|`.+` has already finished)/);
    } finally {
      await exposed.stop();
    }
  });
});
