/**
 * CLIP's byte-level BPE tokenizer with the ids of Hugging Face's CLIPTokenizer (the one diffusers
 * uses, in its ftfy-free form): text clean-up, lower-casing, CLIP's word pattern, '</w>' word ends.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanClipText } from '../core/prompt-text.js';
import type { WeightedText } from './prompt-weights.js';
import { bytesToUnicode, clipVocabulary, CLIP_BOS_TOKEN, CLIP_EOS_TOKEN, readClipBpeMerges } from './clip-vocab.js';

export { cleanClipText };

/** Tokens per sequence the CLIP text encoder takes, BOS and EOS included. */
export const CLIP_MAX_LENGTH = 77;
/** Prompt tokens per chunk: the 77 minus BOS and EOS. */
export const CLIP_CHUNK_TOKENS = CLIP_MAX_LENGTH - 2;

// CLIP's word pattern (HF's CLIPTokenizer.pat): contractions, letter runs, single digits, punctuation runs.
const WORD_PATTERN = /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\s\p{L}\p{N}]+/giu;
const SPECIAL_SPLIT = /(<\|startoftext\|>|<\|endoftext\|>)/;

export interface ClipTokenizerConfig {
  padToken?: string;
  bosToken?: string;
  eosToken?: string;
  unkToken?: string;
}

export interface ChunkOptions {
  /** Keep at most this many chunks (the rest of the prompt is dropped). */
  maxChunks?: number;
}

/** A token given as a plain string or as HF's AddedToken object. */
function tokenContent(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
  return undefined;
}

