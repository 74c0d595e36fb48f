/**
 * A neutral Reply as the message the playground page shows: the markup tree as it is (the page
 * turns it into DOM text nodes, never HTML), display names for its mentions, images by URL
 * (bytes kept in the image cache), buttons, and the job's status for the progress bar.
 */
import { DRAWN_GRID } from '../../core/drawn-region.js';
import { localizeReply, type Language } from '../../core/i18n.js';
import type { JobEvent, JobRecord, JobStatus } from '../../core/jobs.js';
import type { Markup, MarkupNode } from '../../core/markup.js';
import type { Form } from '../../core/forms.js';
import type { ButtonStyle, Reply, ReplyImage, ReplySelect } from '../../core/reply.js';

export interface WebImage {
  url: string;
  filename: string;
  width: number;
  height: number;
  alt?: string;
  /** Blurred until clicked (the safety check marked it sensitive). */
  spoiler?: boolean;
}

export interface WebButton {
  id: string;
  label: string;
  emoji?: string;
  style?: ButtonStyle;
  disabled?: boolean;
}

/** One bot message as the page receives it. */
export interface WebMessage {
  id: string;
  serverId: string;
  /** The tab (client id) that alone sees it; absent for everyone. */
  visibleTo?: string;
  createdAt: number;
  updatedAt: number;
  /** Who ran what to get this answer ("alice used /imagine red heart"). */
  invokedBy?: { userId: string; userName: string; action: string };
  text: Markup;
  /** Display names for the mentions in text. */
  mentions: Record<string, string>;
  images: WebImage[];
  buttons: WebButton[][];
  /** Menus above the buttons; a choice is sent like a click, with its value. */
  selects?: ReplySelect[];
  jobId?: string;
  job?: { status: JobStatus; position?: number; step?: number; total?: number };
  /** Taken down (a withheld result's public status): tabs remove it. */
  deleted?: boolean;
  /** A picture to draw a region on; the drawing is sent like a menu choice (`value`) with its `cells`. */
  drawing?: { id: string; value: string; label: string; image: WebImage; grid: number };
  /** Questions for the tab that asked (a form outcome): the page opens them in a dialog; answers go to POST /api/form. */
  form?: { id: string; title: string; submitLabel: string; fields: Form['fields'] };
}

function mentionsOf(markup: Markup, out: Set<string> = new Set()): Set<string> {
  for (const node of markup as MarkupNode[]) {
    if (node.type === 'mention') out.add(node.userId);
    else if (node.type === 'bold' || node.type === 'italic') mentionsOf(node.children, out);
  }
  return out;
}

/** Builds a WebMessage from a Reply; images become URLs through `storeImage`. */
export function messageFromReply(
  reply: Reply,
  base: Omit<WebMessage, 'text' | 'mentions' | 'images' | 'buttons' | 'createdAt' | 'updatedAt' | 'visibleTo'>,
  options: { clientId?: string; now: number; storeImage(data: Buffer): string; userName(userId: string): string | undefined; language?: Language },
): WebMessage {
  // Replies come localized from dispatch and followJobs; the adapter's own answers are localized here.
  reply = localizeReply(reply, options.language ?? 'en');
  const webImage = (img: ReplyImage): WebImage => ({
    url: options.storeImage(img.data),
    filename: img.filename,
    width: img.width,
    height: img.height,
    alt: img.alt,
    ...(img.spoiler ? { spoiler: true } : {}),
  });
  const mentions: Record<string, string> = {};
  for (const id of mentionsOf(reply.text)) mentions[id] = options.userName(id) ?? id;
  return {
    ...base,
    // An ephemeral answer with no tab to go to is shown to nobody rather than to everyone.
    visibleTo: reply.ephemeral ? (options.clientId ?? 'nobody') : undefined,
    createdAt: options.now,
    updatedAt: options.now,
    text: reply.text,
    mentions,
    images: (reply.images ?? []).map(webImage),
    buttons: (reply.buttons ?? []).map((row) => row.map((b) => ({ id: b.id, label: b.label, emoji: b.emoji, style: b.style, disabled: b.disabled }))),
    ...(reply.selects?.length ? { selects: reply.selects } : {}),
    ...(reply.drawing ? { drawing: { id: reply.drawing.id, value: reply.drawing.value, label: reply.drawing.label, image: webImage(reply.drawing.image), grid: DRAWN_GRID } } : {}),
  };
}

/** The status badge and progress bar data: the stored status, with the event's position or step. */
export function jobStateOf(job: JobRecord, event: JobEvent): WebMessage['job'] {
  const status = job.status;
  if (status === 'queued' && event.type === 'queued') return { status, position: event.position };
  if (status === 'running' && event.type === 'progress') return { status, step: event.step, total: event.total };
  return { status };
}
