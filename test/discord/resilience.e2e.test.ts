/**
 * What keeps the Discord flow whole when things go wrong: expired interaction tokens, deleted or
 * unreachable messages, 429s, a restart between a result and a click, buttons carried into
 * another server, and the default fast path. Jobs run on the FakeRunner (held at will) so each
 * case happens exactly when the test wants it.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../src/core/jobs.js';
import { createLogger } from '../../src/log/index.js';
import type { ImageStore } from '../../src/store/types.js';
import { FakeRunner } from '../fixtures/fake-runner.js';
import { FakeDiscord, type FakeInteraction, type FakeMessage } from './fake-discord.js';
import { buttonId, privateAnswer, resultOf, startBot, type Bot } from './helpers.js';

let bot: Bot;
let fake: FakeDiscord;
const clock = { offsetMs: 0 };
const logLines: string[] = [];
// Writes the runner's images into whichever services are current (they change on restart).
const runner = new FakeRunner({
  steps: 3,
  durationMs: 30,
  images: { put: (key: string, data: Buffer) => bot.ts.services.images.put(key, data) } as ImageStore,
});

beforeAll(async () => {
  fake = await FakeDiscord.start();
  const sink = new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  bot = await startBot({
    fake,
    adapter: { now: () => Date.now() + clock.offsetMs },
    services: { runner, log: createLogger({ level: 'trace', destination: sink, env: { DISCORD_TOKEN: fake.token } }) },
  });
});

afterAll(async () => {
  runner.release();
  await bot?.close();
  await fake?.close();
});

async function jobOf(interaction: FakeInteraction): Promise<JobRecord> {
  const jobs = await bot.ts.services.jobs.listByStatus(['queued', 'running', 'done', 'failed', 'cancelled']);
  const job = jobs.find((j) => (j.delivery?.data as { token?: string } | undefined)?.token === interaction.token);
  if (!job) throw new Error('no job for that interaction');
  return job;
}

/** Waits until no job is queued or running (so the next test starts with an empty queue). */
async function settled(): Promise<void> {
  for (let n = 0; n < 500; n++) {
    if ((await bot.ts.services.jobs.listByStatus(['queued', 'running'])).length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('jobs did not finish');
}

/** The result message of a job that moved to a new message (token expired, reply gone). */
function movedResult(channelId: string, prompt: string): Promise<FakeMessage> {
  return fake.waitFor(
    () => [...fake.messages.values()].find((m) => m.channelId === channelId && !m.interactionId && m.content.includes(`**${prompt}**`) && m.components.length > 0 && m.attachments.length > 0),
    `a new message with the result of "${prompt}"`,
  );
}

describe('the default fast path', () => {
  it('answers /imagine with its status at once (no deferral) and edits it into the grid', async () => {
    const i = fake.slash('imagine', { prompt: 'blue moon' });
    const ack = await fake.waitForAck(i);
    expect(ack.type).toBe(4);
    expect(ack.data.content).toContain('**blue moon**');
    expect(ack.data.content).toContain(`<@${fake.member.user.id}>`);
    expect(ack.data.flags ?? 0).toBe(0);
    const grid = await resultOf(fake, i);
    expect(grid.revisions[0]!.content).toMatch(/Waiting to start|Starting/);
    expect(fake.buttons(grid)).toHaveLength(11);
  });

  it('answers a refusal with one private message and no placeholder', async () => {
    const i = fake.slash('imagine', { prompt: 'x --steps many' });
    const ack = await fake.waitForAck(i);
    expect(ack.type).toBe(4);
    expect(ack.data.flags & 64).toBe(64);
    expect((await privateAnswer(fake, i)).content).toMatch(/steps/i);
    expect(fake.visibleMessages(fake.channelId, fake.admin.user.id).some((m) => m.interactionId === i.id)).toBe(false);
  });
});

describe('limits and refusals while the queue is busy', () => {
  const all = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;

  it('acknowledges in time, refuses a full personal queue privately and queues nothing', async () => {
    runner.hold();
    try {
      const held: FakeInteraction[] = [];
      // user_max_queued is 3 (one may run): fill the requester's share of the queue.
      for (let n = 0; n < 4; n++) held.push(fake.slash('imagine', { prompt: `held ${n}` }));
      for (const i of held) {
        const status = await fake.waitFor(() => fake.original(i), 'a status message');
        expect(fake.isEphemeral(status)).toBe(false);
      }
      const before = (await bot.ts.services.jobs.listByStatus([...all])).length;
      const over = fake.slash('imagine', { prompt: 'one too many' });
      expect((await fake.waitForAck(over)).type).toBe(4);
      expect((await privateAnswer(fake, over)).content).toMatch(/queue|waiting/i);
      expect((await bot.ts.services.jobs.listByStatus([...all])).length).toBe(before);

      // /cancel stops the newest; its status message says so.
      const cancel = fake.slash('cancel');
      expect((await privateAnswer(fake, cancel)).content).toMatch(/Cancelled/);
      await fake.waitFor(() => fake.original(held.at(-1)!)?.content.includes('(cancelled)'), 'the cancelled status');
    } finally {
      runner.release();
    }
    await settled();
  });

  it('refuses a blocked word and an exhausted daily quota privately', async () => {
    const serverId = fake.guild.id;
    await bot.ts.services.settings.set(serverId, 'blocked_words', ['gore']);
    try {
      const blocked = fake.slash('imagine', { prompt: 'some gore please' });
      expect((await privateAnswer(fake, blocked)).content).toMatch(/gore|not allowed|blocked/i);
    } finally {
      await bot.ts.services.settings.reset(serverId, 'blocked_words');
    }
    const used = (await bot.ts.services.usage.today(serverId, fake.admin.user.id)).userImages;
    await bot.ts.services.settings.set(serverId, 'daily_user_images', used + 1);
    try {
      const quota = fake.slash('imagine', { prompt: 'over quota' }, { user: fake.admin });
      expect((await privateAnswer(fake, quota)).content).toMatch(/daily/i);
      expect(fake.visibleMessages(fake.channelId, fake.member.user.id).some((m) => m.interactionId === quota.id)).toBe(false);
    } finally {
      await bot.ts.services.settings.reset(serverId, 'daily_user_images');
    }
  });
});

describe('rate limits', () => {
  it('rides out a 429 on the edit; the grid still arrives', async () => {
    runner.hold();
    const i = fake.slash('imagine', { prompt: 'rate limited' });
    await fake.waitForAck(i);
    // This interaction's own message: a late edit of an earlier test's message must not take the 429.
    fake.rateLimitOnce('PATCH', new RegExp(`/webhooks/${fake.applicationId}/${i.token}/messages/@original$`), 0.3);
    runner.release();
    const grid = await resultOf(fake, i);
    expect(fake.buttons(grid)).toHaveLength(11);
    const edits = fake.requests.filter((r) => r.method === 'PATCH' && r.path.includes(i.token));
    expect(edits.map((r) => r.status)).toContain(429);
    expect(edits.at(-1)!.status).toBe(200);
  });
});

describe('expired interaction tokens', () => {
  it('posts the result as a new channel message mentioning the user once 15 minutes have passed', async () => {
    runner.hold();
    const i = fake.slash('imagine', { prompt: 'slow lighthouse' });
    await fake.waitForAck(i);
    clock.offsetMs = 16 * 60 * 1000;
    fake.clockOffsetMs = clock.offsetMs;
    try {
      runner.release();
      const result = await movedResult(fake.channelId, 'slow lighthouse');
      expect(result.content.startsWith(`<@${fake.member.user.id}>`) || result.content.includes(`<@${fake.member.user.id}>`)).toBe(true);
      expect(result.pinged).toEqual([fake.member.user.id]);
      expect(fake.buttons(result)).toHaveLength(11);
      // Nothing tried the dead token after the jump, and the job now points at the new message.
      const job = await jobOf(i);
      expect((job.delivery?.data as { message?: { id: string } }).message?.id).toBe(result.id);
    } finally {
      clock.offsetMs = 0;
      fake.clockOffsetMs = 0;
    }
  });

  it('falls back to a new message when Discord rejects the token (401)', async () => {
    runner.hold();
    const i = fake.slash('imagine', { prompt: 'rejected token' });
    await fake.waitForAck(i);
    fake.expireToken(i);
    runner.release();
    const result = await movedResult(fake.channelId, 'rejected token');
    expect(result.pinged).toEqual([fake.member.user.id]);
    expect(fake.requests.some((r) => r.path.includes(i.token) && r.status === 401)).toBe(true);
  });

  it('falls back to a new message when the user deleted the status message', async () => {
    runner.hold();
    const i = fake.slash('imagine', { prompt: 'deleted status' });
    await fake.waitForAck(i);
    await fake.waitFor(() => fake.original(i), 'the status message');
    fake.original(i)!.deleted = true;
    runner.release();
    const result = await movedResult(fake.channelId, 'deleted status');
    expect(fake.buttons(result)).toHaveLength(11);
  });

  it('sends the result by DM when the bot may not post in the channel', async () => {
    runner.hold();
    const i = fake.slash('imagine', { prompt: 'private channel' });
    await fake.waitForAck(i);
    fake.expireToken(i);
    fake.deniedChannels.add(fake.channelId);
    try {
      runner.release();
      const result = await fake.waitFor(() => {
        const dm = fake.dmChannels.get(fake.member.user.id);
        return dm ? [...fake.messages.values()].find((m) => m.channelId === dm && m.content.includes('**private channel**') && m.attachments.length) : undefined;
      }, 'the result in a DM');
      expect(result.pinged).toEqual([fake.member.user.id]);
      expect(fake.buttons(result)).toHaveLength(11);
    } finally {
      fake.deniedChannels.delete(fake.channelId);
    }
  });
});

describe('buttons', () => {
  it('work after a restart (new client, same data dir), with the grid made before it', async () => {
    const i = fake.slash('imagine', { prompt: 'before restart' });
    const grid = await resultOf(fake, i);
    const identifies = fake.identifies.length;
    await bot.restart();
    expect(fake.identifies.length).toBe(identifies + 1);
    const click = fake.click(grid, buttonId(fake, grid, 'U2'));
    const up = await resultOf(fake, click, 'the upscale after restart');
    expect(up.content).toContain('Image #2');
    expect(fake.buttons(up).map((b) => b.label)).toContain('Vary (Subtle)');
  });

  it('a job interrupted by a restart finishes in the reply it started in', async () => {
    runner.hold();
    const i = fake.slash('imagine', { prompt: 'across a restart' });
    await fake.waitFor(() => fake.original(i), 'the status message');
    await bot.restart();
    runner.release();
    const grid = await resultOf(fake, i, 'the grid after the restart');
    expect(grid.content).toContain('**across a restart**');
    expect(fake.visibleMessages().filter((m) => m.content.includes('**across a restart**'))).toHaveLength(1);
  });

  it('answer a click within the 3 s window even when the click comes much later', async () => {
    const i = fake.slash('imagine', { prompt: 'old grid' });
    const grid = await resultOf(fake, i);
    fake.clockOffsetMs = 60 * 60 * 1000;
    try {
      const click = fake.click(grid, buttonId(fake, grid, 'V3'));
      expect((await fake.waitForAck(click)).type).toBe(4);
      const v = await resultOf(fake, click, 'variations of an hour-old grid');
      expect(v.content).toContain('Variations');
    } finally {
      fake.clockOffsetMs = 0;
    }
  });

  it('refuse a click on a button of another server’s job, privately', async () => {
    const i = fake.slash('imagine', { prompt: 'home server' });
    const grid = await resultOf(fake, i);
    const other = fake.addGuild('Other Server');
    // The same buttons show up in another server (e.g. a copied message).
    const res = await fetch(`${fake.apiUrl}/v10/channels/${other.channels[0]!.id}/messages`, {
      method: 'POST',
      headers: { authorization: `Bot ${fake.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'copy', components: grid.components }),
    });
    const copy = fake.messages.get(((await res.json()) as { id: string }).id)!;
    const before = (await bot.ts.services.jobs.listByStatus(['queued', 'running', 'done'])).length;
    const click = fake.click(copy, buttonId(fake, copy, 'U1'), { guild: other });
    const answer = await privateAnswer(fake, click);
    expect(answer.content).toMatch(/another server/i);
    expect((await bot.ts.services.jobs.listByStatus(['queued', 'running', 'done'])).length).toBe(before);
  });
});

describe('the adapter', () => {
  it('never logs the bot token or an interaction token', () => {
    const text = logLines.join('');
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toContain(fake.token);
    for (const i of fake.interactions.values()) expect(text).not.toContain(i.token);
  });

  it('reports its state and stops cleanly', async () => {
    expect(bot.adapter.state()).toBe('connected');
    expect(bot.adapter.shardIds()).toEqual([0]);
    await bot.adapter.stop();
    expect(bot.adapter.state()).toBe('stopped');
    await fake.waitFor(() => fake.connectedShards.length === 0, 'the gateway connection to close');
  });
});
