/**
 * A loopback stand-in for Slack: the Web API methods the adapter calls (auth.test, chat.*,
 * users.info, the files upload v2 flow with a local upload URL, apps.connections.open), a Socket
 * Mode WebSocket that speaks hello / envelopes / acks, response_url endpoints, and helpers that send
 * signed slash commands and block_actions to an app's HTTP endpoint the way Slack does.
 *
 * It checks what real Slack checks where a mistake would otherwise pass unnoticed: tokens, required
 * arguments, Block Kit limits (invalid_blocks), message existence for chat.update/delete, and it
 * answers 429 with Retry-After when a test asks it to.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQuery, stringify as toQuery } from 'node:querystring';
import { WebSocketServer, type WebSocket } from 'ws';

export interface FakeUser {
  id: string;
  name: string;
  realName?: string;
  displayName?: string;
  isAdmin?: boolean;
  isOwner?: boolean;
  isPrimaryOwner?: boolean;
}

export interface FakeFile {
  id: string;
  filename: string;
  title?: string;
  altText?: string;
  declaredLength: number;
  data?: Buffer;
  /** Content type the bytes arrived with at the upload URL. */
  uploadContentType?: string;
  completed: boolean;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  /** The bot user that posted it. */
  user: string;
  text: string;
  blocks?: Block[];
  files?: FakeFile[];
  threadTs?: string;
  /** Earlier versions, oldest first (chat.update keeps them here). */
  history: { text: string; blocks?: Block[] }[];
  deleted: boolean;
}

export interface FakeEphemeral {
  channel: string;
  user: string;
  text: string;
  blocks?: Block[];
  via: 'chat.postEphemeral' | 'response_url';
}

/** A message sent to a response_url with response_type in_channel. */
export interface FakeResponseMessage {
  channel: string;
  user: string;
  text: string;
  blocks?: Block[];
  responseType: 'in_channel' | 'ephemeral';
  replaceOriginal: boolean;
}

