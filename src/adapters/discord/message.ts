/**
 * A neutral Reply as a Discord message body: content (the neutral markup as Discord markdown),
 * action rows of buttons, attachments re-encoded under the interaction's attachment
 * size limit, and mentions that ping only the people meant.
 */
import type { RawFile } from 'discord.js';
import type { Form } from '../../core/forms.js';
import { expand, type Markup } from '../../core/markup.js';
import type { ButtonStyle, Reply, ReplyButton, ReplySelect } from '../../core/reply.js';
import { encodeUnderLimit, withExtension } from '../../images/encode.js';

export const MAX_CONTENT = 2000;
export const MAX_ROWS = 5;
export const MAX_BUTTONS_PER_ROW = 5;
export const MAX_LABEL = 80;
export const MAX_ATTACHMENTS = 10;
export const MAX_DESCRIPTION = 1024;
/** Discord's limit for a component's custom_id. */
export const MAX_CUSTOM_ID = 100;
/** Discord's attachment limit for servers without boosts, when an interaction does not say. */
export const DEFAULT_ATTACHMENT_LIMIT = 10 * 1024 * 1024;
/** Message flag: only the invoking user sees it. */
export const EPHEMERAL = 1 << 6;

export interface DiscordButton {
  type: 2;
  style: 1 | 2 | 3 | 4;
  custom_id: string;
  label?: string;
  emoji?: { name: string; id?: string; animated?: boolean };
  disabled?: boolean;
}

/** A string select (component type 3), one a row. */
export interface DiscordSelect {
  type: 3;
  custom_id: string;
  placeholder: string;
  options: { label: string; value: string; description?: string; default?: boolean }[];
  min_values: 1;
  max_values: 1;
}

export interface DiscordMessageBody {
  content: string;
  components: { type: 1; components: (DiscordButton | DiscordSelect)[] }[];
  attachments: { id: number; filename: string; description?: string }[];
  allowed_mentions: { parse: never[]; users: string[] };
  flags?: number;
}

/** A body plus the files it names (multipart when there are any). */
export interface DiscordMessage {
  body: DiscordMessageBody;
  files: RawFile[];
}

export interface RenderOptions {
  /** Users the message may ping (e.g. the requester on a new message); nobody else, whatever the text says. */
  ping?: string[];
  /** Bytes one attachment may have. */
  attachmentLimit?: number;
}

const STYLES: Record<ButtonStyle, DiscordButton['style']> = { primary: 1, secondary: 2, success: 3, danger: 4 };

/** Characters Discord markdown gives a meaning to; user text shows them escaped. */
const MARKDOWN_SPECIAL = /([\\*`<>_~|])/g;

/** The neutral markup as Discord markdown: **bold**, _italic_, `code`, <@id> mentions, user text escaped. */
export function toDiscordMarkdown(markup: Markup): string {
  let out = '';
  for (const node of markup) {
    switch (node.type) {
      case 'text':
        out += node.text.replace(MARKDOWN_SPECIAL, '\\$1');
        break;
      case 'bold':
        out += `**${toDiscordMarkdown(node.children)}**`;
        break;
      case 'italic':
        out += `_${toDiscordMarkdown(node.children)}_`;
        break;
      case 'code':
        // Inline code cannot escape a backtick; a double-backtick span can hold single ones.
        out += node.text.includes('`') ? `\`\` ${node.text.replace(/``+/g, '`')} \`\`` : `\`${node.text}\``;
        break;
      case 'mention':
        out += `<@${node.userId}>`;
        break;
      case 'link':
        // A masked link; the angle brackets keep Discord from embedding a preview of it.
        out += `[${node.text.replace(/[[\]]/g, '')}](<${node.url}>)`;
        break;
      case 'tr':
        // Replies are localized before they get here; one that was not is said in English.
        out += toDiscordMarkdown(expand(node));
        break;
    }
  }
  return out;
}

