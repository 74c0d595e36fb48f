/**
 * The playground's channels: per server, the recent messages everyone sees plus each tab's own
 * ephemeral ones, and the open event streams they are pushed to. Messages live in memory only
 * (a job's routing survives a restart in its stored delivery; its next update posts anew).
 */
import type { ButtonStyle, Reply } from '../../core/invocation.js';
import type { JobStatus } from '../../core/jobs.js';

export interface WebImage {
  url: string;
  filename: string;
  width: number;
  height: number;
  alt?: string;
}

export interface WebButton {
  id: string;
  label: string;
  emoji?: string;
  style?: ButtonStyle;
  disabled?: boolean;
}

/** One bot message as the page receives it. */
export interface WebMessage {
  id: string;
  serverId: string;
  /** The tab (client id) that alone sees it; absent for everyone. */
  visibleTo?: string;
  createdAt: number;
  updatedAt: number;
  /** Who ran what to get this answer ("alice used /imagine red heart"). */
  invokedBy?: { userId: string; userName: string; action: string };
  /** Neutral markup: **bold**, `code`, <@userId>, newlines. */
  text: string;
  /** Display names for the <@userId> mentions in text. */
  mentions: Record<string, string>;
  images: WebImage[];
  buttons: WebButton[][];
  jobId?: string;
  job?: { status: JobStatus; position?: number; step?: number; total?: number };
}

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

  subscribe(sub: Subscriber): () => void {
    this.subscribers.add(sub);
    return () => this.subscribers.delete(sub);
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }
}

/** Mentions in neutral markup: <@userId> (an escaped \<@ is text). */
const MENTION = /(?<!\\)<@([^<>\s\\]{1,100})>/g;

/** Builds a WebMessage from a Reply; images become URLs through `storeImage`. */
export function messageFromReply(
  reply: Reply,
  base: Omit<WebMessage, 'text' | 'mentions' | 'images' | 'buttons' | 'createdAt' | 'updatedAt' | 'visibleTo'>,
  options: { clientId?: string; now: number; storeImage(data: Buffer): string; userName(userId: string): string | undefined },
): WebMessage {
  const mentions: Record<string, string> = {};
  for (const m of reply.text.matchAll(MENTION)) {
    const id = m[1]!;
    mentions[id] = options.userName(id) ?? id;
  }
  return {
    ...base,
    // An ephemeral answer with no tab to go to is shown to nobody rather than to everyone.
    visibleTo: reply.ephemeral ? (options.clientId ?? 'nobody') : undefined,
    createdAt: options.now,
    updatedAt: options.now,
    text: reply.text,
    mentions,
    images: (reply.images ?? []).map((img) => ({
      url: options.storeImage(img.data),
      filename: img.filename,
      width: img.width,
      height: img.height,
      alt: img.alt,
    })),
    buttons: (reply.buttons ?? []).map((row) => row.map((b) => ({ id: b.id, label: b.label, emoji: b.emoji, style: b.style, disabled: b.disabled }))),
  };
}
