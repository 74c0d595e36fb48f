/**
 * A Node client of the playground's API as the page uses it: a live feed (WebSocket) per tab, commands and
 * clicks posted as JSON. For API tests that do not need a browser.
 */
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import type { WebMessage } from '../../src/adapters/web/index.js';
import { shown } from '../fixtures/markup.js';

export interface Tab {
  clientId: string;
  /** Every message version this tab received, in order (snapshot first). */
  received: WebMessage[];
  /** Resolves with the close code when the server ends the feed. */
  closed: Promise<number>;
  /** The latest version of each message this tab knows, by id. */
  latest(): Map<string, WebMessage>;
  waitFor(predicate: (m: WebMessage) => boolean, what: string, timeoutMs?: number): Promise<WebMessage>;
  close(): void;
}

export async function openTab(baseUrl: string, server: string): Promise<Tab> {
  const clientId = randomUUID();
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}api/events?server=${server}&client=${clientId}`, { origin: baseUrl.replace(/\/$/, '') });
  const received: WebMessage[] = [];
  const waiters = new Set<() => void>();
  await new Promise<void>((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => reject(new Error(`event feed answered ${res.statusCode}`)));
    ws.once('error', reject);
    ws.on('message', (raw) => {
      const data = JSON.parse(String(raw)) as { type: string; messages?: WebMessage[]; message?: WebMessage };
      if (data.type === 'snapshot') {
        received.push(...data.messages!);
        resolve();
      } else if (data.type === 'message') received.push(data.message!);
      for (const w of waiters) w();
    });
  });
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  const latest = () => new Map(received.map((m) => [m.id, m]));
  return {
    clientId,
    received,
    closed,
    latest,
    waitFor(predicate, what, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = [...latest().values()].find(predicate);
          if (found) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${what}; got:\n${[...latest().values()].map((m) => shown(m.text)).join('\n')}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => ws.close(),
  };
}

export interface PostResult {
  status: number;
  body: { message?: WebMessage; admin?: boolean; passwordRejected?: string; error?: string };
}

export async function post(baseUrl: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<PostResult> {
  const res = await fetch(`${baseUrl}${path.replace(/^\//, '')}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as PostResult['body'] };
}

export function command(baseUrl: string, tab: Tab, server: string, user: string, text: string, headers?: Record<string, string>): Promise<PostResult> {
  return post(baseUrl, '/api/command', { server, clientId: tab.clientId, user, text }, headers);
}

export function click(baseUrl: string, tab: Tab, server: string, user: string, message: WebMessage, label: string): Promise<PostResult> {
  const button = message.buttons.flat().find((b) => b.label === label);
  if (!button) throw new Error(`no button ${label} on message ${shown(message.text)}`);
  return post(baseUrl, '/api/button', { server, clientId: tab.clientId, user, messageId: message.id, id: button.id });
}
