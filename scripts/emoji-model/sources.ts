/**
 * The training set of the default model: every emoji that emojibase-data names and one of the
 * three freely licensed emoji sets draws, as SVG plus caption (name, keywords, style).
 * Build-time only: these packages are devDependencies.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export type EmojiStyle = 'noto' | 'twemoji' | 'fluent';
export const STYLES: readonly EmojiStyle[] = ['noto', 'twemoji', 'fluent'];

/** The npm package each style is rasterised from, with the licence the ATTRIBUTION file cites. */
export const STYLE_SOURCES: Record<EmojiStyle, { pkg: string; title: string; author: string; licence: string; url: string }> = {
  noto: { pkg: '@iconify-json/noto', title: 'Noto Emoji', author: 'Google Inc.', licence: 'Apache-2.0', url: 'https://github.com/googlefonts/noto-emoji' },
  twemoji: { pkg: '@iconify-json/twemoji', title: 'Twemoji', author: 'Twitter, Inc. and other contributors', licence: 'CC-BY-4.0', url: 'https://github.com/jdecked/twemoji' },
  fluent: { pkg: '@iconify-json/fluent-emoji-flat', title: 'Fluent Emoji (Flat)', author: 'Microsoft Corporation', licence: 'MIT', url: 'https://github.com/microsoft/fluentui-emoji' },
};

/** One emoji concept, shared by its drawings in every style. */
export interface EmojiConcept {
  hexcode: string;
  /** The emoji itself, e.g. "❤️". */
  emoji: string;
  /** CLDR name, e.g. "red heart". */
  label: string;
  tags: string[];
  group: number;
}

export interface EmojiDrawing {
  concept: number;
  style: EmojiStyle;
  /** A complete SVG document. */
  svg: string;
}

interface IconifyIcon {
  body: string;
  width?: number;
  height?: number;
  left?: number;
  top?: number;
  hFlip?: boolean;
  vFlip?: boolean;
  rotate?: number;
}

interface IconifySet {
  icons: Record<string, IconifyIcon>;
  aliases?: Record<string, Partial<IconifyIcon> & { parent: string }>;
  width?: number;
  height?: number;
}

interface EmojibaseEntry {
  label: string;
  hexcode: string;
  emoji: string;
  tags?: string[];
  group?: number;
}

/** Hexcodes compare without the variation selector, the way the icon sets key them inconsistently. */
/** emojibase's group of skin-tone and hair-style components. */
const COMPONENT_GROUP = 2;

export function normaliseHexcode(hex: string): string {
  return hex
    .toLowerCase()
    .split('-')
    .filter((p) => p !== 'fe0f')
    .join('-');
}

function readJson<T>(specifier: string): T {
  return JSON.parse(readFileSync(require.resolve(specifier), 'utf8')) as T;
}

/** Resolves an icon or alias (with its flips and rotation) into one SVG document. */
function iconSvg(set: IconifySet, name: string): string | undefined {
  let transform: { hFlip: boolean; vFlip: boolean; rotate: number } = { hFlip: false, vFlip: false, rotate: 0 };
  let current = name;
  for (let depth = 0; depth < 8; depth++) {
    const icon = set.icons[current];
    if (icon) {
      const w = icon.width ?? set.width ?? 16;
      const h = icon.height ?? set.height ?? 16;
      const left = icon.left ?? 0;
      const top = icon.top ?? 0;
      const hFlip = transform.hFlip !== Boolean(icon.hFlip);
      const vFlip = transform.vFlip !== Boolean(icon.vFlip);
      const rotate = (transform.rotate + (icon.rotate ?? 0)) % 4;
      const ops: string[] = [];
      if (rotate) ops.push(`rotate(${rotate * 90} ${left + w / 2} ${top + h / 2})`);
      if (hFlip || vFlip) ops.push(`translate(${hFlip ? 2 * left + w : 0} ${vFlip ? 2 * top + h : 0}) scale(${hFlip ? -1 : 1} ${vFlip ? -1 : 1})`);
      const body = ops.length ? `<g transform="${ops.join(' ')}">${icon.body}</g>` : icon.body;
      return `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="${left} ${top} ${w} ${h}" width="${w}" height="${h}">${body}</svg>`;
    }
    const alias = set.aliases?.[current];
    if (!alias) return undefined;
    transform = {
      hFlip: transform.hFlip !== Boolean(alias.hFlip),
      vFlip: transform.vFlip !== Boolean(alias.vFlip),
      rotate: transform.rotate + (alias.rotate ?? 0),
    };
    current = alias.parent;
  }
  return undefined;
}

export interface EmojiSources {
  concepts: EmojiConcept[];
  drawings: EmojiDrawing[];
}

/**
 * Every base emoji (no skin-tone variants: the default yellow stands for each) that at least one
 * set draws, with its drawings in a fixed order: concepts in emojibase order, styles in STYLES order.
 */
export function loadEmojiSources(styles: readonly EmojiStyle[] = STYLES, maxConcepts = Infinity): EmojiSources {
  const data = readJson<EmojibaseEntry[]>('emojibase-data/en/data.json');
  const sets = new Map<EmojiStyle, { set: IconifySet; chars: Map<string, string> }>();
  for (const style of styles) {
    const pkg = STYLE_SOURCES[style].pkg;
    const set = readJson<IconifySet>(`${pkg}/icons.json`);
    const rawChars = readJson<Record<string, string>>(`${pkg}/chars.json`);
    const chars = new Map<string, string>();
    for (const [hex, name] of Object.entries(rawChars)) chars.set(normaliseHexcode(hex), name);
    sets.set(style, { set, chars });
  }
  const concepts: EmojiConcept[] = [];
  const drawings: EmojiDrawing[] = [];
  for (const entry of data) {
    if (concepts.length >= maxConcepts) break;
    // Regional indicator letters and the components (skin-tone swatches, hair styles) are not emoji of their own.
    if (entry.group === undefined || entry.group === COMPONENT_GROUP) continue;
    const hex = normaliseHexcode(entry.hexcode);
    const found: EmojiDrawing[] = [];
    for (const style of styles) {
      const { set, chars } = sets.get(style)!;
      const name = chars.get(hex);
      const svg = name ? iconSvg(set, name) : undefined;
      if (svg) found.push({ concept: concepts.length, style, svg });
    }
    if (found.length === 0) continue;
    concepts.push({ hexcode: entry.hexcode, emoji: entry.emoji, label: entry.label, tags: entry.tags ?? [], group: entry.group });
    drawings.push(...found);
  }
  return { concepts, drawings };
}
