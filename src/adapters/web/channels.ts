/**
 * The playground's channels: per server, the recent messages everyone sees plus each tab's own
 * ephemeral ones, and the open event streams they are pushed to. Messages live in memory only
 * (a job's routing survives a restart in its stored delivery; its next update posts anew).
 */
import type { WebMessage } from './message.js';

export interface Subscriber {
  serverId: string;
  clientId: string;
  send(message: WebMessage): void;
}

/** Enough history to scroll back a while; older messages are dropped (and re-posted if their job updates). */
const MAX_PUBLIC_PER_SERVER = 200;
const MAX_EPHEMERAL_PER_SERVER = 500;

class Channel {
  readonly messages = new Map<string, WebMessage>();
  publicCount = 0;
  ephemeralCount = 0;

  add(message: WebMessage): void {
    this.messages.set(message.id, message);
    if (message.visibleTo) this.ephemeralCount++;
    else this.publicCount++;
    for (const [id, m] of this.messages) {
      if (this.publicCount <= MAX_PUBLIC_PER_SERVER && this.ephemeralCount <= MAX_EPHEMERAL_PER_SERVER) break;
      const over = m.visibleTo ? this.ephemeralCount > MAX_EPHEMERAL_PER_SERVER : this.publicCount > MAX_PUBLIC_PER_SERVER;
      if (!over) continue;
      this.messages.delete(id);
      if (m.visibleTo) this.ephemeralCount--;
      else this.publicCount--;
    }
  }
}

export class ChannelHub {
  private readonly channels = new Map<string, Channel>();
  private readonly subscribers = new Set<Subscriber>();

  constructor(readonly servers: readonly string[]) {
    for (const s of servers) this.channels.set(s, new Channel());
  }

  hasServer(serverId: string): boolean {
    return this.channels.has(serverId);
  }

  get(serverId: string, messageId: string): WebMessage | undefined {
    return this.channels.get(serverId)?.messages.get(messageId);
  }

  /** What one tab sees of a server, oldest first. */
  history(serverId: string, clientId: string): WebMessage[] {
    const ch = this.channels.get(serverId);
    if (!ch) return [];
    return [...ch.messages.values()].filter((m) => !m.visibleTo || m.visibleTo === clientId);
  }

  /**
   * Adds the message, or replaces the one with its id in place (an edit). A message the channel
   * has forgotten comes back at the end, as a new post would.
   */
  upsert(message: WebMessage): WebMessage {
    const ch = this.channels.get(message.serverId);
    if (!ch) throw new Error(`unknown playground server ${message.serverId}`);
    const old = ch.messages.get(message.id);
    if (old) {
      const merged = { ...message, createdAt: old.createdAt, invokedBy: message.invokedBy ?? old.invokedBy };
      ch.messages.set(message.id, merged);
      message = merged;
    } else {
      ch.add(message);
    }
    for (const sub of this.subscribers) {
      if (sub.serverId !== message.serverId) continue;
      if (message.visibleTo && message.visibleTo !== sub.clientId) continue;
      sub.send(message);
    }
    return message;
  }

  /** Takes a message down for every tab that sees it (they get it back marked deleted). */
  remove(serverId: string, messageId: string, now = Date.now()): void {
    const ch = this.channels.get(serverId);
    const old = ch?.messages.get(messageId);
    if (!ch || !old) return;
    ch.messages.delete(messageId);
    if (old.visibleTo) ch.ephemeralCount--;
    else ch.publicCount--;
    const gone: WebMessage = { ...old, updatedAt: now, deleted: true, text: [], images: [], buttons: [] };
    for (const sub of this.subscribers) {
      if (sub.serverId !== serverId || (old.visibleTo && old.visibleTo !== sub.clientId)) continue;
      sub.send(gone);
    }
  }

  subscribe(sub: Subscriber): () => void {
    this.subscribers.add(sub);
    return () => this.subscribers.delete(sub);
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }
}
