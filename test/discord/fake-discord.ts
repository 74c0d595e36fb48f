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
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type {
  APIApplicationCommand,
  APIApplicationCommandInteractionDataOption,
  APIChatInputApplicationCommandInteraction,
  APIGuildMember,
  APIInteractionGuildMember,
  APIMessage,
  APIMessageComponentButtonInteraction,
  APIRole,
  APITextChannel,
  APIUser,
  GatewayGuildCreateDispatchData,
  GatewayReadyDispatchData,
  RESTGetAPIGatewayBotResult,
} from 'discord.js';

// Numbers from the Discord API (discord-api-types names in comments).
const Op = { Dispatch: 0, Heartbeat: 1, Identify: 2, Resume: 6, Reconnect: 7, InvalidSession: 9, Hello: 10, HeartbeatAck: 11 } as const;
const InteractionType = { ApplicationCommand: 2, MessageComponent: 3 } as const;
const Callback = { ChannelMessageWithSource: 4, DeferredChannelMessageWithSource: 5, DeferredMessageUpdate: 6, UpdateMessage: 7 } as const;
const Flag = { Ephemeral: 1 << 6, Loading: 1 << 7 } as const;
const OptionType = { Subcommand: 1, SubcommandGroup: 2, String: 3, Integer: 4, Boolean: 5, Number: 10 } as const;
const Perm = {
  CreateInstantInvite: 1n << 0n,
  Administrator: 1n << 3n,
  ManageGuild: 1n << 5n,
  AddReactions: 1n << 6n,
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  EmbedLinks: 1n << 14n,
  AttachFiles: 1n << 15n,
  ReadMessageHistory: 1n << 16n,
  MentionEveryone: 1n << 17n,
  UseExternalEmojis: 1n << 18n,
  ChangeNickname: 1n << 26n,
  UseApplicationCommands: 1n << 31n,
  SendMessagesInThreads: 1n << 38n,
} as const;
const MEMBER_PERMISSIONS =
  Perm.CreateInstantInvite | Perm.AddReactions | Perm.ViewChannel | Perm.SendMessages | Perm.EmbedLinks | Perm.AttachFiles |
  Perm.ReadMessageHistory | Perm.UseExternalEmojis | Perm.ChangeNickname | Perm.UseApplicationCommands | Perm.SendMessagesInThreads;
const DISCORD_EPOCH = 1_420_070_400_000n;
const MAX_ATTACHMENT_DEFAULT = 10 * 1024 * 1024;
const TOKEN_LIFETIME_MS = 15 * 60 * 1000;
const ACK_WINDOW_MS = 3000;

export interface RecordedFile {
  field: string;
  name: string;
  contentType: string;
  data: Buffer;
}

/** One request as the fake received it and what it answered. */
export interface RecordedRequest {
  seq: number;
  method: string;
  /** Without the `/api/v10` prefix, e.g. `/webhooks/<app>/<token>/messages/@original`. */
  path: string;
  query: Record<string, string>;
  authorization?: string;
  /** The JSON body, or `payload_json` of a multipart body. */
  body?: any;
  files: RecordedFile[];
  status: number;
  at: number;
}

export interface FakeAttachment {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  data: Buffer;
  description?: string;
}

/** A message as users see it (the latest revision) plus its history. */
export interface FakeMessage {
  id: string;
  channelId: string;
  guildId?: string;
  authorId: string;
  /** 0 default, 19 reply to a component, 20 slash command response. */
  type: number;
  content: string;
  flags: number;
  components: any[];
  attachments: FakeAttachment[];
  /** Set for interaction responses and follow-ups. */
  interactionId?: string;
  /** Users this message notified when it was created (mentions filtered by allowed_mentions). */
  pinged: string[];
  deleted: boolean;
  createdAt: number;
  editedAt?: number;
  /** Every state the message went through, first to last. */
  revisions: { content: string; flags: number; components: any[]; attachments: string[] }[];
}

export interface FakeUser {
  user: APIUser;
  /** Role ids in the default guild. */
  roles: string[];
  /** Permissions the member has in guild channels. */
  permissions: bigint;
}

export interface FakeGuild {
  id: string;
  name: string;
  ownerId: string;
  roles: APIRole[];
  channels: APITextChannel[];
}

export interface FakeInteraction {
  id: string;
  token: string;
  type: number;
  payload: any;
  userId: string;
  channelId: string;
  guildId?: string;
  /** Real time of the dispatch (the 3 s window). */
  dispatchedAt: number;
  /** Fake-clock time of the dispatch (the token's 15 minutes). */
  createdAt: number;
  /** The callback the bot sent, if any. */
  response?: { type: number; data?: any; at: number };
  /** The message @original refers to. */
  originalId?: string;
  followUpIds: string[];
  /** Forced expiry of the token (as if 15 minutes had passed). */
  expired: boolean;
  /** For a click: the message the button is on. */
  sourceMessageId?: string;
}

export interface ContextOptions {
  user?: FakeUser;
  guild?: FakeGuild;
  channelId?: string;
  /** A DM with the bot instead of a server channel. */
  dm?: boolean;
  attachmentSizeLimit?: number;
  locale?: string;
}

interface RateLimitRule {
  method: string;
  path: RegExp;
  retryAfterSeconds: number;
  remaining: number;
}

interface Connection {
  ws: WebSocket;
  shard: [number, number];
  seq: number;
  sessionId: string;
  identified: boolean;
}

type Handler = (req: ParsedRequest) => Promise<Answer> | Answer;
interface ParsedRequest {
  method: string;
  path: string;
  params: string[];
  query: Record<string, string>;
  authorization?: string;
  body: any;
  files: RecordedFile[];
}
interface Answer {
  status: number;
  json?: unknown;
  raw?: { type: string; data: Buffer };
  headers?: Record<string, string>;
}

class ApiError {
  constructor(
    readonly status: number,
    readonly code: number,
    readonly message: string,
    readonly errors?: unknown,
  ) {}
}

let snowflakeIncrement = 0n;
export function snowflake(at = Date.now()): string {
  snowflakeIncrement = (snowflakeIncrement + 1n) & 0xfffn;
  return (((BigInt(at) - DISCORD_EPOCH) << 22n) | (1n << 17n) | snowflakeIncrement).toString();
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+00:00');
}

function makeUser(username: string, bot = false): APIUser {
  return {
    id: snowflake(),
    username,
    global_name: bot ? null : username[0]!.toUpperCase() + username.slice(1),
    discriminator: bot ? '0420' : '0',
    avatar: null,
    bot,
    system: false,
    public_flags: 0,
    flags: 0,
    banner: null,
    accent_color: null,
    avatar_decoration_data: null,
    collectibles: null,
    primary_guild: null,
  } as unknown as APIUser;
}

