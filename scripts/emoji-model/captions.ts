/**
 * The text side of the model: which prompt words and word pairs point at which emoji, and how
 * much each counts. Words are CLIP pre-tokens (the BPE pieces up to a '</w>' piece), identified
 * by a code over their last four token ids, the same code the text-encoder graph computes.
 */
import type { ClipTokenizer } from '../../src/pipeline/tokenizer.js';
import { COLOUR_ALIASES, COLOUR_NAMES, type ColourName } from './colours.js';
import { STYLES, type EmojiConcept, type EmojiStyle } from './sources.js';

/** Radix of the word code: the CLIP vocabulary size, so four ids fit in an int64. */
export const WORD_CODE_RADIX = 49408n;
export const WORD_CODE_PIECES = 4;

/** Words that carry little meaning in a prompt; they still count, a tenth as much. */
const STOPWORDS = new Set(['a', 'an', 'the', 'of', 'with', 'and', 'or', 'in', 'on', 'at', 'to', 'for', 'by', 'from', 'is', 'are', 'its', 'it', 'as', 'this', 'that', 'some', 'very', 'one']);

/** Style words and their aliases. */
const STYLE_WORDS: Record<EmojiStyle, string[]> = {
  noto: ['noto', 'google'],
  twemoji: ['twemoji', 'twitter'],
  fluent: ['fluent', 'microsoft'],
};

export interface CaptionOptions {
  /** Weight of the emoji character itself in a prompt ("🐱" asks for exactly that emoji). */
  emojiWeight: number;
  /** A keyword match counts this much of a name match. */
  tagFactor: number;
  /** A word pair of the name, relative to the mean weight of its two words. */
  bigramFactor: number;
  /** Weight of a style word. */
  styleWeight: number;
  stopwordFactor: number;
}

export const DEFAULT_CAPTION_OPTIONS: CaptionOptions = { emojiWeight: 10, tagFactor: 0.6, bigramFactor: 1, styleWeight: 4, stopwordFactor: 0.1 };

/** One sparse row of the feature→column matrix. */
export interface Posting {
  column: number;
  value: number;
}

export interface CaptionModel {
  concepts: number;
  /** Columns of the text embedding: one per concept, one per style, one per colour, then the prompt's total weight. */
  dim: number;
  styleColumn: (style: EmojiStyle) => number;
  colourColumn: (colour: ColourName) => number;
  weightColumn: number;
  /** Canonical words; word feature f (1-based) is words[f - 1]. */
  words: string[];
  /** Every surface form's word code and the word feature it means. */
  wordCodes: { code: bigint; feature: number }[];
  /** Word pairs as (first word feature, second word feature); pair feature = words.length + 1 + index. */
  bigrams: [number, number][];
  /** postings[f] for every feature f in 0..features (0 = no feature, empty). */
  postings: Posting[][];
  /** Sum of the weights of the words and pairs of each concept's name, for the specificity term. */
  captionWeight: Float32Array;
  /** Per-token flag: the token ends a word (ends in '</w>', or is a special token). */
  wordEnd: Uint8Array;
  /** Human-readable features of a text, for tests and debugging. */
  describe(text: string): { feature: string; weight: number }[];
}

/** Splits ids into words: runs of pieces closed by a word-ending piece. */
export function splitWords(ids: readonly number[], wordEnd: Uint8Array): number[][] {
  const words: number[][] = [];
  let current: number[] = [];
  for (const id of ids) {
    current.push(id);
    if (wordEnd[id]) {
      words.push(current);
      current = [];
    }
  }
  if (current.length) words.push(current);
  return words;
}

/** The int64 code of a word from its last WORD_CODE_PIECES token ids (as the graph computes it). */
export function wordCode(pieces: readonly number[]): bigint {
  let code = 0n;
  for (const id of pieces.slice(-WORD_CODE_PIECES)) code = code * WORD_CODE_RADIX + BigInt(id);
  return BigInt.asIntN(64, code);
}

function canonical(word: string, known: Set<string>): string {
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) {
    const candidates = word.endsWith('ies') ? [`${word.slice(0, -3)}y`] : [];
    if (word.endsWith('es')) candidates.push(word.slice(0, -2));
    candidates.push(word.slice(0, -1));
    for (const c of candidates) if (known.has(c)) return c;
  }
  return word;
}

