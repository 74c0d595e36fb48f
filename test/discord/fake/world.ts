/**
 * The fake Discord's world: the bot, users, guilds and channels, the messages users see and the
 * interactions they start. Slash commands and button clicks are built here as Discord would build
 * them (checked against the registered commands and what the user can see), then handed to the
 * gateway (gateway.ts) for delivery. The REST side (rest.ts) creates and edits the messages.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type {
  APIApplicationCommand,
  APIApplicationCommandInteractionDataOption,
  APIChatInputApplicationCommandInteraction,
  APIGuildMember,
  APIInteractionGuildMember,
  APIMessage,
  APIMessageComponentButtonInteraction,
  APIRole,
  APITextChannel,
  APIUser,
} from 'discord.js';

// Numbers from the Discord API (discord-api-types names in comments).
export const InteractionType = { ApplicationCommand: 2, MessageComponent: 3, ModalSubmit: 5 } as const;
export const CommandType = { ChatInput: 1, User: 2, Message: 3 } as const;
export const Flag = { Ephemeral: 1 << 6, Loading: 1 << 7 } as const;
export const OptionType = { Subcommand: 1, SubcommandGroup: 2, String: 3, Integer: 4, Boolean: 5, User: 6, Number: 10, Attachment: 11 } as const;
export const Perm = {
  CreateInstantInvite: 1n << 0n,
  Administrator: 1n << 3n,
  ManageGuild: 1n << 5n,
  AddReactions: 1n << 6n,
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  EmbedLinks: 1n << 14n,
  AttachFiles: 1n << 15n,
  ReadMessageHistory: 1n << 16n,
  MentionEveryone: 1n << 17n,
  UseExternalEmojis: 1n << 18n,
  ChangeNickname: 1n << 26n,
  UseApplicationCommands: 1n << 31n,
  SendMessagesInThreads: 1n << 38n,
} as const;
export const MEMBER_PERMISSIONS =
  Perm.CreateInstantInvite | Perm.AddReactions | Perm.ViewChannel | Perm.SendMessages | Perm.EmbedLinks | Perm.AttachFiles |
  Perm.ReadMessageHistory | Perm.UseExternalEmojis | Perm.ChangeNickname | Perm.UseApplicationCommands | Perm.SendMessagesInThreads;
const DISCORD_EPOCH = 1_420_070_400_000n;
export const MAX_ATTACHMENT_DEFAULT = 10 * 1024 * 1024;
export const TOKEN_LIFETIME_MS = 15 * 60 * 1000;
export const ACK_WINDOW_MS = 3000;

export interface FakeAttachment {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  data: Buffer;
  description?: string;
}

/** A message as users see it (the latest revision) plus its history. */
export interface FakeMessage {
  id: string;
  channelId: string;
  guildId?: string;
  authorId: string;
  /** 0 default, 19 reply to a component, 20 slash command response. */
  type: number;
  content: string;
  flags: number;
  components: any[];
  attachments: FakeAttachment[];
  /** Set for interaction responses and follow-ups. */
  interactionId?: string;
  /** Users this message notified when it was created (mentions filtered by allowed_mentions). */
  pinged: string[];
  deleted: boolean;
  createdAt: number;
  editedAt?: number;
  /** Every state the message went through, first to last. */
  revisions: { content: string; flags: number; components: any[]; attachments: string[]; attachmentData: Buffer[] }[];
}

export interface FakeUser {
  user: APIUser;
  /** Role ids in the default guild. */
  roles: string[];
  /** Permissions the member has in guild channels. */
  permissions: bigint;
}

export interface FakeGuild {
  id: string;
  name: string;
  /** The server's preferred locale (Community servers set it; Discord sends it as guild_locale). */
  locale?: string;
  ownerId: string;
  roles: APIRole[];
  channels: APITextChannel[];
}