export interface FakeDiscordOptions {
  token?: string;
  /** What GET /gateway/bot recommends. */
  recommendedShards?: number;
  /** session_start_limit.max_concurrency: shards that may identify at once (1 for most bots). */
  maxConcurrency?: number;
  heartbeatIntervalMs?: number;
}

export class FakeDiscord extends EventEmitter {
  readonly token: string;
  readonly applicationId = snowflake();
  readonly bot: APIUser = makeUser('imagine-bot', true);
  readonly admin: FakeUser;
  readonly member: FakeUser;
  readonly guild: FakeGuild;
  readonly guilds: FakeGuild[] = [];
  readonly users = new Map<string, FakeUser>();
  readonly requests: RecordedRequest[] = [];
  readonly messages = new Map<string, FakeMessage>();
  readonly interactions = new Map<string, FakeInteraction>();
  /** Registered commands: key `global` or a guild id. */
  readonly commands = new Map<string, APIApplicationCommand[]>();
  readonly identifies: any[] = [];
  /** Channels where the bot may not post (Missing Access), to test other routes. */
  readonly deniedChannels = new Set<string>();
  readonly dmChannels = new Map<string, string>();
  /** Added to Date.now() for token lifetimes, to play a 15-minute wait in no time. */
  clockOffsetMs = 0;

  private server!: Server;
  private wss!: WebSocketServer;
  private readonly connections = new Set<Connection>();
  private readonly rateLimits: RateLimitRule[] = [];
  private readonly heartbeatIntervalMs: number;
  private readonly recommendedShards: number;
  private readonly maxConcurrency: number;
  private requestSeq = 0;
  private readonly routes: { method: string; pattern: RegExp; handler: Handler }[] = [];
  port = 0;

