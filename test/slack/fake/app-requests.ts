/**
 * What Slack sends to an app: the form fields of a slash command, block_actions payloads for
 * clicks on the bot's buttons, and signed POSTs of either to the app's HTTP endpoint (v0
 * HMAC-SHA256 signatures, as Slack computes them). Over Socket Mode the same payloads travel in
 * envelopes (socket-mode.ts).
 */
import { createHmac } from 'node:crypto';
import { stringify as toQuery } from 'node:querystring';
import { findButton, findSelect, type Block } from './blocks.js';
import type { FakeMessage, FakeView, SlackWorld } from './world.js';

/** Where payloads get their response_url (the Web API side serves them). */
export interface ResponseUrls {
  newResponseUrl(channel: string, user: string): string;
  /** Where the fake serves people's files (url_private). */
  readonly fileBase: string;
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
    trigger_id: world.newTrigger(options.userId),
  };
}

/** A block_actions payload for a click on a button of one of the bot's messages. */
export function blockActionPayload(world: SlackWorld, responseUrls: ResponseUrls, options: BlockActionOptions, element?: Block): Record<string, unknown> {
  const { message } = options;
  const button = element ?? findButton(message.blocks ?? [], options.actionId);
  if (!button) throw new Error(`fake Slack: no button ${options.actionId} on message ${message.ts}`);
  const block = (message.blocks ?? []).find((b) => b.type === 'actions' && b.elements.includes(button));
  const user = world.users.get(options.userId);
  return {
    type: 'block_actions',
    user: { id: options.userId, username: user?.name ?? 'someone', name: user?.name ?? 'someone', team_id: world.teamId },
    api_app_id: world.appId,
    token: 'verification-token-unused',
    container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
    trigger_id: world.newTrigger(options.userId),
    team: { id: world.teamId, domain: world.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: message.channel, name: 'general' },
    message: {
      type: 'message',
      user: message.user,
      ts: message.ts,
      text: message.text,
      blocks: message.blocks,
      bot_id: world.botId,
      ...(message.files?.length ? { files: message.files.map((f) => ({ id: f.id, name: f.filename, title: f.title ?? f.filename, mimetype: f.mimetype ?? 'image/png' })) } : {}),
    },
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

export interface MessageShortcutOptions {
  callbackId: string;
  message: FakeMessage;
  userId: string;
}

/** A message_action payload: a user picked one of the app's message shortcuts on a message. */
export function messageShortcutPayload(world: SlackWorld, responseUrls: ResponseUrls, options: MessageShortcutOptions): Record<string, unknown> {
  const { message } = options;
  const user = world.users.get(options.userId);
  return {
    type: 'message_action',
    token: 'verification-token-unused',
    action_ts: `${Date.now() / 1000}`,
    team: { id: world.teamId, domain: world.teamDomain },
    user: { id: options.userId, username: user?.name ?? 'someone', name: user?.name ?? 'someone', team_id: world.teamId },
    channel: { id: message.channel, name: 'general' },
    is_enterprise_install: false,
    enterprise: null,
    callback_id: options.callbackId,
    trigger_id: world.newTrigger(options.userId),
    response_url: responseUrls.newResponseUrl(message.channel, options.userId),
    message_ts: message.ts,
    message: {
      type: 'message',
      user: message.user,
      ts: message.ts,
      text: message.text,
      ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
      ...(message.files?.length
        ? {
            files: message.files.map((f) => ({
              id: f.id,
              name: f.filename,
              title: f.title ?? f.filename,
              mimetype: f.mimetype ?? 'image/png',
              size: f.data?.length ?? f.declaredLength,
              url_private: fileUrl(responseUrls, f),
              url_private_download: `${fileUrl(responseUrls, f)}?download=1`,
            })),
          }
        : {}),
    },
  };
}

/** Where a person's file is served (it needs the bot token, as files.slack.com does). */
function fileUrl(responseUrls: ResponseUrls, file: { id: string; filename: string }): string {
  return `${responseUrls.fileBase}/files-pri/T0-${file.id}/${encodeURIComponent(file.filename)}`;
}

/**
 * A view_submission payload: the user filled in an open view and pressed its submit button. As
 * Slack's client does, it refuses an empty box that is not optional and text over max_length;
 * boxes left out keep their initial value.
 */
export function viewSubmissionPayload(world: SlackWorld, view: FakeView, userId: string, values: Record<string, string>): Record<string, unknown> {
  if (view.closed) throw new Error('fake Slack: the view is closed');
  if (view.userId !== userId) throw new Error('fake Slack: only the user it was opened for sees this view');
  const inputs = ((view.view.blocks ?? []) as Block[]).filter((b) => b.type === 'input');
  for (const key of Object.keys(values)) if (!inputs.some((b) => b.block_id === key)) throw new Error(`fake Slack: the view has no input ${key}`);
  const state: Record<string, Record<string, { type: string; value: string | null }>> = {};
  for (const b of inputs) {
    const value = values[b.block_id] ?? b.element.initial_value ?? '';
    if (!b.optional && value === '') throw new Error(`fake Slack: ${String(b.label.text)} is required`);
    if (b.element.max_length !== undefined && value.length > b.element.max_length) throw new Error(`fake Slack: ${String(b.label.text)} is over ${b.element.max_length} characters`);
    state[b.block_id] = { [b.element.action_id]: { type: 'plain_text_input', value: value === '' ? null : value } };
  }
  const user = world.users.get(userId);
  return {
    type: 'view_submission',
    team: { id: world.teamId, domain: world.teamDomain },
    user: { id: userId, username: user?.name ?? 'someone', name: user?.name ?? 'someone', team_id: world.teamId },
    api_app_id: world.appId,
    token: 'verification-token-unused',
    trigger_id: world.newTrigger(userId),
    is_enterprise_install: false,
    enterprise: null,
    view: {
      id: view.id,
      team_id: world.teamId,
      type: 'modal',
      callback_id: view.view.callback_id ?? '',
      private_metadata: view.view.private_metadata ?? '',
      title: view.view.title,
      submit: view.view.submit ?? null,
      close: view.view.close ?? null,
      blocks: view.view.blocks ?? [],
      state: { values: state },
      hash: `${Date.now()}.hash`,
      app_id: world.appId,
      bot_id: world.botId,
      root_view_id: view.id,
      previous_view_id: null,
      clear_on_close: false,
      notify_on_close: false,
    },
    response_urls: [],
  };
}

/** A block_actions payload for a choice in a select menu of one of the bot's messages (or ephemeral messages). */
export function selectActionPayload(world: SlackWorld, responseUrls: ResponseUrls, options: BlockActionOptions & { value: string }): Record<string, unknown> {
  const { message } = options;
  const select = findSelect(message.blocks ?? [], options.actionId);
  if (!select) throw new Error(`fake Slack: no select ${options.actionId} on message ${message.ts}`);
  const option = (select.options as Block[]).find((o) => o.value === options.value);
  if (!option) throw new Error(`fake Slack: select ${options.actionId} has no option ${options.value}`);
  const block = (message.blocks ?? []).find((b) => b.type === 'actions' && b.elements.includes(select));
  const payload = blockActionPayload(world, responseUrls, { ...options, actionId: '' }, select);
  return { ...payload, actions: [{ action_id: select.action_id, block_id: block?.block_id ?? 'b', type: 'static_select', selected_option: option, action_ts: `${Date.now() / 1000}` }] };
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
