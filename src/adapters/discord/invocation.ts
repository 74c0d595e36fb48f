/**
 * A Discord interaction as the neutral Invocation: who (Manage Server → server admin), where
 * (guild, or `dm:<userId>` in a direct message), which command with its typed options, or which
 * button.
 */
import { msg } from '../../core/markup.js';
import {
  ApplicationCommandOptionType,
  PermissionFlagsBits,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
  type Message,
  type MessageContextMenuCommandInteraction,
  type ModalSubmitInteraction,
  type StringSelectMenuInteraction,
} from 'discord.js';
import { BUTTON_COMMAND, type Invocation, type OptionValue } from '../../core/invocation.js';

export const DMS_OFF_MESSAGE = msg('I only work in servers here; run the command in a server channel.');
/** Who counts as a server admin on Discord, for refusals. */
export const DISCORD_ADMINS = msg('members with the Manage Server permission');

/** Typed options of a command (or of its subcommand), by name. */
export function readOptions(data: readonly CommandInteractionOption[]): { subcommand?: string; options: Record<string, OptionValue> } {
  let list = data;
  let subcommand: string | undefined;
  const group = list.find((o) => o.type === ApplicationCommandOptionType.SubcommandGroup);
  if (group) list = group.options ?? [];
  const sub = list.find((o) => o.type === ApplicationCommandOptionType.Subcommand);
  if (sub) {
    subcommand = group ? `${group.name} ${sub.name}` : sub.name;
    list = sub.options ?? [];
  }
  const options: Record<string, OptionValue> = {};
  for (const o of list) {
    // An attachment option's value is the attachment's id; what the command needs is where its file is.
    if (o.type === ApplicationCommandOptionType.Attachment) {
      if (o.attachment?.url) options[o.name] = o.attachment.url;
    } else if (typeof o.value === 'string' || typeof o.value === 'number' || typeof o.value === 'boolean') options[o.name] = o.value;
  }
  return { subcommand, options };
}

/** The interactions the adapter answers. */
export type AnsweredInteraction = ChatInputCommandInteraction | ButtonInteraction | StringSelectMenuInteraction | MessageContextMenuCommandInteraction | ModalSubmitInteraction;

/** The name people see: server nickname, then display name, then username. */
export function displayName(interaction: AnsweredInteraction): string {
  const member = interaction.member;
  if (member) {
    if ('displayName' in member && typeof member.displayName === 'string') return member.displayName;
    if ('nick' in member && typeof member.nick === 'string' && member.nick) return member.nick;
  }
  return interaction.user.globalName ?? interaction.user.username;
}

/** Discord's age-restricted channel flag (text, voice and forum channels, and a thread through its parent). */
function isAgeRestricted(channel: AnsweredInteraction['channel']): boolean {
  if (!channel) return false;
  if ('nsfw' in channel && channel.nsfw === true) return true;
  const parent = 'parent' in channel ? channel.parent : null;
  return parent !== null && 'nsfw' in parent && parent.nsfw === true;
}

const PICTURE_NAME = /\.(png|jpe?g|webp|gif|avif|tiff?)$/i;

/** A message's text and the links of its pictures: attachments first, then embedded images. */
export function messageTarget(message: Pick<Message, 'content' | 'attachments' | 'embeds'>): NonNullable<Invocation['message']> {
  const images = [...message.attachments.values()].filter((a) => a.contentType?.startsWith('image/') || PICTURE_NAME.test(a.name)).map((a) => a.url);
  for (const e of message.embeds) {
    const url = e.image?.url ?? e.thumbnail?.url;
    if (url) images.push(url);
  }
  return { text: message.content, images };
}

/**
 * Who and where for any interaction, with a placeholder command, or a refusal text (a DM while DMs
 * are off). toInvocation fills in the command of a slash command or a click.
 */
export function whoAndWhere(interaction: AnsweredInteraction, allowDms: boolean): Invocation | string {
  const guildId = interaction.guildId;
  if (!guildId && !allowDms) return DMS_OFF_MESSAGE;
  const base = {
    platform: 'discord' as const,
    serverId: guildId ?? `dm:${interaction.user.id}`,
    channelId: interaction.channelId ?? `dm:${interaction.user.id}`,
    userId: interaction.user.id,
    userName: displayName(interaction),
    // In a DM everyone has their own limits, which they may not raise themselves.
    isServerAdmin: guildId !== null && interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) === true,
    admins: DISCORD_ADMINS,
    ageRestricted: isAgeRestricted(interaction.channel),
    locale: interaction.locale,
    ...(interaction.guildLocale ? { serverLocale: interaction.guildLocale } : {}),
  };
  return { ...base, command: '', options: {} };
}

/** The Invocation for a slash command or a click, or a refusal text (a DM while DMs are off). */
export function toInvocation(interaction: ChatInputCommandInteraction | ButtonInteraction, allowDms: boolean): Invocation | string {
  const base = whoAndWhere(interaction, allowDms);
  if (typeof base === 'string') return base;
  if (interaction.isButton()) {
    const m = interaction.message;
    const origin = `https://discord.com/channels/${interaction.guildId ?? '@me'}/${m.channelId}/${m.id}`;
    return { ...base, command: BUTTON_COMMAND, options: { id: interaction.customId }, origin };
  }
  const { subcommand, options } = readOptions(interaction.options.data);
  return { ...base, command: interaction.commandName, ...(subcommand ? { subcommand } : {}), options };
}
