/**
 * The platform-neutral command definitions as Discord application commands, and their
 * registration (global, or one server for instant updates while developing).
 */
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  PermissionFlagsBits,
  Routes,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandOption,
  type APIApplicationCommandSubcommandOption,
  type REST,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  type RESTPostAPIContextMenuApplicationCommandsJSONBody,
} from 'discord.js';
import type { CommandOptionSpec, CommandSpec, MessageActionSpec } from '../../core/command.js';
import { CATALOGUES, DISCORD_LOCALES, type Language } from '../../core/i18n.js';

/**
 * Command names as people of each language see them in Discord's menu (the bot still receives the
 * English name). Commands not listed keep their name: /imagine, /info and /limits are the same words
 * there, and /imagine is what Midjourney users type everywhere.
 */
const COMMAND_NAMES: Record<Exclude<Language, 'en'>, Record<string, string>> = {
  de: { settings: 'einstellungen', models: 'modelle', cancel: 'abbrechen', show: 'zeigen' },
  fr: { settings: 'parametres', models: 'modeles', cancel: 'annuler', show: 'afficher' },
  es: { settings: 'ajustes', models: 'modelos', cancel: 'cancelar', show: 'mostrar' },
  ja: { settings: '設定', models: 'モデル', cancel: 'キャンセル', show: '表示' },
};

/** Discord's `*_localizations` for a text: every locale whose catalogue says it differently (clipped to `max`). */
function localizations(text: string, max: number, pick: (lang: Exclude<Language, 'en'>) => string | undefined = (lang) => CATALOGUES[lang][text]): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const lang of Object.keys(DISCORD_LOCALES) as Exclude<Language, 'en'>[]) {
    const said = pick(lang);
    if (said !== undefined && said !== text) for (const locale of DISCORD_LOCALES[lang]) out[locale] = clip(said, max);
  }
  return Object.keys(out).length ? out : undefined;
}

/** A description with its translations, as Discord takes them. */
function described(text: string): { description: string; description_localizations?: Record<string, string> } {
  const l = localizations(text, 100);
  return { description: clip(text, 100), ...(l ? { description_localizations: l } : {}) };
}

const TYPES = {
  string: ApplicationCommandOptionType.String,
  integer: ApplicationCommandOptionType.Integer,
  number: ApplicationCommandOptionType.Number,
  boolean: ApplicationCommandOptionType.Boolean,
  user: ApplicationCommandOptionType.User,
  attachment: ApplicationCommandOptionType.Attachment,
} as const;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function toDiscordOption(spec: CommandOptionSpec): APIApplicationCommandBasicOption {
  const option: Record<string, unknown> = {
    type: TYPES[spec.type],
    name: spec.name,
    ...described(spec.description),
    required: spec.required ?? false,
  };
  if (spec.choices?.length) option.choices = spec.choices.slice(0, 25).map((c) => ({ name: clip(c.name, 100), value: c.value }));
  if (spec.type === 'integer' || spec.type === 'number') {
    if (spec.minValue !== undefined) option.min_value = spec.minValue;
    if (spec.maxValue !== undefined) option.max_value = spec.maxValue;
  }
  if (spec.type === 'string' && spec.maxLength !== undefined) option.max_length = Math.min(spec.maxLength, 6000);
  return option as unknown as APIApplicationCommandBasicOption;
}

/** Discord wants required options first. */
function ordered(specs: readonly CommandOptionSpec[] | undefined): APIApplicationCommandBasicOption[] {
  const list = specs ?? [];
  return [...list.filter((o) => o.required), ...list.filter((o) => !o.required)].map(toDiscordOption);
}

