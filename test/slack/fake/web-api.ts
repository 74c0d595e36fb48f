/**
 * The fake Slack's HTTP server: the Web API methods the adapter calls under /api/ (auth.test,
 * apps.connections.open, users.info, chat.*, the files upload v2 pair), the upload URLs that
 * files.getUploadURLExternal hands out, and response_url endpoints. It checks tokens, required
 * arguments, Block Kit limits and message existence as Slack does, records every call, and
 * answers 429 with Retry-After when a test asks it to.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQuery } from 'node:querystring';
// Body reading is the same for both fakes; it lives with the Discord fake.
import { readBytes, readMultipart } from '../../fixtures/multipart.js';
import { blockErrors, viewErrors, type Block } from './blocks.js';
import type { SocketMode } from './socket-mode.js';
import type { ApiCall, FakeFile, FakeMessage, SlackWorld } from './world.js';

/** Where a response_url posts, and how often it was used (Slack allows 5). */
interface ResponseUrlTarget {
  channel: string;
  user: string;
  uses: number;
}

interface RateLimitRule {
  remaining: number;
  retryAfterSeconds: number;
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

export class WebApi {
  readonly server: Server = createServer((req, res) => {
    this.handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: String(err) });
    });
  });
  /** Where the server listens, e.g. http://127.0.0.1:4567; empty until it does. */
  baseUrl = '';
  private readonly rateLimits = new Map<string, RateLimitRule>();
  private readonly responseUrls = new Map<string, ResponseUrlTarget>();
  private seq = 0;

  constructor(
    private readonly world: SlackWorld,
    /** apps.connections.open hands out its URLs. */
    private readonly socketMode: SocketMode,
    /** Called after every request (waitFor re-checks). */
    private readonly onChange: () => void,
  ) {}

  /** Listens on a free loopback port. */
  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next `times` calls of `method` get HTTP 429 with Retry-After. */
  rateLimit(method: string, times: number, retryAfterSeconds: number): void {
    this.rateLimits.set(method, { remaining: times, retryAfterSeconds });
  }

  get fileBase(): string {
    return this.baseUrl;
  }

  /** A person posts a message, with files (their pictures are served at url_private to the bot token). */
  postAsUser(channel: string, userId: string, text: string, files: { filename: string; data: Buffer; mimetype?: string }[]): FakeMessage {
    const stored: FakeFile[] = files.map((f) => {
      const id = `F${randomBytes(5).toString('hex').toUpperCase()}`;
      const file: FakeFile = { id, filename: f.filename, declaredLength: f.data.length, data: f.data, completed: true, mimetype: f.mimetype ?? 'image/png', private: true };
      this.world.files.set(id, file);
      return file;
    });
    const message: FakeMessage = { channel, ts: this.nextTs(), user: userId, text, files: stored, history: [], deleted: false };
    this.world.messages.push(message);
    this.onChange();
    return message;
  }

  /** A response_url for an event from `user` in `channel`. */
  newResponseUrl(channel: string, user: string): string {
    const id = randomBytes(8).toString('hex');
    this.responseUrls.set(id, { channel, user, uses: 0 });
    return `${this.baseUrl}/respond/${id}`;
  }

  // ---------------------------------------------------------------- HTTP

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const raw = await readBytes(req);
    try {
      if (url.pathname.startsWith('/api/')) return await this.handleApi(url.pathname.slice(5), req, raw, res);
      if (url.pathname.startsWith('/upload/')) return await this.handleUpload(url.pathname.slice(8), req, raw, res);
      if (url.pathname.startsWith('/respond/')) return this.handleResponseUrl(url.pathname.slice(9), req, raw, res);
      if (url.pathname.startsWith('/files-pri/')) return this.handleFile(url.pathname.slice(11), req, res);
      res.writeHead(404);
      res.end();
    } finally {
      this.onChange();
    }
  }

  private async handleUpload(fileId: string, req: IncomingMessage, raw: Buffer, res: ServerResponse): Promise<void> {
    const file = this.world.files.get(fileId);
    if (!file || req.method !== 'POST') {
      res.writeHead(404);
      res.end();
      return;
    }
    const type = String(req.headers['content-type'] ?? '');
    let data = raw;
    if (type.startsWith('multipart/form-data')) {
      // Slack accepts the bytes either raw or as the single file part of a multipart form.
      const [part] = (await readMultipart(raw, type)).files;
      if (!part) {
        res.writeHead(400);
        res.end('no file part');
        return;
      }
      data = part.data;
    }
    file.data = data;
    file.uploadContentType = type;
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`OK - ${data.length}`);
  }

  /** A person's file at its url_private: the bytes for the bot token; without it, Slack's sign-in page (HTML, status 200). */
  private handleFile(path: string, req: IncomingMessage, res: ServerResponse): void {
    const id = /^T0-([A-Z0-9]+)\//.exec(path)?.[1];
    const file = id ? this.world.files.get(id) : undefined;
    if (!file?.private || !file.data || req.method !== 'GET') {
      res.writeHead(404);
      res.end();
      return;
    }
    if (req.headers.authorization !== `Bearer ${this.world.botToken}`) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!DOCTYPE html><html><head><title>Sign in | Slack</title></head><body>Sign in to your workspace</body></html>');
      return;
    }
    res.writeHead(200, { 'content-type': file.mimetype ?? 'application/octet-stream', 'content-length': String(file.data.length) });
    res.end(file.data);
  }

  private handleResponseUrl(id: string, req: IncomingMessage, raw: Buffer, res: ServerResponse): void {
    const world = this.world;
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
    world.responseMessages.push({ channel: target.channel, user: target.user, text: body.text ?? '', blocks: body.blocks, responseType, replaceOriginal });
    if (responseType === 'ephemeral') world.ephemerals.push({ channel: target.channel, user: target.user, text: body.text ?? '', blocks: body.blocks, via: 'response_url' });
    sendJson(res, 200, { ok: true });
  }

  // ---------------------------------------------------------------- Web API methods

  private async handleApi(method: string, req: IncomingMessage, raw: Buffer, res: ServerResponse): Promise<void> {
    const world = this.world;
    const type = String(req.headers['content-type'] ?? '');
    let params: Record<string, unknown> = {};
    if (type.startsWith('application/json')) params = raw.length ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {};
    else params = { ...parseQuery(raw.toString('utf8')) };
    const auth = String(req.headers.authorization ?? '');
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : typeof params.token === 'string' ? params.token : undefined;
    const call: ApiCall = { method, params, status: 200, ok: true, token };
    world.calls.push(call);

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
    if (appLevel ? token !== world.appToken : token !== world.botToken) {
      return fail(appLevel && token === world.botToken ? 'not_allowed_token_type' : 'invalid_auth');
    }

    switch (method) {
      case 'auth.test':
        return answer({ ok: true, url: `https://${world.teamDomain}.slack.com/`, team: 'Fake Team', user: 'imagine', team_id: world.teamId, user_id: world.botUserId, bot_id: world.botId, is_enterprise_install: false });
      case 'apps.connections.open':
        return answer({ ok: true, url: this.socketMode.connectionUrl(this.baseUrl) });
      case 'users.info': {
        const user = world.users.get(String(params.user ?? ''));
        if (!user) return fail('user_not_found');
        return answer({
          ok: true,
          user: {
            id: user.id,
            team_id: world.teamId,
            name: user.name,
            real_name: user.realName ?? user.name,
            deleted: false,
            is_bot: false,
            is_admin: Boolean(user.isAdmin),
            is_owner: Boolean(user.isOwner),
            is_primary_owner: Boolean(user.isPrimaryOwner),
            profile: { display_name: user.displayName ?? '', real_name: user.realName ?? user.name },
            ...(String(params.include_locale) === 'true' ? { locale: user.locale ?? 'en-US' } : {}),
          },
        });
      }
      case 'chat.postMessage': {
        const channel = String(params.channel ?? '');
        if (!channel) return fail('channel_not_found');
        if (world.unreachableChannels.has(channel)) return fail(channel.startsWith('D') ? 'channel_not_found' : 'not_in_channel');
        const content = this.messageContent(params);
        if ('error' in content) return fail(content.error, content.extra);
        const message: FakeMessage = { channel, ts: this.nextTs(), user: world.botUserId, text: content.text, blocks: content.blocks, threadTs: params.thread_ts ? String(params.thread_ts) : undefined, history: [], deleted: false };
        world.messages.push(message);
        return answer({ ok: true, channel, ts: message.ts, message: { type: 'message', user: world.botUserId, bot_id: world.botId, text: message.text, ts: message.ts, blocks: message.blocks } });
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
        if (!channel || world.unreachableChannels.has(channel)) return fail('channel_not_found');
        if (!user) return fail('user_not_in_channel');
        const content = this.messageContent(params);
        if ('error' in content) return fail(content.error, content.extra);
        world.ephemerals.push({ channel, user, text: content.text, blocks: content.blocks, via: 'chat.postEphemeral' });
        return answer({ ok: true, message_ts: this.nextTs() });
      }
      case 'files.delete': {
        const file = world.files.get(String(params.file ?? ''));
        if (!file) return fail('file_not_found');
        if (file.private) return fail('cant_delete_file');
        world.files.delete(file.id);
        // The file's shares go with it.
        for (const m of world.messages) if (m.files?.some((f) => f.id === file.id)) m.files = m.files.filter((f) => f.id !== file.id);
        return answer({ ok: true });
      }
      case 'views.open': {
        const trigger = world.triggers.get(String(params.trigger_id ?? ''));
        if (!trigger) return fail('invalid_trigger_id');
        if (trigger.used || Date.now() - trigger.issuedAt > 3000) return fail('expired_trigger_id');
        const view = jsonField(params.view) as Record<string, any> | undefined;
        const errors = viewErrors(view);
        if (errors.length) return fail('invalid_arguments', { response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) } });
        trigger.used = true;
        const id = `V${randomBytes(5).toString('hex').toUpperCase()}`;
        // The user whose event brought the trigger sees it.
        world.views.push({ id, userId: trigger.userId, view: view!, closed: false });
        return answer({ ok: true, view: { ...view, id, team_id: world.teamId, state: { values: {} }, hash: `${Date.now()}.hash` } });
      }
      case 'files.getUploadURLExternal': {
        const filename = String(params.filename ?? '');
        const length = Number(params.length);
        if (!filename) return fail('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: filename'] } });
        if (!Number.isInteger(length) || length <= 0) return fail('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: length'] } });
        const id = `F${randomBytes(5).toString('hex').toUpperCase()}`;
        world.files.set(id, { id, filename, declaredLength: length, altText: params.alt_text ? String(params.alt_text) : undefined, completed: false });
        return answer({ ok: true, upload_url: `${this.baseUrl}/upload/${id}`, file_id: id });
      }
      case 'files.completeUploadExternal': {
        const list = jsonField(params.files);
        if (!Array.isArray(list) || list.length === 0) return fail('invalid_arguments');
        const files: FakeFile[] = [];
        for (const entry of list as { id?: string; title?: string }[]) {
          const file = entry.id ? world.files.get(entry.id) : undefined;
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
        if (channel && world.unreachableChannels.has(channel)) return fail('channel_not_found');
        for (const f of files) f.completed = true;
        if (channel) {
          world.messages.push({ channel, ts: this.nextTs(), user: world.botUserId, text: initialComment ?? '', blocks, files, threadTs: params.thread_ts ? String(params.thread_ts) : undefined, history: [], deleted: false });
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
    return this.world.messages.find((m) => m.channel === channel && m.ts === ts && !m.deleted);
  }

  /** The text and blocks of a chat.* call, or the error Slack answers for them. */
  private messageContent(params: Record<string, unknown>): { text: string; blocks?: Block[] } | { error: string; extra?: Record<string, unknown> } {
    const text = typeof params.text === 'string' ? params.text : '';
    const blocks = params.blocks === undefined ? undefined : (jsonField(params.blocks) as Block[]);
    if (!text && (!blocks || (Array.isArray(blocks) && blocks.length === 0))) return { error: 'no_text' };
    if (text.length > 40_000) return { error: 'msg_too_long' };
    if (blocks !== undefined) {
      const errors = blockErrors(blocks);
      // An image block may show a file the app uploaded, by id; Slack refuses one it does not have.
      (Array.isArray(blocks) ? blocks : []).forEach((b, i) => {
        const id = b.type === 'image' ? (b.slack_file as { id?: string } | undefined)?.id : undefined;
        if (id !== undefined && !this.world.files.get(id)?.completed) errors.push(`invalid slack_file [json-pointer:/blocks/${i}/slack_file]`);
      });
      if (errors.length) return { error: 'invalid_blocks', extra: { errors } };
    }
    return { text, blocks };
  }

  /** A new message timestamp: the current second and a sequence number, unique like Slack's. */
  private nextTs(): string {
    this.seq += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(this.seq).padStart(6, '0')}`;
  }
}
