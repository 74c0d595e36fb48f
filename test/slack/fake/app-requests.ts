/**
 * What Slack sends to an app: the form fields of a slash command, block_actions payloads for
 * clicks on the bot's buttons, and signed POSTs of either to the app's HTTP endpoint (v0
 * HMAC-SHA256 signatures, as Slack computes them). Over Socket Mode the same payloads travel in
 * envelopes (socket-mode.ts).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { stringify as toQuery } from 'node:querystring';
import { findButton } from './blocks.js';
import type { FakeMessage, SlackWorld } from './world.js';

/** Where payloads get their response_url (the Web API side serves them). */
export interface ResponseUrls {
  newResponseUrl(channel: string, user: string): string;
}

export interface SlashCommandOptions {
  command: string;
  text: string;
  userId: string;
  channelId: string;
  channelName?: string;
  userName?: string;
}

export interface BlockActionOptions {
  message: FakeMessage;
  actionId: string;
  userId: string;
}

/** An event for an app's HTTP endpoint: slash command fields, or an interactive payload. */
export interface AppEvent {
  form?: Record<string, string>;
  payload?: Record<string, unknown>;
}

export interface PostOptions {
  timestamp?: number;
  secret?: string;
  /** Added last, so they can replace the signature headers. */
  headers?: Record<string, string>;
  unsigned?: boolean;
}

/** The form fields of a slash command as Slack posts them. */
export function slashCommandForm(world: SlackWorld, responseUrls: ResponseUrls, options: SlashCommandOptions): Record<string, string> {
  const user = world.users.get(options.userId);
  return {
    token: 'verification-token-unused',
    team_id: world.teamId,
    team_domain: world.teamDomain,
    channel_id: options.channelId,
    channel_name: options.channelName ?? 'general',
    user_id: options.userId,
    user_name: options.userName ?? user?.name ?? 'someone',
    command: options.command,
    text: options.text,
    api_app_id: world.appId,
    is_enterprise_install: 'false',
    response_url: responseUrls.newResponseUrl(options.channelId, options.userId),
    trigger_id: `${Date.now()}.${randomBytes(4).toString('hex')}`,
  };
}

/** A block_actions payload for a click on a button of one of the bot's messages. */
export function blockActionPayload(world: SlackWorld, responseUrls: ResponseUrls, options: BlockActionOptions): Record<string, unknown> {
  const { message } = options;
  const button = findButton(message.blocks ?? [], options.actionId);
  if (!button) throw new Error(`fake Slack: no button ${options.actionId} on message ${message.ts}`);
  const block = (message.blocks ?? []).find((b) => b.type === 'actions' && b.elements.includes(button));
  const user = world.users.get(options.userId);
  return {
    type: 'block_actions',
    user: { id: options.userId, username: user?.name ?? 'someone', name: user?.name ?? 'someone', team_id: world.teamId },
    api_app_id: world.appId,
    token: 'verification-token-unused',
    container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
    trigger_id: `${Date.now()}.${randomBytes(4).toString('hex')}`,
    team: { id: world.teamId, domain: world.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: message.channel, name: 'general' },
    message: { type: 'message', user: message.user, ts: message.ts, text: message.text, blocks: message.blocks, bot_id: world.botId },
    state: { values: {} },
    response_url: responseUrls.newResponseUrl(message.channel, options.userId),
    actions: [
      {
        action_id: button.action_id,
        block_id: block?.block_id ?? 'b',
        text: button.text,
        value: button.value,
        style: button.style,
        type: 'button',
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  };
}

/** The signature headers for a body, as Slack computes them (v0 HMAC-SHA256). */
export function signatureHeaders(body: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  const hmac = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': `v0=${hmac}` };
}

/**
 * POSTs an event to an app's HTTP endpoint: a slash command as form fields, or an interactive
 * payload as `payload=<json>`. Signed with `signingSecret` unless the options say otherwise.
 */
export async function sendToApp(url: string, event: AppEvent, options: PostOptions, signingSecret: string): Promise<{ status: number; body: string }> {
  const body = event.form ? toQuery(event.form) : toQuery({ payload: JSON.stringify(event.payload) });
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    ...(options.unsigned ? {} : signatureHeaders(body, options.secret ?? signingSecret, options.timestamp)),
    ...options.headers,
  };
  const res = await fetch(url, { method: 'POST', headers, body });
  return { status: res.status, body: await res.text() };
}