export interface FakeInteraction {
  id: string;
  token: string;
  type: number;
  payload: any;
  userId: string;
  channelId: string;
  guildId?: string;
  /** Real time of the dispatch (the 3 s window). */
  dispatchedAt: number;
  /** Fake-clock time of the dispatch (the token's 15 minutes). */
  createdAt: number;
  /** The callback the bot sent, if any. */
  response?: { type: number; data?: any; at: number };
  /** The message @original refers to. */
  originalId?: string;
  followUpIds: string[];
  /** Forced expiry of the token (as if 15 minutes had passed). */
  expired: boolean;
  /** For a click: the message the button is on. */
  sourceMessageId?: string;
  /** The modal the bot answered with (callback type 9), as Discord shows it. */
  modal?: FakeModal;
}

/** A modal as the user sees it: its title and text boxes (legacy action rows or labels). */
export interface FakeModal {
  customId: string;
  title: string;
  fields: { customId: string; label: string; style: number; required: boolean; value?: string; placeholder?: string; maxLength?: number; minLength?: number }[];
}

export interface ContextOptions {
  user?: FakeUser;
  guild?: FakeGuild;
  channelId?: string;
  /** A DM with the bot instead of a server channel. */
  dm?: boolean;
  attachmentSizeLimit?: number;
  locale?: string;
}

/**
 * How the world reaches the bot: its identified gateway connections (gateway.ts implements this).
 * An interface so that the world does not depend on the WebSocket side.
 */
export interface BotConnections {
  /** Whether an identified connection serves this guild's shard (DMs go to shard 0). */
  serves(guildId: string | undefined): boolean;
  /** Sends a dispatch event to that connection; nothing happens when none serves the guild. */
  dispatch(guildId: string | undefined, event: string, data: unknown): void;
  /** The bot joined a guild: the connection serving it gets GUILD_CREATE. */
  guildAdded(guild: FakeGuild): void;
}

let snowflakeIncrement = 0n;
export function snowflake(at = Date.now()): string {
  snowflakeIncrement = (snowflakeIncrement + 1n) & 0xfffn;
  return (((BigInt(at) - DISCORD_EPOCH) << 22n) | (1n << 17n) | snowflakeIncrement).toString();
}

/** A timestamp as Discord writes it. */
export function iso(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+00:00');
}

export function makeUser(username: string, bot = false): APIUser {
  return {
    id: snowflake(),
    username,
    global_name: bot ? null : username[0]!.toUpperCase() + username.slice(1),
    discriminator: bot ? '0420' : '0',
    avatar: null,
    bot,
    system: false,
    public_flags: 0,
    flags: 0,
    banner: null,
    accent_color: null,
    avatar_decoration_data: null,
    collectibles: null,
    primary_guild: null,
  } as unknown as APIUser;
}

/** Everything the fake knows; emits 'change' whenever something may have changed. */
export class DiscordWorld extends EventEmitter {
  readonly token: string;
  readonly applicationId = snowflake();
  readonly bot: APIUser = makeUser('imagine-bot', true);
  readonly admin: FakeUser;
  readonly member: FakeUser;
  readonly guild: FakeGuild;
  readonly guilds: FakeGuild[] = [];
  readonly users = new Map<string, FakeUser>();
  readonly messages = new Map<string, FakeMessage>();
  /** Files users attached to commands, served from the CDN path like message attachments. */
  readonly uploads = new Map<string, FakeAttachment>();
  readonly interactions = new Map<string, FakeInteraction>();
  /** Registered commands: key `global` or a guild id. */
  readonly commands = new Map<string, APIApplicationCommand[]>();
  readonly dmChannels = new Map<string, string>();
  /** Added to Date.now() for token lifetimes, to play a 15-minute wait in no time. */
  clockOffsetMs = 0;
  /** The port the fake listens on (attachment URLs point there); 0 until it listens. */
  port = 0;

  /** Set once the gateway exists; until then no bot is connected. */
  protected connections?: BotConnections;

