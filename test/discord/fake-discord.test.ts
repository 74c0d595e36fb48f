/**
 * The fake must be something the real discord.js accepts unmodified: these tests drive a plain
 * discord.js Client against it, the way the adapter will.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ButtonStyle, Client, Events, GatewayIntentBits, MessageFlags, Routes, type Interaction } from 'discord.js';
import { FakeDiscord } from './fake-discord.js';

let fake: FakeDiscord;
let client: Client;
const interactions: Interaction[] = [];

beforeEach(async () => {
  fake = await FakeDiscord.start();
  client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
  interactions.length = 0;
  client.on(Events.InteractionCreate, (i) => void interactions.push(i));
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(fake.token);
  await ready;
  await client.rest.put(Routes.applicationCommands(fake.applicationId), {
    body: [
      { name: 'ping', description: 'Answers', options: [{ type: 3, name: 'text', description: 'Some text', required: true }] },
      { name: 'admin', description: 'Admins only', default_member_permissions: '32' },
    ],
  });
});

afterEach(async () => {
  await client.destroy();
  await fake.close();
});

async function nextInteraction(): Promise<Interaction> {
  return fake.waitFor(() => interactions.shift(), 'an interaction in discord.js');
}

describe('fake Discord with the real discord.js client', () => {
  it('logs in through /gateway/bot and receives the guild', async () => {
    expect(client.user?.id).toBe(fake.bot.id);
    expect(client.guilds.cache.get(fake.guild.id)?.name).toBe('Test Server');
    expect(client.channels.cache.get(fake.channelId)?.isTextBased()).toBe(true);
    expect(fake.identifies[0].intents).toBe(GatewayIntentBits.Guilds);
    expect(fake.requests.some((r) => r.path === '/gateway/bot')).toBe(true);
  });

  it('delivers a slash command that discord.js reads fully, and keeps the reply', async () => {
    const sent = fake.slash('ping', { text: 'hello' }, { user: fake.admin, attachmentSizeLimit: 25 * 1024 * 1024 });
    const i = await nextInteraction();
    if (!i.isChatInputCommand()) throw new Error('expected a chat input command');
    expect(i.commandName).toBe('ping');
    expect(i.options.getString('text')).toBe('hello');
    expect(i.guildId).toBe(fake.guild.id);
    expect(i.channelId).toBe(fake.channelId);
    expect(i.user.id).toBe(fake.admin.user.id);
    expect(i.memberPermissions?.has('ManageGuild')).toBe(true);
    expect(i.attachmentSizeLimit).toBe(25 * 1024 * 1024);
    await i.reply({ content: 'pong', flags: MessageFlags.Ephemeral });
    const original = fake.original(sent)!;
    expect(original.content).toBe('pong');
    expect(fake.isEphemeral(original)).toBe(true);
    expect(fake.visibleMessages(fake.channelId, fake.member.user.id)).toHaveLength(0);
    expect(fake.visibleMessages(fake.channelId, fake.admin.user.id)).toHaveLength(1);
  });

  it('refuses to show an admin command to a member without Manage Server', () => {
    expect(() => fake.slash('admin', {}, { user: fake.member })).toThrow(/cannot see/);
    expect(() => fake.slash('ping', {})).toThrow(/needs text/);
  });

  it('takes a deferred reply edited with files and buttons, then a click on that button', async () => {
    const sent = fake.slash('ping', { text: 'x' });
    const i = await nextInteraction();
    if (!i.isChatInputCommand()) throw new Error('expected a command');
    await i.deferReply();
    expect(fake.isLoading(fake.original(sent)!)).toBe(true);
    const png = Buffer.from('89504e470d0a1a0a', 'hex');
    await i.editReply({
      content: 'done',
      files: [{ attachment: png, name: 'a.png', description: 'an image' }],
      components: [{ type: 1, components: [{ type: 2, style: ButtonStyle.Primary, custom_id: 'b:1', label: 'B1' }] }],
    });
    const msg = fake.original(sent)!;
    expect(fake.isLoading(msg)).toBe(false);
    expect(msg.content).toBe('done');
    expect(msg.attachments.map((a) => [a.filename, a.data.equals(png), a.description])).toEqual([['a.png', true, 'an image']]);
    const edit = fake.requests.find((r) => r.method === 'PATCH' && r.path.endsWith('/messages/@original'))!;
    expect(edit.files).toHaveLength(1);

    const click = fake.click(msg, 'b:1');
    const b = await nextInteraction();
    if (!b.isButton()) throw new Error('expected a button');
    expect(b.customId).toBe('b:1');
    expect(b.message.id).toBe(msg.id);
    await b.deferUpdate();
    expect(click.response?.type).toBe(6);
  });

  it('answers 429 once and discord.js retries the edit after retry_after', async () => {
    const sent = fake.slash('ping', { text: 'x' });
    const i = await nextInteraction();
    if (!i.isChatInputCommand()) throw new Error('expected a command');
    await i.deferReply();
    fake.rateLimitOnce('PATCH', /\/messages\/@original$/, 0.2);
    await i.editReply('after the limit');
    const edits = fake.requests.filter((r) => r.method === 'PATCH');
    expect(edits.map((r) => r.status)).toEqual([429, 200]);
    expect(fake.original(sent)!.content).toBe('after the limit');
  });

  it('makes the first follow-up of a deferred reply fill it, as Discord does', async () => {
    const sent = fake.slash('ping', { text: 'x' });
    const i = await nextInteraction();
    if (!i.isChatInputCommand()) throw new Error('expected a command');
    await i.deferReply();
    await i.followUp({ content: 'wanted ephemeral', flags: MessageFlags.Ephemeral });
    const original = fake.original(sent)!;
    expect(original.content).toBe('wanted ephemeral');
    expect(fake.isEphemeral(original)).toBe(false);
  });

  it('rejects a late acknowledgement and an expired token', async () => {
    const sent = fake.slash('ping', { text: 'x' });
    const i = await nextInteraction();
    if (!i.isChatInputCommand()) throw new Error('expected a command');
    await i.reply('hi');
    fake.expireToken(sent);
    await expect(i.editReply('later')).rejects.toMatchObject({ code: 50027, status: 401 });
    // The bot's own token still works after a webhook 401.
    await client.rest.post(Routes.channelMessages(fake.channelId), { body: { content: 'still here' } });
    expect(fake.visibleMessages().map((m) => m.content)).toEqual(['hi', 'still here']);
  });
});
