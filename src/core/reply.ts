/** What the bot says back, in neutral terms every adapter renders (see markup.ts for the text). */
import type { Markup, MarkupPart } from './markup.js';
import { toMarkup, tr } from './markup.js';

export type ButtonStyle = 'primary' | 'secondary' | 'success' | 'danger';

export interface ReplyButton {
  /** encodeButtonId(...) output. */
  id: string;
  label: string;
  emoji?: string;
  style?: ButtonStyle;
  disabled?: boolean;
}

/** A menu of choices (Discord's string select, Slack's static select, a <select> in the playground); a choice is a click with a value. */
export interface ReplySelect {
  /** encodeButtonId(...) output; the choice arrives as a button invocation with options.value. */
  id: string;
  placeholder: string;
  /** At most 25; the one marked default shows as chosen. */
  options: { label: string; value: string; description?: string; default?: boolean }[];
}

export interface ReplyImage {
  /** File name shown by the platform, e.g. `red-heart-grid.png`. */
  filename: string;
  /** PNG bytes. Adapters re-encode (WebP/JPEG, smaller) when a platform limit demands it. */
  data: Buffer;
  width: number;
  height: number;
  /** Alt text / description. */
  alt?: string;
  /** Hidden until the viewer opens it (Discord spoiler attachment; the playground blurs it; Slack, which has no spoilers, leaves it out). */
  spoiler?: boolean;
}

/** A picture to draw on where the platform has a canvas (the playground): the drawing comes back as a choice `value` with its `cells`. */
export interface ReplyDrawing {
  /** encodeButtonId(...) output the drawing is sent to. */
  id: string;
  label: string;
  /** The value the drawing is sent with. */
  value: string;
  image: ReplyImage;
}

export interface Reply {
  text: Markup;
  images?: ReplyImage[];
  /** Rows of buttons; an adapter wraps or trims them to what its platform allows. */
  buttons?: ReplyButton[][];
  /** Menus, each on a row of its own above the buttons. */
  selects?: ReplySelect[];
  /** A canvas to draw on; platforms without one leave it out (the menus say the same in words). */
  drawing?: ReplyDrawing;
  /** Only the invoking user sees it (Discord ephemeral, Slack postEphemeral, playground: that tab only). */
  ephemeral?: boolean;
  /** For a click: the answer takes the place of the message clicked (a panel updating itself). */
  replaces?: boolean;
}

/** A reply of text only; private by default, as most answers that are not jobs are. */
export function textReply(text: MarkupPart, ephemeral = true): Reply {
  // A plain string is one of our fixed messages, said in the reader's language.
  return { text: typeof text === 'string' ? [tr(text)] : toMarkup(text), ephemeral };
}
