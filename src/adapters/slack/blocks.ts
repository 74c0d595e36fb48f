/**
 * Reply → Block Kit: the text as section blocks, each row of buttons as an actions block whose
 * buttons carry the command layer's button id (action_id and value).
 */
import type { types } from '@slack/bolt';
import type { Reply, ReplyButton } from '../../core/invocation.js';
import { splitForSections, toMrkdwn, toPlainFallback } from './markup.js';

type KnownBlock = types.KnownBlock;
type Button = types.Button;

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

/** Text sections followed by button rows, within Slack's 50-block limit. */
export function replyBlocks(reply: Pick<Reply, 'text' | 'buttons'>): KnownBlock[] {
  const buttons = buttonBlocks(reply.buttons);
  const sections: KnownBlock[] = reply.text.trim()
    ? splitForSections(toMrkdwn(reply.text)).map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } }))
    : [];
  const room = Math.max(1, BLOCKS_LIMIT - buttons.length);
  return [...sections.slice(0, room), ...buttons].slice(0, BLOCKS_LIMIT);
}

/** The `text` field that goes with blocks (notifications, screen readers, old clients). */
export function fallbackText(reply: Pick<Reply, 'text'>): string {
  const text = toPlainFallback(reply.text).trim() || 'Image';
  return text.length > TEXT_LIMIT ? `${text.slice(0, TEXT_LIMIT - 1)}…` : text;
}

/** A message body for chat.postMessage / chat.update / response_url. */
export function messageBody(reply: Pick<Reply, 'text' | 'buttons'>): { text: string; blocks: KnownBlock[] } {
  return { text: fallbackText(reply), blocks: replyBlocks(reply) };
}
