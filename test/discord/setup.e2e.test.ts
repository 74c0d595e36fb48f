/**
 * Deployment-facing behaviour: `npm run deploy-commands`, direct messages on and off, and
 * gateway sharding (a fixed DISCORD_SHARDS count, or Discord's recommendation).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { REST } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { messageActions, slashCommands } from '../../commands/index.js';
import { deployCommands } from '../../src/adapters/discord/commands-json.js';
import { PROJECT_ROOT } from '../../src/config.js';
import type { ImageStore } from '../../src/store/types.js';
import { FakeRunner } from '../fixtures/fake-runner.js';
import { FakeDiscord } from './fake-discord.js';
import { discordEnv, privateAnswer, startBot, type Bot } from './helpers.js';

const run = promisify(execFile);
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function fakeDiscord(options?: Parameters<typeof FakeDiscord.start>[0]): Promise<FakeDiscord> {
  const fake = await FakeDiscord.start(options);
  cleanups.push(() => fake.close());
  return fake;
}

async function bot(options: NonNullable<Parameters<typeof startBot>[0]>): Promise<Bot> {
  // The runner stores its (tiny) images in the bot's image store, known once the bot is up.
  let b: Bot | undefined;
  const images = { put: (key: string, data: Buffer) => b!.ts.services.images.put(key, data) } as ImageStore;
  b = await startBot({ ...options, services: { runner: new FakeRunner({ durationMs: 10, images }), ...options.services } });
  const started = b;
  cleanups.push(() => started.close());
  return started;
}

function deployScript(env: Record<string, string>, args: string[] = []) {
  const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('DISCORD_')));
  return run(process.execPath, ['--import', 'tsx', 'scripts/deploy-commands.ts', ...args], { cwd: PROJECT_ROOT, env: { ...cleanEnv, ...env, LOG_LEVEL: 'silent' } }).then(
    (r) => ({ code: 0, ...r }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
  );
}

describe('npm run deploy-commands', () => {
  it('registers the commands in one server when DISCORD_GUILD_ID is set, as Discord expects them', async () => {
    const fake = await fakeDiscord();
    const out = await deployScript(discordEnv(fake, { DISCORD_GUILD_ID: fake.guild.id }));
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(`in server ${fake.guild.id}`);
    expect(fake.commands.has('global')).toBe(false);
    const cmds = fake.commands.get(fake.guild.id)!;
    expect(cmds.filter((c) => c.type === 1).map((c) => c.name).sort()).toEqual(['cancel', 'imagine', 'info', 'limits', 'models', 'settings', 'show']);
    // The message menu entry (Apps → Imagine from this image) is registered with them.
    expect(cmds.filter((c) => c.type === 3).map((c) => c.name)).toEqual(['Imagine from this image']);
    expect(out.stdout).toContain('“Imagine from this image” in the message menu');
    const imagine = cmds.find((c) => c.name === 'imagine')!;
    const prompt = imagine.options![0]!;
    expect([prompt.name, prompt.type, 'required' in prompt && prompt.required]).toEqual(['prompt', 3, true]);
    const ar = imagine.options!.find((o) => o.name === 'ar') as { choices?: { value: string }[] };
    expect(ar.choices?.map((c) => c.value)).toContain('16:9');
    const limits = cmds.find((c) => c.name === 'limits')!;
    expect(limits.default_member_permissions).toBe('32');
    expect(limits.options!.map((o) => [o.name, o.type])).toEqual([['show', 1], ['set', 1], ['reset', 1], ['history', 1], ['ban', 1], ['unban', 1]]);
    // Whom to ban is picked from the server's members (a USER option).
    const ban = limits.options!.find((o) => o.name === 'ban') as { options?: { name: string; type: number; required?: boolean }[] };
    expect(ban.options).toEqual([expect.objectContaining({ name: 'user', type: 6, required: true })]);
    expect(imagine.default_member_permissions).toBeNull();
    expect(imagine.contexts).toEqual([0]);
  });

  it('says what to check when Discord refuses the token, without printing it', async () => {
    const fake = await fakeDiscord();
    const wrong = `${fake.token.slice(0, -4)}abcd`;
    const out = await deployScript(discordEnv(fake, { DISCORD_TOKEN: wrong }));
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('HTTP 401');
    expect(out.stderr).toContain('DISCORD_TOKEN');
    expect(out.stderr + out.stdout).not.toContain(wrong);
  });
});

describe('direct messages', () => {
  it('work when DISCORD_ALLOW_DMS is on, with the user’s own limits', async () => {
    const fake = await fakeDiscord();
    const b = await bot({ fake, env: { DISCORD_ALLOW_DMS: 'true' } });
    expect(fake.commands.get('global')!.find((c) => c.name === 'imagine')!.contexts).toEqual([0, 1]);
    const i = fake.slash('imagine', { prompt: 'dm kitten' }, { dm: true });
    const result = await fake.waitFor(() => {
      const m = fake.original(i);
      return m && m.attachments.length ? m : undefined;
    }, 'the result in the DM');
    expect(result.channelId).toBe(fake.dmChannels.get(fake.member.user.id));
    const job = (await b.ts.services.jobs.listByStatus(['done'])).find((j) => j.params.prompt === 'dm kitten')!;
    expect(job.serverId).toBe(`dm:${fake.member.user.id}`);
    // Nobody administers a DM: limits cannot be raised there.
    const set = fake.slash('limits', { name: 'daily_user_images', value: '100000' }, { subcommand: 'set', dm: true });
    expect((await privateAnswer(fake, set)).content).toMatch(/admin/i);
  });

  it('are answered privately when off, even if Discord still offers the command there', async () => {
    const fake = await fakeDiscord();
    const b = await bot({ fake });
    // An older registration allowed DMs.
    await deployCommands(new REST({ api: fake.apiUrl }).setToken(fake.token), { applicationId: fake.applicationId, allowDms: true }, slashCommands, messageActions);
    const i = fake.slash('imagine', { prompt: 'dm puppy' }, { dm: true });
    const answer = await privateAnswer(fake, i);
    expect(answer.content).toMatch(/server/i);
    expect(await b.ts.services.jobs.listByStatus(['queued', 'running', 'done'])).toHaveLength(0);
  });
});

describe('sharding', () => {
  const shardOf = (id: string, count: number) => Number((BigInt(id) >> 22n) % BigInt(count));

  /** Adds servers until each of `count` shards has one (a guild's shard follows from its id). */
  async function guildsOnEveryShard(fake: FakeDiscord, count: number): Promise<void> {
    while (new Set(fake.guilds.map((g) => shardOf(g.id, count))).size < count) {
      fake.addGuild(`Server ${fake.guilds.length}`);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  async function answersInEveryGuild(fake: FakeDiscord): Promise<void> {
    for (const guild of fake.guilds) {
      const i = fake.slash('info', {}, { guild });
      await fake.waitForAck(i);
    }
  }

  it('runs a fixed DISCORD_SHARDS count and gets each guild’s interactions on its shard', async () => {
    const fake = await fakeDiscord({ maxConcurrency: 2 });
    await guildsOnEveryShard(fake, 2);
    const b = await bot({ fake, env: { DISCORD_SHARDS: '2' } });
    expect(b.adapter.shardIds()).toEqual([0, 1]);
    expect(fake.identifies.map((d) => d.shard).sort()).toEqual([[0, 2], [1, 2]]);
    await answersInEveryGuild(fake);
  });

  it('splits a fixed shard count between two gateway processes with DISCORD_SHARD_IDS', async () => {
    const fake = await fakeDiscord({ maxConcurrency: 2 });
    await guildsOnEveryShard(fake, 2);
    const a = await bot({ fake, env: { DISCORD_SHARDS: '2', DISCORD_SHARD_IDS: '0', INSTANCE_ID: 'gateway-a' } });
    const b = await bot({ fake, env: { DISCORD_SHARDS: '2', DISCORD_SHARD_IDS: '1', INSTANCE_ID: 'gateway-b' } });
    expect([a.adapter.shardIds(), b.adapter.shardIds()]).toEqual([[0], [1]]);
    expect(fake.identifies.map((d) => d.shard).sort()).toEqual([[0, 2], [1, 2]]);
    await answersInEveryGuild(fake);
  });

  it('follows Discord’s recommended shard count with DISCORD_SHARDS=auto', async () => {
    const fake = await fakeDiscord({ recommendedShards: 2, maxConcurrency: 2 });
    await guildsOnEveryShard(fake, 2);
    const b = await bot({ fake });
    expect(b.adapter.shardIds()).toEqual([0, 1]);
    await answersInEveryGuild(fake);
  });
});
