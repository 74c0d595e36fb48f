/**
 * The local web playground: a chat-like page where each tab is a user and a server can be picked.
 * Commands typed in the page go through the same command layer, queue and pipeline as Discord and
 * Slack; job updates are pushed to every open tab of that server over a WebSocket (feed.ts).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SOMETHING_WENT_WRONG } from '../../core/errors.js';
import { FORM_EXPIRED, FormAnswerError, PendingForms, readFormAnswers } from '../../core/forms.js';
import type { CommandOutcome, Invocation } from '../../core/invocation.js';
import { languageOfHeader, localize, translate } from '../../core/i18n.js';
import { uiText } from './ui-text.js';
import { md, plainText, tr, type Markup } from '../../core/markup.js';
import type { Reply } from '../../core/reply.js';
import { followJobs } from '../../replies/follow.js';
import { followModeration } from '../../replies/moderation.js';
import type { Services } from '../../services.js';
import { IMAGE_PROMPT_LIMITS } from '../../jobs/image-prompts.js';
import { BoundedMap } from '../../util/bounded-map.js';
import type { AdapterHandle, AdapterState, CommandLayer } from '../types.js';
import { AdminGate, PASSWORD_HEADER, type AdminDecision } from './auth.js';
import { BrowserIds, loadBrowserSecret } from './browser-id.js';
import { ChannelHub } from './channels.js';
import { WEB_CHANNEL_ID, WebDelivery, type ToWebMessage, type WebDeliveryData } from './delivery.js';
import { LiveFeeds } from './feed.js';
import { HttpError, SECURITY_HEADERS, checkRequestOrigin, clientAddress, isLoopbackHost, readJsonBody, sendError, sendJson, trustedProxies } from './http.js';
import { ImageCache } from './image-cache.js';
import { buttonIntent, commandFromText, readIdentity, toInvocation, type Identity } from './invocation.js';
import { messageFromReply, type WebMessage } from './message.js';
import { StaticFiles } from './static.js';

export { PASSWORD_HEADER } from './auth.js';
export { WEB_CHANNEL_ID } from './delivery.js';
export type { WebMessage } from './message.js';

export interface WebOptions {
  /** Lets another module answer some paths on this server (/healthz, /metrics); returns true when it did. */
  routes?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Overrides WEB_PORT (0 = any free port, for tests). */
  port?: number;
  /** Overrides WEB_HOST. */
  host?: string;
  /** The "servers" a tab can pick; each has its own channel, limits and quotas. */
  servers?: string[];
  /** At most one queued/progress update per job per this many ms. */
  progressIntervalMs?: number;
}

export type WebHandle = AdapterHandle & { url: string };

export const DEFAULT_WEB_SERVERS = ['local', 'second'];

const BODY_LIMIT = 16 * 1024;
/** Pictures uploaded for image prompts, kept until used (or pushed out by newer ones). */
const UPLOADS_KEPT = 8;
const SERVER_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;

function displayUrl(host: string, port: number): string {
  const h = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
  return `http://${h}:${port}/`;
}

