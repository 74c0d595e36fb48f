import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { AdminGate } from '../../src/adapters/web/auth.js';
import { ChannelHub } from '../../src/adapters/web/channels.js';
import { messageFromReply, type WebMessage } from '../../src/adapters/web/message.js';
import { bold, md, mention } from '../../src/core/markup.js';
import { HttpError, checkRequestOrigin, isLoopbackAddress, isLoopbackHost, readJsonBody } from '../../src/adapters/web/http.js';
import { ImageCache } from '../../src/adapters/web/image-cache.js';

function request(body: string | Buffer, headers: Record<string, string>, method = 'POST'): IncomingMessage {
  const r = Readable.from([Buffer.from(body)]) as unknown as IncomingMessage;
  Object.assign(r, { headers, method });
  return r;
}

async function httpStatus(p: Promise<unknown> | (() => unknown)): Promise<number | undefined> {
  try {
    await (typeof p === 'function' ? p() : p);
    return undefined;
  } catch (err) {
    if (err instanceof HttpError) return err.status;
    throw err;
  }
}

describe('admin gate', () => {
  it('makes loopback users admins while the server only listens on loopback', () => {
    const gate = new AdminGate({ boundToLoopback: true });
    expect(gate.decide('127.0.0.1', undefined).isAdmin).toBe(true);
    expect(gate.decide('::ffff:127.0.0.1', undefined).isAdmin).toBe(true);
    expect(gate.decide('192.168.1.7', undefined).isAdmin).toBe(false);
    expect(gate.passwordNeeded).toBe(false);
  });

  it('needs the password once exposed, even from loopback, and locks out guessing', () => {
    let now = 0;
    const gate = new AdminGate({ boundToLoopback: false, password: 'correct horse', maxFailures: 3, windowMs: 60_000, now: () => now });
    expect(gate.passwordNeeded).toBe(true);
    expect(gate.decide('127.0.0.1', undefined)).toEqual({ isAdmin: false });
    expect(gate.decide('10.0.0.2', 'correct horse')).toEqual({ isAdmin: true });
    for (let i = 0; i < 3; i++) expect(gate.decide('10.0.0.3', 'guess' + i)).toEqual({ isAdmin: false, passwordRejected: 'wrong' });
    // Even the right password is refused while that address is locked out; others are unaffected.
    expect(gate.decide('10.0.0.3', 'correct horse')).toEqual({ isAdmin: false, passwordRejected: 'locked' });
    expect(gate.decide('10.0.0.4', 'correct horse').isAdmin).toBe(true);
    now += 61_000;
    expect(gate.decide('10.0.0.3', 'correct horse').isAdmin).toBe(true);
  });
});

