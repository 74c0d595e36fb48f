/**
 * Image prompts in Discord: a picture attached to /imagine (served by the fake Discord's own
 * loopback CDN, which IMAGE_HOSTS allows) or linked at the start of the prompt is where the grid
 * starts; links and files the bot must not take get a private message and queue nothing.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { meanColour, pngHeader, solid } from '../fixtures/pictures.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from './fake-discord.js';
import { privateAnswer, resultOf, startBot, type Bot } from './helpers.js';

let fake: FakeDiscord;
let bot: Bot;
let redirector: Server;
let redirectorPort = 0;

beforeAll(async () => {
  fake = await FakeDiscord.start();
  // An allowed host that sends the bot on to an address it must not fetch from.
  redirector = createServer((_req, res) => res.writeHead(302, { location: 'http://127.0.0.1:9/secret.png' }).end());
  await new Promise<void>((r) => redirector.listen(0, '127.0.0.1', r));
  redirectorPort = (redirector.address() as AddressInfo).port;
  bot = await startBot({
    fake,
    adapter: { ackBudgetMs: 0, progressIntervalMs: 50 },
    services: { model: 'default', env: { IMAGE_HOSTS: `127.0.0.1:${fake.port},127.0.0.1:${redirectorPort}` } },
  });
});

afterAll(async () => {
  await bot?.close();
  await fake?.close();
  await new Promise((r) => redirector?.close(r));
});

describe('image prompts', () => {
  it('an attached blue picture makes a bluish grid at strength 0.5, closer to the picture at a lower strength', async () => {
    const blue = fake.upload('blue.png', await solid(30, 60, 220));
    const half = await resultOf(fake, fake.slash('imagine', { prompt: 'a picture --seed 3 --strength 0.5', image: blue }), 'the grid from the picture');
    // The grid comes with a thumbnail of the picture it started from.
    expect(half.attachments.map((a) => a.filename)).toEqual([expect.stringMatching(/_grid_.*\.png$/), expect.stringMatching(/_source_.*\.png$/)]);
    expect((await sharp(half.attachments[1]!.data).metadata()).width).toBeLessThanOrEqual(128);
    writeFileSync(join(tmpdir(), 'discord-image-prompt.png'), half.attachments[0]!.data);
    const [r, g, b] = await meanColour(half.attachments[0]!.data);
    expect(b).toBeGreaterThan(r);
    expect(b).toBeGreaterThan(g);
    const low = await resultOf(fake, fake.slash('imagine', { prompt: 'a picture --seed 3 --strength 0.2', image: fake.upload('blue.png', await solid(30, 60, 220)) }), 'the low-strength grid');
    const distance = (c: number[]) => Math.abs(c[0]! - 30) + Math.abs(c[1]! - 60) + Math.abs(c[2]! - 220);
    expect(distance(await meanColour(low.attachments[0]!.data))).toBeLessThan(distance([r, g, b]));
    const jobs = await bot.ts.services.jobs.listByStatus(['done']);
    expect(jobs.every((j) => j.params.init && j.params.init.image === `${j.id}/source.png`)).toBe(true);
  });

  it('a link at the start of the prompt works, and an animated GIF starts from its first frame', async () => {
    const w = 16;
    const frames = Buffer.alloc(w * w * 2 * 3);
    for (let i = 0; i < w * w; i++) frames[i * 3 + 2] = 255;
    for (let i = w * w; i < 2 * w * w; i++) frames[i * 3] = 255;
    const gif = await sharp(frames, { raw: { width: w, height: 2 * w, channels: 3, pageHeight: w } }).gif().toBuffer();
    const id = fake.upload('spin.gif', gif, 'image/gif');
    const link = `http://127.0.0.1:${fake.port}/attachments/${fake.channelId}/${id}/spin.gif`;
    const grid = await resultOf(fake, fake.slash('imagine', { prompt: `${link} a picture --seed 5 --iw 2` }), 'the grid from the link');
    const [r, , b] = await meanColour(grid.attachments[0]!.data);
    expect(b).toBeGreaterThan(r);
  });

  it('refuses privately, queueing nothing: a host not allowed, a redirect to a private address, a 30 MB file, a 20000×20000 PNG, text named .png', async () => {
    const before = (await bot.ts.services.jobs.listByStatus(['queued', 'running', 'done', 'failed', 'cancelled'])).length;
    const refused = async (options: Record<string, string>) => (await privateAnswer(fake, fake.slash('imagine', options))).content;
    expect(await refused({ prompt: 'https://example.com/cat.png a cat' })).toContain("Images are fetched only from this bot's allowed hosts; example.com is not one of them.");
    expect(await refused({ prompt: `http://127.0.0.1:${redirectorPort}/cat.png a cat` })).toContain('127.0.0.1:9 is not one of them');
    expect(await refused({ prompt: 'a cat', image: fake.upload('big.png', Buffer.alloc(30_000_000, 1)) })).toContain('The image is larger than 20 MB, the most this bot takes.');
    expect(await refused({ prompt: 'a cat', image: fake.upload('bomb.png', pngHeader(20000, 20000)) })).toContain('That picture is 20000×20000 pixels; this bot reads pictures of up to 17 megapixels.');
    expect(await refused({ prompt: 'a cat', image: fake.upload('cat.png', Buffer.from('not a picture at all')) })).toContain('That file is not a picture this bot can read');
    expect(await refused({ prompt: 'a cat --iw 2' })).toContain('`--iw` and `--strength` are for a picture to start from');
    const after = (await bot.ts.services.jobs.listByStatus(['queued', 'running', 'done', 'failed', 'cancelled'])).length;
    expect(after).toBe(before);
  });

  it('“Imagine from this image” on someone’s message opens a modal; its prompt and strength start a grid from that picture', async () => {
    const posted = fake.userMessage('look at this sky', [{ filename: 'sky.png', data: await solid(30, 60, 220) }]);
    const menu = fake.messageCommand('Imagine from this image', posted);
    expect((await fake.waitForAck(menu)).type).toBe(9);
    const modal = menu.modal!;
    expect(modal.title).toBe('Imagine from this image');
    expect(modal.fields.map((f) => [f.customId, f.required])).toEqual([['prompt', true], ['strength', false]]);
    // Nothing is posted until the user sends the form.
    expect(menu.originalId).toBeUndefined();
    const submitted = fake.submitModal(menu, { prompt: 'a sky from the menu --seed 3', strength: '0.5' });
    const grid = await resultOf(fake, submitted, 'the grid from the modal');
    expect(fake.isEphemeral(grid)).toBe(false);
    const [r, g, b] = await meanColour(grid.attachments[0]!.data);
    expect(b).toBeGreaterThan(r);
    expect(b).toBeGreaterThan(g);
    const job = (await bot.ts.services.jobs.listByStatus(['done'])).find((j) => j.params.prompt === 'a sky from the menu');
    expect(job?.params.init).toEqual({ image: `${job!.id}/source.png`, strength: 0.5 });
  });

  it('the message action refuses privately: a message without a picture, a strength out of range, a form sent twice', async () => {
    const before = (await bot.ts.services.jobs.listByStatus(['queued', 'running', 'done', 'failed', 'cancelled'])).length;
    const plain = fake.messageCommand('Imagine from this image', fake.userMessage('just words'));
    expect((await privateAnswer(fake, plain)).content).toContain('That message has no picture.');
    expect(plain.modal).toBeUndefined();

    const menu = fake.messageCommand('Imagine from this image', fake.userMessage('', [{ filename: 'sky.png', data: await solid(30, 60, 220) }]));
    await fake.waitForAck(menu);
    const tooStrong = fake.submitModal(menu, { prompt: 'a picture', strength: '2' });
    expect((await privateAnswer(fake, tooStrong)).content).toContain('Strength, 0–1 (how far from the picture) is from 0 to 1 (got `2`).');
    // The form was used up by that answer: sending it again asks to open it anew.
    const again = fake.submitModal(menu, { prompt: 'a picture', strength: '0.5' });
    expect((await privateAnswer(fake, again)).content).toContain('That form is no longer open');
    const after = (await bot.ts.services.jobs.listByStatus(['queued', 'running', 'done', 'failed', 'cancelled'])).length;
    expect(after).toBe(before);
  });
});
