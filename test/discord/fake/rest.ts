/**
 * The fake Discord's HTTP server: the v10 REST routes a bot uses (gateway discovery, command
 * registration, interaction callbacks, webhook messages of an interaction, channel messages, DMs)
 * and attachment downloads. Every API request is recorded with the status it got; errors come in
 * Discord's JSON shape; message bodies are checked against Discord's limits; and a test can make a
 * route answer 429.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIApplicationCommand, RESTGetAPIGatewayBotResult } from 'discord.js';
import { readDiscordBody, type RecordedFile } from './multipart.js';
import {
  ACK_WINDOW_MS,
  Flag,
  InteractionType,
  MAX_ATTACHMENT_DEFAULT,
  OptionType,
  apiMessage,
  dmChannelFor,
  snowflake,
  TOKEN_LIFETIME_MS,
  type DiscordWorld,
  type FakeAttachment,
  type FakeInteraction,
  type FakeMessage,
  type FakeModal,
} from './world.js';

/** The locales Discord's clients have (the keys of *_localizations). */
const DISCORD_LOCALES = new Set(['id', 'da', 'de', 'en-GB', 'en-US', 'es-ES', 'es-419', 'fr', 'hr', 'it', 'lt', 'hu', 'nl', 'no', 'pl', 'pt-BR', 'ro', 'fi', 'sv-SE', 'vi', 'tr', 'cs', 'el', 'bg', 'ru', 'uk', 'hi', 'th', 'zh-CN', 'ja', 'zh-TW', 'ko']);

// Interaction callback types (InteractionResponseType in discord-api-types).

const Callback = { ChannelMessageWithSource: 4, DeferredChannelMessageWithSource: 5, DeferredMessageUpdate: 6, UpdateMessage: 7, Modal: 9 } as const;

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

/** What GET /gateway/bot tells the bot. */
export interface GatewayBotInfo {
  recommendedShards: number;
  /** session_start_limit.max_concurrency: shards that may identify at once. */
  maxConcurrency: number;
}

interface RateLimitRule {
  method: string;
  path: RegExp;
  retryAfterSeconds: number;
  remaining: number;
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

/** An error answer: HTTP status plus Discord's JSON error code, message and field errors. */
class ApiError {
  constructor(
    readonly status: number,
    readonly code: number,
    readonly message: string,
    readonly errors?: unknown,
  ) {}
}

export class RestApi {
  readonly server: Server = createServer((req, res) => void this.onHttp(req, res));
  readonly requests: RecordedRequest[] = [];
  /** Channels where the bot may not post (Missing Access), to test other routes. */
  readonly deniedChannels = new Set<string>();
  private readonly rateLimits: RateLimitRule[] = [];
  private readonly routes: { method: string; pattern: RegExp; handler: Handler }[] = [];
  private requestSeq = 0;

  constructor(
    private readonly world: DiscordWorld,
    private readonly gatewayBot: GatewayBotInfo,
  ) {
    this.defineRoutes();
  }

  /** Listens on a free loopback port and returns it. */
  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next `times` requests matching method and path answer 429 with this retry_after. */
  rateLimitOnce(method: string, path: RegExp, retryAfterSeconds = 0.5, times = 1): void {
    this.rateLimits.push({ method: method.toUpperCase(), path, retryAfterSeconds, remaining: times });
  }

  // ---------------------------------------------------------------- plumbing

  private route(method: string, path: string, handler: Handler): void {
    // `:x` matches one path segment (ids, tokens, @original).
    const pattern = new RegExp(`^${path.replace(/:[a-z]+/g, '([^/]+)')}$`);
    this.routes.push({ method, pattern, handler });
  }

