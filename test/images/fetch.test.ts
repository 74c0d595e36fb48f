import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { fetchImageBytes, isPrivateAddress, type FetchPolicy } from '../../src/images/fetch.js';

let server: Server;
let other: Server;
let port = 0;
let otherPort = 0;
const seen: { url: string; auth?: string }[] = [];
const BLUE = Buffer.from('fake picture bytes');

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', auth: req.headers.authorization });
    switch (req.url) {
      case '/blue.png':
        res.writeHead(200, { 'content-type': 'image/png' }).end(BLUE);
        return;
      case '/to-other':
        res.writeHead(302, { location: `http://127.0.0.1:${otherPort}/secret` }).end();
        return;
      case '/to-self':
        res.writeHead(301, { location: '/blue.png' }).end();
        return;
      case '/huge':
        res.writeHead(200, { 'content-length': String(30_000_000) }).end();
        return;
      case '/endless':
        res.writeHead(200);
        res.write(Buffer.alloc(1_000_000));
        setTimeout(() => res.end(Buffer.alloc(2_000_000)), 20);
        return;
      case '/slow':
        setTimeout(() => res.writeHead(200).end(BLUE), 5000);
        return;
      default:
        res.writeHead(404).end();
    }
  });
  other = createServer((req, res) => {
    seen.push({ url: `other${req.url}` });
    res.writeHead(200).end('internal');
  });
  await Promise.all([server, other].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
  port = (server.address() as AddressInfo).port;
  otherPort = (other.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const s of [server, other]) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

const policy = (o: Partial<FetchPolicy> = {}): FetchPolicy => ({ allowedHosts: [`127.0.0.1:${port}`], maxBytes: 2_000_000, timeoutMs: 1000, ...o });
const message = (p: Promise<unknown>) => p.then(() => 'no error', (e: unknown) => (e instanceof UserError ? e.message : `not a UserError: ${String(e)}`));

describe('fetching an image link', () => {
  it('fetches from a listed host:port, following a redirect that stays allowed, with the host’s own headers', async () => {
    const bytes = await fetchImageBytes(`http://127.0.0.1:${port}/to-self`, policy({ headersFor: (u) => (u.port === String(port) ? { authorization: 'Bearer files-token' } : undefined) }));
    expect(bytes.equals(BLUE)).toBe(true);
    expect(seen.filter((s) => s.url === '/blue.png').at(-1)?.auth).toBe('Bearer files-token');
  });

  it('refuses hosts not on the list, private addresses reached by name or by redirect, and other schemes', async () => {
    expect(await message(fetchImageBytes('https://example.com/cat.png', policy()))).toBe("Images are fetched only from this bot's allowed hosts; example.com is not one of them. Attach the picture instead.");
    // localhost is listed by name, but it is loopback and its host:port is not listed exactly.
    expect(await message(fetchImageBytes(`http://localhost:${port}/blue.png`, policy({ allowedHosts: ['localhost'] })))).toMatch(/not one of them|private network/);
    expect(await message(fetchImageBytes('http://localhost/blue.png', policy({ allowedHosts: ['localhost'] })))).toBe('The image link points into a private network (localhost), which this bot does not fetch from.');
    const before = seen.length;
    expect(await message(fetchImageBytes(`http://127.0.0.1:${port}/to-other`, policy()))).toBe(`Images are fetched only from this bot's allowed hosts; 127.0.0.1:${otherPort} is not one of them. Attach the picture instead.`);
    expect(seen.slice(before).some((s) => s.url.startsWith('other'))).toBe(false);
    expect(await message(fetchImageBytes('file:///etc/passwd', policy()))).toBe('Only http and https image links can be fetched.');
    expect(await message(fetchImageBytes(`http://user:pw@127.0.0.1:${port}/blue.png`, policy()))).toBe('Image links with a user name or password are not fetched.');
    expect([isPrivateAddress('10.1.2.3'), isPrivateAddress('169.254.169.254'), isPrivateAddress('::1'), isPrivateAddress('fd00::1'), isPrivateAddress('93.184.216.34'), isPrivateAddress('::ffff:127.0.0.1'), isPrivateAddress('2606:4700::1111')]).toEqual([true, true, true, true, false, true, false]);
  });

  it('stops at the byte limit and the time limit, with a message naming each', async () => {
    expect(await message(fetchImageBytes(`http://127.0.0.1:${port}/huge`, policy()))).toBe('The image is larger than 2 MB, the most this bot takes.');
    expect(await message(fetchImageBytes(`http://127.0.0.1:${port}/endless`, policy()))).toBe('The image is larger than 2 MB, the most this bot takes.');
    expect(await message(fetchImageBytes(`http://127.0.0.1:${port}/slow`, policy({ timeoutMs: 200 })))).toBe('The image link took longer than 0.2 s to answer.');
    expect(await message(fetchImageBytes(`http://127.0.0.1:${port}/gone`, policy()))).toBe('The image link answered HTTP 404; check that it still works.');
  });
});