  constructor(token?: string) {
    super();
    this.setMaxListeners(100);
    this.token = token ?? `${Buffer.from(this.applicationId).toString('base64url')}.${randomBytes(4).toString('base64url')}.${randomBytes(27).toString('base64url')}`;
    this.users.set(this.bot.id, { user: this.bot, roles: [], permissions: MEMBER_PERMISSIONS });
    const alice = makeUser('alice');
    this.guild = this.addGuild('Test Server', alice.id);
    this.admin = this.addUser(alice, Perm.ManageGuild | MEMBER_PERMISSIONS, [this.guild.roles[1]!.id]);
    this.member = this.addUser(makeUser('bob'), MEMBER_PERMISSIONS);
  }

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  // ---------------------------------------------------------------- world

  addUser(user: APIUser, permissions = MEMBER_PERMISSIONS, roles: string[] = []): FakeUser {
    const u = { user, roles, permissions };
    this.users.set(user.id, u);
    return u;
  }

  addGuild(name: string, ownerId = this.bot.id): FakeGuild {
    const id = snowflake();
    const everyone: APIRole = {
      id,
      name: '@everyone',
      color: 0,
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      icon: null,
      unicode_emoji: null,
      position: 0,
      permissions: MEMBER_PERMISSIONS.toString(),
      managed: false,
      mentionable: false,
      flags: 0,
    } as unknown as APIRole;
    const adminRole: APIRole = { ...everyone, id: snowflake(), name: 'Moderators', position: 1, permissions: (MEMBER_PERMISSIONS | Perm.ManageGuild).toString() };
    const channel: APITextChannel = {
      id: snowflake(),
      type: 0,
      guild_id: id,
      name: 'general',
      position: 0,
      permission_overwrites: [],
      nsfw: false,
      topic: null,
      last_message_id: null,
      rate_limit_per_user: 0,
      parent_id: null,
      flags: 0,
      default_thread_rate_limit_per_user: 0,
    } as unknown as APITextChannel;
    const guild: FakeGuild = { id, name, ownerId, roles: [everyone, adminRole], channels: [channel] };
    this.guilds.push(guild);
    // A guild added while a client is connected arrives as the bot joining it.
    this.connections?.guildAdded(guild);
    return guild;
  }

  get channelId(): string {
    return this.guild.channels[0]!.id;
  }

  /** Marks a guild channel age-restricted or not, as a server admin does in its settings. */
  setChannelNsfw(nsfw: boolean, channelId = this.channelId): void {
    const channel = this.guilds.flatMap((g) => g.channels).find((c) => c.id === channelId);
    if (!channel) throw new Error(`fake Discord: no channel ${channelId}`);
    channel.nsfw = nsfw;
    this.connections?.dispatch(channel.guild_id, 'CHANNEL_UPDATE', channel);
  }

  // ---------------------------------------------------------------- waiting

