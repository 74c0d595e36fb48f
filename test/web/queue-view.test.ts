/**
 * What a watching tab sees while jobs wait: queue places that move up live as the queue drains,
 * a cancellation, then the results. The runner is a held fake, so the order is the test's.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startWeb, type WebHandle } from '../../src/adapters/web/index.js';
import { FakeRunner } from '../fixtures/fake-runner.js';
import { createTestServices, type TestServices } from '../fixtures/services.js';
import { command, openTab, type Tab } from './client.js';
import { commandLayer } from '../../commands/index.js';
import { shown } from '../fixtures/markup.js';

const runner = new FakeRunner({ durationMs: 5, steps: 2 });
let t: TestServices;
let web: WebHandle;
const tabs: Tab[] = [];

beforeAll(async () => {
  t = await createTestServices({ runner });
  web = await startWeb(t.services, commandLayer, { port: 0, progressIntervalMs: 0 });
});

afterAll(async () => {
  for (const x of tabs) x.close();
  runner.release();
  await web?.stop();
  await t?.close();
});

it('shows every tab the queue places moving up, a cancel, and the jobs finishing', async () => {
  const url = web.url;
  const watcher = await openTab(url, 'local');
  const [alice, carol, dave] = [await openTab(url, 'local'), await openTab(url, 'local'), await openTab(url, 'local')];
  tabs.push(watcher, alice, carol, dave);
  runner.hold();

  const a = (await command(url, alice, 'local', 'alice', '/imagine apple')).body.message!;
  await watcher.waitFor((m) => m.id === a.id && m.job?.status === 'running', "alice's job running");
  const c = (await command(url, carol, 'local', 'carol', '/imagine cherry')).body.message!;
  const d = (await command(url, dave, 'local', 'dave', '/imagine date')).body.message!;
  const waiting = await watcher.waitFor((m) => m.id === d.id && m.job?.position === 2, "dave's job second in line");
  expect(shown(waiting.text)).toBe('**date** - <@dave> (Waiting to start — #2 in queue)');
  expect(waiting.mentions).toEqual({ dave: 'dave' });

  const cancel = await command(url, carol, 'local', 'carol', '/cancel');
  expect(cancel.body.message).toMatchObject({ visibleTo: carol.clientId });
  expect(shown(cancel.body.message!.text)).toBe(`Cancelled \`${c.jobId}\`.`);
  await watcher.waitFor((m) => m.id === c.id && m.job?.status === 'cancelled', "carol's job cancelled");
  const moved = await watcher.waitFor((m) => m.id === d.id && m.job?.position === 1, "dave's job moving up");
  expect(shown(moved.text)).toContain('#1 in queue');

  runner.release();
  for (const id of [a.id, d.id]) await watcher.waitFor((m) => m.id === id && m.job?.status === 'done', 'a finished job');
  // The cancel answer went to carol's tab only.
  expect(watcher.received.some((m) => m.id === cancel.body.message!.id)).toBe(false);
});