function readJsonIfExists(file: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** The lookup tables of one vocabulary, shared by every tokenizer that uses it (word cache included: same text, same ids). */
interface VocabTables {
  vocab: Map<string, number>;
  ranks: Map<string, number>;
  decoder: Map<number, string>;
  wordCache: Map<string, number[]>;
}

function buildTables(vocab: Map<string, number>, merges: readonly string[]): VocabTables {
  return {
    vocab,
    ranks: new Map(merges.map((m, i) => [m, i])),
    decoder: new Map([...vocab].map(([t, i]) => [i, t])),
    wordCache: new Map(),
  };
}

const tablesCache = new Map<string, VocabTables>();

export class ClipTokenizer {
  readonly bosTokenId: number;
  readonly eosTokenId: number;
  readonly unkTokenId: number;
  /** Id that fills a sequence after EOS: 49407 for SD 1.x, 0 ('!') for SD 2.x and SDXL's OpenCLIP. */
  readonly padTokenId: number;
  readonly maxLength = CLIP_MAX_LENGTH;
  /** Comma's id, where long prompts prefer to break into chunks. */
  private readonly commaId: number | undefined;
  private readonly vocab: Map<string, number>;
  private readonly ranks: Map<string, number>;
  private readonly byteEncoder = bytesToUnicode();
  private readonly decoder: Map<number, string>;
  private readonly cache: Map<string, number[]>;

  constructor(vocab: Map<string, number> | VocabTables, merges: readonly string[] = [], config: ClipTokenizerConfig = {}) {
    const tables = vocab instanceof Map ? buildTables(vocab, merges) : vocab;
    this.vocab = tables.vocab;
    this.ranks = tables.ranks;
    this.decoder = tables.decoder;
    this.cache = tables.wordCache;
    const id = (token: string, what: string) => {
      const v = this.vocab.get(token);
      if (v === undefined) throw new Error(`the CLIP vocabulary has no ${what} token '${token}'`);
      return v;
    };
    this.bosTokenId = id(config.bosToken ?? CLIP_BOS_TOKEN, 'start');
    this.eosTokenId = id(config.eosToken ?? CLIP_EOS_TOKEN, 'end');
    this.unkTokenId = id(config.unkToken ?? CLIP_EOS_TOKEN, 'unknown');
    this.padTokenId = id(config.padToken ?? CLIP_EOS_TOKEN, 'padding');
    this.commaId = this.vocab.get(',</w>');
  }

  /** The pad token a HF tokenizer folder names ('!' for SD 2.x's OpenCLIP), without reading its vocabulary. */
  static padTokenOf(dir: string): string {
    const pick = (key: string) => tokenContent(readJsonIfExists(join(dir, 'special_tokens_map.json'))[key]) ?? tokenContent(readJsonIfExists(join(dir, 'tokenizer_config.json'))[key]);
    return pick('pad_token') ?? CLIP_EOS_TOKEN;
  }

  /** Reads a HF tokenizer folder: vocab.json, merges.txt and the pad token from tokenizer_config.json or special_tokens_map.json. */
  static fromDirectory(dir: string): ClipTokenizer {
    const vocabFile = join(dir, 'vocab.json');
    const mergesFile = join(dir, 'merges.txt');
    if (!existsSync(vocabFile)) throw new Error(`${vocabFile} is missing (the CLIP vocabulary)`);
    if (!existsSync(mergesFile)) throw new Error(`${mergesFile} is missing (the CLIP BPE merges)`);
    const vocabText = readFileSync(vocabFile, 'utf8');
    const mergesText = readFileSync(mergesFile, 'utf8');
    // Model folders usually carry the same vocabulary: parse it once per process.
    const key = createHash('sha1').update(vocabText).update('\0').update(mergesText).digest('hex');
    let tables = tablesCache.get(key);
    if (!tables) {
      let vocab: Record<string, number>;
      try {
        vocab = JSON.parse(vocabText) as Record<string, number>;
      } catch (err) {
        throw new Error(`${vocabFile} is not valid JSON: ${(err as Error).message}`);
      }
      const merges = mergesText.split(/\r?\n/).filter((l, i) => l !== '' && !(i === 0 && l.startsWith('#version')));
      tables = buildTables(new Map(Object.entries(vocab)), merges);
      tablesCache.set(key, tables);
    }
    const tokenizerConfig = readJsonIfExists(join(dir, 'tokenizer_config.json'));
    const specialMap = readJsonIfExists(join(dir, 'special_tokens_map.json'));
    const pick = (key: string) => tokenContent(specialMap[key]) ?? tokenContent(tokenizerConfig[key]);
    return new ClipTokenizer(tables, [], {
      padToken: pick('pad_token'),
      bosToken: pick('bos_token'),
      eosToken: pick('eos_token'),
      unkToken: pick('unk_token'),
    });
  }

  /** OpenAI's vocabulary straight from assets/clip (SD 1.x: pad = EOS). */
  static fromOpenAiVocabulary(config: ClipTokenizerConfig = {}): ClipTokenizer {
    const merges = readClipBpeMerges();
    const vocab = clipVocabulary(merges);
    return new ClipTokenizer(new Map(vocab.map((t, i) => [t, i])), merges, config);
  }

  /** BPE of one pre-tokenised word (already byte-encoded), as token strings. */
  private bpe(word: string): string[] {
    const parts = [...word];
    parts[parts.length - 1] += '</w>';
    if (parts.length === 1) return parts;
    for (;;) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i < parts.length - 1; i++) {
        const r = this.ranks.get(`${parts[i]} ${parts[i + 1]}`);
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          best = i;
        }
      }
      if (best < 0) break;
      const first = parts[best]!;
      const second = parts[best + 1]!;
      // Merge every occurrence of the best pair, left to right, as the reference does.
      const merged: string[] = [];
      for (let i = 0; i < parts.length; ) {
        if (i < parts.length - 1 && parts[i] === first && parts[i + 1] === second) {
          merged.push(first + second);
          i += 2;
        } else {
          merged.push(parts[i]!);
          i += 1;
        }
      }
      parts.splice(0, parts.length, ...merged);
      if (parts.length === 1) break;
    }
    return parts;
  }

  private wordIds(word: string): number[] {
    const cached = this.cache.get(word);
    if (cached) return cached;
    const encoded = Array.from(new TextEncoder().encode(word), (b) => this.byteEncoder.get(b)!).join('');
    const ids = this.bpe(encoded).map((t) => this.vocab.get(t) ?? this.unkTokenId);
    if (this.cache.size < 50_000) this.cache.set(word, ids);
    return ids;
  }

  /** Token strings of a text, without BOS/EOS (e.g. ['a</w>', 'photo</w>']). */
  tokenize(text: string): string[] {
    return this.tokenIds(text).map((i) => this.decoder.get(i) ?? '');
  }

  /** Ids of a text without BOS/EOS and without any length limit. */
  tokenIds(text: string): number[] {
    const ids: number[] = [];
    for (const piece of text.split(SPECIAL_SPLIT)) {
      if (piece === CLIP_BOS_TOKEN) ids.push(this.bosTokenId);
      else if (piece === CLIP_EOS_TOKEN) ids.push(this.eosTokenId);
      else for (const m of cleanClipText(piece).matchAll(WORD_PATTERN)) ids.push(...this.wordIds(m[0]));
    }
    return ids;
  }

  /** BOS, the text's ids, EOS; no padding. With maxLength, cut as HF's truncation=True does (EOS kept). */
  encode(text: string, options: { maxLength?: number } = {}): number[] {
    let ids = this.tokenIds(text);
    if (options.maxLength !== undefined) ids = ids.slice(0, Math.max(0, options.maxLength - 2));
    return [this.bosTokenId, ...ids, this.eosTokenId];
  }

  /** The 77 ids diffusers feeds the text encoder: truncated, padded with the pad token. */
  encodePadded(text: string): number[] {
    return this.wrap(this.tokenIds(text).slice(0, CLIP_CHUNK_TOKENS));
  }

  private wrap(tokens: number[]): number[] {
    const out = [this.bosTokenId, ...tokens, this.eosTokenId];
    while (out.length < CLIP_MAX_LENGTH) out.push(this.padTokenId);
    return out;
  }

  /**
   * A prompt of any length as 75-token chunks, each wrapped BOS…EOS and padded to 77, split the way
   * AUTOMATIC1111 does: a chunk that fills up breaks after its last comma when that comma is
   * within the last 20 tokens, so phrases stay whole. An empty prompt is one chunk.
   */
  encodeChunks(text: string, options: ChunkOptions = {}): number[][] {
    return this.encodeWeightedChunks([[text, 1]], options).ids;
  }

  /**
   * Chunks as encodeChunks makes them, with each token's weight (BOS, EOS and padding weigh 1):
   * A1111's tokenize_line. Each run of text is tokenized on its own; a BREAK run ends the chunk.
   */
  encodeWeightedChunks(parts: readonly WeightedText[], options: ChunkOptions = {}): { ids: number[][]; weights: number[][] } {
    const backtrack = 20;
    const ids: number[][] = [];
    const weights: number[][] = [];
    let chunk: number[] = [];
    let mult: number[] = [];
    let lastComma = -1;
    const next = () => {
      ids.push(this.wrap(chunk));
      weights.push([1, ...mult, ...new Array<number>(CLIP_MAX_LENGTH - 1 - mult.length).fill(1)]);
      chunk = [];
      mult = [];
      lastComma = -1;
    };
    for (const [text, weight] of parts) {
      if (text === 'BREAK' && weight === -1) {
        next();
        continue;
      }
      for (const token of this.tokenIds(text)) {
        if (token === this.commaId) {
          lastComma = chunk.length;
        } else if (chunk.length === CLIP_CHUNK_TOKENS && lastComma !== -1 && chunk.length - lastComma <= backtrack) {
          const at = lastComma + 1;
          const [moved, movedWeights] = [chunk.slice(at), mult.slice(at)];
          [chunk, mult] = [chunk.slice(0, at), mult.slice(0, at)];
          next();
          [chunk, mult] = [moved, movedWeights];
        }
        if (chunk.length === CLIP_CHUNK_TOKENS) next();
        chunk.push(token);
        mult.push(weight);
      }
    }
    if (chunk.length > 0 || ids.length === 0) next();
    const keep = options.maxChunks !== undefined ? Math.max(1, options.maxChunks) : ids.length;
    return { ids: ids.slice(0, keep), weights: weights.slice(0, keep) };
  }

  /** Text back from ids (special tokens dropped), for logs and tests. */
  decode(ids: readonly number[]): string {
    const byteDecoder = new Map([...this.byteEncoder].map(([b, c]) => [c, b]));
    const end = ids.indexOf(this.eosTokenId);
    const text = (end >= 0 ? ids.slice(0, end) : ids)
      .filter((i) => i !== this.bosTokenId)
      .map((i) => this.decoder.get(i) ?? '')
      .join('');
    const bytes = Uint8Array.from([...text.replaceAll('</w>', ' ')].map((c) => (c === ' ' ? 0x20 : (byteDecoder.get(c) ?? 0x3f))));
    return new TextDecoder().decode(bytes).trim();
  }
}