export interface ApiCall {
  method: string;
  params: Record<string, unknown>;
  /** HTTP status the fake answered with. */
  status: number;
  /** `ok` of the answer (false for API errors and 429s). */
  ok: boolean;
  error?: string;
  token?: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Block = Record<string, any>;

export interface FakeSlackOptions {
  botToken?: string;
  appToken?: string;
  signingSecret?: string;
  teamId?: string;
  teamDomain?: string;
  appId?: string;
  botUserId?: string;
  botId?: string;
  users?: FakeUser[];
  /** Channels the bot cannot post to (private channels it is not in, other people's DMs). */
  unreachableChannels?: string[];
}

interface RateLimitRule {
  remaining: number;
  retryAfterSeconds: number;
}

interface PendingEnvelope {
  resolve(ack: { payload?: unknown; receivedAt: number }): void;
}

interface ResponseUrlTarget {
  channel: string;
  user: string;
  uses: number;
}

/** Block Kit checks with Slack's documented limits; returns the errors Slack would list. */
export function blockErrors(blocks: unknown): string[] {
  if (!Array.isArray(blocks)) return ['blocks must be an array'];
  const errors: string[] = [];
  if (blocks.length > 50) errors.push('no more than 50 items allowed [json-pointer:/blocks]');
  const actionIds = new Set<string>();
  const blockIds = new Set<string>();
  blocks.forEach((block: Block, i) => {
    const at = `[json-pointer:/blocks/${i}]`;
    if (typeof block !== 'object' || block === null) return errors.push(`must be an object ${at}`);
    if (block.block_id !== undefined) {
      if (typeof block.block_id !== 'string' || block.block_id.length > 255) errors.push(`invalid block_id ${at}`);
      else if (blockIds.has(block.block_id)) errors.push(`duplicate block_id ${at}`);
      else blockIds.add(block.block_id);
    }
    switch (block.type) {
      case 'section': {
        const t = block.text;
        if (!t || (t.type !== 'mrkdwn' && t.type !== 'plain_text') || typeof t.text !== 'string' || t.text.length === 0) {
          errors.push(`must provide a text object ${at}`);
        } else if (t.text.length > 3000) errors.push(`must be less than 3001 characters [json-pointer:/blocks/${i}/text/text]`);
        break;
      }
      case 'context': {
        if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 10) errors.push(`context needs 1 to 10 elements ${at}`);
        break;
      }
      case 'divider':
        break;
      case 'image': {
        if (typeof block.alt_text !== 'string' || block.alt_text.length > 2000) errors.push(`must provide alt_text ${at}`);
        if (!block.image_url && !block.slack_file) errors.push(`must provide image_url or slack_file ${at}`);
        break;
      }
      case 'actions': {
        const els = block.elements;
        if (!Array.isArray(els) || els.length === 0) {
          errors.push(`must provide elements ${at}`);
          break;
        }
        if (els.length > 25) errors.push(`no more than 25 items allowed [json-pointer:/blocks/${i}/elements]`);
        els.forEach((el: Block, j: number) => {
          const eat = `[json-pointer:/blocks/${i}/elements/${j}]`;
          if (el.type !== 'button') return errors.push(`unsupported element type ${eat}`);
          if (!el.text || el.text.type !== 'plain_text' || typeof el.text.text !== 'string' || el.text.text.length === 0) {
            errors.push(`button needs plain_text text ${eat}`);
          } else if (el.text.text.length > 75) errors.push(`must be less than 76 characters [json-pointer:/blocks/${i}/elements/${j}/text/text]`);
          if (typeof el.action_id !== 'string' || el.action_id.length === 0 || el.action_id.length > 255) errors.push(`invalid action_id ${eat}`);
          else if (actionIds.has(el.action_id)) errors.push(`duplicate action_id ${eat}`);
          else actionIds.add(el.action_id);
          if (el.value !== undefined && (typeof el.value !== 'string' || el.value.length > 2000)) errors.push(`invalid value ${eat}`);
          if (el.style !== undefined && el.style !== 'primary' && el.style !== 'danger') errors.push(`invalid style ${eat}`);
          const known = new Set(['type', 'text', 'action_id', 'value', 'style', 'url', 'confirm', 'accessibility_label']);
          for (const key of Object.keys(el)) if (!known.has(key)) errors.push(`unknown field ${key} ${eat}`);
        });
        break;
      }
      default:
        errors.push(`unsupported block type ${String(block.type)} ${at}`);
    }
  });
  return errors;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/** Form fields the WebClient sends JSON-encoded (arrays and objects). */
function jsonField(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

export class FakeSlack {
  readonly botToken: string;
  readonly appToken: string;
  readonly signingSecret: string;
  readonly teamId: string;
  readonly teamDomain: string;
  readonly appId: string;
  readonly botUserId: string;
  readonly botId: string;

  readonly calls: ApiCall[] = [];
  readonly messages: FakeMessage[] = [];
  readonly ephemerals: FakeEphemeral[] = [];
  readonly responseMessages: FakeResponseMessage[] = [];
  readonly files = new Map<string, FakeFile>();
  readonly users = new Map<string, FakeUser>();
  readonly unreachableChannels: Set<string>;
  /** Socket Mode connections opened so far. */
  socketConnections = 0;

  private server!: Server;
  private wss!: WebSocketServer;
  private base = '';
  private seq = 0;
  private rateLimits = new Map<string, RateLimitRule>();
  private tickets = new Set<string>();
  private sockets = new Set<WebSocket>();
  private pendingEnvelopes = new Map<string, PendingEnvelope>();
  private responseUrls = new Map<string, ResponseUrlTarget>();
  private waiters = new Set<() => void>();

  private constructor(options: FakeSlackOptions) {
    this.botToken = options.botToken ?? `xoxb-${randomBytes(8).toString('hex')}`;
    this.appToken = options.appToken ?? `xapp-1-${randomBytes(8).toString('hex')}`;
    this.signingSecret = options.signingSecret ?? randomBytes(16).toString('hex');
    this.teamId = options.teamId ?? 'T0FAKETEAM';
    this.teamDomain = options.teamDomain ?? 'fake-team';
    this.appId = options.appId ?? 'A0FAKEAPP';
    this.botUserId = options.botUserId ?? 'U0FAKEBOT';
    this.botId = options.botId ?? 'B0FAKEBOT';
    for (const u of options.users ?? []) this.users.set(u.id, u);
    this.unreachableChannels = new Set(options.unreachableChannels ?? []);
  }

  static async start(options: FakeSlackOptions = {}): Promise<FakeSlack> {
    const fake = new FakeSlack(options);
    await fake.listen();
    return fake;
  }

  /** Base URL of the Web API, for SLACK_API_URL (ends with a slash, like https://slack.com/api/). */
  get apiUrl(): string {
    return `${this.base}/api/`;
  }

  private async listen(): Promise<void> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { ok: false, error: String(err) });
      });
    });
    this.wss = new WebSocketServer({ noServer: true });
    this.server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', this.base);
      const ticket = url.searchParams.get('ticket') ?? '';
      if (url.pathname !== '/link/' || !this.tickets.delete(ticket)) {
        socket.write('HTTP/1.1 401 Unauthorized\r\n\r\n');
        socket.destroy();
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.base = `http://127.0.0.1:${port}`;
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---------------------------------------------------------------- test controls

  /** The next `times` calls of `method` get HTTP 429 with Retry-After. */
  rateLimit(method: string, times = 1, retryAfterSeconds = 1): void {
    this.rateLimits.set(method, { remaining: times, retryAfterSeconds });
  }

  callsOf(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Messages the bot has in a channel now (deleted ones left out), oldest first. */
  channelMessages(channel: string): FakeMessage[] {
    return this.messages.filter((m) => m.channel === channel && !m.deleted);
  }

  /** Resolves when `probe` returns something other than undefined/false (checked after every request). */
  waitFor<T>(probe: () => T | undefined | false, timeoutMs = 30_000, what = 'condition'): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        let value: T | undefined | false;
        try {
          value = probe();
        } catch (err) {
          cleanup();
          reject(err);
          return;
        }
        if (value !== undefined && value !== false) {
          cleanup();
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`fake Slack: timed out waiting for ${what}`));
      }, timeoutMs);
      // Also poll: some conditions change outside requests (e.g. a job store).
      const poll = setInterval(check, 100);
      const cleanup = () => {
        clearTimeout(timer);
        clearInterval(poll);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  // ---------------------------------------------------------------- payloads Slack sends to apps

  private newResponseUrl(channel: string, user: string): string {
    const id = randomBytes(8).toString('hex');
    this.responseUrls.set(id, { channel, user, uses: 0 });
    return `${this.base}/respond/${id}`;
  }

  /** The form fields of a slash command as Slack posts them. */
  slashCommand(options: { command: string; text: string; userId: string; channelId: string; channelName?: string; userName?: string }): Record<string, string> {
    const user = this.users.get(options.userId);
    return {
      token: 'verification-token-unused',
      team_id: this.teamId,
      team_domain: this.teamDomain,
      channel_id: options.channelId,
      channel_name: options.channelName ?? 'general',
      user_id: options.userId,
      user_name: options.userName ?? user?.name ?? 'someone',
      command: options.command,
      text: options.text,
      api_app_id: this.appId,
      is_enterprise_install: 'false',
      response_url: this.newResponseUrl(options.channelId, options.userId),
      trigger_id: `${Date.now()}.${randomBytes(4).toString('hex')}`,
    };
  }

  /** A block_actions payload for a click on a button of one of the bot's messages. */
  blockAction(options: { message: FakeMessage; actionId: string; userId: string }): Record<string, unknown> {
    const { message } = options;
    const button = findButton(message.blocks ?? [], options.actionId);
    if (!button) throw new Error(`fake Slack: no button ${options.actionId} on message ${message.ts}`);
    const block = (message.blocks ?? []).find((b) => b.type === 'actions' && b.elements.includes(button));
    const user = this.users.get(options.userId);
    return {
      type: 'block_actions',
      user: { id: options.userId, username: user?.name ?? 'someone', name: user?.name ?? 'someone', team_id: this.teamId },
      api_app_id: this.appId,
      token: 'verification-token-unused',
      container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
      trigger_id: `${Date.now()}.${randomBytes(4).toString('hex')}`,
      team: { id: this.teamId, domain: this.teamDomain },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: message.channel, name: 'general' },
      message: { type: 'message', user: message.user, ts: message.ts, text: message.text, blocks: message.blocks, bot_id: this.botId },
      state: { values: {} },
      response_url: this.newResponseUrl(message.channel, options.userId),
      actions: [
        {
          action_id: button.action_id,
          block_id: block?.block_id ?? 'b',
          text: button.text,
          value: button.value,
          style: button.style,
          type: 'button',
          action_ts: `${Date.now() / 1000}`,
        },
      ],
    };
  }

  /** The signature headers for a body, as Slack computes them (v0 HMAC-SHA256). */
  sign(body: string, timestamp = Math.floor(Date.now() / 1000), secret = this.signingSecret): Record<string, string> {
    const hmac = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
    return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': `v0=${hmac}` };
  }

  /**
   * POSTs an event to an app's HTTP endpoint: a slash command as form fields, or an interactive
   * payload as `payload=<json>`. Signed unless `headers` replaces the signature.
   */
  async postToApp(
    url: string,
    event: { form?: Record<string, string>; payload?: Record<string, unknown> },
    options: { timestamp?: number; secret?: string; headers?: Record<string, string>; unsigned?: boolean } = {},
  ): Promise<{ status: number; body: string }> {
    const body = event.form ? toQuery(event.form) : toQuery({ payload: JSON.stringify(event.payload) });
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      ...(options.unsigned ? {} : this.sign(body, options.timestamp, options.secret)),
      ...options.headers,
    };
    const res = await fetch(url, { method: 'POST', headers, body });
    return { status: res.status, body: await res.text() };
  }

  // ---------------------------------------------------------------- Socket Mode

  private onSocket(ws: WebSocket): void {
    this.socketConnections += 1;
    this.sockets.add(ws);
    ws.on('close', () => {
      this.sockets.delete(ws);
      this.notify();
    });
    ws.on('message', (data) => {
      let msg: { envelope_id?: string; payload?: unknown };
      try {
        msg = JSON.parse(String(data)) as typeof msg;
      } catch {
        return;
      }
      const pending = msg.envelope_id ? this.pendingEnvelopes.get(msg.envelope_id) : undefined;
      if (pending && msg.envelope_id) {
        this.pendingEnvelopes.delete(msg.envelope_id);
        pending.resolve({ payload: msg.payload, receivedAt: Date.now() });
      }
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.sockets.size,
        debug_info: { host: 'fake-slack-loopback', build_number: 1, approximate_connection_time: 3600 },
        connection_info: { app_id: this.appId },
      }),
    );
    this.notify();
  }

  get openSockets(): number {
    return this.sockets.size;
  }

  /**
   * Sends an envelope over the open Socket Mode connection and resolves with the app's ack.
   * `type` is 'slash_commands' (payload = the slash command fields) or 'interactive'.
   */
  sendEnvelope(type: 'slash_commands' | 'interactive', payload: Record<string, unknown>, timeoutMs = 10_000): Promise<{ payload?: unknown; receivedAt: number; sentAt: number }> {
    const ws = [...this.sockets][0];
    if (!ws) return Promise.reject(new Error('fake Slack: no Socket Mode connection'));
    const envelopeId = randomBytes(12).toString('hex');
    const sentAt = Date.now();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingEnvelopes.delete(envelopeId);
        reject(new Error(`fake Slack: envelope ${type} not acknowledged in ${timeoutMs} ms`));
      }, timeoutMs);
      this.pendingEnvelopes.set(envelopeId, {
        resolve: (ack) => {
          clearTimeout(timer);
          resolve({ ...ack, sentAt });
        },
      });
      ws.send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: type === 'slash_commands' }));
    });
  }

  /** Asks the client to reconnect, as Slack does before recycling a connection. */
  sendDisconnect(reason = 'refresh_requested'): void {
    for (const ws of this.sockets) ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake-slack-loopback' } }));
  }

  // ---------------------------------------------------------------- HTTP

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.base);
    const raw = await readBody(req);
    try {
      if (url.pathname.startsWith('/api/')) return await this.handleApi(url.pathname.slice(5), req, raw, res);
      if (url.pathname.startsWith('/upload/')) return await this.handleUpload(url.pathname.slice(8), req, raw, res);
      if (url.pathname.startsWith('/respond/')) return this.handleResponseUrl(url.pathname.slice(9), req, raw, res);
      res.writeHead(404);
      res.end();
    } finally {
      this.notify();
    }
  }

  private async handleUpload(fileId: string, req: IncomingMessage, raw: Buffer, res: ServerResponse): Promise<void> {
    const file = this.files.get(fileId);
    if (!file || req.method !== 'POST') {
      res.writeHead(404);
      res.end();
      return;
    }
    const type = String(req.headers['content-type'] ?? '');
    let data = raw;
    if (type.startsWith('multipart/form-data')) {
      // Slack accepts the bytes either raw or as the single file part of a multipart form.
      const form = await new Request('http://upload.local/', { method: 'POST', headers: { 'content-type': type }, body: raw }).formData();
      const part = [...form.values()].find((v) => typeof v !== 'string') as Blob | undefined;
      if (!part) {
        res.writeHead(400);
        res.end('no file part');
        return;
      }
      data = Buffer.from(await part.arrayBuffer());
    }
    file.data = data;
    file.uploadContentType = type;
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`OK - ${data.length}`);
  }

  private handleResponseUrl(id: string, req: IncomingMessage, raw: Buffer, res: ServerResponse): void {
    const target = this.responseUrls.get(id);
    if (!target || req.method !== 'POST') {
      res.writeHead(404);
      res.end();
      return;
    }
    target.uses += 1;
    if (target.uses > 5) {
      sendJson(res, 404, { ok: false, error: 'used_url' });
      return;
    }
    const body = JSON.parse(raw.toString('utf8')) as { text?: string; blocks?: Block[]; response_type?: string; replace_original?: boolean | string };
    if (body.blocks && blockErrors(body.blocks).length) {
      sendJson(res, 400, { ok: false, error: 'invalid_blocks' });
      return;
    }
    const responseType = body.response_type === 'in_channel' ? 'in_channel' : 'ephemeral';
    const replaceOriginal = body.replace_original === true || body.replace_original === 'true';
    this.responseMessages.push({ channel: target.channel, user: target.user, text: body.text ?? '', blocks: body.blocks, responseType, replaceOriginal });
    if (responseType === 'ephemeral') this.ephemerals.push({ channel: target.channel, user: target.user, text: body.text ?? '', blocks: body.blocks, via: 'response_url' });
    sendJson(res, 200, { ok: true });
  }

  private async handleApi(method: string, req: IncomingMessage, raw: Buffer, res: ServerResponse): Promise<void> {
    const type = String(req.headers['content-type'] ?? '');
    let params: Record<string, unknown> = {};
    if (type.startsWith('application/json')) params = raw.length ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {};
    else params = { ...parseQuery(raw.toString('utf8')) };
    const auth = String(req.headers.authorization ?? '');
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : typeof params.token === 'string' ? params.token : undefined;
    const call: ApiCall = { method, params, status: 200, ok: true, token };
    this.calls.push(call);

    const limit = this.rateLimits.get(method);
    if (limit && limit.remaining > 0) {
      limit.remaining -= 1;
      call.status = 429;
      call.ok = false;
      call.error = 'ratelimited';
      sendJson(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(limit.retryAfterSeconds) });
      return;
    }
    const answer = (body: Record<string, unknown>) => {
      call.ok = body.ok === true;
      if (!call.ok) call.error = String(body.error);
      sendJson(res, 200, body);
    };
    const fail = (error: string, extra: Record<string, unknown> = {}) => answer({ ok: false, error, ...extra });

    if (!token) return fail('not_authed');
    const appLevel = method === 'apps.connections.open';
    if (appLevel ? token !== this.appToken : token !== this.botToken) {
      return fail(appLevel && token === this.botToken ? 'not_allowed_token_type' : 'invalid_auth');
    }

    switch (method) {
      case 'auth.test':
        return answer({ ok: true, url: `https://${this.teamDomain}.slack.com/`, team: 'Fake Team', user: 'imagine', team_id: this.teamId, user_id: this.botUserId, bot_id: this.botId, is_enterprise_install: false });
      case 'apps.connections.open': {
        const ticket = randomBytes(12).toString('hex');
        this.tickets.add(ticket);
        return answer({ ok: true, url: `${this.base.replace('http:', 'ws:')}/link/?ticket=${ticket}&app_id=${this.appId}` });
      }
      case 'users.info': {
        const user = this.users.get(String(params.user ?? ''));
        if (!user) return fail('user_not_found');
        return answer({
          ok: true,
          user: {
            id: user.id,
            team_id: this.teamId,
            name: user.name,
            real_name: user.realName ?? user.name,
            deleted: false,
            is_bot: false,
            is_admin: Boolean(user.isAdmin),
            is_owner: Boolean(user.isOwner),
            is_primary_owner: Boolean(user.isPrimaryOwner),
            profile: { display_name: user.displayName ?? '', real_name: user.realName ?? user.name },
          },
        });
      }
      case 'chat.postMessage': {
        const channel = String(params.channel ?? '');
        if (!channel) return fail('channel_not_found');
        if (this.unreachableChannels.has(channel)) return fail(channel.startsWith('D') ? 'channel_not_found' : 'not_in_channel');
        const content = this.messageContent(params);
        if ('error' in content) return fail(content.error, content.extra);
        const message: FakeMessage = { channel, ts: this.nextTs(), user: this.botUserId, text: content.text, blocks: content.blocks, threadTs: params.thread_ts ? String(params.thread_ts) : undefined, history: [], deleted: false };
        this.messages.push(message);
        return answer({ ok: true, channel, ts: message.ts, message: { type: 'message', user: this.botUserId, bot_id: this.botId, text: message.text, ts: message.ts, blocks: message.blocks } });
      }
      case 'chat.update': {
        const message = this.findMessage(params);
        if (!message) return fail('message_not_found');
        const content = this.messageContent(params);
        if ('error' in content) return fail(content.error, content.extra);
        message.history.push({ text: message.text, blocks: message.blocks });
        message.text = content.text;
        message.blocks = content.blocks;
        return answer({ ok: true, channel: message.channel, ts: message.ts, text: message.text, message: { text: message.text, blocks: message.blocks } });
      }
      case 'chat.delete': {
        const message = this.findMessage(params);
        if (!message) return fail('message_not_found');
        message.deleted = true;
        return answer({ ok: true, channel: message.channel, ts: message.ts });
      }
      case 'chat.postEphemeral': {
        const channel = String(params.channel ?? '');
        const user = String(params.user ?? '');
        if (!channel || this.unreachableChannels.has(channel)) return fail('channel_not_found');
        if (!user) return fail('user_not_in_channel');
        const content = this.messageContent(params);
        if ('error' in content) return fail(content.error, content.extra);
        this.ephemerals.push({ channel, user, text: content.text, blocks: content.blocks, via: 'chat.postEphemeral' });
        return answer({ ok: true, message_ts: this.nextTs() });
      }
      case 'files.getUploadURLExternal': {
        const filename = String(params.filename ?? '');
        const length = Number(params.length);
        if (!filename) return fail('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: filename'] } });
        if (!Number.isInteger(length) || length <= 0) return fail('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: length'] } });
        const id = `F${randomBytes(5).toString('hex').toUpperCase()}`;
        this.files.set(id, { id, filename, declaredLength: length, altText: params.alt_text ? String(params.alt_text) : undefined, completed: false });
        return answer({ ok: true, upload_url: `${this.base}/upload/${id}`, file_id: id });
      }
      case 'files.completeUploadExternal': {
        const list = jsonField(params.files);
        if (!Array.isArray(list) || list.length === 0) return fail('invalid_arguments');
        const files: FakeFile[] = [];
        for (const entry of list as { id?: string; title?: string }[]) {
          const file = entry.id ? this.files.get(entry.id) : undefined;
          if (!file || file.completed) return fail('file_not_found');
          if (!file.data || file.data.length !== file.declaredLength) return fail('file_upload_size_mismatch');
          file.title = entry.title;
          files.push(file);
        }
        const channel = params.channel_id ? String(params.channel_id) : undefined;
        const initialComment = params.initial_comment ? String(params.initial_comment) : undefined;
        // As Slack documents: blocks are ignored when initial_comment is given.
        const blocks = initialComment ? undefined : (jsonField(params.blocks) as Block[] | undefined);
        if (blocks !== undefined) {
          const errors = blockErrors(blocks);
          if (errors.length) return fail('invalid_blocks', { errors });
        }
        if (channel && this.unreachableChannels.has(channel)) return fail('channel_not_found');
        for (const f of files) f.completed = true;
        if (channel) {
          this.messages.push({ channel, ts: this.nextTs(), user: this.botUserId, text: initialComment ?? '', blocks, files, threadTs: params.thread_ts ? String(params.thread_ts) : undefined, history: [], deleted: false });
        }
        return answer({ ok: true, files: files.map((f) => ({ id: f.id, name: f.filename, title: f.title ?? f.filename, mimetype: 'image/png', size: f.declaredLength })) });
      }
      default:
        return fail('unknown_method');
    }
  }

  private findMessage(params: Record<string, unknown>): FakeMessage | undefined {
    const channel = String(params.channel ?? '');
    const ts = String(params.ts ?? '');
    return this.messages.find((m) => m.channel === channel && m.ts === ts && !m.deleted);
  }

  private messageContent(params: Record<string, unknown>): { text: string; blocks?: Block[] } | { error: string; extra?: Record<string, unknown> } {
    const text = typeof params.text === 'string' ? params.text : '';
    const blocks = params.blocks === undefined ? undefined : (jsonField(params.blocks) as Block[]);
    if (!text && (!blocks || (Array.isArray(blocks) && blocks.length === 0))) return { error: 'no_text' };
    if (text.length > 40_000) return { error: 'msg_too_long' };
    if (blocks !== undefined) {
      const errors = blockErrors(blocks);
      if (errors.length) return { error: 'invalid_blocks', extra: { errors } };
    }
    return { text, blocks };
  }

  private nextTs(): string {
    this.seq += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(this.seq).padStart(6, '0')}`;
  }
}

function findButton(blocks: Block[], actionId: string): Block | undefined {
  for (const b of blocks) if (b.type === 'actions') for (const el of b.elements as Block[]) if (el.action_id === actionId) return el;
  return undefined;
}

/** Every button (label and action id) of a message, row by row. */
export function buttonsOf(message: FakeMessage | undefined): { label: string; actionId: string; value?: string; style?: string }[][] {
  return (message?.blocks ?? [])
    .filter((b) => b.type === 'actions')
    .map((b) => (b.elements as Block[]).map((el) => ({ label: String(el.text.text), actionId: String(el.action_id), value: el.value as string | undefined, style: el.style as string | undefined })));
}
