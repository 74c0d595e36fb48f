/**
 * Slack's HTTP endpoint (POST /slack/events) as a Bolt receiver that does the cheap checks first:
 * the signature headers are read before any body byte (missing, malformed, older than 5 minutes or
 * from the future: refused at once), the body is capped at what Slack sends, requests not yet
 * verified are capped in number, and a validly signed request is taken once (a replay inside the
 * window is refused). Only then is the body parsed and handed to Bolt.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import type { Logger } from '../../log/index.js';
import { BoundedMap } from '../../util/bounded-map.js';

export const SLACK_EVENTS_PATH = '/slack/events';
/** Slash commands and clicks on our own messages are a few KiB; 128 KiB leaves room for large messages. */
export const SLACK_BODY_LIMIT = 128 * 1024;
/** Requests whose signature is not checked yet, at once; more get 503 without their body being read. */
export const MAX_UNVERIFIED = 32;
/** Slack's own rule: a request older than this is refused. */
export const SIGNATURE_WINDOW_S = 5 * 60;
/** Clocks drift: a timestamp this far ahead is still taken; further is refused. */
export const FUTURE_SKEW_S = 60;
/** How long Slack waits for an answer; a request no listener acknowledged by then is answered empty. */
const ACK_TIMEOUT_MS = 3000;

export interface SlackHttpReceiverOptions {
  signingSecret: string;
  log: Logger;
  now?: () => number;
  bodyLimit?: number;
  maxUnverified?: number;
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const SIGNATURE = /^v0=[0-9a-f]{64}$/;

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

/** Reads at most `limit` bytes; more is a 413 and the rest is never read. */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new Refusal(413, 'body too large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new Refusal(413, 'body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export class SlackHttpReceiver implements Receiver {
  private app?: App;
  private server?: Server;
  private unverified = 0;
  /** Signatures taken in the last window (signature → its timestamp), so a replay is refused. */
  private readonly seen = new BoundedMap<string, number>(200_000);
  private readonly now: () => number;

  constructor(private readonly o: SlackHttpReceiverOptions) {
    this.now = o.now ?? Date.now;
  }

  init(app: App): void {
    this.app = app;
  }

  /** Listens on `port` (or { port, host }); resolves with the server once it listens. */
  async start(where: number | { port: number; host?: string }): Promise<Server> {
    const { port, host } = typeof where === 'number' ? { port: where, host: undefined } : where;
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => this.fail(res, err));
    });
    server.requestTimeout = 10_000;
    server.headersTimeout = 10_000;
    server.maxHeadersCount = 100;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => this.o.log.error({ err }, 'Slack HTTP server error'));
    this.server = server;
    return server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private fail(res: ServerResponse, err: unknown): void {
    if (err instanceof Refusal) {
      this.o.log.debug({ status: err.status, reason: err.message }, 'refused a Slack HTTP request');
      answer(res, err.status, { Connection: 'close' });
      return;
    }
    this.o.log.error({ err }, 'a Slack HTTP request failed');
    answer(res, 500);
  }

  /** The signature headers, checked before the body is read: present, well formed, inside the window. */
  private checkHeaders(req: IncomingMessage): { signature: string; timestamp: number } {
    const signature = header(req, 'x-slack-signature');
    const ts = header(req, 'x-slack-request-timestamp');
    if (!signature || !SIGNATURE.test(signature) || !ts || !/^\d{1,12}$/.test(ts)) throw new Refusal(401, 'missing or malformed signature headers');
    const timestamp = Number(ts);
    const nowS = Math.floor(this.now() / 1000);
    if (timestamp < nowS - SIGNATURE_WINDOW_S) throw new Refusal(401, 'stale timestamp');
    if (timestamp > nowS + FUTURE_SKEW_S) throw new Refusal(401, 'timestamp in the future');
    return { signature, timestamp };
  }

  private verify(body: Buffer, signature: string, timestamp: number): void {
    const expected = createHmac('sha256', this.o.signingSecret).update(`v0:${timestamp}:`).update(body).digest();
    const given = Buffer.from(signature.slice(3), 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Refusal(401, 'bad signature');
    // Taken once: a captured request sent again inside the window would run again.
    const nowS = Math.floor(this.now() / 1000);
    // Oldest first: what is past the window can no longer be replayed (the timestamp check refuses it).
    for (const [sig, at] of this.seen) {
      if (at >= nowS - SIGNATURE_WINDOW_S) break;
      this.seen.delete(sig);
    }
    if (this.seen.has(signature)) throw new Refusal(401, 'replayed request');
    this.seen.set(signature, timestamp);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== SLACK_EVENTS_PATH) throw new Refusal(404, 'unknown path');
    if (req.method !== 'POST') throw new Refusal(405, 'not a POST');
    const { signature, timestamp } = this.checkHeaders(req);
    if (this.unverified >= (this.o.maxUnverified ?? MAX_UNVERIFIED)) throw new Refusal(503, 'too many requests being verified');
    this.unverified++;
    let body: Buffer;
    try {
      body = await readBody(req, this.o.bodyLimit ?? SLACK_BODY_LIMIT);
      this.verify(body, signature, timestamp);
    } finally {
      this.unverified--;
    }
    const parsed = parseBody(body, header(req, 'content-type'));
    if (parsed.ssl_check === '1') return answer(res, 200);
    if (parsed.type === 'url_verification') return answer(res, 200, { 'Content-Type': 'application/json' }, JSON.stringify({ challenge: parsed.challenge }));
    await this.dispatch(parsed, req, res);
  }

  private async dispatch(body: Record<string, unknown>, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.app) throw new Error('the Slack receiver was not initialised by an App');
    let acked = false;
    const timer = setTimeout(() => {
      if (acked) return;
      acked = true;
      this.o.log.warn('no listener acknowledged a Slack request within 3 s; answered it empty');
      answer(res, 200);
    }, ACK_TIMEOUT_MS);
    timer.unref();
    const retry = header(req, 'x-slack-retry-num');
    const event: ReceiverEvent = {
      body,
      ...(retry ? { retryNum: Number.parseInt(retry, 10), retryReason: header(req, 'x-slack-retry-reason') } : {}),
      ack: async (response?: unknown) => {
        if (acked) return;
        acked = true;
        clearTimeout(timer);
        if (response === undefined || response === '') answer(res, 200);
        else if (typeof response === 'string') answer(res, 200, {}, response);
        else answer(res, 200, { 'Content-Type': 'application/json' }, JSON.stringify(response));
      },
    };
    try {
      await this.app.processEvent(event);
    } catch (err) {
      this.o.log.error({ err }, 'Slack event handling failed');
      if (!acked) {
        acked = true;
        clearTimeout(timer);
        answer(res, 500);
      }
    }
  }
}

/** Form fields (a slash command), `payload=<json>` (a click), or JSON (Events API). */
function parseBody(body: Buffer, contentType: string | undefined): Record<string, unknown> {
  const text = body.toString('utf8');
  try {
    if ((contentType ?? '').split(';')[0]!.trim() === 'application/json') return JSON.parse(text) as Record<string, unknown>;
    const form = parseQuery(text) as Record<string, unknown>;
    return typeof form.payload === 'string' ? (JSON.parse(form.payload) as Record<string, unknown>) : form;
  } catch {
    throw new Refusal(400, 'unreadable body');
  }
}

function answer(res: ServerResponse, status: number, headers: Record<string, string> = {}, body?: string): void {
  if (res.headersSent) {
    if (!res.writableEnded) res.end();
    return;
  }
  res.writeHead(status, { 'Cache-Control': 'no-store', ...headers });
  res.end(body);
}
