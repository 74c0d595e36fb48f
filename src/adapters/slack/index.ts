/**
 * The Slack adapter on Bolt: one listener per slash command and one for our buttons turn Slack
 * events into Invocations for the command layer (invocation.ts); answers go back as Slack
 * messages (message.ts, messenger.ts) and job updates through delivery.ts. Everything is
 * acknowledged first (Slack's 3 s), the work happens after. Socket Mode when SLACK_APP_TOKEN is
 * set, else our HTTP receiver (http-receiver.ts): signature headers checked before the body,
 * bounded bodies and unverified work, replays and future timestamps refused.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { App, SocketModeReceiver, webApi, type Logger as BoltLogger, type MessageShortcut, type RespondFn, type ViewSubmitAction } from '@slack/bolt';
import { SOMETHING_WENT_WRONG, UserError } from '../../core/errors.js';
import { FormAnswerError, type Form } from '../../core/forms.js';
import type { Invocation } from '../../core/invocation.js';
import { concat, md, tr } from '../../core/markup.js';
import type { Reply } from '../../core/reply.js';
import { followJobs } from '../../replies/follow.js';
import { followModeration } from '../../replies/moderation.js';
import type { Services } from '../../services.js';
import type { AdapterHandle, AdapterState, CommandLayer } from '../types.js';
import { boltLogger } from './bolt-logger.js';
import { SlackDelivery, type SlackDeliveryData } from './delivery.js';
import { SlackHttpReceiver } from './http-receiver.js';
import { SlackIdentityResolver } from './identity.js';
import { buttonInvocation, commandInvocation, shortcutInvocation, submissionInvocation, type ViewMetadata } from './invocation.js';
import { BUTTON_BLOCK_PATTERN, BUTTON_BLOCK_PREFIX, FORM_CALLBACK_ID, formView, messageBody } from './message.js';
import { CANNOT_POST, SlackMessenger, slackErrorCode, type SlackPlace } from './messenger.js';

export interface SlackAdapterOptions {
  /** HTTP mode only: where the receiver listens (default: port SLACK_PORT on every interface). */
  listen?: { port: number; host?: string };
}

export interface SlackAdapterHandle extends AdapterHandle {
  /** HTTP mode: the port the receiver listens on. */
  readonly port?: number;
}