export async function startWeb(services: Services, commands: CommandLayer, options: WebOptions = {}): Promise<WebHandle> {
  const { config } = services;
  const log = services.log.child({ adapter: 'web' });
  const host = options.host ?? config.WEB_HOST;
  const port = options.port ?? config.WEB_PORT;
  const boundToLoopback = isLoopbackHost(host);
  const servers = options.servers ?? DEFAULT_WEB_SERVERS;
  for (const s of servers) if (!SERVER_NAME.test(s)) throw new Error(`playground server name '${s}' must be lowercase letters, digits, _ or -`);

  const files = new StaticFiles();
  const hub = new ChannelHub(servers);
  /** Forms a tab has open, until their answers come (kept in memory, as Discord's are). */
  const forms = new PendingForms();
  const images = new ImageCache();
  const uploads = new BoundedMap<string, Buffer>(UPLOADS_KEPT);
  const gate = new AdminGate({ boundToLoopback, password: config.WEB_PASSWORD });
  const proxies = config.TRUSTED_PROXIES.length > 0 ? trustedProxies(config.TRUSTED_PROXIES) : undefined;
  // Exposed, a name is only a user inside one browser (a signed cookie): nobody can take another's name over.
  const browsers = boundToLoopback ? undefined : new BrowserIds(loadBrowserSecret(config.DATA_DIR));
  const browserOf = (req: IncomingMessage, res: ServerResponse) => browsers?.identify(req, res, req.headers['x-forwarded-proto'] === 'https');
  const addressOf = (req: IncomingMessage) => clientAddress(req, proxies);
  const feeds = new LiveFeeds(hub, boundToLoopback, log, addressOf);
  /** Display names by user id, for mentions. */
  const userNames = new BoundedMap<string, string>(10_000);
  const rememberUser = (userId: string, userName: string) => userNames.set(userId, userName);
  let state: AdapterState = 'starting';

  const toMessage: ToWebMessage = (reply, base, clientId, language) =>
    messageFromReply(reply, base, { clientId, now: Date.now(), storeImage: (data) => `/api/images/${images.put(data)}.png`, userName: (id) => userNames.get(id), language });

  const stopJobs = followJobs(services, new WebDelivery(config.INSTANCE_ID, options.progressIntervalMs ?? 400, hub, toMessage, rememberUser, log));
  // The playground has one channel per server: a log set to it posts there, spoilers blurred.
  const stopLog = followModeration(services, {
    platform: 'web',
    gateway: config.INSTANCE_ID,
    post: async (serverId, channelId, reply) => {
      if (channelId !== WEB_CHANNEL_ID || !hub.hasServer(serverId)) return;
      hub.upsert(toMessage(reply, { id: randomUUID(), serverId }, undefined));
    },
  });
  const stopFollowing = () => (stopJobs(), stopLog());

  /** Posts an answer visible only to the asking tab. */
  const postEphemeral = (who: Identity, action: string, text: Markup): WebMessage =>
    hub.upsert(toMessage({ text, ephemeral: true }, { id: randomUUID(), serverId: who.serverId, invokedBy: { userId: who.userId, userName: who.userName, action } }, who.clientId, who.language));

  /**
   * A user option typed as `@name` names whoever last used the playground under that name (names
   * are the playground's only identity); an unknown name is left for the command to refuse.
   */
  function resolveUsers<T extends Pick<Invocation, 'command' | 'subcommand' | 'options'>>(intent: T): T {
    const spec = commands.commands.find((c) => c.name === intent.command);
    const specs = (intent.subcommand ? spec?.subcommands?.find((s) => s.name === intent.subcommand)?.options : spec?.options) ?? [];
    const options = { ...intent.options };
    for (const o of specs) {
      const value = options[o.name];
      if (o.type !== 'user' || typeof value !== 'string' || !value.startsWith('@')) continue;
      const wanted = value.slice(1).toLowerCase();
      const match = [...userNames].reverse().find(([, name]) => name.toLowerCase() === wanted);
      if (match) options[o.name] = match[0];
    }
    return { ...intent, options };
  }

  /** Runs an invocation through the command layer and posts its first answer. */
  async function run(
    who: Identity,
    admin: AdminDecision,
    action: string,
    intent: Pick<Invocation, 'command' | 'subcommand' | 'options'>,
    files?: Invocation['files'],
    /** The message a click came from (🗑 Delete takes it down). */
    source?: WebMessage,
  ): Promise<WebMessage> {
    const messageId = randomUUID();
    const data: WebDeliveryData = { serverId: who.serverId, channelId: WEB_CHANNEL_ID, messageId, clientId: who.clientId, userId: who.userId, userName: who.userName, action };
    // The delivery is set before dispatch: the queue stores it with the job, and updates may arrive before dispatch returns.
    const invocation: Invocation = {
      ...toInvocation(who, admin.isAdmin, resolveUsers(intent), { platform: 'web', gateway: config.INSTANCE_ID, data: { ...data } }),
      ...(files ? { files } : {}),
      ...(source ? { origin: `#m-${source.id}` } : {}),
      // Further jobs (permutations, repeats) get messages of their own.
      moreDelivery: { platform: 'web', gateway: config.INSTANCE_ID, data: { ...data, messageId: undefined } },
    };
    let outcome: CommandOutcome;
    try {
      outcome = await commands.dispatch(invocation, services);
    } catch (err) {
      log.error({ err, command: invocation.command, serverId: who.serverId }, 'command failed');
      return postEphemeral(who, action, [tr(SOMETHING_WENT_WRONG)]);
    }
    if (outcome.kind === 'removed' && source) hub.remove(who.serverId, source.id);
    if (outcome.kind === 'form') {
      // The asking tab opens the form in a dialog; the message stays as its way back to it.
      const { title, submitLabel, fields } = outcome.form;
      const form = { id: forms.put(outcome.form, who.userId), title, submitLabel, fields };
      const message = toMessage({ text: md`📝 ${title}`, ephemeral: true }, { id: messageId, serverId: who.serverId, invokedBy: { userId: who.userId, userName: who.userName, action } }, who.clientId, who.language);
      return hub.upsert({ ...message, form });
    }
    const status = outcome.kind === 'job' ? ((await services.jobs.get(outcome.jobId))?.status ?? 'queued') : undefined;
    // A fast job may already have been shown by its own updates; never step back to the first status.
    const existing = hub.get(who.serverId, messageId);
    if (existing) return existing;
    // A panel updating itself takes the place of the message clicked.
    const id = outcome.kind === 'reply' && outcome.reply.replaces && source ? source.id : messageId;
    const reply: Reply = outcome.kind === 'removed' ? { ...outcome.reply, ephemeral: true } : outcome.reply;
    return hub.upsert(
      toMessage(
        reply,
        {
          id,
          serverId: who.serverId,
          invokedBy: { userId: who.userId, userName: who.userName, action },
          ...(outcome.kind === 'job' ? { jobId: outcome.jobId, job: { status: status! } } : {}),
        },
        who.clientId,
      ),
    );
  }

  function adminOf(req: IncomingMessage): AdminDecision {
    const given = req.headers[PASSWORD_HEADER];
    return gate.decide(addressOf(req), Array.isArray(given) ? given[0] : given);
  }

  /** A picture for an image prompt: raw bytes, at most the size image prompts take; answers its upload id. */
  async function handleUpload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    browserOf(req, res);
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (!type.startsWith('image/') && type !== 'application/octet-stream') throw new HttpError(415, 'Send the picture itself (an image/* body).');
    const limit = IMAGE_PROMPT_LIMITS.maxBytes;
    const tooLarge = () => new HttpError(413, `The image is larger than ${Math.round(limit / 1e6)} MB, the most this bot takes.`);
    if (Number(req.headers['content-length']) > limit) throw tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) throw tooLarge();
      chunks.push(chunk);
    }
    if (size === 0) throw new HttpError(400, 'The upload is empty.');
    const id = randomUUID();
    uploads.set(id, Buffer.concat(chunks));
    sendJson(res, 200, { id });
  }

  async function handleCommand(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJsonBody(req, BODY_LIMIT);
    const who = readIdentity(body, hub, browserOf(req, res), req.headers['accept-language']);
    if (typeof body.text !== 'string') throw new HttpError(400, 'Missing text.');
    const admin = adminOf(req);
    rememberUser(who.userId, who.userName);
    const parsed = commandFromText(body.text.trim(), commands);
    // A picture uploaded for this command goes with it (once).
    let files: Invocation['files'];
    if (typeof body.image === 'string' && 'intent' in parsed) {
      const image = uploads.get(body.image);
      if (!image) throw new HttpError(400, 'That picture is no longer here; attach it again.');
      uploads.delete(body.image);
      files = { image };
      parsed.intent = { ...parsed.intent, options: { ...parsed.intent.options, image: `upload:${body.image}` } };
    }
    const message = 'intent' in parsed ? await run(who, admin, parsed.action, parsed.intent, files) : postEphemeral(who, parsed.action, parsed.refusal);
    sendJson(res, 200, { message, admin: admin.isAdmin, passwordRejected: admin.passwordRejected });
  }

  async function handleButton(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJsonBody(req, BODY_LIMIT);
    const who = readIdentity(body, hub, browserOf(req, res), req.headers['accept-language']);
    const intent = buttonIntent(body.id, body.value, body.cells);
    const admin = adminOf(req);
    rememberUser(who.userId, who.userName);
    const from = typeof body.messageId === 'string' ? hub.get(who.serverId, body.messageId) : undefined;
    const button = from?.buttons.flat().find((b) => b.id === body.id);
    const select = from?.selects?.find((s) => s.id === body.id);
    const choice = select?.options.find((o) => o.value === body.value);
    const drew = from?.drawing !== undefined && from.drawing.id === body.id && body.value === from.drawing.value;
    const action = button ? `clicked ${[button.emoji, button.label].filter(Boolean).join(' ')}` : choice ? `chose ${choice.label}` : drew ? 'drew a region' : 'clicked a button';
    const message = await run(who, admin, action, intent, undefined, from);
    sendJson(res, 200, { message, admin: admin.isAdmin, passwordRejected: admin.passwordRejected });
  }

  /** A form's answers: refused ones come back with the box they are about (the dialog stays open); else they run the form's command. */
  async function handleForm(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJsonBody(req, BODY_LIMIT);
    const who = readIdentity(body, hub, browserOf(req, res), req.headers['accept-language']);
    const admin = adminOf(req);
    rememberUser(who.userId, who.userName);
    const formId = typeof body.formId === 'string' ? body.formId : '';
    const form = forms.peek(formId, who.userId);
    if (!form) {
      sendJson(res, 200, { message: postEphemeral(who, 'sent a form', [tr(FORM_EXPIRED)]), admin: admin.isAdmin });
      return;
    }
    const raw = body.answers && typeof body.answers === 'object' ? (body.answers as Record<string, unknown>) : {};
    const answers = Object.fromEntries(form.fields.map((f) => [f.name, typeof raw[f.name] === 'string' ? (raw[f.name] as string) : undefined]));
    let options: Invocation['options'];
    try {
      options = readFormAnswers(commands.commands.find((c) => c.name === form.command), form, answers);
    } catch (err) {
      if (!(err instanceof FormAnswerError)) throw err;
      sendJson(res, 200, { fieldError: { field: err.field, message: plainText(localize(err.markup, who.language ?? 'en')) }, admin: admin.isAdmin });
      return;
    }
    forms.take(formId, who.userId);
    const message = await run(who, admin, `sent ${form.title}`, { command: form.command, ...(form.subcommand ? { subcommand: form.subcommand } : {}), options });
    sendJson(res, 200, { message, admin: admin.isAdmin, passwordRejected: admin.passwordRejected });
  }

  function handleState(req: IncomingMessage, res: ServerResponse): void {
    browserOf(req, res);
    const model = services.models.defaultModel;
    const lang = languageOfHeader(req.headers['accept-language']) ?? 'en';
    const t = (text: string) => translate(lang, text);
    sendJson(res, 200, {
      // The page's own words in the browser's language.
      ui: uiText(lang),
      servers,
      admin: adminOf(req).isAdmin,
      channel: WEB_CHANNEL_ID,
      passwordNeeded: gate.passwordNeeded,
      model: { name: model.name, description: model.description, width: model.defaults.width, height: model.defaults.height, steps: model.defaults.steps },
      models: services.models.list().map((m) => m.name),
      commands: commands.commands.map((c) => ({
        name: c.name,
        description: t(c.description),
        adminOnly: Boolean(c.adminOnly),
        options: (c.options ?? []).map((o) => ({ name: o.name, description: t(o.description), required: Boolean(o.required), choices: o.choices?.map((ch) => ch.value) })),
        subcommands: (c.subcommands ?? []).map((s) => ({ name: s.name, description: t(s.description), options: (s.options ?? []).map((o) => o.name) })),
      })),
    });
  }

  function serveImage(req: IncomingMessage, res: ServerResponse, key: string): void {
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, 'Method not allowed.');
    const data = images.get(key);
    if (!data) throw new HttpError(404, 'This image is no longer kept; run the command again.');
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': imageType(data),
      'Content-Length': String(data.length),
      // Content-addressed: the bytes behind a URL never change.
      'Cache-Control': 'private, max-age=31536000, immutable',
    });
    res.end(method === 'HEAD' ? undefined : data);
  }

  const routes: Record<string, { method: string; run: (req: IncomingMessage, res: ServerResponse) => void | Promise<void> }> = {
    '/api/state': { method: 'GET', run: handleState },
    // Reached only without an Upgrade header (a WebSocket handshake goes to the feeds).
    '/api/events': { method: 'GET', run: (_req, res) => sendError(res, 426, 'This is a WebSocket endpoint.', { Upgrade: 'websocket' }) },
    '/api/command': { method: 'POST', run: handleCommand },
    '/api/upload': { method: 'POST', run: handleUpload },
    '/api/button': { method: 'POST', run: handleButton },
    '/api/form': { method: 'POST', run: handleForm },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://playground.invalid').pathname;
    // Before anything answers: a DNS-rebinding page must not read /readyz or /metrics either.
    checkRequestOrigin(req, boundToLoopback);
    if (options.routes?.(req, res)) return;
    if (files.serve(req, res, path)) return;
    const image = /^\/api\/images\/([0-9a-f]{64})\.png$/.exec(path);
    if (image) return serveImage(req, res, image[1]!);
    const route = routes[path];
    if (!route) throw new HttpError(404, 'Not found.');
    if ((req.method ?? 'GET') !== route.method) throw new HttpError(405, 'Method not allowed.');
    await route.run(req, res);
  }

  /** Answers a request whose handler failed; never throws, whatever state the connection is in. */
  function answerFailure(req: IncomingMessage, res: ServerResponse, err: unknown): void {
    if (err instanceof HttpError) {
      // The rest of an oversized body is not read: the answer closes the connection.
      sendError(res, err.status, err.message, err.status === 413 ? { Connection: 'close' } : {});
      return;
    }
    log.error({ err, path: req.url?.split('?')[0] }, 'playground request failed');
    if (!res.headersSent) sendError(res, 500, SOMETHING_WENT_WRONG);
    else res.end();
  }

  const server: Server = createServer((req, res) => {
    handle(req, res)
      .catch((err: unknown) => answerFailure(req, res, err))
      .catch((err: unknown) => {
        log.error({ err }, 'playground could not answer a failed request');
        res.destroy();
      });
  });
  server.on('upgrade', feeds.upgrade);
  server.requestTimeout = 30_000;
  server.headersTimeout = 20_000;
  server.maxHeadersCount = 100;

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      stopFollowing();
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(`WEB_PORT ${port} on ${host} is already in use: set WEB_PORT to a free port, or WEB_PORT=0 to turn the playground off`)
          : err.code === 'EADDRNOTAVAIL'
            ? new Error(`WEB_HOST ${host} is not an address of this machine`)
            : err,
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (err) => log.error({ err }, 'playground server error'));

  const url = displayUrl(host, (server.address() as AddressInfo).port);
  state = 'connected';
  log.info({ url, servers, exposed: !boundToLoopback }, `web playground at ${url}`);
  if (!boundToLoopback) log.warn('the playground is exposed beyond this machine: admin actions need WEB_PASSWORD; serve it behind HTTPS so the password is not sent in clear text');

  return {
    name: 'web',
    url,
    state: () => state,
    async stop() {
      if (state === 'stopped') return;
      state = 'stopped';
      stopFollowing();
      feeds.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** The type of an image by its first bytes: results are PNG, live previews WebP. */
function imageType(data: Buffer): string {
  if (data.subarray(0, 4).toString('latin1') === 'RIFF' && data.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  if (data[0] === 0xff && data[1] === 0xd8) return 'image/jpeg';
  return 'image/png';
}