  private async onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    let answer: Answer;
    let record: RecordedRequest | undefined;
    try {
      if (url.pathname.startsWith('/attachments/')) {
        const [, , , attId] = url.pathname.split('/');
        const att = this.world.uploads.get(attId ?? '') ?? [...this.world.messages.values()].flatMap((m) => m.attachments).find((a) => a.id === attId);
        answer = att ? { status: 200, raw: { type: att.contentType, data: att.data } } : { status: 404, json: { message: '404: Not Found', code: 0 } };
      } else {
        const prefix = '/api/v10';
        if (!url.pathname.startsWith(prefix)) throw new ApiError(404, 0, '404: Not Found');
        // Recorded and matched decoded (discord.js sends `@original` as `%40original`).
        const path = url.pathname.slice(prefix.length).split('/').map(decodeURIComponent).join('/');
        const read = await readDiscordBody(req);
        if (!read) throw new ApiError(400, 50109, 'The request body contains invalid JSON.');
        const { body, files } = read;
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
    this.world.emit('change');
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
    if (req.authorization !== `Bot ${this.world.token}`) throw new ApiError(401, 0, '401: Unauthorized');
  }

  // ---------------------------------------------------------------- routes

  private defineRoutes(): void {
    const world = this.world;
    this.route('GET', '/gateway/bot', (req) => {
      this.requireBot(req);
      const result: RESTGetAPIGatewayBotResult = {
        url: `ws://127.0.0.1:${world.port}/gateway`,
        shards: this.gatewayBot.recommendedShards,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: this.gatewayBot.maxConcurrency },
      };
      return { status: 200, json: result };
    });
    this.route('GET', '/users/@me', (req) => {
      this.requireBot(req);
      return { status: 200, json: world.bot };
    });
    this.route('GET', '/applications/@me', (req) => {
      this.requireBot(req);
      return { status: 200, json: { id: world.applicationId, name: 'imagine-bot', icon: null, description: '', bot_public: true, bot_require_code_grant: false, verify_key: 'f'.repeat(64), flags: 8_953_856, bot: world.bot, team: null, summary: '' } };
    });

    // Command registration.
    const commandsOf = (key: string) => world.commands.get(key) ?? [];
    const putCommands = (req: ParsedRequest, key: string, guildId?: string): Answer => {
      this.requireBot(req);
      if (req.params[0] !== world.applicationId) throw new ApiError(403, 50001, 'Missing Access');
      if (!Array.isArray(req.body)) throw new ApiError(400, 50035, 'Invalid Form Body');
      const saved = (req.body as any[]).map((c) => this.validateCommand(c, guildId));
      world.commands.set(key, saved);
      return { status: 200, json: saved };
    };
    this.route('GET', '/applications/:app/commands', (req) => (this.requireBot(req), { status: 200, json: commandsOf('global') }));
    this.route('PUT', '/applications/:app/commands', (req) => putCommands(req, 'global'));
    this.route('GET', '/applications/:app/guilds/:guild/commands', (req) => (this.requireBot(req), { status: 200, json: commandsOf(req.params[1]!) }));
    this.route('PUT', '/applications/:app/guilds/:guild/commands', (req) => {
      if (!world.guilds.some((g) => g.id === req.params[1])) throw new ApiError(403, 50001, 'Missing Access');
      return putCommands(req, req.params[1]!, req.params[1]);
    });

    // Interaction callbacks.
    this.route('POST', '/interactions/:id/:token/callback', (req) => this.onCallback(req));

    // Webhook messages of an interaction.
    this.route('GET', '/webhooks/:app/:token/messages/:message', (req) => {
      const fi = this.interactionForToken(req);
      const msg = this.webhookMessage(fi, req.params[2]!);
      return { status: 200, json: apiMessage(world, msg) };
    });
    this.route('PATCH', '/webhooks/:app/:token/messages/:message', (req) => {
      const fi = this.interactionForToken(req);
      const msg = this.webhookMessage(fi, req.params[2]!);
      this.editMessage(msg, req, this.limitOf(fi));
      return { status: 200, json: apiMessage(world, msg) };
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
      const original = world.original(fi);
      // Discord: the first follow-up of a deferred reply fills that reply, keeping its visibility.
      if (original && !original.deleted && world.isLoading(original)) {
        this.editMessage(original, req, this.limitOf(fi));
        return { status: 200, json: apiMessage(world, original) };
      }
      const msg = this.createMessage(fi.channelId, fi.guildId, req, { interaction: fi, type: 0, flagsAllowed: Flag.Ephemeral, limit: this.limitOf(fi) });
      fi.followUpIds.push(msg.id);
      return { status: 200, json: apiMessage(world, msg) };
    });

    // Channel messages (bot token).
    this.route('POST', '/channels/:channel/messages', (req) => {
      this.requireBot(req);
      const channel = this.channelById(req.params[0]!);
      if (this.deniedChannels.has(channel.id)) throw new ApiError(403, 50001, 'Missing Access');
      const msg = this.createMessage(channel.id, channel.guildId, req, { type: req.body?.message_reference ? 19 : 0, flagsAllowed: 0, limit: MAX_ATTACHMENT_DEFAULT });
      return { status: 200, json: apiMessage(world, msg) };
    });
    this.route('GET', '/channels/:channel/messages/:message', (req) => {
      this.requireBot(req);
      const msg = world.messages.get(req.params[1]!);
      if (!msg || msg.deleted || msg.channelId !== req.params[0] || world.isEphemeral(msg)) throw new ApiError(404, 10008, 'Unknown Message');
      return { status: 200, json: apiMessage(world, msg) };
    });
    this.route('PATCH', '/channels/:channel/messages/:message', (req) => {
      this.requireBot(req);
      const msg = world.messages.get(req.params[1]!);
      if (!msg || msg.deleted || msg.channelId !== req.params[0] || world.isEphemeral(msg)) throw new ApiError(404, 10008, 'Unknown Message');
      if (msg.authorId !== world.bot.id) throw new ApiError(403, 50005, 'Cannot edit a message authored by another user');
      this.editMessage(msg, req, MAX_ATTACHMENT_DEFAULT);
      return { status: 200, json: apiMessage(world, msg) };
    });
    this.route('DELETE', '/channels/:channel/messages/:message', (req) => {
      this.requireBot(req);
      const msg = world.messages.get(req.params[1]!);
      if (!msg || msg.deleted || msg.channelId !== req.params[0]) throw new ApiError(404, 10008, 'Unknown Message');
      msg.deleted = true;
      return { status: 204 };
    });
    this.route('POST', '/users/@me/channels', (req) => {
      this.requireBot(req);
      const user = world.users.get(String(req.body?.recipient_id));
      if (!user) throw new ApiError(400, 50035, 'Invalid Form Body', { recipient_id: { _errors: [{ code: 'INVALID_USER', message: 'Unknown user' }] } });
      return { status: 200, json: { id: dmChannelFor(world, user.user.id), type: 1, last_message_id: null, flags: 0, recipients: [user.user] } };
    });
  }