  /** Resolves with the first truthy value of `check`, re-checked after every change. */
  waitFor<T>(check: () => T | undefined | false | null, what = 'a condition', timeoutMs = 30_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const test = () => {
        let v: T | undefined | false | null;
        try {
          v = check();
        } catch (err) {
          cleanup();
          reject(err as Error);
          return;
        }
        if (v) {
          cleanup();
          resolve(v);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`fake Discord: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      // Conditions may also depend on state outside the fake (the bot's side): poll as well.
      const poll = setInterval(test, 20);
      const cleanup = () => {
        clearTimeout(timer);
        clearInterval(poll);
        this.off('change', test);
      };
      this.on('change', test);
      test();
    });
  }

  // ---------------------------------------------------------------- what users see

  /** Messages in a channel that `viewerId` can see, oldest first. */
  visibleMessages(channelId = this.channelId, viewerId?: string): FakeMessage[] {
    return [...this.messages.values()].filter(
      (m) => m.channelId === channelId && !m.deleted && (!(m.flags & Flag.Ephemeral) || this.interactions.get(m.interactionId ?? '')?.userId === viewerId),
    );
  }

  original(interaction: FakeInteraction): FakeMessage | undefined {
    return interaction.originalId ? this.messages.get(interaction.originalId) : undefined;
  }

  isEphemeral(message: FakeMessage): boolean {
    return (message.flags & Flag.Ephemeral) !== 0;
  }

  isLoading(message: FakeMessage): boolean {
    return (message.flags & Flag.Loading) !== 0;
  }

  /** Every button on a message, in order. */
  buttons(message: FakeMessage): { custom_id: string; label?: string; emoji?: { name: string }; style: number; disabled?: boolean }[] {
    return message.components.flatMap((row: any) => row.components ?? []).filter((c: any) => c.type === 2);
  }

  /** Every select menu on a message, in order. */
  selects(message: FakeMessage): { custom_id: string; placeholder?: string; options: { label: string; value: string; default?: boolean }[] }[] {
    return message.components.flatMap((row: any) => row.components ?? []).filter((c: any) => c.type === 3);
  }

  /** The interaction's token stops working (as 15 minutes later). */
  expireToken(interaction: FakeInteraction): void {
    interaction.expired = true;
  }

  // ---------------------------------------------------------------- interactions

  private context(options: ContextOptions) {
    const user = options.user ?? this.member;
    const guild = options.dm ? undefined : (options.guild ?? this.guild);
    let channel: any;
    if (guild) {
      const ch = guild.channels.find((c) => c.id === options.channelId) ?? guild.channels[0]!;
      channel = { ...ch, permissions: this.permissionsIn(user, guild).toString() };
    } else {
      channel = { id: dmChannelFor(this, user.user.id), type: 1, last_message_id: null, flags: 0, recipients: [user.user] };
    }
    return { user, guild, channel };
  }

  private permissionsIn(user: FakeUser, guild: FakeGuild): bigint {
    if (guild.ownerId === user.user.id) return (1n << 53n) - 1n;
    return user.permissions;
  }

  /** A user as a member of a guild, as Discord sends members (GUILD_CREATE, interactions). */
  guildMember(user: FakeUser, guild: FakeGuild): APIGuildMember {
    return {
      user: user.user,
      nick: null,
      avatar: null,
      banner: null,
      roles: guild === this.guild ? user.roles : [],
      joined_at: iso(Date.now() - 86_400_000),
      premium_since: null,
      deaf: false,
      mute: false,
      flags: 0,
      pending: false,
      communication_disabled_until: null,
    } as unknown as APIGuildMember;
  }

  private memberPayload(user: FakeUser, guild: FakeGuild): APIInteractionGuildMember {
    return {
      ...this.guildMember(user, guild),
      unusual_dm_activity_until: null,
      permissions: this.permissionsIn(user, guild).toString(),
    } as unknown as APIInteractionGuildMember;
  }

  private baseInteraction(type: number, options: ContextOptions) {
    const { user, guild, channel } = this.context(options);
    const id = snowflake();
    const token = `aW50ZXJhY3Rpb246${id}:${randomBytes(96).toString('base64url')}`;
    const base: Record<string, unknown> = {
      id,
      application_id: this.applicationId,
      type,
      token,
      version: 1,
      channel,
      channel_id: channel.id,
      app_permissions: (MEMBER_PERMISSIONS | Perm.MentionEveryone).toString(),
      locale: options.locale ?? 'en-US',
      entitlements: [],
      authorizing_integration_owners: { '0': guild?.id ?? '0' },
      context: guild ? 0 : 1,
      attachment_size_limit: options.attachmentSizeLimit ?? MAX_ATTACHMENT_DEFAULT,
    };
    if (guild) {
      base.guild_id = guild.id;
      base.guild = { id: guild.id, locale: guild.locale ?? 'en-US', features: [] };
      base.guild_locale = guild.locale ?? 'en-US';
      base.member = this.memberPayload(user, guild);
    } else {
      base.user = user.user;
    }
    return { base, user, guild, channel, id, token };
  }

  private registered(name: string, guildId?: string, type: number = CommandType.ChatInput): APIApplicationCommand {
    const find = (list?: APIApplicationCommand[]) => list?.find((c) => c.name === name && (c.type ?? 1) === type);
    const cmd = find(guildId ? this.commands.get(guildId) : undefined) ?? find(this.commands.get('global'));
    if (!cmd) throw new Error(`fake Discord: /${name} is not registered (guild ${guildId ?? '-'}); Discord would not offer it`);
    return cmd;
  }

  /**
   * A user runs a slash command. Options are checked against the registered command as the
   * Discord client does (types, required, choices, ranges), so only what a user could send arrives.
   */
  /** A file a user picks to attach to a command; its id goes in the command's attachment option. */
  upload(filename: string, data: Buffer, contentType = 'image/png'): string {
    const id = snowflake();
    this.uploads.set(id, { id, filename, contentType, size: data.length, data });
    return id;
  }

  /** A user posts a message in a channel, with files attached (a picture to imagine from). */
  userMessage(content: string, files: { filename: string; data: Buffer; contentType?: string }[] = [], ctx: { user?: FakeUser; channelId?: string } = {}): FakeMessage {
    const user = ctx.user ?? this.member;
    const channelId = ctx.channelId ?? this.channelId;
    const guild = this.guilds.find((g) => g.channels.some((c) => c.id === channelId));
    const attachments: FakeAttachment[] = files.map((f) => ({ id: snowflake(), filename: f.filename, contentType: f.contentType ?? 'image/png', size: f.data.length, data: f.data }));
    const msg: FakeMessage = {
      id: snowflake(),
      channelId,
      guildId: guild?.id,
      authorId: user.user.id,
      type: 0,
      content,
      flags: 0,
      components: [],
      attachments,
      pinged: [],
      deleted: false,
      createdAt: Date.now(),
      revisions: [],
    };
    msg.revisions.push({ content, flags: 0, components: [], attachments: attachments.map((a) => a.filename), attachmentData: attachments.map((a) => a.data) });
    this.messages.set(msg.id, msg);
    this.emit('change');
    return msg;
  }

  /**
   * A user runs a slash command. Options are checked against the registered command as the
   * Discord client does (types, required, choices, ranges), so only what a user could send arrives.
   */
  slash(name: string, options: Record<string, string | number | boolean> = {}, ctx: ContextOptions & { subcommand?: string } = {}): FakeInteraction {
    const guildId = ctx.dm ? undefined : (ctx.guild ?? this.guild).id;
    const cmd = this.registered(name, guildId);
    const { user, guild } = this.context(ctx);
    if (cmd.default_member_permissions && guild) {
      const needed = BigInt(cmd.default_member_permissions);
      const has = this.permissionsIn(user, guild);
      if ((has & needed) !== needed && (has & Perm.Administrator) === 0n) {
        throw new Error(`fake Discord: ${user.user.username} cannot see /${name} (default_member_permissions ${needed})`);
      }
    }
    if (!guild && cmd.contexts && !cmd.contexts.includes(1)) throw new Error(`fake Discord: /${name} is not offered in DMs`);
    let specs = cmd.options ?? [];
    let sub: { type: number; name: string; options: APIApplicationCommandInteractionDataOption[] } | undefined;
    if (ctx.subcommand) {
      const s = specs.find((o) => o.name === ctx.subcommand && o.type === OptionType.Subcommand);
      if (!s) throw new Error(`fake Discord: /${name} has no subcommand ${ctx.subcommand}`);
      specs = ('options' in s ? s.options : undefined) ?? [];
      sub = { type: OptionType.Subcommand, name: s.name, options: [] };
    } else if (specs.some((o) => o.type === OptionType.Subcommand)) {
      throw new Error(`fake Discord: /${name} needs a subcommand`);
    }
    const values: APIApplicationCommandInteractionDataOption[] = [];
    // A user option carries the user's id; Discord sends who it is in data.resolved (an attachment likewise).
    const resolvedUsers: Record<string, unknown> = {};
    const resolvedAttachments: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(options)) {
      const spec: any = specs.find((o) => o.name === key);
      if (!spec) throw new Error(`fake Discord: /${name} has no option ${key}`);
      const ok =
        spec.type === OptionType.String ? typeof value === 'string' :
        spec.type === OptionType.Integer ? Number.isInteger(value) :
        spec.type === OptionType.Number ? typeof value === 'number' :
        spec.type === OptionType.Boolean ? typeof value === 'boolean' :
        spec.type === OptionType.User ? typeof value === 'string' && this.users.has(value) :
        spec.type === OptionType.Attachment ? typeof value === 'string' && this.uploads.has(value) : false;
      if (spec.type === OptionType.User && ok) resolvedUsers[value as string] = this.users.get(value as string)!.user;
      if (spec.type === OptionType.Attachment && ok) {
        const a = this.uploads.get(value as string)!;
        const url = `http://127.0.0.1:${this.port}/attachments/${ctx.channelId ?? this.channelId}/${a.id}/${encodeURIComponent(a.filename)}`;
        resolvedAttachments[a.id] = { id: a.id, filename: a.filename, size: a.size, content_type: a.contentType, url, proxy_url: url };
      }
      if (!ok) throw new Error(`fake Discord: option ${key} of /${name} cannot be ${JSON.stringify(value)}`);
      if (spec.choices && !spec.choices.some((c: any) => c.value === value)) throw new Error(`fake Discord: ${key} must be one of the choices`);
      if (typeof value === 'number' && ((spec.min_value !== undefined && value < spec.min_value) || (spec.max_value !== undefined && value > spec.max_value))) {
        throw new Error(`fake Discord: ${key} is out of range`);
      }
      if (typeof value === 'string' && spec.max_length !== undefined && value.length > spec.max_length) throw new Error(`fake Discord: ${key} is too long`);
      values.push({ type: spec.type, name: key, value } as APIApplicationCommandInteractionDataOption);
    }
    for (const spec of specs as any[]) {
      if (spec.required && !(spec.name in options)) throw new Error(`fake Discord: /${name} needs ${spec.name}`);
    }
    if (sub) sub.options = values;
    const { base, id, token, channel } = this.baseInteraction(InteractionType.ApplicationCommand, ctx);
    const payload = {
      ...base,
      data: {
        id: cmd.id,
        name: cmd.name,
        type: 1,
        options: sub ? [sub] : values,
        ...(Object.keys(resolvedUsers).length || Object.keys(resolvedAttachments).length
          ? { resolved: { ...(Object.keys(resolvedUsers).length ? { users: resolvedUsers } : {}), ...(Object.keys(resolvedAttachments).length ? { attachments: resolvedAttachments } : {}) } }
          : {}),
        ...(guildId && cmd.guild_id ? { guild_id: guildId } : {}),
      },
    } as unknown as APIChatInputApplicationCommandInteraction;
    return this.deliverInteraction({ id, token, payload, userId: user.user.id, channelId: channel.id, guildId, type: InteractionType.ApplicationCommand });
  }

