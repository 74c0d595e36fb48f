/**
 * Slack events as the neutral Invocation: a slash command (its text read by the command's spec)
 * or a click on one of our buttons, with who (identity.ts), where (channel, thread) and whether
 * they administer the workspace.
 */
import type { BlockAction, ButtonAction, MessageShortcut, SlashCommand, StaticSelectAction, ViewSubmitAction } from '@slack/bolt';
import { UserError } from '../../core/errors.js';
import { readFormAnswers, type Form } from '../../core/forms.js';
import { BUTTON_COMMAND, type Invocation } from '../../core/invocation.js';
import { code, joinMarkup, md, msg } from '../../core/markup.js';
import type { CommandLayer } from '../types.js';
import type { SlackIdentityResolver } from './identity.js';
import { commandTextFromSlack } from './message.js';
import type { SlackPlace } from './messenger.js';

/** Who counts as a server admin in Slack, for refusals. */
export const SLACK_ADMINS = msg('workspace admins and owners, and the users the deployer lists in SLACK_ADMIN_USERS');

/** A slash command as an Invocation; throws UserError for text the command cannot read. */
export async function commandInvocation(command: SlashCommand, layer: CommandLayer, identities: SlackIdentityResolver): Promise<Invocation> {
  const name = command.command.replace(/^\//, '').toLowerCase();
  if (!layer.commands.some((c) => c.name === name)) {
    throw new UserError(md`Unknown command \`${command.command}\`. Commands: ${joinMarkup(layer.commands.map((c) => code(`/${c.name}`)), ', ')}.`, 'usage');
  }
  const parsed = layer.parseText(name, commandTextFromSlack(command.text ?? ''));
  const who = await identities.resolve(command.user_id, command.team_id, command.user_name);
  return {
    platform: 'slack',
    serverId: command.team_id,
    channelId: command.channel_id,
    userId: command.user_id,
    userName: who.userName,
    ...(who.locale ? { locale: who.locale } : {}),
    isServerAdmin: who.isServerAdmin,
    admins: SLACK_ADMINS,
    command: name,
    ...(parsed.subcommand ? { subcommand: parsed.subcommand } : {}),
    options: parsed.options,
  };
}

/** A message's permalink in the workspace's own form (ephemeral messages have none). */
function permalink(body: BlockAction, channel: string, ts: string | undefined): string | undefined {
  const domain = body.team?.domain;
  if (!domain || !ts || body.container?.is_ephemeral === true || !/^[a-z0-9-]+$/i.test(domain)) return undefined;
  const thread = body.container?.thread_ts as string | undefined;
  return `https://${domain}.slack.com/archives/${channel}/p${ts.replace('.', '')}${thread && thread !== ts ? `?thread_ts=${thread}&cid=${channel}` : ''}`;
}

/** A click on one of our buttons as an Invocation and where to answer it; undefined when it has no channel or team. */
export async function buttonInvocation(body: BlockAction, action: ButtonAction | StaticSelectAction, identities: SlackIdentityResolver): Promise<{ invocation: Invocation; place: SlackPlace } | undefined> {
  const channel = body.channel?.id ?? (body.container?.channel_id as string | undefined);
  const teamId = body.team?.id ?? body.user.team_id;
  if (!channel || !teamId) return undefined;
  // A click inside a thread answers in that thread; a thread's parent has thread_ts === ts.
  const messageTs = body.message?.ts ?? (body.container?.message_ts as string | undefined);
  const threadTs = (body.container?.thread_ts as string | undefined) ?? (body.message?.thread_ts as string | undefined);
  const place: SlackPlace = { channel, ...(threadTs && threadTs !== messageTs ? { threadTs } : {}) };
  const who = await identities.resolve(body.user.id, teamId, body.user.username ?? body.user.name ?? body.user.id);
  return {
    place,
    invocation: {
      platform: 'slack',
      serverId: teamId,
      channelId: channel,
      userId: body.user.id,
      userName: who.userName,
      ...(who.locale ? { locale: who.locale } : {}),
      isServerAdmin: who.isServerAdmin,
      admins: SLACK_ADMINS,
      command: BUTTON_COMMAND,
      // A choice in a menu is a click with a value.
      options: action.type === 'static_select' ? { id: action.action_id, value: action.selected_option.value } : { id: action.value ?? action.action_id },
      ...(permalink(body, channel, messageTs) ? { origin: permalink(body, channel, messageTs) } : {}),
    },
  };
}

/** A file of a message as Slack describes it (the fields read here). */
interface SlackFileInfo {
  mimetype?: string;
  name?: string;
  url_private?: string;
  url_private_download?: string;
}

const PICTURE_NAME = /\.(png|jpe?g|webp|gif|avif|tiff?)$/i;

/** A message's text and the links of its pictures (its image files, read later with the bot token). */
export function messageTarget(message: MessageShortcut['message']): NonNullable<Invocation['message']> {
  const files = (Array.isArray(message.files) ? message.files : []) as SlackFileInfo[];
  const images = files
    .filter((f) => f.mimetype?.startsWith('image/') || PICTURE_NAME.test(f.name ?? ''))
    .map((f) => f.url_private_download ?? f.url_private)
    .filter((u): u is string => typeof u === 'string');
  return { text: message.text ?? '', images };
}

/** A message shortcut as an Invocation of its action, and where to answer it. */
export async function shortcutInvocation(body: MessageShortcut, actionId: string, identities: SlackIdentityResolver): Promise<{ invocation: Invocation; place: SlackPlace } | undefined> {
  const teamId = body.team?.id ?? body.user.team_id;
  if (!teamId) return undefined;
  const threadTs = typeof body.message.thread_ts === 'string' && body.message.thread_ts !== body.message.ts ? body.message.thread_ts : undefined;
  const place: SlackPlace = { channel: body.channel.id, ...(threadTs ? { threadTs } : {}) };
  const who = await identities.resolve(body.user.id, teamId, body.user.username ?? body.user.name);
  return {
    place,
    invocation: {
      platform: 'slack',
      serverId: teamId,
      channelId: body.channel.id,
      userId: body.user.id,
      userName: who.userName,
      ...(who.locale ? { locale: who.locale } : {}),
      isServerAdmin: who.isServerAdmin,
      admins: SLACK_ADMINS,
      command: actionId,
      options: {},
      message: messageTarget(body.message),
    },
  };
}

/** What a view carries in its private_metadata: the form and where its answers go. */
export interface ViewMetadata {
  form: Form;
  place: SlackPlace;
}

/**
 * A submitted view as the Invocation of its form's command, and where to answer; throws
 * FormAnswerError for answers the command cannot take (shown under that box).
 */
export async function submissionInvocation(body: ViewSubmitAction, layer: CommandLayer, identities: SlackIdentityResolver): Promise<{ invocation: Invocation; place: SlackPlace } | undefined> {
  let meta: ViewMetadata;
  try {
    meta = JSON.parse(body.view.private_metadata) as ViewMetadata;
  } catch {
    return undefined;
  }
  const teamId = body.team?.id ?? body.user.team_id ?? body.view.team_id;
  if (!teamId || !meta.form || !meta.place) return undefined;
  const answers: Record<string, string | undefined> = {};
  for (const f of meta.form.fields) answers[f.name] = body.view.state.values[f.name]?.[f.name]?.value ?? undefined;
  const options = readFormAnswers(
    layer.commands.find((c) => c.name === meta.form.command),
    meta.form,
    answers,
  );
  const who = await identities.resolve(body.user.id, teamId, body.user.name);
  return {
    place: meta.place,
    invocation: {
      platform: 'slack',
      serverId: teamId,
      channelId: meta.place.channel,
      userId: body.user.id,
      userName: who.userName,
      ...(who.locale ? { locale: who.locale } : {}),
      isServerAdmin: who.isServerAdmin,
      admins: SLACK_ADMINS,
      command: meta.form.command,
      ...(meta.form.subcommand ? { subcommand: meta.form.subcommand } : {}),
      options,
    },
  };
}
