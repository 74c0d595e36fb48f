/**
 * The Discord adapter: `/imagine`, `/limits`, `/info`, `/cancel` and the result buttons on
 * discord.js v14, on the shared command layer and queue. The gateway brings interactions
 * (interactions.ts answers them); job updates go out over REST from the stored delivery
 * (delivery.ts), so they survive restarts and expired interaction tokens.
 */
import { Client, Events, GatewayIntentBits, RESTEvents, type ClientOptions } from 'discord.js';
import type { AppConfig } from '../../config.js';
import { followJobs } from '../../replies/follow.js';
import { followModeration } from '../../replies/moderation.js';
import type { Services } from '../../services.js';
import type { AdapterHandle, AdapterState, CommandLayer } from '../types.js';
import { missingCommands } from './commands-json.js';
import { DiscordDelivery } from './delivery.js';
import { InteractionHandler } from './interactions.js';
import { renderMessage } from './message.js';
import { DiscordMessenger } from './messenger.js';

export { deployCommands, toDiscordCommands } from './commands-json.js';
export { discordDeliveryData, type DiscordDeliveryData } from './delivery.js';

export interface DiscordAdapterOptions {
  /** Wait this long for a command's outcome before deferring (default 1000 ms; 0 always defers). */
  ackBudgetMs?: number;
  /** Clock for interaction-token ages (tests play 15 minutes with it). */
  now?: () => number;
  /** Shards this process runs; with shardCount, for a ShardingManager or several gateway processes. */
  shards?: number[];
  shardCount?: number;
  /** How long start waits for READY before returning in state 'starting' (default 30 s). */
  readyTimeoutMs?: number;
  progressIntervalMs?: number;
}

export interface DiscordAdapterHandle extends AdapterHandle {
  readonly name: 'discord';
  /** The shard ids this process runs. */
  shardIds(): number[];
}

/** Client shard options: an explicit list, a fixed DISCORD_SHARDS count, a ShardingManager's environment, or Discord's recommendation. */
export function shardOptions(config: Pick<AppConfig, 'DISCORD_SHARDS'>, options: Pick<DiscordAdapterOptions, 'shards' | 'shardCount'>, env: NodeJS.ProcessEnv = process.env): Pick<ClientOptions, 'shards' | 'shardCount'> {
  if (options.shards?.length) {
    const count = options.shardCount ?? (config.DISCORD_SHARDS === 'auto' ? Math.max(...options.shards) + 1 : Number(config.DISCORD_SHARDS));
    return { shards: options.shards, shardCount: count };
  }
  if (config.DISCORD_SHARDS !== 'auto') {
    const count = options.shardCount ?? Number(config.DISCORD_SHARDS);
    return { shards: Array.from({ length: count }, (_, i) => i), shardCount: count };
  }
  // A ShardingManager child gets SHARDS / SHARD_COUNT in its environment; discord.js reads them.
  if ('SHARDS' in env) return {};
  return { shards: 'auto' };
}

