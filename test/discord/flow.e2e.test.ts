/**
 * The Midjourney flow in Discord, end to end: the real discord.js client against the fake
 * Discord, the real queue and the pipeline on a tiny ONNX model.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BANNED } from '../../commands/index.js';
import { SAFETY_BLOCKED } from '../../src/core/safety.js';
import { buttonId, privateAnswer, resultOf, startBot, type Bot } from './helpers.js';

let bot: Bot;

beforeAll(async () => {
  // ackBudgetMs 0: every command is deferred first, as the flow describes. The tiny model
  // is fast, so progress edits are let through more often than the 2 s used with real models.
  bot = await startBot({ adapter: { ackBudgetMs: 0, progressIntervalMs: 50 } });
});

afterAll(async () => {
  await bot?.close();
});

describe('/imagine and its buttons', () => {
  let grid: Awaited<ReturnType<typeof resultOf>>;

  it('defers, shows the queue and progress, then a 2×2 grid with U1–U4, 🔄, V1–V4', async () => {
    const { fake } = bot;
    const i = fake.slash('imagine', { prompt: 'red heart --seed 42 --steps 24' });
    const ack = await fake.waitForAck(i);
    expect(ack.type).toBe(5);
    grid = await resultOf(fake, i, 'the grid');

    // What the requester saw, edit after edit: thinking…, status with prompt and requester, progress, result.
    const texts = grid.revisions.map((r) => r.content);
    expect(fake.isLoading({ ...grid, flags: grid.revisions[0]!.flags })).toBe(true);
    expect(texts.slice(1).every((t) => t.includes('**red heart**') && t.includes(`<@${fake.member.user.id}>`))).toBe(true);
    expect(texts.some((t) => /Waiting to start|Starting|step \d+\/24/.test(t))).toBe(true);
    expect(texts.some((t) => /step \d+\/24/.test(t))).toBe(true);

    expect(fake.isEphemeral(grid)).toBe(false);
    expect(grid.content).toMatch(/seeds 42–45/);
    expect(grid.content).toContain('tiny-sd');
    expect(fake.buttons(grid).map((b) => b.label)).toEqual(['U1', 'U2', 'U3', 'U4', 'Re-roll', 'V1', 'V2', 'V3', 'V4', 'Recipe', 'Delete']);
    expect(fake.buttons(grid).find((b) => b.label === 'Re-roll')?.emoji?.name).toBe('🔄');
    expect(grid.attachments).toHaveLength(1);
    const meta = await sharp(grid.attachments[0]!.data).metadata();
    expect(meta.format).toBe('png');
    expect(meta.width).toBe(meta.height);
    expect(meta.width! >= 128).toBe(true);
    expect(grid.attachments[0]!.description).toBe('red heart');
    writeFileSync(join(tmpdir(), 'discord-grid.png'), grid.attachments[0]!.data);
    // The original reply was edited in place; nothing else was posted in the channel.
    expect(fake.visibleMessages().filter((m) => m.id !== grid.id)).toHaveLength(0);
    // The interaction token, useless now, is not kept with the job.
    const stored = await bot.ts.services.jobs.listByStatus(['done']);
    expect(stored).toHaveLength(1);
    await expect.poll(async () => JSON.stringify((await bot.ts.services.jobs.get(stored[0]!.id))?.delivery)).not.toContain(i.token);
    expect((await bot.ts.services.jobs.get(stored[0]!.id))?.delivery?.data).toMatchObject({ channelId: expect.any(String), userId: fake.member.user.id });
  });

  it('U1 posts image #1 alone, upscaled, with Vary / Upscale / Zoom Out / 🔄', async () => {
    const { fake } = bot;
    const click = fake.click(grid, buttonId(fake, grid, 'U1'));
    expect((await fake.waitForAck(click)).type).toBe(5);
    const up = await resultOf(fake, click, 'the upscale');
    expect(up.id).not.toBe(grid.id);
    expect(up.content).toContain('Image #1');
    expect(fake.buttons(up).map((b) => b.label)).toEqual(['Vary (Strong)', 'Vary (Subtle)', 'Vary (Region)', 'Upscale 2×', 'Upscale 4×', 'Re-roll', 'Zoom Out 2×', 'Zoom Out 1.5×', 'Custom Zoom', 'Pan Left', 'Pan Right', 'Pan Up', 'Pan Down', 'Recipe', 'Delete']);
    const upMeta = await sharp(up.attachments[0]!.data).metadata();
    expect(upMeta.width).toBe(upMeta.height);
    // Image #1 of the grid job, twice as large.
    const jobs = await bot.ts.services.jobs.listByStatus(['done']);
    const upJob = jobs.find((j) => j.kind === 'upscale')!;
    const gridJob = jobs.find((j) => j.id === upJob.params.source?.jobId)!;
    expect(upJob.params.source?.index).toBe(0);
    expect(upJob.output?.width).toBe(2 * gridJob.output!.width);
  });

  it('V2 makes a new grid of variations of image #2', async () => {
    const { fake } = bot;
    const click = fake.click(grid, buttonId(fake, grid, 'V2'));
    const v = await resultOf(fake, click, 'the variations');
    expect(v.content).toMatch(/Variations \(Strong\)/);
    // It links back to the grid it came from.
    expect(v.content).toContain(` · from [image #2](<https://discord.com/channels/${fake.guild.id}/${grid.channelId}/${grid.id}>)`);
    expect(fake.buttons(v)).toHaveLength(11);
    const job = (await bot.ts.services.jobs.listByStatus(['done'])).find((j) => j.kind === 'variation');
    expect(job?.params.source?.index).toBe(1);
  });

  it('🔄 re-rolls the prompt with new seeds', async () => {
    const { fake } = bot;
    const click = fake.click(grid, buttonId(fake, grid, '🔄'));
    const again = await resultOf(fake, click, 'the re-roll');
    expect(again.content).toContain('**red heart**');
    expect(again.content).not.toMatch(/seeds 42–45/);
    expect(fake.buttons(again)).toHaveLength(11);
  });
});

describe('attachments', () => {
  it('re-encodes the grid under the interaction’s attachment size limit instead of failing', async () => {
    const { fake, ts } = bot;
    const limit = 12_000;
    const i = fake.slash('imagine', { prompt: 'green leaf --seed 7' }, { attachmentSizeLimit: limit });
    const grid = await resultOf(fake, i, 'the small grid');
    const file = grid.attachments[0]!;
    expect(file.size).toBeLessThanOrEqual(limit);
    const meta = await sharp(file.data).metadata();
    expect(['webp', 'jpeg']).toContain(meta.format);
    expect(file.filename.endsWith(meta.format === 'webp' ? '.webp' : '.jpg')).toBe(true);
    expect(meta.width).toBe(meta.height);
    // The stored picture is the full PNG, bigger than the limit.
    const job = (await ts.services.jobs.listByStatus(['done'])).find((j) => j.params.prompt === 'green leaf')!;
    expect((await ts.services.images.get(job.output!.preview)).length).toBeGreaterThan(limit);
    writeFileSync(join(tmpdir(), 'discord-grid-small.' + meta.format), file.data);
  });
});

describe('refusals are private', () => {
  it('answers an invalid --ar with an ephemeral message saying why; nothing is queued', async () => {
    const { fake, ts } = bot;
    const before = (await ts.services.jobs.listByStatus(['queued', 'running', 'done', 'failed', 'cancelled'])).length;
    const i = fake.slash('imagine', { prompt: 'a cat --ar 7:banana' });
    const answer = await privateAnswer(fake, i);
    expect(answer.content).toMatch(/--ar|aspect/i);
    // Nobody else sees anything of it: the public deferred placeholder goes away.
    await fake.waitFor(() => fake.original(i)?.deleted, 'the placeholder to be removed');
    expect(fake.visibleMessages(fake.channelId, fake.admin.user.id).filter((m) => m.interactionId === i.id)).toHaveLength(0);
    const after = (await ts.services.jobs.listByStatus(['queued', 'running', 'done', 'failed', 'cancelled'])).length;
    expect(after).toBe(before);
  });

  it('refuses /limits set to a member without Manage Server, and lets an admin change it', async () => {
    const { fake, ts } = bot;
    const serverId = fake.guild.id;
    // Discord hides /limits from members (default_member_permissions); an owner may show it anyway.
    const cmd = fake.commands.get('global')!.find((c) => c.name === 'limits')!;
    expect(cmd.default_member_permissions).toBe('32');
    cmd.default_member_permissions = null;
    try {
      const denied = fake.slash('limits', { name: 'max_steps', value: '5' }, { subcommand: 'set', user: fake.member });
      const answer = await privateAnswer(fake, denied);
      expect(answer.content).toMatch(/admin/i);
      expect((await ts.services.settings.overrides(serverId)).max_steps).toBeUndefined();
    } finally {
      cmd.default_member_permissions = '32';
    }
    const allowed = fake.slash('limits', { name: 'max_steps', value: '30' }, { subcommand: 'set', user: fake.admin });
    const ok = await privateAnswer(fake, allowed);
    expect(ok.content).toContain('max_steps');
    expect((await ts.services.settings.overrides(serverId)).max_steps).toBe(30);
  });
});

describe('bans', () => {
  it('an admin bans a member picked from the user option; the member is refused privately, nothing is queued; unban lets them back', async () => {
    const { fake, ts } = bot;
    const banned = await privateAnswer(fake, fake.slash('limits', { user: fake.member.user.id }, { subcommand: 'ban', user: fake.admin }));
    expect(banned.content).toBe(`<@${fake.member.user.id}> can no longer use the bot in this server; \`/limits unban\` undoes it.`);
    const before = (await ts.services.jobs.listByStatus(['queued', 'running', 'done'])).length;
    const refused = await privateAnswer(fake, fake.slash('imagine', { prompt: 'a banned cat' }, { user: fake.member }));
    expect(refused.content).toBe(BANNED);
    expect((await ts.services.jobs.listByStatus(['queued', 'running', 'done'])).length).toBe(before);
    await privateAnswer(fake, fake.slash('limits', { user: fake.member.user.id }, { subcommand: 'unban', user: fake.admin }));
    expect(await ts.services.settings.isBanned(fake.guild.id, fake.member.user.id)).toBe(false);
  });
});

describe('the image safety check', () => {
  // A threshold of 0 flags any picture, so harmless ones drive the policy paths.
  const policy = async (nsfw_policy: 'spoiler' | 'allow') => {
    await bot.ts.services.settings.set(bot.fake.guild.id, 'nsfw_threshold', 0);
    await bot.ts.services.settings.set(bot.fake.guild.id, 'nsfw_policy', nsfw_policy);
  };
  afterAll(async () => {
    await bot.ts.services.settings.reset(bot.fake.guild.id, 'nsfw_threshold');
    await bot.ts.services.settings.reset(bot.fake.guild.id, 'nsfw_policy');
    bot.fake.setChannelNsfw(false);
  });

  it('the moderation log gets refused prompts and blocked images, as spoilers with the user, prompt and job id', async () => {
    const { fake, ts } = bot;
    const set = await privateAnswer(fake, fake.slash('limits', { name: 'mod_log_channel', value: `<#${fake.channelId}>` }, { subcommand: 'set', user: fake.admin }));
    expect(set.content).toContain(`\`mod_log_channel\` is now **${fake.channelId}**`);
    await ts.services.settings.set(fake.guild.id, 'blocked_words', ['kraken']);
    await privateAnswer(fake, fake.slash('imagine', { prompt: 'a kraken at sea' }));
    const log = () => fake.visibleMessages(fake.channelId, fake.admin.user.id).filter((m) => m.content.includes('🛡️'));
    const refused = await fake.waitFor(() => log().find((m) => m.content.includes('Refused prompt')), 'the refusal in the log');
    expect(refused.content).toContain(`<@${fake.member.user.id}>`);
    expect(refused.content).toContain('a kraken at sea');

    await ts.services.settings.set(fake.guild.id, 'nsfw_threshold', 0);
    await ts.services.settings.set(fake.guild.id, 'nsfw_policy', 'block');
    fake.slash('imagine', { prompt: 'logged whale --seed 8' });
    const blocked = await fake.waitFor(() => log().find((m) => m.content.includes('Blocked image')), 'the blocked image in the log');
    const job = (await ts.services.jobs.listByStatus(['failed'])).find((j) => j.params.prompt === 'logged whale')!;
    expect(blocked.content).toContain(job.id);
    expect(blocked.content).toContain('logged whale');
    expect(blocked.attachments.length).toBe(4);
    expect(blocked.attachments.every((a) => a.filename.startsWith('SPOILER_'))).toBe(true);
    await ts.services.settings.reset(fake.guild.id, 'blocked_words');
    await ts.services.settings.reset(fake.guild.id, 'mod_log_channel');
  });

  it('block: the public status goes away and only the requester is told, in a private follow-up', async () => {
    const { fake } = bot;
    await bot.ts.services.settings.set(fake.guild.id, 'nsfw_threshold', 0);
    await bot.ts.services.settings.set(fake.guild.id, 'nsfw_policy', 'block');
    const i = fake.slash('imagine', { prompt: 'withheld whale --seed 9' });
    await fake.waitFor(() => fake.original(i)?.deleted, 'the public status to be removed');
    const note = await fake.waitFor(() => fake.visibleMessages(fake.channelId, fake.member.user.id).find((m) => m.interactionId === i.id && fake.isEphemeral(m)), 'the private notice');
    expect(note.content).toContain(SAFETY_BLOCKED);
    expect(note.attachments).toEqual([]);
    // Nobody else sees anything of it.
    expect(fake.visibleMessages(fake.channelId, fake.admin.user.id).filter((m) => m.interactionId === i.id)).toEqual([]);
  });

  it('spoiler: the grid comes as a spoiler attachment, and its buttons still work', async () => {
    const { fake } = bot;
    await policy('spoiler');
    const grid = await resultOf(fake, fake.slash('imagine', { prompt: 'blue whale --seed 3' }), 'the spoilered grid');
    expect(grid.attachments).toHaveLength(1);
    expect(grid.attachments[0]!.filename).toMatch(/^SPOILER_blue_whale_grid_/);
    expect(grid.content).toContain('marked sensitive by the image safety check');
    expect(fake.buttons(grid)).toHaveLength(11);
    const up = await resultOf(fake, fake.click(grid, buttonId(fake, grid, 'U2')), 'the spoilered upscale');
    expect(up.content).toContain('Image #2');
    expect(up.attachments[0]!.filename).toMatch(/^SPOILER_/);
  });

  it('allow: plain in an age-restricted channel, a spoiler in an ordinary one', async () => {
    const { fake } = bot;
    await policy('allow');
    const ordinary = await resultOf(fake, fake.slash('imagine', { prompt: 'grey whale --seed 4' }), 'the grid in an ordinary channel');
    expect(ordinary.attachments[0]!.filename).toMatch(/^SPOILER_/);
    fake.setChannelNsfw(true);
    const restricted = await resultOf(fake, fake.slash('imagine', { prompt: 'grey whale --seed 5' }), 'the grid in an age-restricted channel');
    expect(restricted.attachments[0]!.filename).toMatch(/^grey_whale_grid_/);
    expect(restricted.content).not.toContain('marked sensitive');
  });
});
