/**
 * A neutral Reply as a Slack message: the markup as mrkdwn sections, each row of buttons as an
 * actions block whose buttons carry the command layer's button id (action_id and value); and the
 * text Slack sends us back (HTML-escaped, sometimes with typographic punctuation) as plain text.
 */
import type { types } from '@slack/bolt';
import type { Form } from '../../core/forms.js';
import { expand, type Markup } from '../../core/markup.js';
import type { Reply, ReplyButton, ReplySelect } from '../../core/reply.js';

/** Slack's limit for the text of one section block. */
export const SECTION_TEXT_LIMIT = 3000;

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

/** Slack requires &, < and > escaped in message text; everything else is literal. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * An asterisk from user text would open or close Slack bold (Slack has no escape), so it is shown
 * as the look-alike ∗ (U+2217).
 */
const LITERAL_ASTERISK = '\u2217';

/** The neutral markup as Slack mrkdwn: bold `*x*`, italic `_x_`, code, Slack mentions; user text escaped. */
export function toMrkdwn(markup: Markup): string {
  return render(markup, 'mrkdwn');
}

/** A plain rendering for notifications and fallbacks: markup removed, mentions kept. */
export function toPlainFallback(markup: Markup): string {
  return render(markup, 'plain');
}

function render(markup: Markup, mode: 'mrkdwn' | 'plain'): string {
  let out = '';
  for (const node of markup) {
    switch (node.type) {
      case 'text':
        out += mode === 'mrkdwn' ? escapeMrkdwn(node.text).replace(/\*/g, LITERAL_ASTERISK) : escapeMrkdwn(node.text);
        break;
      case 'bold':
        out += mode === 'mrkdwn' ? `*${render(node.children, mode)}*` : render(node.children, mode);
        break;
      case 'italic':
        out += mode === 'mrkdwn' ? `_${render(node.children, mode)}_` : render(node.children, mode);
        break;
      case 'code':
        out += mode === 'mrkdwn' ? `\`${escapeMrkdwn(node.text.replace(/`/g, "'"))}\`` : escapeMrkdwn(node.text);
        break;
      case 'mention':
        out += SLACK_USER_ID.test(node.userId) ? `<@${node.userId}>` : escapeMrkdwn(`@${node.userId}`);
        break;
      case 'link':
        out += mode === 'mrkdwn' ? `<${node.url}|${escapeMrkdwn(node.text).replace(/\|/g, '¦')}>` : escapeMrkdwn(node.text);
        break;
      case 'tr':
        // Replies are localized before they get here; one that was not is said in English.
        out += render(expand(node), mode);
        break;
    }
  }
  return out;
}

/**
 * Splits mrkdwn into pieces of at most `limit` characters, preferring line breaks, never cutting
 * an escape sequence (&amp; …) or a mention in half.
 */
export function splitForSections(mrkdwn: string, limit = SECTION_TEXT_LIMIT): string[] {
  const pieces: string[] = [];
  let rest = mrkdwn;
  while (rest.length > limit) {
    let cut = rest.lastIndexOf('\n', limit);
    if (cut < limit / 2) cut = rest.lastIndexOf(' ', limit);
    if (cut < limit / 2) cut = limit;
    // Step back out of an entity or a mention.
    const amp = rest.lastIndexOf('&', cut);
    if (amp > cut - 6 && rest.indexOf(';', amp) >= cut) cut = amp;
    const lt = rest.lastIndexOf('<', cut);
    if (lt > cut - 30 && rest.indexOf('>', lt) >= cut) cut = lt;
    if (cut <= 0) cut = limit;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n/, '');
  }
  if (rest.length > 0 || pieces.length === 0) pieces.push(rest);
  return pieces.filter((p, i) => p.length > 0 || i === 0);
}

/**
 * What the user typed, from a slash command's text: Slack HTML-escapes &, < and >, and desktop
 * clients may turn `--` into a dash and quotes into curly quotes.
 */
export function commandTextFromSlack(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/(^|\s)[\u2014\u2013](?=[A-Za-z])/g, '$1--')
    .replace(/[\u201C\u201D\u201E]/g, '"')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\u00A0/g, ' ')
    .trim();
}

type KnownBlock = types.KnownBlock;
type Button = types.Button;
type View = types.ModalView;

/** Our actions blocks are named `imagine-buttons-<row>`; clicks are routed by this prefix. */
export const BUTTON_BLOCK_PREFIX = 'imagine-buttons-';
export const BUTTON_BLOCK_PATTERN = /^imagine-buttons-\d+$/;

/** Slack's limits: 75 characters of button text, 25 elements per actions block, 50 blocks. */
const BUTTON_TEXT_LIMIT = 75;
const ACTIONS_LIMIT = 25;
const BLOCKS_LIMIT = 50;
/** Slack's limit for the top-level `text` of a message. */
const TEXT_LIMIT = 39_000;

function buttonText(b: ReplyButton): string {
  // Unicode emoji only: a Discord custom emoji (<:name:id>) means nothing in Slack.
  const emoji = b.emoji && !/^<a?:\w+:\d+>$/.test(b.emoji) ? b.emoji : '';
  const text = [emoji, b.label].filter(Boolean).join(' ').trim() || '·';
  return text.length > BUTTON_TEXT_LIMIT ? `${text.slice(0, BUTTON_TEXT_LIMIT - 1)}…` : text;
}