function pluralForms(word: string): string[] {
  if (!/^\p{L}{3,}$/u.test(word)) return [];
  const out = [`${word}s`];
  if (/(s|x|z|ch|sh|o)$/.test(word)) out.push(`${word}es`);
  if (/[^aeiou]y$/.test(word)) out.push(`${word.slice(0, -1)}ies`);
  return out;
}

const isWordy = (w: string) => /[\p{L}\p{N}]/u.test(w);

/**
 * @param colourWeights weight of each colour word (COLOUR_NAMES order); colour words are matched
 *   against the pixels of each drawing (UNet side), never against names.
 */
export function buildCaptionModel(
  concepts: readonly EmojiConcept[],
  tokenizer: ClipTokenizer,
  vocabulary: readonly string[],
  colourWeights: readonly number[],
  options: CaptionOptions = DEFAULT_CAPTION_OPTIONS,
): CaptionModel {
  const wordEnd = new Uint8Array(vocabulary.length);
  vocabulary.forEach((t, i) => {
    if (t.endsWith('</w>')) wordEnd[i] = 1;
  });
  wordEnd[tokenizer.bosTokenId] = 1;
  wordEnd[tokenizer.eosTokenId] = 1;
  wordEnd[tokenizer.padTokenId] = 1;

  const textOf = (pieces: number[]) => tokenizer.decode(pieces).trim();
  const wordsOf = (text: string) => splitWords(tokenizer.tokenIds(text), wordEnd).map((p) => ({ pieces: p, text: textOf(p) }));

  // Surface words of every caption, then their canonical (singular) forms.
  const captionWords = concepts.map((c) => ({
    name: wordsOf(c.label),
    tags: c.tags.flatMap((t) => wordsOf(t)),
  }));
  const surface = new Set<string>();
  for (const cw of captionWords) for (const w of [...cw.name, ...cw.tags]) if (isWordy(w.text)) surface.add(w.text);
  const styleAliases = new Map<string, EmojiStyle>();
  for (const s of STYLES) for (const w of STYLE_WORDS[s]) styleAliases.set(w, s);

  const featureOf = new Map<string, number>();
  const words: string[] = [];
  const feature = (canon: string) => {
    let f = featureOf.get(canon);
    if (f === undefined) {
      words.push(canon);
      f = words.length;
      featureOf.set(canon, f);
    }
    return f;
  };
  const canon = (w: string) => COLOUR_ALIASES[w] ?? canonical(w, surface);
  for (const w of [...surface].sort()) feature(canon(w));
  for (const w of [...styleAliases.keys()].sort()) feature(w);
  const colourAliases = new Map<string, ColourName>([...COLOUR_NAMES.map((c) => [c, c] as const), ...Object.entries(COLOUR_ALIASES)]);
  for (const c of COLOUR_NAMES) feature(c);
  // The emoji characters themselves, one feature each (not words: never folded, never in pairs).
  const emojiFeature = concepts.map((c) => feature(`emoji ${c.hexcode}`));
  const colourOfFeature = new Map<number, ColourName>(COLOUR_NAMES.map((c) => [featureOf.get(c)!, c]));

  // Document frequency over concepts, name and keywords together.
  const E = concepts.length;
  const df = new Float64Array(words.length + 1);
  const conceptFeatures = captionWords.map((cw) => {
    const known = (w: { text: string }) => isWordy(w.text) && !colourOfFeature.has(featureOf.get(canon(w.text))!);
    const name = new Set(cw.name.filter(known).map((w) => featureOf.get(canon(w.text))!));
    const tags = new Set(cw.tags.filter(known).map((w) => featureOf.get(canon(w.text))!));
    for (const f of new Set([...name, ...tags])) df[f]! += 1;
    return { name, tags };
  });
  const wordWeight = new Float64Array(words.length + 1);
  for (let f = 1; f <= words.length; f++) {
    const w = words[f - 1]!;
    let weight = Math.log(1 + E / Math.max(1, df[f]!));
    if (STOPWORDS.has(w)) weight *= options.stopwordFactor;
    if (styleAliases.has(w) && df[f] === 0) weight = options.styleWeight;
    const colour = colourOfFeature.get(f);
    if (colour) weight = colourWeights[COLOUR_NAMES.indexOf(colour)]!;
    if (w.startsWith('emoji ')) weight = options.emojiWeight;
    wordWeight[f] = weight;
  }

  // Word pairs of the names (adjacent words, both meaningful).
  const bigramIndex = new Map<string, number>();
  const bigrams: [number, number][] = [];
  const conceptBigrams = captionWords.map((cw) => {
    const set = new Set<number>();
    for (let i = 1; i < cw.name.length; i++) {
      const a = cw.name[i - 1]!;
      const b = cw.name[i]!;
      if (!isWordy(a.text) || !isWordy(b.text)) continue;
      const fa = featureOf.get(canon(a.text))!;
      const fb = featureOf.get(canon(b.text))!;
      const key = `${fa},${fb}`;
      let idx = bigramIndex.get(key);
      if (idx === undefined) {
        idx = bigrams.length;
        bigrams.push([fa, fb]);
        bigramIndex.set(key, idx);
      }
      set.add(idx);
    }
    return set;
  });
  const bigramWeight = bigrams.map(([a, b]) => (options.bigramFactor * (wordWeight[a]! + wordWeight[b]!)) / 2);

  const featureCount = words.length + bigrams.length;
  const styleColumn = (s: EmojiStyle) => E + STYLES.indexOf(s);
  const colourColumn = (c: ColourName) => E + STYLES.length + COLOUR_NAMES.indexOf(c);
  const weightColumn = E + STYLES.length + COLOUR_NAMES.length;
  const postings: Posting[][] = Array.from({ length: featureCount + 1 }, () => []);
  const captionWeight = new Float32Array(E);
  conceptFeatures.forEach(({ name, tags }, e) => {
    let total = 0;
    for (const f of new Set([...name, ...tags])) {
      const v = wordWeight[f]! * (name.has(f) ? 1 : options.tagFactor);
      postings[f]!.push({ column: e, value: v });
      if (name.has(f)) total += v;
    }
    for (const b of conceptBigrams[e]!) {
      postings[words.length + 1 + b]!.push({ column: e, value: bigramWeight[b]! });
      total += bigramWeight[b]!;
    }
    captionWeight[e] = total;
  });
  for (const [w, s] of styleAliases) postings[featureOf.get(w)!]!.push({ column: styleColumn(s), value: wordWeight[featureOf.get(w)!]! });
  for (const [f, c] of colourOfFeature) postings[f]!.push({ column: colourColumn(c), value: wordWeight[f]! });
  emojiFeature.forEach((f, e) => postings[f]!.push({ column: e, value: options.emojiWeight }));
  for (let f = 1; f <= featureCount; f++) {
    const weight = f <= words.length ? wordWeight[f]! : bigramWeight[f - words.length - 1]!;
    postings[f]!.push({ column: weightColumn, value: weight });
  }

  // Surface forms: every caption word, plural forms of canonical words, style words.
  const codes = new Map<bigint, number>();
  const addSurface = (text: string, f: number) => {
    const ws = wordsOf(text);
    if (ws.length !== 1) return;
    const code = wordCode(ws[0]!.pieces);
    if (!codes.has(code)) codes.set(code, f);
  };
  for (const w of [...surface].sort()) addSurface(w, featureOf.get(canon(w))!);
  for (const w of [...styleAliases.keys()].sort()) addSurface(w, featureOf.get(w)!);
  for (const [w, c] of colourAliases) addSurface(w, featureOf.get(c)!);
  concepts.forEach((c, e) => {
    addSurface(c.emoji, emojiFeature[e]!);
    addSurface(c.emoji.replace(/\uFE0F/g, ''), emojiFeature[e]!);
  });
  for (const w of words) for (const p of pluralForms(w)) if (!surface.has(p)) addSurface(p, featureOf.get(w)!);
  const wordCodes = [...codes].map(([code, f]) => ({ code, feature: f })).sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));

  const describe = (text: string) => {
    const out: { feature: string; weight: number }[] = [];
    const ws = splitWords(tokenizer.tokenIds(text), wordEnd);
    let prev = 0;
    for (const w of ws) {
      const f = codes.get(wordCode(w)) ?? 0;
      if (f) out.push({ feature: words[f - 1]!, weight: wordWeight[f]! });
      if (prev && f) {
        const b = bigramIndex.get(`${prev},${f}`);
        if (b !== undefined) out.push({ feature: `${words[prev - 1]} ${words[f - 1]}`, weight: bigramWeight[b]! });
      }
      prev = f;
    }
    return out;
  };

  return { concepts: E, dim: weightColumn + 1, styleColumn, colourColumn, weightColumn, words, wordCodes, bigrams, postings, captionWeight, wordEnd, describe };
}
