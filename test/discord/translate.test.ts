/**
 * The translations between the neutral contracts and Discord's shapes, case by case.
 */
import { describe, expect, it } from 'vitest';
import type { CommandSpec } from '../../src/core/command.js';
import { md, mention } from '../../src/core/markup.js';
import { toDiscordCommand } from '../../src/adapters/discord/commands-json.js';
import { shardOptions } from '../../src/adapters/discord/index.js';
import { readOptions } from '../../src/adapters/discord/invocation.js';
import { discordDeliveryData } from '../../src/adapters/discord/delivery.js';
import { renderMessage, toEmoji, truncateContent } from '../../src/adapters/discord/message.js';

describe('renderMessage', () => {
  it('pings only the people meant, whatever the text contains', async () => {
    const m = await renderMessage({ text: md`**cat** - ${mention('111')} @everyone ${mention('222')}` }, { ping: ['111'] });
    expect(m.body.allowed_mentions).toEqual({ parse: [], users: ['111'] });
    const none = await renderMessage({ text: [mention('111')] });
    expect(none.body.allowed_mentions.users).toEqual([]);
  });

  it('cuts text longer than Discord allows, without splitting an emoji', () => {
    const long = `${'a'.repeat(1998)}😀😀`;
    const cut = truncateContent(long);
    expect(cut.length).toBeLessThanOrEqual(2000);
    expect(cut.endsWith('…')).toBe(true);
    expect(/[\uD800-\uDBFF]…$/.test(cut)).toBe(false);
    expect(truncateContent('short')).toBe('short');
  });

  it('lays buttons out in rows of at most five, at most five rows, with styles and emoji', async () => {
    const row = Array.from({ length: 7 }, (_, i) => ({ id: `b${i}`, label: `B${i}` }));
    const m = await renderMessage({ text: md`x`, buttons: [row, [{ id: 'rr', label: 'Re-roll', emoji: '🔄', style: 'primary' }]] });
    expect(m.body.components.map((r) => r.components.length)).toEqual([5, 2, 1]);
    expect(m.body.components[2]!.components[0]).toEqual({ type: 2, style: 1, custom_id: 'rr', label: 'Re-roll', emoji: { name: '🔄' } });
    expect(m.body.components[0]!.components[0]).toMatchObject({ style: 2 });
    const many = await renderMessage({ text: md`x`, buttons: Array.from({ length: 7 }, (_, i) => [{ id: `r${i}`, label: 'r' }]) });
    expect(many.body.components).toHaveLength(5);
  });

  it('reads custom emoji and marks private replies ephemeral', async () => {
    expect(toEmoji('<a:party:123456789012345678>')).toEqual({ name: 'party', id: '123456789012345678', animated: true });
    expect((await renderMessage({ text: md`no`, ephemeral: true })).body.flags).toBe(64);
    expect((await renderMessage({ text: md`yes` })).body.flags).toBeUndefined();
  });

  it('clears old buttons and images when a reply has none (edits replace the whole message)', async () => {
    const m = await renderMessage({ text: md`failed` });
    expect(m.body.components).toEqual([]);
    expect(m.body.attachments).toEqual([]);
    expect(m.files).toEqual([]);
  });
});

describe('toDiscordCommand', () => {
  const def: CommandSpec = {
    name: 'demo',
    description: 'd'.repeat(150),
    options: [
      { name: 'extra', description: 'optional first in the definition', type: 'integer', minValue: 1, maxValue: 9 },
      { name: 'text', description: 'required', type: 'string', required: true, maxLength: 100 },
    ],
  };

  it('puts required options first and keeps ranges, lengths and a 100-character description', () => {
    const json = toDiscordCommand(def, { allowDms: false });
    expect(json.description).toHaveLength(100);
    expect(json.options!.map((o) => o.name)).toEqual(['text', 'extra']);
    expect(json.options![1]).toMatchObject({ type: 4, min_value: 1, max_value: 9, required: false });
    expect(json.options![0]).toMatchObject({ type: 3, max_length: 100, required: true });
    expect(json.default_member_permissions).toBeNull();
    expect(json.contexts).toEqual([0]);
  });

  it('hides admin commands behind Manage Server and offers DMs only when allowed', () => {
    const json = toDiscordCommand({ ...def, adminOnly: true }, { allowDms: true });
    expect(json.default_member_permissions).toBe('32');
    expect(json.contexts).toEqual([0, 1]);
  });
});

describe('readOptions', () => {
  it('flattens a subcommand and its typed options', () => {
    const r = readOptions([{ name: 'set', type: 1, options: [{ name: 'name', type: 3, value: 'max_steps' }, { name: 'value', type: 3, value: '30' }] }]);
    expect(r).toEqual({ subcommand: 'set', options: { name: 'max_steps', value: '30' } });
    expect(readOptions([{ name: 'seed', type: 4, value: 7 }, { name: 'guidance', type: 10, value: 6.5 }])).toEqual({ options: { seed: 7, guidance: 6.5 } });
  });
});

describe('shardOptions', () => {
  it('maps DISCORD_SHARDS and explicit shard lists onto discord.js options', () => {
    expect(shardOptions({ DISCORD_SHARDS: 'auto' }, {}, {})).toEqual({ shards: 'auto' });
    expect(shardOptions({ DISCORD_SHARDS: '3' }, {}, {})).toEqual({ shards: [0, 1, 2], shardCount: 3 });
    expect(shardOptions({ DISCORD_SHARDS: '4' }, { shards: [2, 3] }, {})).toEqual({ shards: [2, 3], shardCount: 4 });
    // Under a ShardingManager discord.js reads SHARDS / SHARD_COUNT itself.
    expect(shardOptions({ DISCORD_SHARDS: 'auto' }, {}, { SHARDS: '[1]', SHARD_COUNT: '2' })).toEqual({});
  });
});

describe('discordDeliveryData', () => {
  it('reads stored delivery data and refuses what is not Discord’s', () => {
    const data = { applicationId: '1', token: 't', channelId: 'c', userId: 'u', createdAt: 5, attachmentSizeLimit: 10, message: { channelId: 'c', id: 'm' } };
    expect(discordDeliveryData({ platform: 'discord', gateway: 'main', data })).toEqual({ ...data, guildId: undefined });
    expect(discordDeliveryData({ platform: 'slack', gateway: 'main', data: { channel: 'C1' } })).toBeUndefined();
    expect(discordDeliveryData(undefined)).toBeUndefined();
  });
});
