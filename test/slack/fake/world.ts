/**
 * The fake Slack's world: the workspace and app identity (team, bot user, tokens), its users, and
 * what the bot left behind (messages, ephemeral messages, response_url posts, uploaded files and
 * every Web API call), plus waiting for any of it to change.
 */
import { randomBytes } from 'node:crypto';
import type { Block } from './blocks.js';

export interface FakeUser {
  id: string;
  name: string;
  realName?: string;
  displayName?: string;
  isAdmin?: boolean;
  isOwner?: boolean;
  isPrimaryOwner?: boolean;
  /** The user's Slack language, answered by users.info with include_locale (default en-US). */
  locale?: string;
}

export interface FakeFile {
  id: string;
  filename: string;
  title?: string;
  altText?: string;
  declaredLength: number;
  data?: Buffer;
  /** Content type the bytes arrived with at the upload URL. */
  uploadContentType?: string;
  completed: boolean;
  /** A person's file: its type, and whether its url_private answers (with the bot token). */
  mimetype?: string;
  private?: boolean;
}

/** A modal the app opened with views.open, and who sees it. */
export interface FakeView {
  id: string;
  userId: string;
  /** The view as the app sent it. */
  view: Record<string, any>;
  /** Errors the app answered a submission with (response_action: errors), by block id. */
  errors?: Record<string, string>;
  closed: boolean;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  /** Who posted it: the bot user, or a person (userMessage). */
  user: string;
  text: string;
  blocks?: Block[];
  files?: FakeFile[];
  threadTs?: string;
  /** Earlier versions, oldest first (chat.update keeps them here). */
  history: { text: string; blocks?: Block[] }[];
  deleted: boolean;
}

export interface FakeEphemeral {
  channel: string;
  user: string;
  text: string;
  blocks?: Block[];
  via: 'chat.postEphemeral' | 'response_url';
}

/** A message sent to a response_url with response_type in_channel. */
export interface FakeResponseMessage {
  channel: string;
  user: string;
  text: string;
  blocks?: Block[];
  responseType: 'in_channel' | 'ephemeral';
  replaceOriginal: boolean;
}

export interface ApiCall {
  method: string;
  params: Record<string, unknown>;
  /** HTTP status the fake answered with. */
  status: number;
  /** `ok` of the answer (false for API errors and 429s). */
  ok: boolean;
  error?: string;
  token?: string;
}

export interface FakeSlackOptions {
  botToken?: string;
  appToken?: string;
  signingSecret?: string;
  teamId?: string;
  teamDomain?: string;
  appId?: string;
  botUserId?: string;
  botId?: string;
  users?: FakeUser[];
  /** Channels the bot cannot post to (private channels it is not in, other people's DMs). */
  unreachableChannels?: string[];
}

export class SlackWorld {
  readonly botToken: string;
  readonly appToken: string;
  readonly signingSecret: string;
  readonly teamId: string;
  readonly teamDomain: string;
  readonly appId: string;
  readonly botUserId: string;
  readonly botId: string;

  readonly calls: ApiCall[] = [];
  readonly messages: FakeMessage[] = [];
  readonly ephemerals: FakeEphemeral[] = [];
  readonly responseMessages: FakeResponseMessage[] = [];
  readonly files = new Map<string, FakeFile>();
  readonly users = new Map<string, FakeUser>();
  readonly views: FakeView[] = [];
  /** trigger_ids handed to the app: when, and whether a view was opened with one already (Slack allows one, within 3 s). */
  readonly triggers = new Map<string, { issuedAt: number; used: boolean; userId: string }>();
  readonly unreachableChannels: Set<string>;
  /** Socket Mode connections opened so far. */
  socketConnections = 0;

  private readonly waiters = new Set<() => void>();

  constructor(options: FakeSlackOptions) {
    this.botToken = options.botToken ?? `xoxb-${randomBytes(8).toString('hex')}`;
    this.appToken = options.appToken ?? `xapp-1-${randomBytes(8).toString('hex')}`;
    this.signingSecret = options.signingSecret ?? randomBytes(16).toString('hex');
    this.teamId = options.teamId ?? 'T0FAKETEAM';
    this.teamDomain = options.teamDomain ?? 'fake-team';
    this.appId = options.appId ?? 'A0FAKEAPP';
    this.botUserId = options.botUserId ?? 'U0FAKEBOT';
    this.botId = options.botId ?? 'B0FAKEBOT';
    for (const u of options.users ?? []) this.users.set(u.id, u);
    this.unreachableChannels = new Set(options.unreachableChannels ?? []);
  }

  /** A trigger_id for an event sent to the app (valid for one view, for 3 s). */
  newTrigger(userId: string): string {
    const id = `${Date.now()}.${randomBytes(4).toString('hex')}`;
    this.triggers.set(id, { issuedAt: Date.now(), used: false, userId });
    return id;
  }

  callsOf(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Messages the bot has in a channel now (deleted ones left out), oldest first. */
  channelMessages(channel: string): FakeMessage[] {
    return this.messages.filter((m) => m.channel === channel && !m.deleted);
  }

  /** Resolves when `probe` returns something other than undefined/false (checked after every request). */
  waitFor<T>(probe: () => T | undefined | false, timeoutMs = 30_000, what = 'condition'): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        let value: T | undefined | false;
        try {
          value = probe();
        } catch (err) {
          cleanup();
          reject(err);
          return;
        }
        if (value !== undefined && value !== false) {
          cleanup();
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`fake Slack: timed out waiting for ${what}`));
      }, timeoutMs);
      // Also poll: some conditions change outside requests (e.g. a job store).
      const poll = setInterval(check, 100);
      const cleanup = () => {
        clearTimeout(timer);
        clearInterval(poll);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Re-checks what waitFor waits on; the HTTP and Socket Mode sides have it called after each change. */
  protected notify(): void {
    for (const w of [...this.waiters]) w();
  }
}

/** Every button (label and action id) of a message, row by row. */
export function buttonsOf(message: FakeMessage | undefined): { label: string; actionId: string; value?: string; style?: string }[][] {
  return (message?.blocks ?? [])
    .filter((b) => b.type === 'actions')
    .map((b) => (b.elements as Block[]).filter((el) => el.type === 'button').map((el) => ({ label: String(el.text.text), actionId: String(el.action_id), value: el.value as string | undefined, style: el.style as string | undefined })))
    .filter((row) => row.length > 0);
}