  /** A user picks Apps → `name` on a message (a message context-menu command). */
  messageCommand(name: string, message: FakeMessage, ctx: ContextOptions = {}): FakeInteraction {
    if (message.deleted) throw new Error('fake Discord: the message is gone');
    const guild = message.guildId ? this.guilds.find((g) => g.id === message.guildId) : undefined;
    const cmd = this.registered(name, guild?.id, CommandType.Message);
    const context: ContextOptions = { ...ctx, channelId: message.channelId, guild, dm: !guild };
    const { base, id, token, channel, user } = this.baseInteraction(InteractionType.ApplicationCommand, context);
    const payload = {
      ...base,
      data: { id: cmd.id, name: cmd.name, type: CommandType.Message, target_id: message.id, resolved: { messages: { [message.id]: apiMessage(this, message) } }, ...(guild && cmd.guild_id ? { guild_id: guild.id } : {}) },
    };
    return this.deliverInteraction({ id, token, payload, userId: user.user.id, channelId: channel.id, guildId: guild?.id, type: InteractionType.ApplicationCommand });
  }

  /**
   * The user fills in the modal the bot showed for `interaction` and presses Submit. As Discord's
   * client, it refuses an empty required box and text over a box's limits; boxes left out keep
   * their pre-filled value.
   */
  submitModal(interaction: FakeInteraction, values: Record<string, string>, ctx: ContextOptions = {}): FakeInteraction {
    const modal = interaction.modal;
    if (!modal) throw new Error('fake Discord: the bot showed no modal for this interaction');
    for (const key of Object.keys(values)) if (!modal.fields.some((f) => f.customId === key)) throw new Error(`fake Discord: the modal has no box ${key}`);
    const filled = modal.fields.map((f) => ({ field: f, value: values[f.customId] ?? f.value ?? '' }));
    for (const { field, value } of filled) {
      if (field.required && value === '') throw new Error(`fake Discord: ${field.label} is required`);
      if (field.maxLength !== undefined && value.length > field.maxLength) throw new Error(`fake Discord: ${field.label} is over ${field.maxLength} characters`);
      if (value !== '' && field.minLength !== undefined && value.length < field.minLength) throw new Error(`fake Discord: ${field.label} is under ${field.minLength} characters`);
    }
    const guild = interaction.guildId ? this.guilds.find((g) => g.id === interaction.guildId) : undefined;
    const context: ContextOptions = { user: this.users.get(interaction.userId), ...ctx, channelId: interaction.channelId, guild, dm: !guild };
    const { base, id, token, channel, user } = this.baseInteraction(InteractionType.ModalSubmit, context);
    const payload = {
      ...base,
      data: {
        custom_id: modal.customId,
        // Discord answers in the modal's own layout: a label around each box.
        components: filled.map(({ field, value }, i) => ({ type: 18, id: i * 2 + 1, component: { type: 4, id: i * 2 + 2, custom_id: field.customId, value } })),
      },
    };
    return this.deliverInteraction({ id, token, payload, userId: user.user.id, channelId: channel.id, guildId: guild?.id, type: InteractionType.ModalSubmit });
  }

