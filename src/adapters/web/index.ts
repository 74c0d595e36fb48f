/**
 * The local web playground: a chat-like page where each tab is a user and a server can be picked.
 * Commands typed in the page go through the same command layer, queue and pipeline as Discord and
 * Slack; job updates are pushed to every open tab of that server over a WebSocket.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { dispatch, parseCommandText, slashCommands } from '../../../commands/index.js';
import type { Services } from '../../core/command.js';
import { UserError, type CommandOutcome, type Invocation, type Reply } from '../../core/invocation.js';
import type { JobEvent, JobRecord } from '../../core/jobs.js';
import { followJobs } from '../../core/job-updates.js';
import { PROJECT_ROOT } from '../../config.js';
import type { AdapterHandle, AdapterState } from '../types.js';
import { AdminGate, PASSWORD_HEADER, type AdminDecision } from './auth.js';
import { ChannelHub, messageFromReply, type WebMessage } from './channels.js';
import { ImageCache } from './image-cache.js';
import { HttpError, SECURITY_HEADERS, checkRequestOrigin, isLoopbackHost, originMatchesHost, readJsonBody, sendError, sendJson } from './http.js';

export { PASSWORD_HEADER } from './auth.js';
export type { WebMessage } from './channels.js';

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

/** The one channel each playground server has. */
export const WEB_CHANNEL_ID = 'general';
export const DEFAULT_WEB_SERVERS = ['local', 'second'];

/** Routing data stored with a job started from the playground. */
interface WebDeliveryData {
  serverId: string;
  channelId: string;
  messageId: string;
  clientId: string;
  userId: string;
  userName: string;
  action: string;
}

interface Identity {
  serverId: string;
  clientId: string;
  userId: string;
  userName: string;
}