export function truncateContent(text: string): string {
  if (text.length <= MAX_CONTENT) return text;
  let cut = text.slice(0, MAX_CONTENT - 1);
  // Never leave half of a surrogate pair.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** `🔄` → unicode emoji; `<:name:123>` / `<a:name:123>` → a custom one. */
export function toEmoji(emoji: string): DiscordButton['emoji'] {
  const custom = /^<(a?):([\w~]{2,32}):(\d{5,25})>$/.exec(emoji);
  if (custom) return { name: custom[2]!, id: custom[3]!, animated: custom[1] === 'a' };
  return { name: emoji };
}

export function toButton(b: ReplyButton): DiscordButton {
  if (b.id.length > MAX_CUSTOM_ID) throw new Error(`button id ${b.id} is longer than Discord's ${MAX_CUSTOM_ID} characters`);
  const button: DiscordButton = { type: 2, style: STYLES[b.style ?? 'secondary'], custom_id: b.id };
  if (b.label) button.label = b.label.length > MAX_LABEL ? `${b.label.slice(0, MAX_LABEL - 1)}…` : b.label;
  if (b.emoji) button.emoji = toEmoji(b.emoji);
  if (!button.label && !button.emoji) button.label = '·';
  if (b.disabled) button.disabled = true;
  return button;
}

export function toRows(rows: ReplyButton[][] | undefined): DiscordMessageBody['components'] {
  const out: DiscordMessageBody['components'] = [];
  // Rows longer than Discord allows wrap rather than lose buttons.
  for (const row of rows ?? []) {
    for (let i = 0; i < row.length; i += MAX_BUTTONS_PER_ROW) {
      out.push({ type: 1, components: row.slice(i, i + MAX_BUTTONS_PER_ROW).map(toButton) });
    }
  }
  return out.slice(0, MAX_ROWS);
}

/** A menu as Discord's string select, within its limits (25 options, 100-character labels). */
export function toSelectRow(s: ReplySelect): { type: 1; components: [DiscordSelect] } {
  const cut = (t: string, n: number) => (t.length <= n ? t : `${t.slice(0, n - 1)}…`);
  return {
    type: 1,
    components: [
      {
        type: 3,
        custom_id: s.id.slice(0, MAX_CUSTOM_ID),
        placeholder: cut(s.placeholder, 150),
        options: s.options.slice(0, 25).map((o) => ({ label: cut(o.label, 100), value: o.value.slice(0, 100), ...(o.description ? { description: cut(o.description, 100) } : {}), ...(o.default ? { default: true } : {}) })),
        min_values: 1,
        max_values: 1,
      },
    ],
  };
}

const MIME = { png: 'image/png', webp: 'image/webp', jpeg: 'image/jpeg' } as const;

/**
 * Renders a Reply. Every field is present, so the same body creates a message or replaces all of
 * an existing one (old buttons and images go when the new reply has none).
 */
export async function renderMessage(reply: Reply, options: RenderOptions = {}): Promise<DiscordMessage> {
  const limit = options.attachmentLimit && options.attachmentLimit > 0 ? options.attachmentLimit : DEFAULT_ATTACHMENT_LIMIT;
  const files: RawFile[] = [];
  const attachments: DiscordMessageBody['attachments'] = [];
  for (const [i, image] of (reply.images ?? []).slice(0, MAX_ATTACHMENTS).entries()) {
    const fitted = await encodeUnderLimit(image.data, limit);
    // Discord shows an attachment whose name starts with SPOILER_ blurred until clicked.
    const name = `${image.spoiler ? 'SPOILER_' : ''}${withExtension(image.filename, fitted.format)}`;
    files.push({ key: `files[${i}]`, name, data: fitted.data, contentType: MIME[fitted.format] });
    attachments.push({ id: i, filename: name, ...(image.alt ? { description: image.alt.slice(0, MAX_DESCRIPTION) } : {}) });
  }
  const body: DiscordMessageBody = {
    content: truncateContent(toDiscordMarkdown(reply.text)),
    components: [...(reply.selects ?? []).map(toSelectRow), ...toRows(reply.buttons)].slice(0, MAX_ROWS),
    attachments,
    allowed_mentions: { parse: [], users: [...new Set(options.ping ?? [])] },
  };
  if (reply.ephemeral) body.flags = EPHEMERAL;
  return { body, files };
}

/** What a message shows, to skip edits that would change nothing. */
export function shownKey(reply: Reply): string {
  return JSON.stringify([toDiscordMarkdown(reply.text), reply.buttons ?? null, (reply.images ?? []).map((i) => [i.filename, i.data.length])]);
}

/** A modal's text box inside its label (component types 18 and 4). */
export interface DiscordModalField {
  type: 18;
  label: string;
  component: { type: 4; custom_id: string; style: 1 | 2; required: boolean; value?: string; placeholder?: string; max_length?: number };
}

/** The data of a modal response (callback type 9). */
export interface DiscordModal {
  custom_id: string;
  title: string;
  components: DiscordModalField[];
}

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** A neutral form as a Discord modal: one labelled text box per field (at most five), within Discord's lengths. */
export function renderModal(form: Form, customId: string): DiscordModal {
  return {
    custom_id: customId.slice(0, MAX_CUSTOM_ID),
    title: clip(form.title, 45),
    components: form.fields.slice(0, 5).map((f) => ({
      type: 18,
      label: clip(f.label, 45),
      component: {
        type: 4,
        custom_id: f.name,
        style: f.style === 'paragraph' ? 2 : 1,
        required: f.required ?? false,
        ...(f.value ? { value: f.value.slice(0, 4000) } : {}),
        ...(f.placeholder ? { placeholder: clip(f.placeholder, 100) } : {}),
        ...(f.maxLength ? { max_length: Math.min(f.maxLength, 4000) } : {}),
      },
    })),
  };
}