  /** A user picks an option of a select menu on a message they can see. */
  choose(message: FakeMessage, customId: string, value: string, ctx: ContextOptions = {}): FakeInteraction {
    const { user } = this.context(ctx);
    if (message.deleted) throw new Error('fake Discord: the message is gone');
    if (this.isEphemeral(message) && this.interactions.get(message.interactionId ?? '')?.userId !== user.user.id) throw new Error('fake Discord: the user cannot see this ephemeral message');
    const select = this.selects(message).find((s) => s.custom_id === customId);
    if (!select) throw new Error(`fake Discord: no select ${customId} on message ${message.id}`);
    if (!select.options.some((o) => o.value === value)) throw new Error(`fake Discord: select ${customId} has no option ${value}`);
    const guild = message.guildId ? this.guilds.find((g) => g.id === message.guildId) : undefined;
    const context: ContextOptions = { ...ctx, channelId: message.channelId, guild, dm: !guild };
    const { base, id, token, channel } = this.baseInteraction(InteractionType.MessageComponent, context);
    const payload = { ...base, message: apiMessage(this, message), data: { custom_id: customId, component_type: 3, values: [value] } };
    return this.deliverInteraction({ id, token, payload, userId: user.user.id, channelId: channel.id, guildId: guild?.id, type: InteractionType.MessageComponent, sourceMessageId: message.id });
  }

