/**
 * The local web playground: a chat-like page where each tab is a user and a server can be picked.
 * Commands typed in the page go through the same command layer, queue and pipeline as Discord and
 * Slack; job updates are pushed to every open tab of that server with Server-Sent Events.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
import { HttpError, SECURITY_HEADERS, checkRequestOrigin, isLoopbackHost, readJsonBody, sendError, sendJson } from './http.js';

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
const MAX_STREAMS = 200;
const MAX_STREAMS_PER_ADDRESS = 30;
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
  const streams = new Set<ServerResponse>();
  const streamsByAddress = new Map<string, number>();
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
      return answer(postEphemeral(who, 'wrote', `Commands start with a slash, e.g. \`/imagine red heart --seed 7\`. Available: ${list}.`));
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
      if (err instanceof UserError) return answer(postEphemeral(who, `used ${text}`, err.message));
      throw err;
    }
    answer(await run(who, admin, `used ${text}`, { command: name, subcommand: parsed.subcommand, options: parsed.options }));
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

  function handleEvents(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const serverId = url.searchParams.get('server') ?? '';
    const clientId = url.searchParams.get('client') ?? '';
    if (!hub.hasServer(serverId)) throw new HttpError(400, `Unknown server; pick one of: ${hub.servers.join(', ')}.`);
    if (!CLIENT_ID.test(clientId)) throw new HttpError(400, 'Missing or malformed client id.');
    const address = req.socket.remoteAddress ?? '?';
    const fromAddress = streamsByAddress.get(address) ?? 0;
    if (streams.size >= MAX_STREAMS || fromAddress >= MAX_STREAMS_PER_ADDRESS) throw new HttpError(429, 'Too many open event streams; close some tabs.');
    streamsByAddress.set(address, fromAddress + 1);
    streams.add(res);
    req.socket.setTimeout(0);
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    const write = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    res.write('retry: 2000\n\n');
    write('snapshot', { messages: hub.history(serverId, clientId) });
    const unsubscribe = hub.subscribe({ serverId, clientId, send: (m) => write('message', m) });
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    res.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(res);
      const n = (streamsByAddress.get(address) ?? 1) - 1;
      if (n <= 0) streamsByAddress.delete(address);
      else streamsByAddress.set(address, n);
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
      '/api/events': { method: 'GET', run: () => handleEvents(req, res, url) },
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
      for (const res of streams) res.end();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
