/**
 * A loopback stand-in for Discord: the v10 REST routes a bot uses (gateway discovery, command
 * registration, interaction callbacks, webhook edits with multipart files, channel messages, DMs)
 * and a gateway WebSocket (HELLO, IDENTIFY, READY, GUILD_CREATE, heartbeats, INTERACTION_CREATE).
 * It keeps what users would see (messages with their content, files and buttons, who got pinged)
 * and every request it received, and it enforces the rules that bite real bots: the 3-second
 * acknowledgement window, 15-minute interaction tokens, message and component limits, the first
 * follow-up of a deferred reply editing it, attachment size limits, and (on demand) a 429.
 *
 * Only types come from discord.js (its discord-api-types re-export), so the real client meets
 * payloads written independently of it.
 *
 * This file puts the parts in fake/ together: world.ts (users, guilds, messages, interactions and
 * what users see), gateway.ts (the WebSocket), rest.ts (the HTTP routes) and multipart.ts
 * (request bodies). Tests use only what this file exports.
 */
import { Gateway } from './fake/gateway.js';
import { RestApi, type RecordedRequest } from './fake/rest.js';
import { DiscordWorld } from './fake/world.js';

export type { RecordedFile } from './fake/multipart.js';
export type { RecordedRequest } from './fake/rest.js';
export { makeUser, snowflake, type ContextOptions, type FakeAttachment, type FakeGuild, type FakeInteraction, type FakeMessage, type FakeUser } from './fake/world.js';

export interface FakeDiscordOptions {
  token?: string;
  /** What GET /gateway/bot recommends. */
  recommendedShards?: number;
  /** session_start_limit.max_concurrency: shards that may identify at once (1 for most bots). */
  maxConcurrency?: number;
  heartbeatIntervalMs?: number;
}

export class FakeDiscord extends DiscordWorld {
  private readonly gateway: Gateway;
  private readonly rest: RestApi;

  private constructor(options: FakeDiscordOptions) {
    super(options.token);
    this.gateway = new Gateway(this, options.heartbeatIntervalMs ?? 41_250);
    this.connections = this.gateway;
    this.rest = new RestApi(this, { recommendedShards: options.recommendedShards ?? 1, maxConcurrency: options.maxConcurrency ?? 1 });
  }

  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(options);
    fake.gateway.attach(fake.rest.server);
    fake.port = await fake.rest.listen();
    return fake;
  }

  /** What a bot puts in DISCORD_API_URL. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  async close(): Promise<void> {
    await this.gateway.close();
    await this.rest.close();
  }

  /** Every REST request, in order, with the status it got. */
  get requests(): RecordedRequest[] {
    return this.rest.requests;
  }

  /** Channels where the bot may not post (Missing Access), to test other routes. */
  get deniedChannels(): Set<string> {
    return this.rest.deniedChannels;
  }

  /** Every IDENTIFY payload the gateway received, in order. */
  get identifies(): any[] {
    return this.gateway.identifies;
  }

  /** A client identified on every shard it announced and got READY. */
  waitForReady(count = 1): Promise<void> {
    return this.waitFor(() => this.gateway.connectedShards.length >= count, `${count} identified gateway connection(s)`).then(() => undefined);
  }

  get connectedShards(): [number, number][] {
    return this.gateway.connectedShards;
  }

  /** The next `times` requests matching method and path answer 429 with this retry_after. */
  rateLimitOnce(method: string, path: RegExp, retryAfterSeconds = 0.5, times = 1): void {
    this.rest.rateLimitOnce(method, path, retryAfterSeconds, times);
  }
}