  /** A user clicks a button on a message they can see. */
  click(message: FakeMessage, customId: string, ctx: ContextOptions = {}): FakeInteraction {
    const { user } = this.context(ctx);
    if (message.deleted) throw new Error('fake Discord: the message is gone');
    if (this.isEphemeral(message) && this.interactions.get(message.interactionId ?? '')?.userId !== user.user.id) {
      throw new Error('fake Discord: the user cannot see this ephemeral message');
    }
    const button = this.buttons(message).find((b) => b.custom_id === customId);
    if (!button) throw new Error(`fake Discord: no button ${customId} on message ${message.id}`);
    if (button.disabled) throw new Error(`fake Discord: button ${customId} is disabled`);
    const guild = message.guildId ? this.guilds.find((g) => g.id === message.guildId) : undefined;
    const context: ContextOptions = { ...ctx, channelId: message.channelId, guild, dm: !guild };
    const { base, id, token, channel } = this.baseInteraction(InteractionType.MessageComponent, context);
    const payload = {
      ...base,
      message: apiMessage(this, message),
      data: { custom_id: customId, component_type: 2 },
    } as unknown as APIMessageComponentButtonInteraction;
    return this.deliverInteraction({ id, token, payload, userId: user.user.id, channelId: channel.id, guildId: guild?.id, type: InteractionType.MessageComponent, sourceMessageId: message.id });
  }

