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
import { pngHeader } from '../fixtures/pictures.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from './fake-discord.js';
import { privateAnswer, resultOf, startBot, type Bot } from './helpers.js';

let fake: FakeDiscord;
let bot: Bot;
let redirector: Server;
let redirectorPort = 0;

async function solid(r: number, g: number, b: number, size = 64): Promise<Buffer> {
  return sharp({ create: { width: size, height: size, channels: 3, background: { r, g, b } } }).png().toBuffer();
}


/** Mean R, G, B of a PNG. */
async function meanColour(png: Buffer): Promise<[number, number, number]> {
  const { data } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const sum = [0, 0, 0];
  for (let i = 0; i < data.length; i++) sum[i % 3]! += data[i]!;
  const n = data.length / 3;
  return [sum[0]! / n, sum[1]! / n, sum[2]! / n];
}

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
});