  /** Checks a command as Discord does on registration (its localizations too) and returns it as Discord stores it. */
  private validateCommand(c: any, guildId?: string): APIApplicationCommand {
    const fail = (why: string) => {
      throw new ApiError(400, 50035, 'Invalid Form Body', { name: { _errors: [{ code: 'BASE_TYPE_INVALID', message: why }] } });
    };
    const type = c.type ?? 1;
    if (![1, 2, 3].includes(type)) fail(`bad command type ${type}`);
    if (type !== 1) {
      // User and message commands: a name as people read it (spaces and capitals allowed), no description, no options.
      if (typeof c.name !== 'string' || c.name.length < 1 || c.name.length > 32) fail(`bad command name ${c.name}`);
      if (c.description !== undefined && c.description !== '') fail(`a context menu command has no description (${c.name})`);
      if (c.options?.length) fail(`a context menu command has no options (${c.name})`);
    } else {
      if (typeof c.name !== 'string' || !/^[-_\p{L}\p{N}]{1,32}$/u.test(c.name) || c.name !== c.name.toLowerCase()) fail(`bad command name ${c.name}`);
      if (typeof c.description !== 'string' || c.description.length < 1 || c.description.length > 100) fail(`bad description for ${c.name}`);
    }
    // Localized names and descriptions: Discord's locale codes only, each value as its English field's rules.
    const checkLocalized = (map: unknown, what: string, ok: (v: string) => boolean) => {
      if (map === undefined || map === null) return;
      if (typeof map !== 'object') fail(`${what} localizations must be an object`);
      for (const [locale, v] of Object.entries(map as Record<string, unknown>)) {
        if (!DISCORD_LOCALES.has(locale)) fail(`${what}: ${locale} is not a Discord locale`);
        if (typeof v !== 'string' || !ok(v)) fail(`${what}: bad ${locale} value ${String(v)}`);
      }
    };
    const slashName = (v: string) => /^[-_\p{L}\p{N}]{1,32}$/u.test(v) && v === v.toLowerCase();
    const description = (v: string) => v.length >= 1 && v.length <= 100;
    checkLocalized(c.name_localizations, `name of ${c.name}`, type === 1 ? slashName : (v) => v.length >= 1 && v.length <= 32);
    checkLocalized(c.description_localizations, `description of ${c.name}`, description);
    const checkOptions = (opts: any[] | undefined, depth: number) => {
      if (!opts) return;
      if (opts.length > 25) fail('more than 25 options');
      let seenOptional = false;
      for (const o of opts) {
        if (!/^[-_\p{L}\p{N}]{1,32}$/u.test(o.name) || o.name !== o.name.toLowerCase()) fail(`bad option name ${o.name}`);
        if (typeof o.description !== 'string' || o.description.length < 1 || o.description.length > 100) fail(`bad description for option ${o.name}`);
        checkLocalized(o.name_localizations, `name of option ${o.name}`, slashName);
        checkLocalized(o.description_localizations, `description of option ${o.name}`, description);
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
      application_id: this.world.applicationId,
      version: snowflake(),
      type,
      name: c.name,
      name_localizations: c.name_localizations ?? null,
      description: c.description ?? '',
      description_localizations: c.description_localizations ?? null,
      options: c.options ?? [],
      default_member_permissions: c.default_member_permissions ?? null,
      nsfw: Boolean(c.nsfw),
      contexts: c.contexts ?? null,
      integration_types: c.integration_types ?? [0],
      ...(guildId ? { guild_id: guildId } : {}),
    } as APIApplicationCommand;
  }

  // ---------------------------------------------------------------- interactions

  private channelById(id: string): { id: string; guildId?: string } {
    for (const g of this.world.guilds) {
      const ch = g.channels.find((c) => c.id === id);
      if (ch) return { id, guildId: g.id };
    }
    if ([...this.world.dmChannels.values()].includes(id)) return { id };
    throw new ApiError(404, 10003, 'Unknown Channel');
  }

  private limitOf(fi: FakeInteraction): number {
    return Number(fi.payload.attachment_size_limit ?? MAX_ATTACHMENT_DEFAULT);
  }

  private interactionForToken(req: ParsedRequest): FakeInteraction {
    const [app, token] = req.params;
    const fi = [...this.world.interactions.values()].find((i) => i.token === token);
    if (!fi || fi.expired || this.world.now() - fi.createdAt > TOKEN_LIFETIME_MS) throw new ApiError(401, 50027, 'Invalid Webhook Token');
    if (app !== this.world.applicationId) throw new ApiError(404, 10015, 'Unknown Webhook');
    return fi;
  }

  private webhookMessage(fi: FakeInteraction, which: string): FakeMessage {
    if (which === '@original') {
      if (!fi.response) throw new ApiError(404, 10015, 'Unknown Webhook');
      const msg = this.world.original(fi);
      if (!msg || msg.deleted) throw new ApiError(404, 10008, 'Unknown Message');
      return msg;
    }
    const msg = this.world.messages.get(which);
    if (!msg || msg.deleted || !fi.followUpIds.includes(which)) throw new ApiError(404, 10008, 'Unknown Message');
    return msg;
  }

  private onCallback(req: ParsedRequest): Answer {
    const world = this.world;
    const [id, token] = req.params;
    const fi = world.interactions.get(id!);
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
        if (type === Callback.UpdateMessage) this.editMessage(world.messages.get(source)!, { ...req, body: data }, limit);
        break;
      }
      case Callback.Modal: {
        // A modal cannot answer a modal; anything else may open one.
        if (fi.type === InteractionType.ModalSubmit) throw new ApiError(400, 50035, 'Invalid Form Body', { type: { _errors: [{ code: 'INTERACTION_RESPONSE_TYPE_INVALID', message: 'A modal submit cannot open a modal' }] } });
        fi.modal = readModal(data);
        break;
      }
      default:
        throw new ApiError(400, 50035, 'Invalid Form Body', { type: { _errors: [{ code: 'BASE_TYPE_CHOICES', message: `Value must be one of {4, 5, 6, 7, 8, 9, 10, 12}.` }] } });
    }
    fi.response = { type, data, at: Date.now() };
    if (req.query.with_response === 'true') {
      const msg = world.original(fi);
      return { status: 200, json: { interaction: { id: fi.id, type: fi.type, activity_instance_id: null, response_message_id: msg?.id ?? null, response_message_loading: msg ? world.isLoading(msg) : false, response_message_ephemeral: msg ? world.isEphemeral(msg) : false }, resource: { type, ...(msg ? { message: apiMessage(world, msg) } : {}) } } };
    }
    return { status: 204 };
  }