/** Starts the adapter; resolves once the gateway is ready (or after readyTimeoutMs, still connecting). */
export async function startDiscord(services: Services, commands: CommandLayer, options: DiscordAdapterOptions = {}): Promise<DiscordAdapterHandle> {
  const { config } = services;
  if (!config.DISCORD_TOKEN || !config.DISCORD_APPLICATION_ID) throw new Error('DISCORD_TOKEN and DISCORD_APPLICATION_ID must be set to start the Discord adapter');
  const log = services.log.child({ adapter: 'discord' });
  const now = options.now ?? Date.now;

  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: { api: config.DISCORD_API_URL },
    allowedMentions: { parse: [] },
    ...shardOptions(config, { shards: options.shards ?? config.DISCORD_SHARD_IDS, shardCount: options.shardCount }),
  });
  const messenger = new DiscordMessenger(client.rest);
  const target = new DiscordDelivery(config.INSTANCE_ID, services, messenger, log, now, options.progressIntervalMs ?? 2000);
  const handler = new InteractionHandler({
    services,
    commands,
    messenger,
    target,
    log,
    allowDms: config.DISCORD_ALLOW_DMS,
    gateway: config.INSTANCE_ID,
    ackBudgetMs: options.ackBudgetMs ?? 1000,
    now,
  });

  let state: AdapterState = 'starting';
  const liveShards = new Set<number>();
  const inFlight = new Set<Promise<void>>();

  client.on(Events.InteractionCreate, (interaction) => {
    if (state === 'stopped') return;
    const p = handler.handle(interaction).catch((err: unknown) => log.error({ err }, 'Discord interaction handler failed'));
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  });
  client.on(Events.ShardReady, (id) => {
    liveShards.add(id);
    if (state !== 'stopped') state = 'connected';
  });
  client.on(Events.ShardResume, (id) => {
    liveShards.add(id);
    if (state !== 'stopped') state = 'connected';
  });
  const down = (id: number) => {
    liveShards.delete(id);
    if (state !== 'stopped' && liveShards.size === 0) state = 'disconnected';
  };
  client.on(Events.ShardDisconnect, (_event, id) => down(id));
  client.on(Events.ShardReconnecting, (id) => down(id));
  client.on(Events.ShardError, (err, id) => log.warn({ err, shard: id }, 'Discord gateway error'));
  client.on(Events.Warn, (message) => log.warn({ detail: message }, 'discord.js warning'));
  client.on(Events.Error, (err) => log.error({ err }, 'discord.js error'));
  client.on(Events.Debug, (message) => log.trace({ detail: message }, 'discord.js'));
  client.rest.on(RESTEvents.RateLimited, (info) => log.info({ route: info.route, retryAfterMs: info.retryAfter, global: info.global }, 'Discord rate limit; waiting'));

  const unfollowJobs = followJobs(services, target);
  const unfollowLog = followModeration(services, {
    platform: 'discord',
    gateway: config.INSTANCE_ID,
    post: async (_serverId, channelId, reply) => void (await messenger.post(channelId, await renderMessage(reply))),
  });
  const unfollow = () => (unfollowJobs(), unfollowLog());
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  try {
    await client.login(config.DISCORD_TOKEN);
  } catch (err) {
    unfollow();
    await client.destroy().catch(() => undefined);
    // discord.js errors never carry the token, but say plainly what to check.
    throw new Error(`Discord login failed (check DISCORD_TOKEN and DISCORD_API_URL): ${(err as Error).message}`, { cause: err });
  }
  let readyTimer: NodeJS.Timeout | undefined;
  await Promise.race([ready, new Promise<void>((resolve) => (readyTimer = setTimeout(resolve, options.readyTimeoutMs ?? 30_000)))]);
  clearTimeout(readyTimer);
  if (client.isReady()) {
    log.info({ user: client.user.tag, guilds: client.guilds.cache.size, shards: client.options.shards }, 'Discord adapter connected');
    missingCommands(client.rest, { applicationId: config.DISCORD_APPLICATION_ID, guildId: config.DISCORD_GUILD_ID }, commands.commands, commands.messageActions)
      .then((missing) => {
        if (missing.length) log.warn({ missing }, 'Some slash commands are not registered with Discord; run `npm run deploy-commands`');
      })
      .catch((err: unknown) => log.debug({ err }, 'could not list the registered Discord commands'));
  } else {
    log.warn('Discord gateway not ready yet; still connecting');
  }

  return {
    name: 'discord',
    state: () => state,
    shardIds: () => (Array.isArray(client.options.shards) ? [...client.options.shards] : []),
    async stop() {
      if (state === 'stopped') return;
      state = 'stopped';
      unfollow();
      // Interactions being answered get a few seconds to finish; their jobs keep their delivery.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...inFlight]), new Promise((resolve) => (timer = setTimeout(resolve, 5000)))]);
      clearTimeout(timer);
      await client.destroy();
    },
  };
}
