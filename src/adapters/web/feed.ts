/**
 * A tab's live feed: a WebSocket (not Server-Sent Events, which would each hold one of the
 * browser's six HTTP/1.1 connections per host and stall a user's seventh tab). First the
 * channel's history for that tab, then every new or edited message. Bounded per address and in all.
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { SOMETHING_WENT_WRONG } from '../../core/errors.js';
import type { Logger } from '../../log/index.js';
import type { ChannelHub } from './channels.js';
import { HttpError, checkRequestOrigin, originMatchesHost } from './http.js';
import { isClientId } from './invocation.js';

const MAX_FEEDS = 1000;
const MAX_FEEDS_PER_ADDRESS = 100;
const MAX_FEED_BUFFER = 16 * 1024 * 1024;
const HEARTBEAT_MS = 20_000;

export class LiveFeeds {
  private readonly feeds = new Set<WebSocket>();
  private readonly byAddress = new Map<string, number>();
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024, perMessageDeflate: false });
  private closed = false;

  constructor(
    private readonly hub: ChannelHub,
    private readonly boundToLoopback: boolean,
    private readonly log: Logger,
    /** Who a request is from (the forwarded address behind a trusted proxy). */
    private readonly addressOf: (req: IncomingMessage) => string | undefined = (req) => req.socket.remoteAddress,
  ) {}

  /** The HTTP server's 'upgrade' handler. */
  readonly upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    const refuse = (status: number, message: string) => {
      const body = JSON.stringify({ error: message });
      socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    };
    try {
      if (this.closed) return refuse(503, 'The playground is shutting down.');
      const url = new URL(req.url ?? '/', 'http://playground.invalid');
      if (url.pathname !== '/api/events') return refuse(404, 'Not found.');
      checkRequestOrigin(req, this.boundToLoopback);
      // Browsers send Origin on every WebSocket handshake and apply no CORS to it: check it always.
      const origin = req.headers.origin;
      if (origin !== undefined && !originMatchesHost(origin, req.headers.host)) return refuse(403, 'Connections from other sites are not accepted.');
      const serverId = url.searchParams.get('server') ?? '';
      const clientId = url.searchParams.get('client') ?? '';
      if (!this.hub.hasServer(serverId)) return refuse(400, `Unknown server; pick one of: ${this.hub.servers.join(', ')}.`);
      if (!isClientId(clientId)) return refuse(400, 'Missing or malformed client id.');
      const address = this.addressOf(req) ?? '?';
      if (this.feeds.size >= MAX_FEEDS || (this.byAddress.get(address) ?? 0) >= MAX_FEEDS_PER_ADDRESS) return refuse(429, 'Too many open tabs; close some.');
      this.wss.handleUpgrade(req, socket, head, (ws) => this.open(ws, serverId, clientId, address));
    } catch (err) {
      if (err instanceof HttpError) return refuse(err.status, err.message);
      this.log.error({ err }, 'playground upgrade failed');
      refuse(500, SOMETHING_WENT_WRONG);
    }
  };

  private open(ws: WebSocket, serverId: string, clientId: string, address: string): void {
    this.feeds.add(ws);
    this.byAddress.set(address, (this.byAddress.get(address) ?? 0) + 1);
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
    send({ type: 'snapshot', messages: this.hub.history(serverId, clientId) });
    const unsubscribe = this.hub.subscribe({ serverId, clientId, send: (message) => send({ type: 'message', message }) });
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
      this.feeds.delete(ws);
      const n = (this.byAddress.get(address) ?? 1) - 1;
      if (n <= 0) this.byAddress.delete(address);
      else this.byAddress.set(address, n);
    });
  }

  /** Closes every feed (tabs reconnect to the next start). */
  close(): void {
    this.closed = true;
    for (const ws of this.feeds) {
      ws.close(1001, 'the playground is stopping');
      // A tab that does not answer the closing handshake must not hold the stop up.
      setTimeout(() => ws.terminate(), 1000).unref();
    }
    this.wss.close();
  }
}
