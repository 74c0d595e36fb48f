/**
 * A loopback stand-in for Slack: the Web API methods the adapter calls (auth.test, chat.*,
 * users.info, the files upload v2 flow with a local upload URL, apps.connections.open), a Socket
 * Mode WebSocket that speaks hello / envelopes / acks, response_url endpoints, and helpers that send
 * signed slash commands and block_actions to an app's HTTP endpoint the way Slack does.
 *
 * It checks what real Slack checks where a mistake would otherwise pass unnoticed: tokens, required
 * arguments, Block Kit limits (invalid_blocks), message existence for chat.update/delete, and it
 * answers 429 with Retry-After when a test asks it to.
 *
 * This file puts the parts in fake/ together: world.ts (workspace, users and what the bot left
 * behind), web-api.ts (the HTTP routes), socket-mode.ts (the WebSocket), app-requests.ts (what
 * Slack sends to apps, signed) and blocks.ts (Block Kit checks). Tests use only what this file
 * exports.
 */
import {
  blockActionPayload,
  messageShortcutPayload,
  selectActionPayload,
  sendToApp,
  signatureHeaders,
  slashCommandForm,
  viewSubmissionPayload,
  type AppEvent,
  type BlockActionOptions,
  type MessageShortcutOptions,
  type PostOptions,
  type SlashCommandOptions,
} from './fake/app-requests.js';
import { SocketMode } from './fake/socket-mode.js';
import { WebApi } from './fake/web-api.js';
import { SlackWorld, type FakeMessage, type FakeSlackOptions, type FakeView } from './fake/world.js';

export { blockErrors } from './fake/blocks.js';
export { buttonsOf, type ApiCall, type FakeEphemeral, type FakeFile, type FakeMessage, type FakeResponseMessage, type FakeSlackOptions, type FakeUser, type FakeView } from './fake/world.js';

export class FakeSlack extends SlackWorld {
  private readonly socketMode = new SocketMode(this, () => this.notify());
  private readonly webApi = new WebApi(this, this.socketMode, () => this.notify());

  private constructor(options: FakeSlackOptions) {
    super(options);
  }

  static async start(options: FakeSlackOptions = {}): Promise<FakeSlack> {
    const fake = new FakeSlack(options);
    fake.socketMode.attach(fake.webApi.server);
    await fake.webApi.listen();
    return fake;
  }

  /** Base URL of the Web API, for SLACK_API_URL (ends with a slash, like https://slack.com/api/). */
  get apiUrl(): string {
    return `${this.webApi.baseUrl}/api/`;
  }

  async close(): Promise<void> {
    this.socketMode.close();
    await this.webApi.close();
  }

  /** The next `times` calls of `method` get HTTP 429 with Retry-After. */
  rateLimit(method: string, times = 1, retryAfterSeconds = 1): void {
    this.webApi.rateLimit(method, times, retryAfterSeconds);
  }

  // ---------------------------------------------------------------- payloads Slack sends to apps

  /** The form fields of a slash command as Slack posts them. */
  slashCommand(options: SlashCommandOptions): Record<string, string> {
    return slashCommandForm(this, this.webApi, options);
  }

  /** A block_actions payload for a click on a button of one of the bot's messages. */
  blockAction(options: BlockActionOptions): Record<string, unknown> {
    return blockActionPayload(this, this.webApi, options);
  }

  /** A block_actions payload for a choice in a select menu. */
  selectAction(options: BlockActionOptions & { value: string }): Record<string, unknown> {
    return selectActionPayload(this, this.webApi, options);
  }

  /** A message_action payload: a user picked one of the app's message shortcuts on a message. */
  messageShortcut(options: MessageShortcutOptions): Record<string, unknown> {
    return messageShortcutPayload(this, this.webApi, options);
  }

  /** A person posts a message with files; the bot reads them at url_private with its token. */
  postAsUser(channel: string, userId: string, text: string, files: { filename: string; data: Buffer; mimetype?: string }[] = []): FakeMessage {
    return this.webApi.postAsUser(channel, userId, text, files);
  }

  /**
   * The user fills in an open view and submits it over Socket Mode. The app's answer decides:
   * errors keep the view open with them under their boxes; anything else closes it.
   */
  async submitView(view: FakeView, userId: string, values: Record<string, string>): Promise<{ errors?: Record<string, string> }> {
    const ack = await this.sendEnvelope('interactive', viewSubmissionPayload(this, view, userId, values));
    const answer = ack.payload as { response_action?: string; errors?: Record<string, string> } | undefined;
    this.notify();
    if (answer?.response_action === 'errors') {
      view.errors = answer.errors;
      return { errors: answer.errors ?? {} };
    }
    view.closed = true;
    return {};
  }

  /** The signature headers for a body, as Slack computes them (v0 HMAC-SHA256). */
  sign(body: string, timestamp?: number, secret = this.signingSecret): Record<string, string> {
    return signatureHeaders(body, secret, timestamp);
  }

  /**
   * POSTs an event to an app's HTTP endpoint: a slash command as form fields, or an interactive
   * payload as `payload=<json>`. Signed unless `headers` replaces the signature.
   */
  postToApp(url: string, event: AppEvent, options: PostOptions = {}): Promise<{ status: number; body: string }> {
    return sendToApp(url, event, options, this.signingSecret);
  }

  // ---------------------------------------------------------------- Socket Mode

  get openSockets(): number {
    return this.socketMode.openSockets;
  }

  /**
   * Sends an envelope over the open Socket Mode connection and resolves with the app's ack.
   * `type` is 'slash_commands' (payload = the slash command fields) or 'interactive'.
   */
  sendEnvelope(type: 'slash_commands' | 'interactive', payload: Record<string, unknown>, timeoutMs = 10_000): Promise<{ payload?: unknown; receivedAt: number; sentAt: number }> {
    return this.socketMode.sendEnvelope(type, payload, timeoutMs);
  }

  /** Asks the client to reconnect, as Slack does before recycling a connection. */
  sendDisconnect(reason = 'refresh_requested'): void {
    this.socketMode.sendDisconnect(reason);
  }
}
