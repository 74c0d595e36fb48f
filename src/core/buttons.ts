/**
 * Button ids carry what a click needs later — action, job, image index, and a variant — so
 * nothing lives only in memory: a click after a restart finds the job in the job store.
 * Form: `<action>:<jobId>:<index>[:<variant>]`, short enough for any platform's id field.
 */
import type { ReplyButton } from './reply.js';

export type ButtonAction =
  /** Upscale image `index` by `variant` ('2' or '4'). */
  | 'up'
  /** Variations of image `index`; variant 'strong' or 'subtle'. */
  | 'var'
  /** Same prompt and settings, new seeds. */
  | 'rr'
  /** Zoom out image `index`: variant '2', '15' (1.5×), 'c' (custom, asks the factor) or 'sq' (Make Square). */
  | 'zo'
  /** Pan image `index`: variant 'l', 'r', 'u' or 'd'. */
  | 'pan'
  /** Vary (Region): variant 'pick' shows the region menu; a region's name repaints it. */
  | 'vr'
  /** Cancel the queued or running job (index 0). */
  | 'cx'
  /** Show the result's recipe privately (index: the image whose seed it shows). */
  | 'nf'
  /** Delete the result: its message and its pictures (its requester and server admins). */
  | 'del'
  /** The /settings panel (job id `me`; variant: what to change). */
  | 'set';

export interface ButtonRef {
  action: ButtonAction;
  jobId: string;
  index: number;
  variant?: string;
}

const ACTIONS = new Set<ButtonAction>(['up', 'var', 'rr', 'zo', 'pan', 'vr', 'cx', 'nf', 'del', 'set']);
/** Ids this bot makes are short; a longer one is not ours. */
export const MAX_BUTTON_ID = 64;

export function encodeButtonId(ref: ButtonRef): string {
  if (!/^[A-Za-z0-9_-]+$/.test(ref.jobId)) throw new Error(`job id ${ref.jobId} cannot go in a button id`);
  const id = [ref.action, ref.jobId, String(ref.index), ...(ref.variant ? [ref.variant] : [])].join(':');
  if (id.length > MAX_BUTTON_ID) throw new Error(`button id ${id} is longer than ${MAX_BUTTON_ID} characters`);
  return id;
}

/** Undefined for ids this bot did not make (old versions, other apps, tampering). */
export function decodeButtonId(id: string): ButtonRef | undefined {
  if (id.length > MAX_BUTTON_ID) return undefined;
  const m = /^([a-z]+):([A-Za-z0-9_-]+):(\d{1,2})(?::([a-z0-9]+))?$/.exec(id);
  if (!m || !ACTIONS.has(m[1] as ButtonAction)) return undefined;
  return { action: m[1] as ButtonAction, jobId: m[2]!, index: Number(m[3]), variant: m[4] };
}

/** ℹ️ Recipe and 🗑 Delete: the row under every result. */
export function manageButtons(jobId: string): ReplyButton[] {
  return [
    { id: encodeButtonId({ action: 'nf', jobId, index: 0 }), label: 'Recipe', emoji: 'ℹ️' },
    { id: encodeButtonId({ action: 'del', jobId, index: 0 }), label: 'Delete', emoji: '🗑️', style: 'danger' },
  ];
}

/** U1–U4, 🔄 / V1–V4 under a grid, as Midjourney lays them out, then ℹ️ Recipe and 🗑 Delete. */
export function gridButtons(jobId: string, count: number): ReplyButton[][] {
  const n = Math.min(count, 4);
  const ups: ReplyButton[] = [];
  const vars: ReplyButton[] = [];
  for (let i = 0; i < n; i++) {
    ups.push({ id: encodeButtonId({ action: 'up', jobId, index: i, variant: '2' }), label: `U${i + 1}` });
    vars.push({ id: encodeButtonId({ action: 'var', jobId, index: i, variant: 'strong' }), label: `V${i + 1}` });
  }
  ups.push({ id: encodeButtonId({ action: 'rr', jobId, index: 0 }), label: 'Re-roll', emoji: '🔄', style: 'primary' });
  return [ups, vars, manageButtons(jobId)];
}

/**
 * Under a single image, as Midjourney lays them out: Vary (Strong/Subtle); Upscale 2×/4× and 🔄;
 * Zoom Out 2×/1.5×, Custom Zoom and (on a picture that is not square) Make Square; the four Pan
 * arrows; then ℹ️ Recipe and 🗑 Delete.
 */
export function singleImageButtons(jobId: string, shape?: { width: number; height: number }): ReplyButton[][] {
  const b = (action: ButtonAction, variant: string | undefined, label: string, emoji: string, style?: ReplyButton['style']): ReplyButton => ({
    id: encodeButtonId({ action, jobId, index: 0, ...(variant ? { variant } : {}) }),
    label,
    emoji,
    ...(style ? { style } : {}),
  });
  const square = !shape || shape.width === shape.height;
  return [
    [b('var', 'strong', 'Vary (Strong)', '🪄'), b('var', 'subtle', 'Vary (Subtle)', '🪄'), b('vr', 'pick', 'Vary (Region)', '🖌️')],
    [b('up', '2', 'Upscale 2×', '🔍'), b('up', '4', 'Upscale 4×', '🔍'), b('rr', undefined, 'Re-roll', '🔄', 'primary')],
    [b('zo', '2', 'Zoom Out 2×', '🔎'), b('zo', '15', 'Zoom Out 1.5×', '🔎'), b('zo', 'c', 'Custom Zoom', '🔎'), ...(square ? [] : [b('zo', 'sq', 'Make Square', '⬛')])],
    [b('pan', 'l', 'Pan Left', '⬅️'), b('pan', 'r', 'Pan Right', '➡️'), b('pan', 'u', 'Pan Up', '⬆️'), b('pan', 'd', 'Pan Down', '⬇️')],
    manageButtons(jobId),
  ];
}

/** ✖ Cancel under a queued or running job's status, for its requester and server admins. */
export function cancelButtons(jobId: string): ReplyButton[][] {
  return [[{ id: encodeButtonId({ action: 'cx', jobId, index: 0 }), label: 'Cancel', emoji: '✖', style: 'danger' }]];
}