  // ---------------------------------------------------------------- messages

  /** Stores a new message from the bot, with its first revision. */
  private newMessage(channelId: string, guildId: string | undefined, m: Pick<FakeMessage, 'content' | 'flags' | 'components' | 'attachments' | 'interactionId' | 'type' | 'pinged'>): FakeMessage {
    const msg: FakeMessage = { id: snowflake(), channelId, guildId, authorId: this.world.bot.id, deleted: false, createdAt: Date.now(), revisions: [], ...m };
    this.world.messages.set(msg.id, msg);
    this.snapshot(msg);
    return msg;
  }

  /** Adds the message's current state to its revisions (after every edit). */
  private snapshot(msg: FakeMessage): void {
    msg.revisions.push({ content: msg.content, flags: msg.flags, components: msg.components, attachments: msg.attachments.map((a) => a.filename), attachmentData: msg.attachments.map((a) => a.data) });
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
          if (b.type === 3) {
            // A string select fills its row alone.
            if (row.components.length !== 1) invalid('components', 'A select menu takes a whole action row');
            if (typeof b.custom_id !== 'string' || b.custom_id.length < 1 || b.custom_id.length > 100) invalid('components', 'custom_id must be 1 to 100 characters');
            if (ids.has(b.custom_id)) invalid('components', 'Component custom id cannot be duplicated');
            ids.add(b.custom_id);
            if (!Array.isArray(b.options) || b.options.length < 1 || b.options.length > 25) invalid('components', 'A select menu has 1 to 25 options');
            const values = new Set<string>();
            for (const o of b.options) {
              if (typeof o.label !== 'string' || o.label.length < 1 || o.label.length > 100) invalid('components', 'An option label is 1 to 100 characters');
              if (typeof o.value !== 'string' || o.value.length < 1 || o.value.length > 100 || values.has(o.value)) invalid('components', 'Option values are 1 to 100 characters and unique');
              values.add(o.value);
            }
            if (b.options.filter((o: { default?: boolean }) => o.default).length > 1) invalid('components', 'At most one default option');
            if (b.placeholder !== undefined && (typeof b.placeholder !== 'string' || b.placeholder.length > 150)) invalid('components', 'placeholder must be 150 or fewer in length');
            continue;
          }
          if (b.type !== 2) invalid('components', 'Only buttons and string selects are handled by the fake');
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
    if (this.world.isLoading(msg)) msg.flags &= ~Flag.Loading;
    if (!msg.content && !msg.components.length && !msg.attachments.length) throw new ApiError(400, 50006, 'Cannot send an empty message');
    msg.editedAt = Date.now();
    this.snapshot(msg);
  }
}

