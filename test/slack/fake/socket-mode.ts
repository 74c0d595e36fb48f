/**
 * The fake Slack's Socket Mode WebSocket: one-time URLs as apps.connections.open hands them out,
 * hello on connect, envelopes sent to the app and resolved by its acks, and disconnect requests.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { SlackWorld } from './world.js';

interface PendingEnvelope {
  resolve(ack: { payload?: unknown; receivedAt: number }): void;
}

export class SocketMode {
  private readonly wss = new WebSocketServer({ noServer: true });
  /** Tickets of URLs handed out and not used yet: each lets one connection in. */
  private readonly tickets = new Set<string>();
  private readonly sockets = new Set<WebSocket>();
  private readonly pendingEnvelopes = new Map<string, PendingEnvelope>();

  constructor(
    private readonly world: SlackWorld,
    /** Called when a connection opens or closes (waitFor re-checks). */
    private readonly onChange: () => void,
  ) {}

  /** Takes WebSocket upgrades on the fake's HTTP server; only a URL from connectionUrl gets in. */
  attach(server: Server): void {
    server.on('upgrade', (req, socket, head) => {
      // Only the path and the query matter here.
      const url = new URL(req.url ?? '/', 'http://x');
      const ticket = url.searchParams.get('ticket') ?? '';
      if (url.pathname !== '/link/' || !this.tickets.delete(ticket)) {
        socket.write('HTTP/1.1 401 Unauthorized\r\n\r\n');
        socket.destroy();
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
    });
  }

  close(): void {
    for (const ws of this.sockets) ws.terminate();
    this.wss.close();
  }

  /** A one-time WebSocket URL on the fake's server at `httpBase`, the answer of apps.connections.open. */
  connectionUrl(httpBase: string): string {
    const ticket = randomBytes(12).toString('hex');
    this.tickets.add(ticket);
    return `${httpBase.replace('http:', 'ws:')}/link/?ticket=${ticket}&app_id=${this.world.appId}`;
  }

  get openSockets(): number {
    return this.sockets.size;
  }

  /** Sends an envelope over the first open connection and resolves with the app's ack. */
  sendEnvelope(type: 'slash_commands' | 'interactive', payload: Record<string, unknown>, timeoutMs: number): Promise<{ payload?: unknown; receivedAt: number; sentAt: number }> {
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
      ws.send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: type === 'slash_commands' || payload.type === 'view_submission' }));
    });
  }

  /** Asks every connected client to reconnect. */
  sendDisconnect(reason: string): void {
    for (const ws of this.sockets) ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake-slack-loopback' } }));
  }

  private onSocket(ws: WebSocket): void {
    this.world.socketConnections += 1;
    this.sockets.add(ws);
    ws.on('close', () => {
      this.sockets.delete(ws);
      this.onChange();
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
        connection_info: { app_id: this.world.appId },
      }),
    );
    this.onChange();
  }
}
