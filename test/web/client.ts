/**
 * A Node client of the playground's API as the page uses it: event streams per tab, commands and
 * clicks posted as JSON. For API tests that do not need a browser.
 */
import { randomUUID } from 'node:crypto';
import type { WebMessage } from '../../src/adapters/web/index.js';

export interface Tab {
  clientId: string;
  /** Every message version this tab received, in order (snapshot first). */
  received: WebMessage[];
  /** The latest version of each message this tab knows, by id. */
  latest(): Map<string, WebMessage>;
  waitFor(predicate: (m: WebMessage) => boolean, what: string, timeoutMs?: number): Promise<WebMessage>;
  close(): void;
}

export async function openTab(baseUrl: string, server: string): Promise<Tab> {
  const clientId = randomUUID();
  const controller = new AbortController();
  const res = await fetch(`${baseUrl}api/events?server=${server}&client=${clientId}`, { signal: controller.signal });
  if (res.status !== 200 || !res.body) throw new Error(`event stream answered ${res.status}`);
  const received: WebMessage[] = [];
  const waiters = new Set<() => void>();
  let snapshotSeen!: () => void;
  const snapshot = new Promise<void>((r) => (snapshotSeen = r));
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const event = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (!event || !data) continue;
          const parsed = JSON.parse(data) as { messages?: WebMessage[] } & WebMessage;
          if (event === 'snapshot') {
            received.push(...parsed.messages!);
            snapshotSeen();
          } else received.push(parsed);
          for (const w of waiters) w();
        }
      }
    } catch {
      // aborted
    }
  })();
  await snapshot;
  const latest = () => new Map(received.map((m) => [m.id, m]));
  return {
    clientId,
    received,
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
          reject(new Error(`timed out waiting for ${what}; got:\n${[...latest().values()].map((m) => m.text).join('\n')}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => controller.abort(),
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
  if (!button) throw new Error(`no button ${label} on message ${message.text}`);
  return post(baseUrl, '/api/button', { server, clientId: tab.clientId, user, messageId: message.id, id: button.id });
}