/** A modal's data checked as Discord checks it (lengths, 1–5 text boxes, unique ids), as the user will see it. */
function readModal(data: any): FakeModal {
  const fail = (why: string): never => {
    throw new ApiError(400, 50035, 'Invalid Form Body', { data: { _errors: [{ code: 'BASE_TYPE_INVALID', message: why }] } });
  };
  if (typeof data?.custom_id !== 'string' || data.custom_id.length < 1 || data.custom_id.length > 100) fail('custom_id must be 1 to 100 characters');
  if (typeof data.title !== 'string' || data.title.length < 1 || data.title.length > 45) fail('title must be 1 to 45 characters');
  const parts: any[] = Array.isArray(data.components) ? data.components : [];
  if (parts.length < 1 || parts.length > 5) fail('a modal has 1 to 5 components');
  const fields: FakeModal['fields'] = [];
  for (const part of parts) {
    // A label (type 18) around one box, or a legacy action row (type 1) with one box labelled by itself.
    let box: any;
    let label: unknown;
    if (part.type === 18) {
      box = part.component;
      label = part.label;
    } else if (part.type === 1 && Array.isArray(part.components) && part.components.length === 1) {
      box = part.components[0];
      label = box?.label;
    } else fail(`component type ${String(part.type)} cannot hold a text input here`);
    if (box?.type !== 4) fail('only text inputs (type 4) are supported by this fake');
    if (typeof label !== 'string' || label.length < 1 || label.length > 45) fail('a label is 1 to 45 characters');
    if (typeof box.custom_id !== 'string' || box.custom_id.length < 1 || box.custom_id.length > 100) fail('a text input needs a custom_id of 1 to 100 characters');
    if (fields.some((f) => f.customId === box.custom_id)) fail(`duplicate custom_id ${box.custom_id}`);
    if (box.style !== 1 && box.style !== 2) fail('style is 1 (short) or 2 (paragraph)');
    if (box.placeholder !== undefined && (typeof box.placeholder !== 'string' || box.placeholder.length > 100)) fail('a placeholder is at most 100 characters');
    if (box.max_length !== undefined && !(Number.isInteger(box.max_length) && box.max_length >= 1 && box.max_length <= 4000)) fail('max_length is 1 to 4000');
    if (box.value !== undefined && (typeof box.value !== 'string' || box.value.length > 4000)) fail('a value is at most 4000 characters');
    fields.push({
      customId: box.custom_id,
      label: label as string,
      style: box.style,
      required: box.required ?? true,
      ...(box.value !== undefined ? { value: box.value } : {}),
      ...(box.placeholder !== undefined ? { placeholder: box.placeholder } : {}),
      ...(box.max_length !== undefined ? { maxLength: box.max_length } : {}),
      ...(box.min_length !== undefined ? { minLength: box.min_length } : {}),
    });
  }
  return { customId: data.custom_id, title: data.title, fields };
}