/** One Slack button; disabled buttons are left out (Slack has no disabled state). */
export function slackButton(b: ReplyButton, actionId: string): Button {
  const button: Button = {
    type: 'button',
    text: { type: 'plain_text', text: buttonText(b), emoji: true },
    action_id: actionId,
    value: b.id,
  };
  if (b.style === 'primary' || b.style === 'success') button.style = 'primary';
  else if (b.style === 'danger') button.style = 'danger';
  return button;
}

/** The buttons of a reply as actions blocks; action ids are the button ids, made unique per message. */
export function buttonBlocks(rows: ReplyButton[][] | undefined): KnownBlock[] {
  if (!rows) return [];
  const used = new Set<string>();
  const blocks: KnownBlock[] = [];
  for (const row of rows) {
    const elements: Button[] = [];
    for (const b of row) {
      if (b.disabled) continue;
      let actionId = b.id;
      for (let n = 2; used.has(actionId); n++) actionId = `${b.id}#${n}`;
      used.add(actionId);
      elements.push(slackButton(b, actionId));
    }
    for (let i = 0; i < elements.length; i += ACTIONS_LIMIT) {
      blocks.push({ type: 'actions', block_id: `${BUTTON_BLOCK_PREFIX}${blocks.length}`, elements: elements.slice(i, i + ACTIONS_LIMIT) });
    }
  }
  return blocks;
}

/** Each menu as an actions block of one static select (100 options, 75-character texts); the choice arrives as a click with its value. */
export function selectBlocks(selects: ReplySelect[] | undefined, first = 0): KnownBlock[] {
  const cut = (t: string, n: number) => (t.length <= n ? t : `${t.slice(0, n - 1)}…`);
  return (selects ?? []).map((s, i): KnownBlock => {
    const options = s.options.slice(0, 100).map((o) => ({ text: { type: 'plain_text' as const, text: cut(o.label, 75) }, value: o.value.slice(0, 150) }));
    const chosen = s.options.findIndex((o) => o.default);
    return {
      type: 'actions',
      block_id: `${BUTTON_BLOCK_PREFIX}${first + i}`,
      elements: [{ type: 'static_select', action_id: s.id, placeholder: { type: 'plain_text', text: cut(s.placeholder, 150) }, options, ...(chosen >= 0 && chosen < 100 ? { initial_option: options[chosen] } : {}) }],
    };
  });
}

/** Text sections followed by menus and button rows, within Slack's 50-block limit. */
export function replyBlocks(reply: Pick<Reply, 'text' | 'buttons' | 'selects'>, picture?: SlackPicture): KnownBlock[] {
  const menus = selectBlocks(reply.selects, 100);
  const buttons = [...menus, ...buttonBlocks(reply.buttons)];
  const mrkdwn = toMrkdwn(reply.text);
  const sections: KnownBlock[] = mrkdwn.trim()
    ? splitForSections(mrkdwn).map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } }))
    : [];
  const image: KnownBlock[] = picture ? [{ type: 'image', slack_file: { id: picture.fileId }, alt_text: picture.alt.slice(0, 2000) }] : [];
  const room = Math.max(1, BLOCKS_LIMIT - buttons.length - image.length);
  return [...sections.slice(0, room), ...image, ...buttons].slice(0, BLOCKS_LIMIT);
}

/** A file the bot uploaded (not shared in any channel), shown in a message's image block: a live preview. */
export interface SlackPicture {
  fileId: string;
  alt: string;
}

/** The `text` field that goes with blocks (notifications, screen readers, old clients). */
export function fallbackText(reply: Pick<Reply, 'text'>): string {
  const text = toPlainFallback(reply.text).trim() || 'Image';
  return text.length > TEXT_LIMIT ? `${text.slice(0, TEXT_LIMIT - 1)}…` : text;
}

/** A message body for chat.postMessage / chat.update / response_url. */
export function messageBody(reply: Pick<Reply, 'text' | 'buttons' | 'selects'>, picture?: SlackPicture): { text: string; blocks: KnownBlock[] } {
  return { text: fallbackText(reply), blocks: replyBlocks(reply, picture) };
}

/** The callback_id of every view the bot opens for a form. */
export const FORM_CALLBACK_ID = 'imagine-form';
/** Slack's limit for a view's private_metadata. */
export const MAX_PRIVATE_METADATA = 3000;

const clipPlain = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/**
 * A neutral form as a Slack modal view: one input block per field, block and action ids named by
 * the field; `metadata` (the form and where to answer) rides in private_metadata. Undefined when it
 * does not fit there.
 */
export function formView(form: Form, metadata: string): View | undefined {
  if (metadata.length > MAX_PRIVATE_METADATA) return undefined;
  return {
    type: 'modal',
    callback_id: FORM_CALLBACK_ID,
    title: { type: 'plain_text', text: clipPlain(form.title, 24) },
    submit: { type: 'plain_text', text: clipPlain(form.submitLabel, 24) },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: metadata,
    blocks: form.fields.map((f) => ({
      type: 'input',
      block_id: f.name,
      optional: !f.required,
      label: { type: 'plain_text', text: clipPlain(f.label, 2000) },
      element: {
        type: 'plain_text_input',
        action_id: f.name,
        multiline: f.style === 'paragraph',
        ...(f.value ? { initial_value: f.value } : {}),
        ...(f.placeholder ? { placeholder: { type: 'plain_text', text: clipPlain(f.placeholder, 150) } } : {}),
        ...(f.maxLength ? { max_length: Math.min(f.maxLength, 3000) } : {}),
      },
    })),
  };
}