  private deliverInteraction(i: { id: string; token: string; payload: any; userId: string; channelId: string; guildId?: string; type: number; sourceMessageId?: string }): FakeInteraction {
    const connections = this.connections;
    if (!connections?.serves(i.guildId)) throw new Error('fake Discord: no gateway connection for this interaction');
    const fi: FakeInteraction = { ...i, dispatchedAt: Date.now(), createdAt: this.now(), followUpIds: [], expired: false };
    this.interactions.set(fi.id, fi);
    connections.dispatch(i.guildId, 'INTERACTION_CREATE', i.payload);
    return fi;
  }

  /** Resolves once the bot answered the interaction's callback (or rejects after 3 s, as Discord would show a failure). */
  async waitForAck(interaction: FakeInteraction): Promise<{ type: number; data?: any; at: number }> {
    const r = await this.waitFor(() => interaction.response, `the bot to acknowledge interaction ${interaction.id}`, ACK_WINDOW_MS + 500);
    return r;
  }
}

// ---------------------------------------------------------------- shared with the REST side
// Functions rather than methods, so that FakeDiscord's public API stays what tests use.

/** The DM channel between the bot and a user, made on first use (a click in a DM, or POST /users/@me/channels). */
export function dmChannelFor(world: DiscordWorld, userId: string): string {
  let id = world.dmChannels.get(userId);
  if (!id) {
    id = snowflake();
    world.dmChannels.set(userId, id);
  }
  return id;
}

/** A message as the API returns it (REST answers, and the message of a click). */
export function apiMessage(world: DiscordWorld, msg: FakeMessage): APIMessage {
  const fi = msg.interactionId ? world.interactions.get(msg.interactionId) : undefined;
  const interactionUser = fi ? world.users.get(fi.userId)?.user : undefined;
  return {
    id: msg.id,
    channel_id: msg.channelId,
    author: world.users.get(msg.authorId)?.user ?? world.bot,
    content: msg.content,
    timestamp: iso(msg.createdAt),
    edited_timestamp: msg.editedAt ? iso(msg.editedAt) : null,
    tts: false,
    mention_everyone: false,
    mentions: msg.pinged.map((id) => world.users.get(id)?.user).filter((u): u is APIUser => Boolean(u)),
    mention_roles: [],
    attachments: msg.attachments.map((a) => ({
      id: a.id,
      filename: a.filename,
      size: a.size,
      url: `http://127.0.0.1:${world.port}/attachments/${msg.channelId}/${a.id}/${encodeURIComponent(a.filename)}`,
      proxy_url: `http://127.0.0.1:${world.port}/attachments/${msg.channelId}/${a.id}/${encodeURIComponent(a.filename)}`,
      content_type: a.contentType,
      ...(a.description ? { description: a.description } : {}),
    })),
    embeds: [],
    pinned: false,
    type: msg.type,
    flags: msg.flags,
    components: msg.components,
    ...(fi ? { webhook_id: world.applicationId, application_id: world.applicationId } : {}),
    ...(fi && interactionUser
      ? { interaction_metadata: { id: fi.id, type: fi.type, user: interactionUser, authorizing_integration_owners: { '0': fi.guildId ?? '0' } } }
      : {}),
  } as APIMessage;
}