export function toDiscordCommand(def: CommandSpec, options: { allowDms: boolean }): RESTPostAPIChatInputApplicationCommandsJSONBody {
  const commandOptions: APIApplicationCommandOption[] = def.subcommands?.length
    ? def.subcommands.map(
        (s): APIApplicationCommandSubcommandOption => ({
          type: ApplicationCommandOptionType.Subcommand,
          name: s.name,
          ...described(s.description),
          options: ordered(s.options),
        }),
      )
    : ordered(def.options);
  return {
    type: ApplicationCommandType.ChatInput,
    name: def.name,
    ...(localizations(def.name, 32, (lang) => COMMAND_NAMES[lang][def.name]) ? { name_localizations: localizations(def.name, 32, (lang) => COMMAND_NAMES[lang][def.name]) } : {}),
    ...described(def.description),
    options: commandOptions,
    // Admin commands start hidden from members without Manage Server; the command checks again,
    // since server owners can change who sees a command.
    default_member_permissions: def.adminOnly ? PermissionFlagsBits.ManageGuild.toString() : null,
    contexts: options.allowDms ? [InteractionContextType.Guild, InteractionContextType.BotDM] : [InteractionContextType.Guild],
    integration_types: [ApplicationIntegrationType.GuildInstall],
    nsfw: false,
  };
}

/** An action on a message as an entry of Discord's message context menu (Apps → the label). */
export function toDiscordMessageCommand(action: MessageActionSpec, options: { allowDms: boolean }): RESTPostAPIContextMenuApplicationCommandsJSONBody {
  return {
    type: ApplicationCommandType.Message,
    name: clip(action.label, 32),
    ...(localizations(action.label, 32) ? { name_localizations: localizations(action.label, 32) } : {}),
    default_member_permissions: null,
    contexts: options.allowDms ? [InteractionContextType.Guild, InteractionContextType.BotDM] : [InteractionContextType.Guild],
    integration_types: [ApplicationIntegrationType.GuildInstall],
  };
}

export type DiscordCommandJson = RESTPostAPIChatInputApplicationCommandsJSONBody | RESTPostAPIContextMenuApplicationCommandsJSONBody;

/** The slash commands, then the message actions, as Discord registers them. */
export function toDiscordCommands(defs: readonly CommandSpec[], options: { allowDms: boolean }, actions: readonly MessageActionSpec[] = []): DiscordCommandJson[] {
  return [...defs.map((d) => toDiscordCommand(d, options)), ...actions.map((a) => toDiscordMessageCommand(a, options))];
}

export interface DeployResult {
  scope: 'global' | 'guild';
  guildId?: string;
  /** As people find them: `/imagine`, `“Imagine from this image” in the message menu`. */
  names: string[];
}

/** Replaces the application's commands (bulk overwrite) globally or in one guild. */
export async function deployCommands(
  rest: REST,
  target: { applicationId: string; guildId?: string; allowDms: boolean },
  defs: readonly CommandSpec[],
  actions: readonly MessageActionSpec[] = [],
): Promise<DeployResult> {
  const body = toDiscordCommands(defs, { allowDms: target.allowDms }, actions);
  const route = target.guildId ? Routes.applicationGuildCommands(target.applicationId, target.guildId) : Routes.applicationCommands(target.applicationId);
  const saved = (await rest.put(route, { body })) as { name: string; type?: number }[];
  const names = saved.map((c) => (c.type === ApplicationCommandType.Message ? `“${c.name}” in the message menu` : `/${c.name}`));
  return { scope: target.guildId ? 'guild' : 'global', guildId: target.guildId, names };
}

/** Names of our commands (and message actions) that are not registered where this bot looks (to warn at start). */
export async function missingCommands(
  rest: REST,
  target: { applicationId: string; guildId?: string },
  defs: readonly CommandSpec[],
  actions: readonly MessageActionSpec[] = [],
): Promise<string[]> {
  const global = (await rest.get(Routes.applicationCommands(target.applicationId))) as { name: string }[];
  const guild = target.guildId ? ((await rest.get(Routes.applicationGuildCommands(target.applicationId, target.guildId))) as { name: string }[]) : [];
  const have = new Set([...global, ...guild].map((c) => c.name));
  return [...defs.map((d) => d.name), ...actions.map((a) => clip(a.label, 32))].filter((n) => !have.has(n));
}