function cannotPostText(channel: string): string {
  return channel.startsWith('D')
    ? "I can't post in this conversation. Use `/imagine` in a channel I'm in, or in a direct message with me."
    : "I can't post in this channel. Invite me with `/invite @imagine` (or the name this app has here), then try again.";
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A Web API call that hangs this long is abandoned and retried. */
const API_TIMEOUT_MS = 60_000;

/**
 * auth.test with the bot token, retried briefly: a wrong token or an unreachable Slack is one
 * clear error at start-up instead of a long silent wait.
 */
async function checkBotToken(token: string, slackApiUrl: string, logger: BoltLogger): Promise<{ botId?: string; botUserId?: string }> {
  const client = new webApi.WebClient(token, { slackApiUrl, logger, timeout: 15_000, retryConfig: { retries: 2, minTimeout: 500, maxTimeout: 2000 } });
  try {
    const res = await client.auth.test();
    return { botId: res.bot_id, botUserId: res.user_id };
  } catch (err) {
    const code = slackErrorCode(err);
    throw new Error(code ? `Slack refused SLACK_BOT_TOKEN (auth.test: ${code})` : `Slack is not reachable at ${slackApiUrl} (${(err as Error).message})`, { cause: err });
  }
}

/** Answers for one user: the response_url when Slack gave one, else chat.postEphemeral. */
type Answer = (reply: Reply) => Promise<void>;

/**
 * Starts the adapter (Socket Mode when SLACK_APP_TOKEN is set, else the HTTP receiver on
 * SLACK_PORT); resolves once Slack accepted the tokens and the connection or listener is up.
 */
export async function startSlack(services: Services, layer: CommandLayer, options: SlackAdapterOptions = {}): Promise<SlackAdapterHandle> {
  const { config } = services;
  const log = services.log.child({ component: 'slack' });
  if (!config.SLACK_BOT_TOKEN) throw new Error('SLACK_BOT_TOKEN is not set');
  const logger = boltLogger(services.log);
  const identity = await checkBotToken(config.SLACK_BOT_TOKEN, config.SLACK_API_URL, logger);
  let state: AdapterState = 'starting';
  let stopping = false;

  let receiver: SocketModeReceiver | SlackHttpReceiver;
  if (config.slackMode === 'socket') {
    const socket = new SocketModeReceiver({
      appToken: config.SLACK_APP_TOKEN!,
      logger,
      // apps.connections.open goes through these client options, so a proxy or a test can stand in.
      installerOptions: { clientOptions: { slackApiUrl: config.SLACK_API_URL } },
    });
    socket.client.on('connected', () => {
      if (!stopping) state = 'connected';
    });
    for (const e of ['reconnecting', 'disconnected', 'disconnecting']) {
      socket.client.on(e, () => {
        if (!stopping) state = 'disconnected';
      });
    }
    receiver = socket;
  } else {
    if (!config.SLACK_SIGNING_SECRET) throw new Error('SLACK_SIGNING_SECRET is not set (HTTP mode)');
    receiver = new SlackHttpReceiver({ signingSecret: config.SLACK_SIGNING_SECRET, log });
  }

  const app = new App({
    token: config.SLACK_BOT_TOKEN,
    botId: identity.botId,
    botUserId: identity.botUserId,
    // Checked above with few retries; Bolt's own check would retry for half an hour.
    tokenVerificationEnabled: false,
    receiver,
    logger,
    clientOptions: { slackApiUrl: config.SLACK_API_URL, timeout: API_TIMEOUT_MS },
    deferInitialization: true,
    convoStore: false,
  });
  app.error(async (err) => {
    log.error({ err }, 'Slack event handling failed');
  });

  const messenger = new SlackMessenger(app.client);
  const identities = new SlackIdentityResolver(app.client, config.SLACK_ADMIN_USERS, log);
  const target = new SlackDelivery(config.INSTANCE_ID, services, messenger, log);

  const answerFor = (respond: RespondFn | undefined, place: SlackPlace, userId: string): Answer => {
    return async (reply) => {
      const body = messageBody(reply);
      if (respond) {
        try {
          // A panel updating itself replaces the message clicked.
          await respond({ response_type: reply.ephemeral ? 'ephemeral' : 'in_channel', replace_original: reply.replaces === true, ...body });
          return;
        } catch (err) {
          log.warn({ err }, 'response_url failed; answering with chat.postEphemeral');
        }
      }
      if (reply.ephemeral) await messenger.ephemeral(place.channel, userId, reply, place.threadTs);
      else await messenger.post(place, reply);
    };
  };

  /**
   * Runs an invocation and shows its outcome: a job's status message, the reply, or a form (in a
   * view, where the event brought a trigger to open one; else the form's reply).
   */
  const run = async (
    inv: Invocation,
    place: SlackPlace,
    answer: Answer,
    via: { openForm?: (form: Form) => Promise<boolean>; removeSource?: () => Promise<void> } = {},
  ): Promise<void> => {
    const key = randomUUID();
    const data: SlackDeliveryData = { channel: place.channel, ...(place.threadTs ? { threadTs: place.threadTs } : {}), key };
    inv.delivery = { platform: 'slack', gateway: config.INSTANCE_ID, data: { ...data } };
    // Further jobs (permutations, repeats) post status messages of their own.
    inv.moreDelivery = { platform: 'slack', gateway: config.INSTANCE_ID, data: { channel: place.channel, ...(place.threadTs ? { threadTs: place.threadTs } : {}) } };
    target.expectPost(key);
    let posted: { jobId: string; ts: string; reply: Reply } | undefined;
    try {
      const outcome = await layer.dispatch(inv, services);
      if (outcome.kind === 'form') {
        if (!(await via.openForm?.(outcome.form))) await answer({ ...outcome.reply, ephemeral: true });
        return;
      }
      if (outcome.kind === 'removed') {
        let note = '';
        await via.removeSource?.().catch((err: unknown) => {
          log.warn({ err }, 'could not delete a result message');
          note = ' The message could not be taken down; remove it yourself.';
        });
        await answer({ ...outcome.reply, text: md`${outcome.reply.text}${note}`, ephemeral: true });
        return;
      }
      if (outcome.kind === 'reply') {
        await showReply(outcome.reply, place, answer);
        return;
      }
      // Private mode: the status goes to the user alone, and the job reports to them at its end.
      if (outcome.reply.ephemeral) {
        await answer(outcome.reply);
        return;
      }
      let ts: string;
      try {
        ts = await messenger.post(place, outcome.reply);
      } catch (err) {
        if (CANNOT_POST.has(slackErrorCode(err) ?? '')) {
          // Nobody would see the job: take it back and tell the user why.
          target.abandon(outcome.jobId);
          await services.queue.cancel(outcome.jobId, { userId: inv.userId, serverId: inv.serverId, isServerAdmin: true });
          await answer({ text: md`${cannotPostText(place.channel)}`, ephemeral: true });
        } else {
          // The job is queued all the same; its next update posts the status message anew.
          log.warn({ err, jobId: outcome.jobId }, 'Slack status message could not be posted');
        }
        return;
      }
      posted = { jobId: outcome.jobId, ts, reply: outcome.reply };
      const { key: _key, ...stored } = data;
      await services.jobs.update(outcome.jobId, { delivery: { ...inv.delivery, data: { ...stored, ts } } }).catch((err: unknown) => {
        log.warn({ err, jobId: outcome.jobId }, 'could not store the Slack status message ts');
      });
    } catch (err) {
      log.error({ err, command: inv.command, serverId: inv.serverId }, 'Slack command failed');
      await answer({ text: [tr(SOMETHING_WENT_WRONG)], ephemeral: true }).catch(() => {});
    } finally {
      target.settlePost(key, posted);
    }
  };

  const showReply = async (reply: Reply, place: SlackPlace, answer: Answer): Promise<void> => {
    if (reply.images?.length && !reply.ephemeral) {
      await messenger.uploadImages(place, reply);
      return;
    }
    await answer(reply);
  };

  /** Opens a form in a view while the event's trigger is fresh (3 s); false when it cannot carry the form. */
  const viewOpener = (client: typeof app.client, triggerId: string, place: SlackPlace) => async (form: Form): Promise<boolean> => {
    const view = formView(form, JSON.stringify({ form, place } satisfies ViewMetadata));
    if (!view) return false;
    await client.views.open({ trigger_id: triggerId, view });
    return true;
  };

  const fail = (err: unknown, answer: Answer, what: string) => {
    if (err instanceof UserError) return answer({ text: err.markup, ephemeral: true });
    log.error({ err }, `Slack ${what} failed`);
    return answer({ text: [tr(SOMETHING_WENT_WRONG)], ephemeral: true });
  };

  // One listener per command, and one for the commands of the manifest this bot does not know.
  for (const spec of layer.commands) {
    app.command(`/${spec.name}`, async ({ command, ack, respond }) => {
      await ack();
      const place: SlackPlace = { channel: command.channel_id };
      const answer = answerFor(respond, place, command.user_id);
      try {
        await run(await commandInvocation(command, layer, identities), place, answer);
      } catch (err) {
        await fail(err, answer, 'slash command').catch(() => {});
      }
    });
  }
  const known = layer.commands.map((c) => escapeRegExp(c.name)).join('|');
  app.command(new RegExp(`^/(?!(?:${known})$)`), async ({ command, ack, respond }) => {
    await ack();
    const answer = answerFor(respond, { channel: command.channel_id }, command.user_id);
    await commandInvocation(command, layer, identities).catch((err: unknown) => fail(err, answer, 'slash command'));
  });

  app.action({ type: 'block_actions', block_id: BUTTON_BLOCK_PATTERN }, async ({ ack, body, action, respond, client }) => {
    await ack();
    if (action.type !== 'button' && action.type !== 'static_select') return;
    const clicked = await buttonInvocation(body, action, identities);
    if (!clicked) return;
    const answer = answerFor(respond, clicked.place, body.user.id);
    // 🗑 Delete takes down the message the button is on, and the pictures it shared.
    const removeSource = async () => {
      const channel = clicked.invocation.channelId;
      const ts = body.message?.ts ?? (body.container?.message_ts as string | undefined);
      if (ts) await messenger.delete(channel, ts);
      const files = (Array.isArray(body.message?.files) ? body.message.files : []) as { id?: string }[];
      for (const f of files) if (f.id) await messenger.deleteFile(f.id);
    };
    try {
      await run(clicked.invocation, clicked.place, answer, { removeSource, openForm: viewOpener(client, body.trigger_id, clicked.place) });
    } catch (err) {
      await fail(err, answer, 'button click').catch(() => {});
    }
  });
  // Message shortcuts ("Imagine from this image"): their form opens in a view while the trigger is fresh (3 s).
  for (const action of layer.messageActions ?? []) {
    app.shortcut<MessageShortcut>({ type: 'message_action', callback_id: action.id }, async ({ ack, body, respond, client }) => {
      await ack();
      const answer = answerFor(respond, { channel: body.channel.id }, body.user.id);
      try {
        const started = await shortcutInvocation(body, action.id, identities);
        if (!started) return;
        await run(started.invocation, started.place, answer, { openForm: viewOpener(client, body.trigger_id, started.place) });
      } catch (err) {
        await fail(err, answer, 'message shortcut').catch(() => {});
      }
    });
  }
  // A form's answers: refused answers are shown under their box and the view stays open; else it closes and the command runs.
  app.view<ViewSubmitAction>({ type: 'view_submission', callback_id: FORM_CALLBACK_ID }, async ({ ack, body }) => {
    let submitted: Awaited<ReturnType<typeof submissionInvocation>>;
    try {
      submitted = await submissionInvocation(body, layer, identities);
    } catch (err) {
      if (err instanceof FormAnswerError) {
        await ack({ response_action: 'errors', errors: { [err.field]: err.message } });
        return;
      }
      await ack();
      throw err;
    }
    await ack();
    if (!submitted) return;
    const answer = answerFor(undefined, submitted.place, body.user.id);
    try {
      await run(submitted.invocation, submitted.place, answer);
    } catch (err) {
      await fail(err, answer, 'form').catch(() => {});
    }
  });
  // Clicks on blocks that are not ours are acknowledged (Slack shows an error otherwise) and left alone.
  app.action({ block_id: new RegExp(`^(?!${BUTTON_BLOCK_PREFIX})`) }, async ({ ack }) => {
    await ack();
  });

  await app.init();

  const unfollowJobs = followJobs(services, target);
  // Slack has no spoilers: the log says what was flagged and leaves the picture out.
  const unfollowLog = followModeration(services, {
    platform: 'slack',
    gateway: config.INSTANCE_ID,
    post: async (_serverId, channel, reply) =>
      void (await messenger.post({ channel }, reply.images?.length ? { text: concat(reply.text, '\n🙈 The picture is not shown: Slack has no spoilers.') } : reply)),
  });
  const unfollow = () => (unfollowJobs(), unfollowLog());
  let port: number | undefined;
  try {
    if (receiver instanceof SocketModeReceiver) {
      await app.start();
    } else {
      const listen = options.listen ?? { port: config.SLACK_PORT };
      const server = (await app.start(listen)) as Server;
      const address = server.address();
      port = typeof address === 'object' && address ? address.port : listen.port;
    }
  } catch (err) {
    unfollow();
    stopping = true;
    if (receiver instanceof SocketModeReceiver) await receiver.client.disconnect().catch(() => {});
    const code = slackErrorCode(err);
    throw new Error(code ? `Slack refused SLACK_APP_TOKEN (apps.connections.open: ${code})` : `Slack adapter could not start: ${(err as Error).message}`, { cause: err });
  }
  state = 'connected';
  log.info({ mode: config.slackMode, port }, 'Slack adapter started');

  return {
    name: 'slack',
    port,
    state: () => state,
    async stop() {
      if (stopping) return;
      stopping = true;
      unfollow();
      try {
        if (receiver instanceof SocketModeReceiver) await receiver.client.disconnect();
        else await app.stop();
      } finally {
        state = 'stopped';
        log.info('Slack adapter stopped');
      }
    },
  };
}