  private constructor(options: FakeDiscordOptions) {
    super();
    this.setMaxListeners(100);
    this.token = options.token ?? `${Buffer.from(this.applicationId).toString('base64url')}.${randomBytes(4).toString('base64url')}.${randomBytes(27).toString('base64url')}`;
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 41_250;
    this.recommendedShards = options.recommendedShards ?? 1;
    this.maxConcurrency = options.maxConcurrency ?? 1;
    this.users.set(this.bot.id, { user: this.bot, roles: [], permissions: MEMBER_PERMISSIONS });
    const alice = makeUser('alice');
    this.guild = this.addGuild('Test Server', alice.id);
    this.admin = this.addUser(alice, Perm.ManageGuild | MEMBER_PERMISSIONS, [this.guild.roles[1]!.id]);
    this.member = this.addUser(makeUser('bob'), MEMBER_PERMISSIONS);
    this.defineRoutes();
  }

  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(options);
    fake.server = createServer((req, res) => void fake.onHttp(req, res));
    fake.wss = new WebSocketServer({ noServer: true });
    fake.server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname !== '/gateway') {
        socket.destroy();
        return;
      }
      fake.wss.handleUpgrade(req, socket, head, (ws) => fake.onGatewayConnection(ws, url));
    });
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  /** What a bot puts in DISCORD_API_URL. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.ws.terminate();
    this.connections.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---------------------------------------------------------------- world

  addUser(user: APIUser, permissions = MEMBER_PERMISSIONS, roles: string[] = []): FakeUser {
    const u = { user, roles, permissions };
    this.users.set(user.id, u);
    return u;
  }

  addGuild(name: string, ownerId = this.bot.id): FakeGuild {
    const id = snowflake();
    const everyone: APIRole = {
      id,
      name: '@everyone',
      color: 0,
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      icon: null,
      unicode_emoji: null,
      position: 0,
      permissions: MEMBER_PERMISSIONS.toString(),
      managed: false,
      mentionable: false,
      flags: 0,
    } as unknown as APIRole;
    const adminRole: APIRole = { ...everyone, id: snowflake(), name: 'Moderators', position: 1, permissions: (MEMBER_PERMISSIONS | Perm.ManageGuild).toString() };
    const channel: APITextChannel = {
      id: snowflake(),
      type: 0,
      guild_id: id,
      name: 'general',
      position: 0,
      permission_overwrites: [],
      nsfw: false,
      topic: null,
      last_message_id: null,
      rate_limit_per_user: 0,
      parent_id: null,
      flags: 0,
      default_thread_rate_limit_per_user: 0,
    } as unknown as APITextChannel;
    const guild: FakeGuild = { id, name, ownerId, roles: [everyone, adminRole], channels: [channel] };
    this.guilds.push(guild);
    // A guild added while a client is connected arrives as the bot joining it.
    const conn = this.connectionFor(id);
    if (conn?.identified) this.dispatch(conn, 'GUILD_CREATE', this.guildCreatePayload(guild));
    return guild;
  }

  get channelId(): string {
    return this.guild.channels[0]!.id;
  }

  // ---------------------------------------------------------------- waiting

  /** Resolves with the first truthy value of `check`, re-checked after every change. */
  waitFor<T>(check: () => T | undefined | false | null, what = 'a condition', timeoutMs = 30_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const test = () => {
        let v: T | undefined | false | null;
        try {
          v = check();
        } catch (err) {
          cleanup();
          reject(err as Error);
          return;
        }
        if (v) {
          cleanup();
          resolve(v);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`fake Discord: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      // Conditions may also depend on state outside the fake (the bot's side): poll as well.
      const poll = setInterval(test, 20);
      const cleanup = () => {
        clearTimeout(timer);
        clearInterval(poll);
        this.off('change', test);
      };
      this.on('change', test);
      test();
    });
  }

  /** A client identified on every shard it announced and got READY. */
  waitForReady(count = 1): Promise<void> {
    return this.waitFor(() => [...this.connections].filter((c) => c.identified).length >= count, `${count} identified gateway connection(s)`).then(() => undefined);
  }

  get connectedShards(): [number, number][] {
    return [...this.connections].filter((c) => c.identified).map((c) => c.shard);
  }

  // ---------------------------------------------------------------- what users see

  /** Messages in a channel that `viewerId` can see, oldest first. */
  visibleMessages(channelId = this.channelId, viewerId?: string): FakeMessage[] {
    return [...this.messages.values()].filter(
      (m) => m.channelId === channelId && !m.deleted && (!(m.flags & Flag.Ephemeral) || this.interactions.get(m.interactionId ?? '')?.userId === viewerId),
    );
  }

  original(interaction: FakeInteraction): FakeMessage | undefined {
    return interaction.originalId ? this.messages.get(interaction.originalId) : undefined;
  }

  isEphemeral(message: FakeMessage): boolean {
    return (message.flags & Flag.Ephemeral) !== 0;
  }

  isLoading(message: FakeMessage): boolean {
    return (message.flags & Flag.Loading) !== 0;
  }

  /** Every button on a message, in order. */
  buttons(message: FakeMessage): { custom_id: string; label?: string; emoji?: { name: string }; style: number; disabled?: boolean }[] {
    return message.components.flatMap((row: any) => row.components ?? []);
  }

  // ---------------------------------------------------------------- test controls

  /** The next `times` requests matching method and path answer 429 with this retry_after. */
  rateLimitOnce(method: string, path: RegExp, retryAfterSeconds = 0.5, times = 1): void {
    this.rateLimits.push({ method: method.toUpperCase(), path, retryAfterSeconds, remaining: times });
  }

  /** The interaction's token stops working (as 15 minutes later). */
  expireToken(interaction: FakeInteraction): void {
    interaction.expired = true;
  }

  // ---------------------------------------------------------------- interactions

  private context(options: ContextOptions) {
    const user = options.user ?? this.member;
    const guild = options.dm ? undefined : (options.guild ?? this.guild);
    let channel: any;
    if (guild) {
      const ch = guild.channels.find((c) => c.id === options.channelId) ?? guild.channels[0]!;
      channel = { ...ch, permissions: this.permissionsIn(user, guild).toString() };
    } else {
      channel = { id: this.dmChannelFor(user.user.id), type: 1, last_message_id: null, flags: 0, recipients: [user.user] };
    }
    return { user, guild, channel };
  }

  private permissionsIn(user: FakeUser, guild: FakeGuild): bigint {
    if (guild.ownerId === user.user.id) return (1n << 53n) - 1n;
    return user.permissions;
  }

  private dmChannelFor(userId: string): string {
    let id = this.dmChannels.get(userId);
    if (!id) {
      id = snowflake();
      this.dmChannels.set(userId, id);
    }
    return id;
  }

  private memberPayload(user: FakeUser, guild: FakeGuild): APIInteractionGuildMember {
    return {
      user: user.user,
      nick: null,
      avatar: null,
      banner: null,
      roles: guild === this.guild ? user.roles : [],
      joined_at: iso(Date.now() - 86_400_000),
      premium_since: null,
      deaf: false,
      mute: false,
      flags: 0,
      pending: false,
      communication_disabled_until: null,
      unusual_dm_activity_until: null,
      permissions: this.permissionsIn(user, guild).toString(),
    } as unknown as APIInteractionGuildMember;
  }

  private baseInteraction(type: number, options: ContextOptions) {
    const { user, guild, channel } = this.context(options);
    const id = snowflake();
    const token = `aW50ZXJhY3Rpb246${id}:${randomBytes(96).toString('base64url')}`;
    const base: Record<string, unknown> = {
      id,
      application_id: this.applicationId,
      type,
      token,
      version: 1,
      channel,
      channel_id: channel.id,
      app_permissions: (MEMBER_PERMISSIONS | Perm.MentionEveryone).toString(),
      locale: options.locale ?? 'en-US',
      entitlements: [],
      authorizing_integration_owners: { '0': guild?.id ?? '0' },
      context: guild ? 0 : 1,
      attachment_size_limit: options.attachmentSizeLimit ?? MAX_ATTACHMENT_DEFAULT,
    };
    if (guild) {
      base.guild_id = guild.id;
      base.guild = { id: guild.id, locale: 'en-US', features: [] };
      base.guild_locale = 'en-US';
      base.member = this.memberPayload(user, guild);
    } else {
      base.user = user.user;
    }
    return { base, user, guild, channel, id, token };
  }

  private registered(name: string, guildId?: string): APIApplicationCommand {
    const cmd = (guildId ? this.commands.get(guildId) : undefined)?.find((c) => c.name === name) ?? this.commands.get('global')?.find((c) => c.name === name);
    if (!cmd) throw new Error(`fake Discord: /${name} is not registered (guild ${guildId ?? '-'}); Discord would not offer it`);
    return cmd;
  }

  /**
   * A user runs a slash command. Options are checked against the registered command as the
   * Discord client does (types, required, choices, ranges), so only what a user could send arrives.
   */
  slash(name: string, options: Record<string, string | number | boolean> = {}, ctx: ContextOptions & { subcommand?: string } = {}): FakeInteraction {
    const guildId = ctx.dm ? undefined : (ctx.guild ?? this.guild).id;
    const cmd = this.registered(name, guildId);
    const { user, guild } = this.context(ctx);
    if (cmd.default_member_permissions && guild) {
      const needed = BigInt(cmd.default_member_permissions);
      const has = this.permissionsIn(user, guild);
      if ((has & needed) !== needed && (has & Perm.Administrator) === 0n) {
        throw new Error(`fake Discord: ${user.user.username} cannot see /${name} (default_member_permissions ${needed})`);
      }
    }
    if (!guild && cmd.contexts && !cmd.contexts.includes(1)) throw new Error(`fake Discord: /${name} is not offered in DMs`);
    let specs = cmd.options ?? [];
    let sub: { type: number; name: string; options: APIApplicationCommandInteractionDataOption[] } | undefined;
    if (ctx.subcommand) {
      const s = specs.find((o) => o.name === ctx.subcommand && o.type === OptionType.Subcommand);
      if (!s) throw new Error(`fake Discord: /${name} has no subcommand ${ctx.subcommand}`);
      specs = ('options' in s ? s.options : undefined) ?? [];
      sub = { type: OptionType.Subcommand, name: s.name, options: [] };
    } else if (specs.some((o) => o.type === OptionType.Subcommand)) {
      throw new Error(`fake Discord: /${name} needs a subcommand`);
    }
    const values: APIApplicationCommandInteractionDataOption[] = [];
    for (const [key, value] of Object.entries(options)) {
      const spec: any = specs.find((o) => o.name === key);
      if (!spec) throw new Error(`fake Discord: /${name} has no option ${key}`);
      const ok =
        spec.type === OptionType.String ? typeof value === 'string' :
        spec.type === OptionType.Integer ? Number.isInteger(value) :
        spec.type === OptionType.Number ? typeof value === 'number' :
        spec.type === OptionType.Boolean ? typeof value === 'boolean' : false;
      if (!ok) throw new Error(`fake Discord: option ${key} of /${name} cannot be ${JSON.stringify(value)}`);
      if (spec.choices && !spec.choices.some((c: any) => c.value === value)) throw new Error(`fake Discord: ${key} must be one of the choices`);
      if (typeof value === 'number' && ((spec.min_value !== undefined && value < spec.min_value) || (spec.max_value !== undefined && value > spec.max_value))) {
        throw new Error(`fake Discord: ${key} is out of range`);
      }
      if (typeof value === 'string' && spec.max_length !== undefined && value.length > spec.max_length) throw new Error(`fake Discord: ${key} is too long`);
      values.push({ type: spec.type, name: key, value } as APIApplicationCommandInteractionDataOption);
    }
    for (const spec of specs as any[]) {
      if (spec.required && !(spec.name in options)) throw new Error(`fake Discord: /${name} needs ${spec.name}`);
    }
    if (sub) sub.options = values;
    const { base, id, token, channel } = this.baseInteraction(InteractionType.ApplicationCommand, ctx);
    const payload = {
      ...base,
      data: {
        id: cmd.id,
        name: cmd.name,
        type: 1,
        options: sub ? [sub] : values,
        ...(guildId && cmd.guild_id ? { guild_id: guildId } : {}),
      },
    } as unknown as APIChatInputApplicationCommandInteraction;
    return this.deliverInteraction({ id, token, payload, userId: user.user.id, channelId: channel.id, guildId, type: InteractionType.ApplicationCommand });
  }

  /** A user clicks a button on a message they can see. */
  click(message: FakeMessage, customId: string, ctx: ContextOptions = {}): FakeInteraction {
    const { user } = this.context(ctx);
    if (message.deleted) throw new Error('fake Discord: the message is gone');
    if (this.isEphemeral(message) && this.interactions.get(message.interactionId ?? '')?.userId !== user.user.id) {
      throw new Error('fake Discord: the user cannot see this ephemeral message');
    }
    const button = this.buttons(message).find((b) => b.custom_id === customId);
    if (!button) throw new Error(`fake Discord: no button ${customId} on message ${message.id}`);
    if (button.disabled) throw new Error(`fake Discord: button ${customId} is disabled`);
    const guild = message.guildId ? this.guilds.find((g) => g.id === message.guildId) : undefined;
    const context: ContextOptions = { ...ctx, channelId: message.channelId, guild, dm: !guild };
    const { base, id, token, channel } = this.baseInteraction(InteractionType.MessageComponent, context);
    const payload = {
      ...base,
      message: this.apiMessage(message),
      data: { custom_id: customId, component_type: 2 },
    } as unknown as APIMessageComponentButtonInteraction;
    return this.deliverInteraction({ id, token, payload, userId: user.user.id, channelId: channel.id, guildId: guild?.id, type: InteractionType.MessageComponent, sourceMessageId: message.id });
  }

  private deliverInteraction(i: { id: string; token: string; payload: any; userId: string; channelId: string; guildId?: string; type: number; sourceMessageId?: string }): FakeInteraction {
    const conn = this.connectionFor(i.guildId);
    if (!conn) throw new Error('fake Discord: no gateway connection for this interaction');
    const fi: FakeInteraction = { ...i, dispatchedAt: Date.now(), createdAt: this.now(), followUpIds: [], expired: false };
    this.interactions.set(fi.id, fi);
    this.dispatch(conn, 'INTERACTION_CREATE', i.payload);
    return fi;
  }

  /** Resolves once the bot answered the interaction's callback (or rejects after 3 s, as Discord would show a failure). */
  async waitForAck(interaction: FakeInteraction): Promise<{ type: number; data?: any; at: number }> {
    const r = await this.waitFor(() => interaction.response, `the bot to acknowledge interaction ${interaction.id}`, ACK_WINDOW_MS + 500);
    return r;
  }

  // ---------------------------------------------------------------- gateway

  private connectionFor(guildId?: string): Connection | undefined {
    for (const c of this.connections) {
      if (!c.identified) continue;
      const [id, count] = c.shard;
      const shard = guildId ? Number((BigInt(guildId) >> 22n) % BigInt(count)) : 0;
      if (shard === id) return c;
    }
    return undefined;
  }

  private onGatewayConnection(ws: WebSocket, url: URL): void {
    const conn: Connection = { ws, shard: [0, 1], seq: 0, sessionId: randomBytes(16).toString('hex'), identified: false };
    if (url.searchParams.get('v') !== '10' || url.searchParams.get('encoding') !== 'json') {
      ws.close(4012, 'Invalid API version');
      return;
    }
    this.connections.add(conn);
    ws.on('close', () => {
      this.connections.delete(conn);
      this.emit('change');
    });
    ws.on('message', (raw) => {
      let payload: any;
      try {
        payload = JSON.parse(String(raw));
      } catch {
        ws.close(4002, 'Error while decoding payload.');
        return;
      }
      this.onGatewayPayload(conn, payload);
    });
    ws.send(JSON.stringify({ op: Op.Hello, d: { heartbeat_interval: this.heartbeatIntervalMs, _trace: ['["fake-gateway",{"micros":0}]'] }, s: null, t: null }));
  }

  private onGatewayPayload(conn: Connection, payload: { op: number; d: any }): void {
    switch (payload.op) {
      case Op.Heartbeat:
        conn.ws.send(JSON.stringify({ op: Op.HeartbeatAck, d: null, s: null, t: null }));
        return;
      case Op.Identify: {
        const d = payload.d;
        if (d.token !== this.token) {
          conn.ws.close(4004, 'Authentication failed.');
          return;
        }
        if (conn.identified) {
          conn.ws.close(4005, 'Already authenticated.');
          return;
        }
        const shard: [number, number] = Array.isArray(d.shard) ? [d.shard[0], d.shard[1]] : [0, 1];
        if (shard[0] >= shard[1]) {
          conn.ws.close(4010, 'Invalid shard.');
          return;
        }
        conn.shard = shard;
        this.identifies.push(d);
        const mine = this.guilds.filter((g) => Number((BigInt(g.id) >> 22n) % BigInt(shard[1])) === shard[0]);
        const ready: GatewayReadyDispatchData & Record<string, unknown> = {
          v: 10,
          user_settings: {},
          user: this.bot,
          guilds: mine.map((g) => ({ id: g.id, unavailable: true })),
          session_id: conn.sessionId,
          session_type: 'normal',
          resume_gateway_url: `ws://127.0.0.1:${this.port}/gateway`,
          shard,
          application: { id: this.applicationId, flags: 8_953_856 } as unknown as GatewayReadyDispatchData['application'],
          presences: [],
          private_channels: [],
          relationships: [],
          guild_join_requests: [],
          geo_ordered_rtc_regions: ['fake'],
          auth: {},
          _trace: ['["fake-gateway",{"micros":0}]'],
        };
        conn.identified = true;
        this.dispatch(conn, 'READY', ready);
        for (const g of mine) this.dispatch(conn, 'GUILD_CREATE', this.guildCreatePayload(g));
        this.emit('change');
        return;
      }
      case Op.Resume:
        // Sessions are not kept: the client identifies anew.
        conn.ws.send(JSON.stringify({ op: Op.InvalidSession, d: false, s: null, t: null }));
        return;
      default:
        return;
    }
  }

  private dispatch(conn: Connection, t: string, d: unknown): void {
    conn.seq += 1;
    conn.ws.send(JSON.stringify({ op: Op.Dispatch, t, s: conn.seq, d }));
  }

  private guildCreatePayload(g: FakeGuild): GatewayGuildCreateDispatchData {
    const member = (u: FakeUser): APIGuildMember =>
      ({
        user: u.user,
        nick: null,
        avatar: null,
        banner: null,
        roles: g === this.guild ? u.roles : [],
        joined_at: iso(Date.now() - 86_400_000),
        premium_since: null,
        deaf: false,
        mute: false,
        flags: 0,
        pending: false,
        communication_disabled_until: null,
      }) as unknown as APIGuildMember;
    return {
      id: g.id,
      name: g.name,
      icon: null,
      splash: null,
      discovery_splash: null,
      banner: null,
      description: null,
      owner_id: g.ownerId,
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 1,
      default_message_notifications: 1,
      explicit_content_filter: 2,
      roles: g.roles,
      emojis: [],
      stickers: [],
      features: [],
      mfa_level: 0,
      application_id: null,
      system_channel_id: g.channels[0]!.id,
      system_channel_flags: 0,
      rules_channel_id: null,
      public_updates_channel_id: null,
      safety_alerts_channel_id: null,
      vanity_url_code: null,
      premium_tier: 0,
      premium_subscription_count: 0,
      preferred_locale: 'en-US',
      max_members: 500_000,
      max_video_channel_users: 25,
      max_stage_video_channel_users: 50,
      nsfw_level: 0,
      premium_progress_bar_enabled: false,
      hub_type: null,
      incidents_data: null,
      joined_at: iso(Date.now() - 86_400_000),
      large: false,
      unavailable: false,
      member_count: 3,
      voice_states: [],
      members: [member(this.users.get(this.bot.id)!)],
      channels: g.channels as GatewayGuildCreateDispatchData['channels'],
      threads: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    } as unknown as GatewayGuildCreateDispatchData;
  }

  // ---------------------------------------------------------------- REST plumbing

  private route(method: string, path: string, handler: Handler): void {
    // `:x` matches one path segment (ids, tokens, @original).
    const pattern = new RegExp(`^${path.replace(/:[a-z]+/g, '([^/]+)')}$`);
    this.routes.push({ method, pattern, handler });
  }

  private async readBody(req: IncomingMessage): Promise<{ body: any; files: RecordedFile[] }> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const type = req.headers['content-type'] ?? '';
    if (raw.length === 0) return { body: undefined, files: [] };
    if (type.startsWith('application/json')) return { body: JSON.parse(raw.toString('utf8')), files: [] };
    if (type.startsWith('multipart/form-data')) {
      const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
      let body: any;
      const files: RecordedFile[] = [];
      for (const [field, value] of form.entries()) {
        if (typeof value === 'string') {
          if (field === 'payload_json') body = JSON.parse(value);
        } else {
          files.push({ field, name: value.name, contentType: value.type, data: Buffer.from(await value.arrayBuffer()) });
        }
      }
      return { body, files };
    }
    throw new ApiError(400, 50109, 'The request body contains invalid JSON.');
  }

  private async onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    let answer: Answer;
    let record: RecordedRequest | undefined;
    try {
      if (url.pathname.startsWith('/attachments/')) {
        const [, , , attId] = url.pathname.split('/');
        const att = [...this.messages.values()].flatMap((m) => m.attachments).find((a) => a.id === attId);
        answer = att ? { status: 200, raw: { type: att.contentType, data: att.data } } : { status: 404, json: { message: '404: Not Found', code: 0 } };
      } else {
        const prefix = '/api/v10';
        if (!url.pathname.startsWith(prefix)) throw new ApiError(404, 0, '404: Not Found');
        // Recorded and matched decoded (discord.js sends `@original` as `%40original`).
        const path = url.pathname.slice(prefix.length).split('/').map(decodeURIComponent).join('/');
        const { body, files } = await this.readBody(req);
        record = {
          seq: ++this.requestSeq,
          method,
          path,
          query: Object.fromEntries(url.searchParams),
          authorization: req.headers.authorization,
          body,
          files,
          status: 0,
          at: Date.now(),
        };
        this.requests.push(record);
        const limited = this.rateLimits.find((r) => r.remaining > 0 && r.method === method && r.path.test(path));
        if (limited) {
          limited.remaining -= 1;
          answer = {
            status: 429,
            json: { message: 'You are being rate limited.', retry_after: limited.retryAfterSeconds, global: false },
            headers: {
              'retry-after': String(limited.retryAfterSeconds),
              'x-ratelimit-limit': '5',
              'x-ratelimit-remaining': '0',
              'x-ratelimit-reset-after': String(limited.retryAfterSeconds),
              'x-ratelimit-bucket': 'fakebucket' + Buffer.from(path).toString('hex').slice(0, 8),
              'x-ratelimit-scope': 'user',
            },
          };
        } else {
          answer = await this.handle({ method, path, params: [], query: record.query, authorization: req.headers.authorization, body, files });
        }
      }
    } catch (err) {
      if (err instanceof ApiError) {
        answer = { status: err.status, json: { message: err.message, code: err.code, ...(err.errors ? { errors: err.errors } : {}) } };
      } else {
        answer = { status: 500, json: { message: `fake Discord bug: ${(err as Error).stack}`, code: 0 } };
      }
    }
    if (record) record.status = answer.status;
    res.statusCode = answer.status;
    for (const [k, v] of Object.entries(answer.headers ?? {})) res.setHeader(k, v);
    res.setHeader('via', '1.1 fake-discord');
    if (answer.raw) {
      res.setHeader('content-type', answer.raw.type);
      res.end(answer.raw.data);
    } else if (answer.json !== undefined) {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(answer.json));
    } else {
      res.end();
    }
    this.emit('change');
  }

  private async handle(req: ParsedRequest): Promise<Answer> {
    for (const r of this.routes) {
      if (r.method !== req.method) continue;
      const m = r.pattern.exec(req.path);
      if (!m) continue;
      return r.handler({ ...req, params: m.slice(1) });
    }
    throw new ApiError(404, 0, '404: Not Found');
  }

  private requireBot(req: ParsedRequest): void {
    if (req.authorization !== `Bot ${this.token}`) throw new ApiError(401, 0, '401: Unauthorized');
  }

  // ---------------------------------------------------------------- REST routes

  private defineRoutes(): void {
    this.route('GET', '/gateway/bot', (req) => {
      this.requireBot(req);
      const result: RESTGetAPIGatewayBotResult = {
        url: `ws://127.0.0.1:${this.port}/gateway`,
        shards: this.recommendedShards,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: this.maxConcurrency },
      };
      return { status: 200, json: result };
    });
    this.route('GET', '/users/@me', (req) => {
      this.requireBot(req);
      return { status: 200, json: this.bot };
    });
    this.route('GET', '/applications/@me', (req) => {
      this.requireBot(req);
      return { status: 200, json: { id: this.applicationId, name: 'imagine-bot', icon: null, description: '', bot_public: true, bot_require_code_grant: false, verify_key: 'f'.repeat(64), flags: 8_953_856, bot: this.bot, team: null, summary: '' } };
    });

    // Command registration.
    const commandsOf = (key: string) => this.commands.get(key) ?? [];
    const putCommands = (req: ParsedRequest, key: string, guildId?: string): Answer => {
      this.requireBot(req);
      if (req.params[0] !== this.applicationId) throw new ApiError(403, 50001, 'Missing Access');
      if (!Array.isArray(req.body)) throw new ApiError(400, 50035, 'Invalid Form Body');
      const saved = (req.body as any[]).map((c) => this.validateCommand(c, guildId));
      this.commands.set(key, saved);
      return { status: 200, json: saved };
    };
    this.route('GET', '/applications/:app/commands', (req) => (this.requireBot(req), { status: 200, json: commandsOf('global') }));
    this.route('PUT', '/applications/:app/commands', (req) => putCommands(req, 'global'));
    this.route('GET', '/applications/:app/guilds/:guild/commands', (req) => (this.requireBot(req), { status: 200, json: commandsOf(req.params[1]!) }));
    this.route('PUT', '/applications/:app/guilds/:guild/commands', (req) => {
      if (!this.guilds.some((g) => g.id === req.params[1])) throw new ApiError(403, 50001, 'Missing Access');
      return putCommands(req, req.params[1]!, req.params[1]);
    });

    // Interaction callbacks.
    this.route('POST', '/interactions/:id/:token/callback', (req) => this.onCallback(req));

    // Webhook messages of an interaction.
    this.route('GET', '/webhooks/:app/:token/messages/:message', (req) => {
      const fi = this.interactionForToken(req);
      const msg = this.webhookMessage(fi, req.params[2]!);
      return { status: 200, json: this.apiMessage(msg) };
    });
    this.route('PATCH', '/webhooks/:app/:token/messages/:message', (req) => {
      const fi = this.interactionForToken(req);
      const msg = this.webhookMessage(fi, req.params[2]!);
      this.editMessage(msg, req, this.limitOf(fi));
      return { status: 200, json: this.apiMessage(msg) };
    });
    this.route('DELETE', '/webhooks/:app/:token/messages/:message', (req) => {
      const fi = this.interactionForToken(req);
      const msg = this.webhookMessage(fi, req.params[2]!);
      msg.deleted = true;
      return { status: 204 };
    });
    this.route('POST', '/webhooks/:app/:token', (req) => {
      const fi = this.interactionForToken(req);
      if (!fi.response) throw new ApiError(404, 10015, 'Unknown Webhook');
      const original = this.original(fi);
      // Discord: the first follow-up of a deferred reply fills that reply, keeping its visibility.
      if (original && !original.deleted && this.isLoading(original)) {
        this.editMessage(original, req, this.limitOf(fi));
        return { status: 200, json: this.apiMessage(original) };
      }
      const msg = this.createMessage(fi.channelId, fi.guildId, req, { interaction: fi, type: 0, flagsAllowed: Flag.Ephemeral, limit: this.limitOf(fi) });
      fi.followUpIds.push(msg.id);
      return { status: 200, json: this.apiMessage(msg) };
    });

    // Channel messages (bot token).
    this.route('POST', '/channels/:channel/messages', (req) => {
      this.requireBot(req);
      const channel = this.channelById(req.params[0]!);
      if (this.deniedChannels.has(channel.id)) throw new ApiError(403, 50001, 'Missing Access');
      const msg = this.createMessage(channel.id, channel.guildId, req, { type: req.body?.message_reference ? 19 : 0, flagsAllowed: 0, limit: MAX_ATTACHMENT_DEFAULT });
      return { status: 200, json: this.apiMessage(msg) };
    });
    this.route('GET', '/channels/:channel/messages/:message', (req) => {
      this.requireBot(req);
      const msg = this.messages.get(req.params[1]!);
      if (!msg || msg.deleted || msg.channelId !== req.params[0] || this.isEphemeral(msg)) throw new ApiError(404, 10008, 'Unknown Message');
      return { status: 200, json: this.apiMessage(msg) };
    });
    this.route('PATCH', '/channels/:channel/messages/:message', (req) => {
      this.requireBot(req);
      const msg = this.messages.get(req.params[1]!);
      if (!msg || msg.deleted || msg.channelId !== req.params[0] || this.isEphemeral(msg)) throw new ApiError(404, 10008, 'Unknown Message');
      if (msg.authorId !== this.bot.id) throw new ApiError(403, 50005, 'Cannot edit a message authored by another user');
      this.editMessage(msg, req, MAX_ATTACHMENT_DEFAULT);
      return { status: 200, json: this.apiMessage(msg) };
    });
    this.route('DELETE', '/channels/:channel/messages/:message', (req) => {
      this.requireBot(req);
      const msg = this.messages.get(req.params[1]!);
      if (!msg || msg.deleted || msg.channelId !== req.params[0]) throw new ApiError(404, 10008, 'Unknown Message');
      msg.deleted = true;
      return { status: 204 };
    });
    this.route('POST', '/users/@me/channels', (req) => {
      this.requireBot(req);
      const user = this.users.get(String(req.body?.recipient_id));
      if (!user) throw new ApiError(400, 50035, 'Invalid Form Body', { recipient_id: { _errors: [{ code: 'INVALID_USER', message: 'Unknown user' }] } });
      return { status: 200, json: { id: this.dmChannelFor(user.user.id), type: 1, last_message_id: null, flags: 0, recipients: [user.user] } };
    });
  }

  private validateCommand(c: any, guildId?: string): APIApplicationCommand {
    const fail = (why: string) => {
      throw new ApiError(400, 50035, 'Invalid Form Body', { name: { _errors: [{ code: 'BASE_TYPE_INVALID', message: why }] } });
    };
    if (typeof c.name !== 'string' || !/^[-_\p{L}\p{N}]{1,32}$/u.test(c.name) || c.name !== c.name.toLowerCase()) fail(`bad command name ${c.name}`);
    if (typeof c.description !== 'string' || c.description.length < 1 || c.description.length > 100) fail(`bad description for ${c.name}`);
    const checkOptions = (opts: any[] | undefined, depth: number) => {
      if (!opts) return;
      if (opts.length > 25) fail('more than 25 options');
      let seenOptional = false;
      for (const o of opts) {
        if (!/^[-_\p{L}\p{N}]{1,32}$/u.test(o.name) || o.name !== o.name.toLowerCase()) fail(`bad option name ${o.name}`);
        if (typeof o.description !== 'string' || o.description.length < 1 || o.description.length > 100) fail(`bad description for option ${o.name}`);
        if (![1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].includes(o.type)) fail(`bad option type ${o.type}`);
        if (o.type === OptionType.Subcommand) {
          if (depth > 0) fail('nested subcommand');
          checkOptions(o.options, depth + 1);
          continue;
        }
        if (o.required && seenOptional) fail(`required option ${o.name} after an optional one`);
        if (!o.required) seenOptional = true;
        if (o.choices && o.choices.length > 25) fail('more than 25 choices');
      }
    };
    checkOptions(c.options, 0);
    if (c.default_member_permissions !== undefined && c.default_member_permissions !== null && !/^\d+$/.test(c.default_member_permissions)) fail('bad default_member_permissions');
    return {
      id: snowflake(),
      application_id: this.applicationId,
      version: snowflake(),
      type: c.type ?? 1,
      name: c.name,
      description: c.description,
      options: c.options ?? [],
      default_member_permissions: c.default_member_permissions ?? null,
      nsfw: Boolean(c.nsfw),
      contexts: c.contexts ?? null,
      integration_types: c.integration_types ?? [0],
      ...(guildId ? { guild_id: guildId } : {}),
    } as APIApplicationCommand;
  }

  private channelById(id: string): { id: string; guildId?: string } {
    for (const g of this.guilds) {
      const ch = g.channels.find((c) => c.id === id);
      if (ch) return { id, guildId: g.id };
    }
    if ([...this.dmChannels.values()].includes(id)) return { id };
    throw new ApiError(404, 10003, 'Unknown Channel');
  }

  private limitOf(fi: FakeInteraction): number {
    return Number(fi.payload.attachment_size_limit ?? MAX_ATTACHMENT_DEFAULT);
  }

  private interactionForToken(req: ParsedRequest): FakeInteraction {
    const [app, token] = req.params;
    const fi = [...this.interactions.values()].find((i) => i.token === token);
    if (!fi || fi.expired || this.now() - fi.createdAt > TOKEN_LIFETIME_MS) throw new ApiError(401, 50027, 'Invalid Webhook Token');
    if (app !== this.applicationId) throw new ApiError(404, 10015, 'Unknown Webhook');
    return fi;
  }

  private webhookMessage(fi: FakeInteraction, which: string): FakeMessage {
    if (which === '@original') {
      if (!fi.response) throw new ApiError(404, 10015, 'Unknown Webhook');
      const msg = this.original(fi);
      if (!msg || msg.deleted) throw new ApiError(404, 10008, 'Unknown Message');
      return msg;
    }
    const msg = this.messages.get(which);
    if (!msg || msg.deleted || !fi.followUpIds.includes(which)) throw new ApiError(404, 10008, 'Unknown Message');
    return msg;
  }

  private onCallback(req: ParsedRequest): Answer {
    const [id, token] = req.params;
    const fi = this.interactions.get(id!);
    if (!fi || fi.token !== token) throw new ApiError(404, 10062, 'Unknown interaction');
    if (fi.response) throw new ApiError(400, 40060, 'Interaction has already been acknowledged.');
    if (Date.now() - fi.dispatchedAt > ACK_WINDOW_MS) throw new ApiError(404, 10062, 'Unknown interaction');
    const type = Number(req.body?.type);
    const data = req.body?.data;
    const source = fi.sourceMessageId;
    const limit = this.limitOf(fi);
    switch (type) {
      case Callback.ChannelMessageWithSource: {
        const msg = this.createMessage(fi.channelId, fi.guildId, { ...req, body: data }, { interaction: fi, type: fi.type === InteractionType.ApplicationCommand ? 20 : 19, flagsAllowed: Flag.Ephemeral, limit });
        fi.originalId = msg.id;
        break;
      }
      case Callback.DeferredChannelMessageWithSource: {
        const flags = (Number(data?.flags ?? 0) & Flag.Ephemeral) | Flag.Loading;
        const msg = this.newMessage(fi.channelId, fi.guildId, { content: '', flags, components: [], attachments: [], interactionId: fi.id, type: fi.type === InteractionType.ApplicationCommand ? 20 : 19, pinged: [] });
        fi.originalId = msg.id;
        break;
      }
      case Callback.DeferredMessageUpdate:
      case Callback.UpdateMessage: {
        if (fi.type !== InteractionType.MessageComponent || !source) throw new ApiError(400, 50035, 'Invalid Form Body', { type: { _errors: [{ code: 'INTERACTION_RESPONSE_TYPE_INVALID', message: 'Only component interactions can update a message' }] } });
        fi.originalId = source;
        if (type === Callback.UpdateMessage) this.editMessage(this.messages.get(source)!, { ...req, body: data }, limit);
        break;
      }
      default:
        throw new ApiError(400, 50035, 'Invalid Form Body', { type: { _errors: [{ code: 'BASE_TYPE_CHOICES', message: `Value must be one of {4, 5, 6, 7, 8, 9, 10, 12}.` }] } });
    }
    fi.response = { type, data, at: Date.now() };
    if (req.query.with_response === 'true') {
      const msg = this.original(fi);
      return { status: 200, json: { interaction: { id: fi.id, type: fi.type, activity_instance_id: null, response_message_id: msg?.id ?? null, response_message_loading: msg ? this.isLoading(msg) : false, response_message_ephemeral: msg ? this.isEphemeral(msg) : false }, resource: { type, ...(msg ? { message: this.apiMessage(msg) } : {}) } } };
    }
    return { status: 204 };
  }

  // ---------------------------------------------------------------- messages

  private newMessage(channelId: string, guildId: string | undefined, m: Pick<FakeMessage, 'content' | 'flags' | 'components' | 'attachments' | 'interactionId' | 'type' | 'pinged'>): FakeMessage {
    const msg: FakeMessage = { id: snowflake(), channelId, guildId, authorId: this.bot.id, deleted: false, createdAt: Date.now(), revisions: [], ...m };
    this.messages.set(msg.id, msg);
    this.snapshot(msg);
    return msg;
  }

  private snapshot(msg: FakeMessage): void {
    msg.revisions.push({ content: msg.content, flags: msg.flags, components: msg.components, attachments: msg.attachments.map((a) => a.filename) });
  }

  /** Checks a message body the way Discord does and returns its parts. */
  private readMessageBody(req: Pick<ParsedRequest, 'body' | 'files'>, existing: FakeAttachment[] | undefined, limit: number) {
    const body = req.body ?? {};
    const invalid = (field: string, message: string): never => {
      throw new ApiError(400, 50035, 'Invalid Form Body', { [field]: { _errors: [{ code: 'BASE_TYPE_INVALID', message }] } });
    };
    if (body.content !== undefined && body.content !== null) {
      if (typeof body.content !== 'string') invalid('content', 'Must be a string');
      if (body.content.length > 2000) invalid('content', 'Must be 2000 or fewer in length.');
    }
    const components = body.components;
    if (components !== undefined && components !== null) {
      if (!Array.isArray(components) || components.length > 5) invalid('components', 'Must be 5 or fewer in length.');
      const ids = new Set<string>();
      for (const row of components) {
        if (row.type !== 1 || !Array.isArray(row.components) || row.components.length < 1 || row.components.length > 5) invalid('components', 'Action rows hold 1 to 5 components');
        for (const b of row.components) {
          if (b.type !== 2) invalid('components', 'Only buttons are handled by the fake');
          if (![1, 2, 3, 4, 5].includes(b.style)) invalid('components', 'Bad button style');
          if (b.style !== 5) {
            if (typeof b.custom_id !== 'string' || b.custom_id.length < 1 || b.custom_id.length > 100) invalid('components', 'custom_id must be 1 to 100 characters');
            if (ids.has(b.custom_id)) invalid('components', 'Component custom id cannot be duplicated');
            ids.add(b.custom_id);
          }
          if (b.label === undefined && b.emoji === undefined) invalid('components', 'A button needs a label or an emoji');
          if (b.label !== undefined && (typeof b.label !== 'string' || b.label.length > 80)) invalid('components', 'label must be 80 or fewer in length');
        }
      }
    }
    if (req.files.length > 10) invalid('files', 'Must be 10 or fewer in length.');
    for (const f of req.files) {
      if (f.data.length > limit) throw new ApiError(413, 40005, 'Request entity too large');
    }
    const mentions = body.allowed_mentions;
    if (mentions?.parse?.includes('users') && Array.isArray(mentions.users) && mentions.users.length) {
      invalid('allowed_mentions', 'parse:["users"] and users: [ids] are mutually exclusive.');
    }
    // Attachments: `attachments` lists what to keep (existing ids) and describes new files (ids = file index).
    const fresh = (f: RecordedFile, meta?: any): FakeAttachment => ({
      id: snowflake(),
      filename: meta?.filename ?? f.name,
      contentType: f.contentType || 'application/octet-stream',
      size: f.data.length,
      data: f.data,
      description: meta?.description,
    });
    let attachments: FakeAttachment[] | undefined;
    if (Array.isArray(body.attachments)) {
      const used = new Set<number>();
      attachments = [];
      for (const a of body.attachments) {
        const kept = existing?.find((e) => e.id === String(a.id));
        if (kept) {
          attachments.push(kept);
          continue;
        }
        const index = Number(a.id);
        const file = req.files.find((f) => f.field === `files[${index}]`);
        if (!file) invalid('attachments', `Unknown attachment ${a.id}`);
        used.add(index);
        attachments.push(fresh(file!, a));
      }
      for (const f of req.files) {
        const index = Number(/^files\[(\d+)\]$/.exec(f.field)?.[1] ?? -1);
        if (!used.has(index)) attachments.push(fresh(f));
      }
    } else if (req.files.length) {
      attachments = [...(existing ?? []), ...req.files.map((f) => fresh(f))];
    }
    return { body, components: components as any[] | undefined, attachments, mentions };
  }

  private pingsOf(content: string, mentions: any): string[] {
    const mentioned = [...content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1]!);
    if (!mentions) return [...new Set(mentioned)];
    const allowed = new Set<string>(Array.isArray(mentions.users) ? mentions.users : []);
    const parseUsers = Array.isArray(mentions.parse) && mentions.parse.includes('users');
    return [...new Set(mentioned.filter((id) => parseUsers || allowed.has(id)))];
  }

  private createMessage(
    channelId: string,
    guildId: string | undefined,
    req: Pick<ParsedRequest, 'body' | 'files'>,
    o: { interaction?: FakeInteraction; type: number; flagsAllowed: number; limit: number },
  ): FakeMessage {
    const { body, components, attachments, mentions } = this.readMessageBody(req, undefined, o.limit);
    const content = typeof body.content === 'string' ? body.content : '';
    if (!content && !(components?.length) && !(attachments?.length) && !(body.embeds?.length)) throw new ApiError(400, 50006, 'Cannot send an empty message');
    return this.newMessage(channelId, guildId, {
      content,
      flags: Number(body.flags ?? 0) & o.flagsAllowed,
      components: components ?? [],
      attachments: attachments ?? [],
      interactionId: o.interaction?.id,
      type: o.type,
      pinged: this.pingsOf(content, mentions),
    });
  }

  private editMessage(msg: FakeMessage, req: Pick<ParsedRequest, 'body' | 'files'>, limit: number): void {
    const { body, components, attachments } = this.readMessageBody(req, msg.attachments, limit);
    if (body.content !== undefined) msg.content = body.content ?? '';
    if (components !== undefined) msg.components = components ?? [];
    if (attachments !== undefined) msg.attachments = attachments;
    if (this.isLoading(msg)) msg.flags &= ~Flag.Loading;
    if (!msg.content && !msg.components.length && !msg.attachments.length) throw new ApiError(400, 50006, 'Cannot send an empty message');
    msg.editedAt = Date.now();
    this.snapshot(msg);
  }

  private apiMessage(msg: FakeMessage): APIMessage {
    const fi = msg.interactionId ? this.interactions.get(msg.interactionId) : undefined;
    const interactionUser = fi ? this.users.get(fi.userId)?.user : undefined;
    return {
      id: msg.id,
      channel_id: msg.channelId,
      author: this.bot,
      content: msg.content,
      timestamp: iso(msg.createdAt),
      edited_timestamp: msg.editedAt ? iso(msg.editedAt) : null,
      tts: false,
      mention_everyone: false,
      mentions: msg.pinged.map((id) => this.users.get(id)?.user).filter((u): u is APIUser => Boolean(u)),
      mention_roles: [],
      attachments: msg.attachments.map((a) => ({
        id: a.id,
        filename: a.filename,
        size: a.size,
        url: `http://127.0.0.1:${this.port}/attachments/${msg.channelId}/${a.id}/${encodeURIComponent(a.filename)}`,
        proxy_url: `http://127.0.0.1:${this.port}/attachments/${msg.channelId}/${a.id}/${encodeURIComponent(a.filename)}`,
        content_type: a.contentType,
        ...(a.description ? { description: a.description } : {}),
      })),
      embeds: [],
      pinned: false,
      type: msg.type,
      flags: msg.flags,
      components: msg.components,
      ...(fi ? { webhook_id: this.applicationId, application_id: this.applicationId } : {}),
      ...(fi && interactionUser
        ? { interaction_metadata: { id: fi.id, type: fi.type, user: interactionUser, authorizing_integration_owners: { '0': fi.guildId ?? '0' } } }
        : {}),
    } as APIMessage;
  }
}