describe('request checks', () => {
  it('tells loopback hosts and addresses apart from the rest', () => {
    expect(['127.0.0.1', 'localhost', '::1', '[::1]', '127.1.2.3'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '::', '192.168.0.1', 'example.com'].some(isLoopbackHost)).toBe(false);
    expect(isLoopbackAddress('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('::ffff:10.0.0.1')).toBe(false);
    expect(isLoopbackAddress(undefined)).toBe(false);
  });

  it('refuses DNS-rebinding hosts and cross-site writes', async () => {
    const req = (headers: Record<string, string>, method = 'POST') => request('', headers, method);
    expect(await httpStatus(() => checkRequestOrigin(req({ host: '127.0.0.1:8080', origin: 'http://127.0.0.1:8080' }), true))).toBeUndefined();
    expect(await httpStatus(() => checkRequestOrigin(req({ host: 'localhost:8080' }, 'GET'), true))).toBeUndefined();
    expect(await httpStatus(() => checkRequestOrigin(req({ host: 'evil.example:8080' }, 'GET'), true))).toBe(421);
    expect(await httpStatus(() => checkRequestOrigin(req({ host: '127.0.0.1:8080', origin: 'https://evil.example' }), true))).toBe(403);
    expect(await httpStatus(() => checkRequestOrigin(req({ host: '127.0.0.1:8080', origin: 'null' }), true))).toBe(403);
    // Exposed: any Host, but writes must still come from the page itself.
    expect(await httpStatus(() => checkRequestOrigin(req({ host: 'bot.example.org', origin: 'http://bot.example.org' }), false))).toBeUndefined();
    expect(await httpStatus(() => checkRequestOrigin(req({ host: 'bot.example.org', 'sec-fetch-site': 'cross-site' }), false))).toBe(403);
  });

  it('reads only bounded JSON objects', async () => {
    const json = { 'content-type': 'application/json' };
    await expect(readJsonBody(request('{"a":1}', json), 100)).resolves.toEqual({ a: 1 });
    expect(await httpStatus(readJsonBody(request('{"a":1}', { 'content-type': 'text/plain' }), 100))).toBe(415);
    expect(await httpStatus(readJsonBody(request('{"a":', json), 100))).toBe(400);
    expect(await httpStatus(readJsonBody(request('[1,2]', json), 100))).toBe(400);
    expect(await httpStatus(readJsonBody(request(`{"a":"${'x'.repeat(200)}"}`, json), 100))).toBe(413);
    expect(await httpStatus(readJsonBody(request('{}', { ...json, 'content-length': '5000' }), 100))).toBe(413);
  });
});

describe('channel hub', () => {
  const base = (id: string, serverId = 'local', visibleTo?: string): WebMessage => ({
    id, serverId, visibleTo, createdAt: 1, updatedAt: 1, text: md`${id}`, mentions: {}, images: [], buttons: [],
  });

  it('pushes public messages to every tab of the server and ephemeral ones to their tab only', () => {
    const hub = new ChannelHub(['local', 'second']);
    const seen: Record<string, string[]> = { a: [], b: [], other: [] };
    hub.subscribe({ serverId: 'local', clientId: 'a', send: (m) => seen.a!.push(m.id) });
    hub.subscribe({ serverId: 'local', clientId: 'b', send: (m) => seen.b!.push(m.id) });
    hub.subscribe({ serverId: 'second', clientId: 'a', send: (m) => seen.other!.push(m.id) });
    hub.upsert(base('public'));
    hub.upsert(base('only-a', 'local', 'a'));
    hub.upsert({ ...base('public'), text: md`edited`, updatedAt: 2 });
    expect(seen).toEqual({ a: ['public', 'only-a', 'public'], b: ['public', 'public'], other: [] });
    expect(hub.history('local', 'b').map((m) => m.text)).toEqual([md`edited`]);
    expect(hub.history('local', 'a').map((m) => m.id)).toEqual(['public', 'only-a']);
  });

  it('keeps an edit in place and its original time and author line', () => {
    const hub = new ChannelHub(['local']);
    hub.upsert({ ...base('job'), invokedBy: { userId: 'al', userName: 'Al', action: 'used /imagine x' } });
    hub.upsert(base('later'));
    const edited = hub.upsert({ ...base('job'), text: md`done`, createdAt: 5, updatedAt: 5 });
    expect(edited.invokedBy?.userName).toBe('Al');
    expect(edited.createdAt).toBe(1);
    expect(hub.history('local', 'x').map((m) => m.id)).toEqual(['job', 'later']);
  });

  it('forgets the oldest public messages past its history size', () => {
    const hub = new ChannelHub(['local']);
    for (let i = 0; i < 205; i++) hub.upsert(base(`m${i}`));
    const ids = hub.history('local', 'x').map((m) => m.id);
    expect(ids).toHaveLength(200);
    expect(ids[0]).toBe('m5');
  });

  it('turns a reply into a message with image URLs and mention names', () => {
    const stored: Buffer[] = [];
    const m = messageFromReply(
      { text: md`${bold('cat')} - ${mention('al')} <@bob>`, ephemeral: true, images: [{ filename: 'g.png', data: Buffer.from('png'), width: 4, height: 2 }], buttons: [[{ id: 'up:j:0:2', label: 'U1' }]] },
      { id: 'm1', serverId: 'local' },
      { clientId: 'tab1', now: 9, storeImage: (d) => (stored.push(d), '/img/1.png'), userName: (id) => (id === 'al' ? 'Al' : undefined) },
    );
    expect(m).toMatchObject({ visibleTo: 'tab1', mentions: { al: 'Al' }, images: [{ url: '/img/1.png', width: 4, height: 2 }], buttons: [[{ id: 'up:j:0:2', label: 'U1' }]] });
    expect(Object.keys(m.mentions)).toEqual(['al']);
    expect(stored).toHaveLength(1);
  });
});

describe('image cache', () => {
  it('names images by content and drops the least recently used past its budget', () => {
    const cache = new ImageCache(10);
    const a = cache.put(Buffer.alloc(4, 1));
    const b = cache.put(Buffer.alloc(4, 2));
    expect(cache.put(Buffer.alloc(4, 1))).toBe(a);
    expect(cache.get(a)).toBeDefined(); // a is now the most recent
    const c = cache.put(Buffer.alloc(4, 3));
    expect(cache.get(b)).toBeUndefined();
    expect(cache.get(a)?.equals(Buffer.alloc(4, 1))).toBe(true);
    expect(cache.get(c)).toBeDefined();
    expect(cache.size.bytes).toBeLessThanOrEqual(10);
  });
});
