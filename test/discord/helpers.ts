/**
 * The Discord adapter against the fake, on real services (SQLite, the fair queue, the pipeline on
 * a tiny ONNX model): commands registered as `npm run deploy-commands` does, then a started adapter.
 */
import { REST } from 'discord.js';
import { commandLayer, messageActions, slashCommands } from '../../commands/index.js';
import { deployCommands } from '../../src/adapters/discord/commands-json.js';
import { startDiscord, type DiscordAdapterHandle, type DiscordAdapterOptions } from '../../src/adapters/discord/index.js';
import type { CommandLayer } from '../../src/adapters/types.js';
import { createTestServices, type TestServices, type TestServicesOptions } from '../fixtures/services.js';
import { FakeDiscord, type FakeInteraction, type FakeMessage } from './fake-discord.js';

export interface Bot {
  fake: FakeDiscord;
  ts: TestServices;
  adapter: DiscordAdapterHandle;
  /** A new adapter (new discord.js Client) on restarted services with the same DATA_DIR. */
  restart(options?: DiscordAdapterOptions): Promise<void>;
  close(): Promise<void>;
}

export function discordEnv(fake: FakeDiscord, extra: Record<string, string> = {}): Record<string, string> {
  return { DISCORD_TOKEN: fake.token, DISCORD_APPLICATION_ID: fake.applicationId, DISCORD_API_URL: fake.apiUrl, ...extra };
}

export async function startBot(options: { adapter?: DiscordAdapterOptions; commands?: CommandLayer; services?: TestServicesOptions; env?: Record<string, string>; fake?: FakeDiscord } = {}): Promise<Bot> {
  const commands = options.commands ?? commandLayer;
  const fake = options.fake ?? (await FakeDiscord.start());
  const env = discordEnv(fake, options.env);
  // Tests make many requests in a minute; the per-minute limit has its own tests in the queue.
  const ts = await createTestServices({
    ...options.services,
    limits: { user_requests_per_minute: 0, ...options.services?.limits },
    env: { ...options.services?.env, ...env },
  });
  const rest = new REST({ api: fake.apiUrl }).setToken(fake.token);
  await deployCommands(rest, { applicationId: fake.applicationId, allowDms: ts.config.DISCORD_ALLOW_DMS }, slashCommands, messageActions);
  const bot: Bot = {
    fake,
    ts,
    adapter: await startDiscord(ts.services, commands, options.adapter),
    async restart(adapterOptions = options.adapter) {
      await bot.adapter.stop();
      bot.ts = await bot.ts.restart();
      bot.adapter = await startDiscord(bot.ts.services, commands, adapterOptions);
    },
    async close() {
      await bot.adapter.stop();
      await bot.ts.close();
      if (!options.fake) await fake.close();
    },
  };
  return bot;
}

/** The message an interaction's updates end in: one with an image and buttons. */
export function resultOf(fake: FakeDiscord, interaction: FakeInteraction, what = 'the result'): Promise<FakeMessage> {
  return fake.waitFor(() => {
    const m = fake.original(interaction);
    if (m && fake.isEphemeral(m) && m.content) throw new Error(`the bot refused instead of making ${what}: ${m.content}`);
    // A live preview (a status with a picture and ✖ Cancel) is not the result yet.
    const result = m && m.attachments.some((a) => !a.filename.includes('_preview_'));
    return m && result && !m.deleted && m.components.length > 0 ? m : undefined;
  }, `${what} of interaction ${interaction.id}`);
}

/** The ephemeral answer the user got for an interaction (as reply or follow-up). */
export function privateAnswer(fake: FakeDiscord, interaction: FakeInteraction): Promise<FakeMessage> {
  return fake.waitFor(() => {
    const ids = [interaction.originalId, ...interaction.followUpIds].filter((x): x is string => Boolean(x));
    return ids.map((id) => fake.messages.get(id)!).find((m) => !m.deleted && fake.isEphemeral(m) && m.content !== '');
  }, `a private answer to interaction ${interaction.id}`);
}

export function buttonId(fake: FakeDiscord, message: FakeMessage, label: string): string {
  const b = fake.buttons(message).find((x) => x.label === label || x.emoji?.name === label);
  if (!b) throw new Error(`no button ${label} on the message; buttons: ${fake.buttons(message).map((x) => x.label ?? x.emoji?.name).join(', ')}`);
  return b.custom_id;
}