const BODY_LIMIT = 16 * 1024;
const MAX_COMMAND_CHARS = 4000;
const MAX_FEEDS = 1000;
const MAX_FEEDS_PER_ADDRESS = 100;
const MAX_FEED_BUFFER = 16 * 1024 * 1024;
const HEARTBEAT_MS = 20_000;
const CLIENT_ID = /^[A-Za-z0-9_-]{8,64}$/;
const USER_NAME = /^[\p{L}\p{N}][\p{L}\p{N} _.'-]{0,31}$/u;
const SERVER_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;

function staticDir(): string {
  const here = fileURLToPath(new URL('./static/', import.meta.url));
  try {
    readFileSync(join(here, 'index.html'));
    return here;
  } catch {
    // Compiled builds keep the page in the source tree.
    return join(PROJECT_ROOT, 'src', 'adapters', 'web', 'static');
  }
}

interface StaticFile {
  type: string;
  body: Buffer;
}

function loadStatic(): Map<string, StaticFile> {
  const dir = staticDir();
  const files: [string, string, string][] = [
    ['/', 'index.html', 'text/html; charset=utf-8'],
    ['/app.js', 'app.js', 'text/javascript; charset=utf-8'],
    ['/markup.js', 'markup.js', 'text/javascript; charset=utf-8'],
    ['/style.css', 'style.css', 'text/css; charset=utf-8'],
    ['/favicon.svg', 'favicon.svg', 'image/svg+xml'],
  ];
  return new Map(files.map(([path, file, type]) => [path, { type, body: readFileSync(join(dir, file)) }]));
}

function displayUrl(host: string, port: number): string {
  const h = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
  return `http://${h}:${port}/`;
}

/** The start of a long text, for the "alice used /imagine …" line. */
function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function readIdentity(body: Record<string, unknown>, hub: ChannelHub): Identity {
  const serverId = body.server;
  if (typeof serverId !== 'string' || !hub.hasServer(serverId)) throw new HttpError(400, `Unknown server; pick one of: ${hub.servers.join(', ')}.`);
  const clientId = body.clientId;
  if (typeof clientId !== 'string' || !CLIENT_ID.test(clientId)) throw new HttpError(400, 'Missing or malformed clientId.');
  const userName = typeof body.user === 'string' ? body.user.normalize('NFC').trim().replace(/\s+/g, ' ') : '';
  if (!USER_NAME.test(userName)) throw new HttpError(400, "Pick a user name: 1–32 letters, digits, spaces or _ . ' - (starting with a letter or digit).");
  // One name is one user, whatever its case, in every tab that uses it.
  return { serverId, clientId, userName, userId: userName.toLowerCase().replace(/ /g, '_') };
}

function readDeliveryData(job: JobRecord): WebDeliveryData | undefined {
  const d = job.delivery?.data as Partial<WebDeliveryData> | undefined;
  if (!d || typeof d.serverId !== 'string' || typeof d.messageId !== 'string') return undefined;
  return {
    serverId: d.serverId,
    channelId: typeof d.channelId === 'string' ? d.channelId : WEB_CHANNEL_ID,
    messageId: d.messageId,
    clientId: typeof d.clientId === 'string' ? d.clientId : 'nobody',
    userId: typeof d.userId === 'string' ? d.userId : job.userId,
    userName: typeof d.userName === 'string' ? d.userName : job.userName,
    action: typeof d.action === 'string' ? d.action : 'started a job',
  };
}

/** The status badge and progress bar data: the stored status, with the event's position or step. */
function jobStateOf(job: JobRecord, event: JobEvent): WebMessage['job'] {
  const status = job.status;
  if (status === 'queued' && event.type === 'queued') return { status, position: event.position };
  if (status === 'running' && event.type === 'progress') return { status, step: event.step, total: event.total };
  return { status };
}

export async function startWeb(services: Services, options: WebOptions = {}): Promise<WebHandle> {
  const { config, log: parentLog } = services;
  const log = parentLog.child({ adapter: 'web' });
  const host = options.host ?? config.WEB_HOST;
  const port = options.port ?? config.WEB_PORT;
  const boundToLoopback = isLoopbackHost(host);
  const servers = options.servers ?? DEFAULT_WEB_SERVERS;
  for (const s of servers) if (!SERVER_NAME.test(s)) throw new Error(`playground server name '${s}' must be lowercase letters, digits, _ or -`);

  const files = loadStatic();
  const hub = new ChannelHub(servers);
  const images = new ImageCache();
  const gate = new AdminGate({ boundToLoopback, password: config.WEB_PASSWORD });
  /** Display names by user id, for <@userId> mentions. */
  const userNames = new Map<string, string>();
  const rememberUser = (userId: string, userName: string) => {
    userNames.delete(userId);
    userNames.set(userId, userName);
    if (userNames.size > 10_000) userNames.delete(userNames.keys().next().value!);
  };
  const feeds = new Set<WebSocket>();
  const feedsByAddress = new Map<string, number>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024, perMessageDeflate: false });
  let state: AdapterState = 'starting';

  const commandSummary = slashCommands.map((c) => ({
    name: c.name,
    description: c.description,
    adminOnly: Boolean(c.adminOnly),
    options: (c.options ?? []).map((o) => ({ name: o.name, description: o.description, required: Boolean(o.required), choices: o.choices?.map((ch) => ch.value) })),
    subcommands: (c.subcommands ?? []).map((s) => ({ name: s.name, description: s.description, options: (s.options ?? []).map((o) => o.name) })),
  }));

  const toMessage = (reply: Reply, base: Parameters<typeof messageFromReply>[1], clientId: string | undefined): WebMessage =>
    messageFromReply(reply, base, {
      clientId,
      now: Date.now(),
      storeImage: (data) => `/api/images/${images.put(data)}.png`,
      userName: (id) => userNames.get(id),
    });

  const stopFollowing = followJobs(services, {
    platform: 'web',
    gateway: config.INSTANCE_ID,
    progressIntervalMs: options.progressIntervalMs ?? 400,
    async deliver(job, reply, event) {
      const data = readDeliveryData(job);
      if (!data || !hub.hasServer(data.serverId)) {
        log.debug({ jobId: job.id }, 'job update for a playground server this process does not serve; dropped');
        return;
      }
      rememberUser(job.userId, job.userName);
      // An ephemeral update must not turn the shared status message private: it gets its own message.
      const id = reply.ephemeral ? `${data.messageId}-${event.type}` : data.messageId;
      hub.upsert(
        toMessage(
          reply,
          {
            id,
            serverId: data.serverId,
            jobId: job.id,
            invokedBy: { userId: data.userId, userName: data.userName, action: data.action },
            job: jobStateOf(job, event),
          },
          data.clientId,
        ),
      );
    },
  });

  /** Posts an answer visible only to the asking tab. */
  const postEphemeral = (who: Identity, action: string, text: string): WebMessage =>
    hub.upsert(
      toMessage({ text, ephemeral: true }, { id: randomUUID(), serverId: who.serverId, invokedBy: { userId: who.userId, userName: who.userName, action } }, who.clientId),
    );

  /** Runs an invocation through the command layer and posts its first answer. */
  async function run(who: Identity, admin: AdminDecision, action: string, command: Pick<Invocation, 'command' | 'subcommand' | 'options'>): Promise<WebMessage> {
    const messageId = randomUUID();
    const data: WebDeliveryData = { serverId: who.serverId, channelId: WEB_CHANNEL_ID, messageId, clientId: who.clientId, userId: who.userId, userName: who.userName, action };
    const invocation: Invocation = {
      platform: 'web',
      serverId: who.serverId,
      channelId: WEB_CHANNEL_ID,
      userId: who.userId,
      userName: who.userName,
      isServerAdmin: admin.isAdmin,
      ...command,
      // Set before dispatch: the queue stores it with the job, and updates may arrive before dispatch returns.
      delivery: { platform: 'web', gateway: config.INSTANCE_ID, data: { ...data } },
    };
    let outcome: CommandOutcome;
    try {
      outcome = await dispatch(invocation, services);
    } catch (err) {
      if (err instanceof UserError) return postEphemeral(who, action, err.message);
      log.error({ err, command: invocation.command, serverId: who.serverId }, 'command failed');
      return postEphemeral(who, action, 'Something went wrong. Please try again.');
    }
    const status = outcome.kind === 'job' ? ((await services.jobs.get(outcome.jobId))?.status ?? 'queued') : undefined;
    // A fast job may already have been shown by its own updates; never step back to the first status.
    const existing = hub.get(who.serverId, messageId);
    if (existing) return existing;
    return hub.upsert(
      toMessage(
        outcome.reply,
        {
          id: messageId,
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
    return gate.decide(req.socket.remoteAddress, Array.isArray(given) ? given[0] : given);
  }

  async function handleCommand(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJsonBody(req, BODY_LIMIT);
    const who = readIdentity(body, hub);
    if (typeof body.text !== 'string') throw new HttpError(400, 'Missing text.');
    const text = body.text.trim();
    const admin = adminOf(req);
    rememberUser(who.userId, who.userName);
    const answer = (message: WebMessage) => sendJson(res, 200, { message, admin: admin.isAdmin, passwordRejected: admin.passwordRejected });
    if (text.length > MAX_COMMAND_CHARS) return answer(postEphemeral(who, 'sent a very long message', `That is too long: at most ${MAX_COMMAND_CHARS} characters.`));
    const match = /^\/([A-Za-z][\w-]*)(?:\s+([\s\S]*))?$/.exec(text);
    const list = slashCommands.map((c) => `\`/${c.name}\``).join(', ');
    if (!match) {
      return answer(postEphemeral(who, `wrote ${shorten(text, 80)}`, `Commands start with a slash, e.g. \`/imagine red heart --seed 7\`. Available: ${list}.`));
    }
    const name = match[1]!.toLowerCase();
    const rest = match[2] ?? '';
    if (!slashCommands.some((c) => c.name === name)) {
      return answer(postEphemeral(who, `used /${name}`, `Unknown command \`/${name}\`. Available: ${list}.`));
    }
    let parsed: { subcommand?: string; options: Invocation['options'] };
    try {
      parsed = parseCommandText(name, rest);
    } catch (err) {
      if (err instanceof UserError) return answer(postEphemeral(who, `used ${shorten(text, 300)}`, err.message));
      throw err;
    }
    answer(await run(who, admin, `used ${shorten(text, 300)}`, { command: name, subcommand: parsed.subcommand, options: parsed.options }));
  }

  async function handleButton(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJsonBody(req, BODY_LIMIT);
    const who = readIdentity(body, hub);
    const id = body.id;
    if (typeof id !== 'string' || id.length === 0 || id.length > 100) throw new HttpError(400, 'Missing or malformed button id.');
    const admin = adminOf(req);
    rememberUser(who.userId, who.userName);
    const from = typeof body.messageId === 'string' ? hub.get(who.serverId, body.messageId) : undefined;
    const button = from?.buttons.flat().find((b) => b.id === id);
    const action = button ? `clicked ${[button.emoji, button.label].filter(Boolean).join(' ')}` : 'clicked a button';
    const message = await run(who, admin, action, { command: 'button', options: { id } });
    sendJson(res, 200, { message, admin: admin.isAdmin, passwordRejected: admin.passwordRejected });
  }

  /**
   * A tab's live feed: a WebSocket (not Server-Sent Events, which would each hold one of the
   * browser's six HTTP/1.1 connections per host and stall a user's seventh tab). First the
   * channel's history for that tab, then every new or edited message.
   */
  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const refuse = (status: number, message: string) => {
      const body = JSON.stringify({ error: message });
      socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    };
    try {
      if (state === 'stopped') return refuse(503, 'The playground is shutting down.');
      const url = new URL(req.url ?? '/', 'http://playground.invalid');
      if (url.pathname !== '/api/events') return refuse(404, 'Not found.');
      checkRequestOrigin(req, boundToLoopback);
      // Browsers send Origin on every WebSocket handshake and apply no CORS to it: check it always.
      const origin = req.headers.origin;
      if (origin !== undefined && !originMatchesHost(origin, req.headers.host)) {
        return refuse(403, 'Connections from other sites are not accepted.');
      }
      const serverId = url.searchParams.get('server') ?? '';
      const clientId = url.searchParams.get('client') ?? '';
      if (!hub.hasServer(serverId)) return refuse(400, `Unknown server; pick one of: ${hub.servers.join(', ')}.`);
      if (!CLIENT_ID.test(clientId)) return refuse(400, 'Missing or malformed client id.');
      const address = req.socket.remoteAddress ?? '?';
      const fromAddress = feedsByAddress.get(address) ?? 0;
      if (feeds.size >= MAX_FEEDS || fromAddress >= MAX_FEEDS_PER_ADDRESS) return refuse(429, 'Too many open tabs; close some.');
      wss.handleUpgrade(req, socket, head, (ws) => openFeed(ws, serverId, clientId, address));
    } catch (err) {
      if (err instanceof HttpError) return refuse(err.status, err.message);
      log.error({ err }, 'playground upgrade failed');
      refuse(500, 'Something went wrong.');
    }
  }

  function openFeed(ws: WebSocket, serverId: string, clientId: string, address: string): void {
    feeds.add(ws);
    feedsByAddress.set(address, (feedsByAddress.get(address) ?? 0) + 1);
    let alive = true;
    const send = (data: unknown) => {
      if (ws.readyState !== ws.OPEN) return;
      // A tab that stopped reading is dropped rather than buffered without end; it reconnects.
      if (ws.bufferedAmount > MAX_FEED_BUFFER) {
        ws.terminate();
        return;
      }
      ws.send(JSON.stringify(data));
    };
    send({ type: 'snapshot', messages: hub.history(serverId, clientId) });
    const unsubscribe = hub.subscribe({ serverId, clientId, send: (message) => send({ type: 'message', message }) });
    ws.on('pong', () => (alive = true));
    const heartbeat = setInterval(() => {
      if (!alive) return ws.terminate();
      alive = false;
      ws.ping();
    }, HEARTBEAT_MS);
    heartbeat.unref();
    // The page never needs to send anything on the feed.
    ws.on('message', () => ws.close(1003, 'this feed only sends'));
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      feeds.delete(ws);
      const n = (feedsByAddress.get(address) ?? 1) - 1;
      if (n <= 0) feedsByAddress.delete(address);
      else feedsByAddress.set(address, n);
    });
  }

  function handleState(req: IncomingMessage, res: ServerResponse): void {
    const model = services.models.defaultModel;
    sendJson(res, 200, {
      servers,
      admin: adminOf(req).isAdmin,
      channel: WEB_CHANNEL_ID,
      passwordNeeded: gate.passwordNeeded,
      model: { name: model.name, description: model.description, width: model.defaults.width, height: model.defaults.height, steps: model.defaults.steps },
      models: services.models.list().map((m) => m.name),
      commands: commandSummary,
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (options.routes?.(req, res)) return;
    const url = new URL(req.url ?? '/', 'http://playground.invalid');
    checkRequestOrigin(req, boundToLoopback);
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const isRead = method === 'GET' || method === 'HEAD';

    const file = files.get(path === '/index.html' ? '/' : path);
    if (file) {
      if (!isRead) throw new HttpError(405, 'Method not allowed.');
      res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': file.type, 'Content-Length': String(file.body.length), 'Cache-Control': 'no-cache' });
      res.end(method === 'HEAD' ? undefined : file.body);
      return;
    }
    const image = /^\/api\/images\/([0-9a-f]{64})\.png$/.exec(path);
    if (image) {
      if (!isRead) throw new HttpError(405, 'Method not allowed.');
      const data = images.get(image[1]!);
      if (!data) throw new HttpError(404, 'This image is no longer kept; run the command again.');
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'Content-Type': 'image/png',
        'Content-Length': String(data.length),
        // Content-addressed: the bytes behind a URL never change.
        'Cache-Control': 'private, max-age=31536000, immutable',
      });
      res.end(method === 'HEAD' ? undefined : data);
      return;
    }
    const routes: Record<string, { method: string; run: () => void | Promise<void> }> = {
      '/api/state': { method: 'GET', run: () => handleState(req, res) },
      // Reached only without an Upgrade header (a WebSocket handshake goes to handleUpgrade).
      '/api/events': { method: 'GET', run: () => sendError(res, 426, 'This is a WebSocket endpoint.', { Upgrade: 'websocket' }) },
      '/api/command': { method: 'POST', run: () => handleCommand(req, res) },
      '/api/button': { method: 'POST', run: () => handleButton(req, res) },
    };
    const route = routes[path];
    if (!route) throw new HttpError(404, 'Not found.');
    if (method !== route.method) throw new HttpError(405, 'Method not allowed.');
    await route.run();
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof HttpError) {
        // The rest of an oversized body is not read: close the connection after answering.
        sendError(res, err.status, err.message, err.status === 413 ? { Connection: 'close' } : {});
        if (err.status === 413) req.socket.end();
        return;
      }
      log.error({ err, path: req.url?.split('?')[0] }, 'playground request failed');
      if (!res.headersSent) sendError(res, 500, 'Something went wrong.');
      else res.end();
    });
  });
  server.on('upgrade', handleUpgrade);
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

  const bound = (server.address() as AddressInfo).port;
  const url = displayUrl(host, bound);
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
      for (const ws of feeds) {
        ws.close(1001, 'the playground is stopping');
        // A tab that does not answer the closing handshake must not hold the stop up.
        setTimeout(() => ws.terminate(), 1000).unref();
      }
      wss.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
