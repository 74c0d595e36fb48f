/**
 * OpenAI's CLIP BPE vocabulary (assets/clip/bpe_simple_vocab_16e6.txt.gz, MIT) turned into the
 * Hugging Face tokenizer folder layout that diffusers model folders carry.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../util/project-root.js';
import { gunzipSync } from 'node:zlib';

export const CLIP_BPE_FILE = join(PROJECT_ROOT, 'assets', 'clip', 'bpe_simple_vocab_16e6.txt.gz');

export const CLIP_BOS_TOKEN = '<|startoftext|>';
export const CLIP_EOS_TOKEN = '<|endoftext|>';
/** 49152 BPE ranks minus the 256 byte tokens minus the 2 special tokens, as OpenAI's and HF's loaders cut the file. */
export const CLIP_MERGE_COUNT = 49152 - 256 - 2;

/** GPT-2's reversible byte → printable character table, in the order CLIP's vocabulary lists them. */
export function bytesToUnicode(): Map<number, string> {
  const bytes: number[] = [];
  const range = (a: number, b: number) => {
    for (let i = a; i <= b; i++) bytes.push(i);
  };
  range(0x21, 0x7e);
  range(0xa1, 0xac);
  range(0xae, 0xff);
  const chars = bytes.slice();
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bytes.includes(b)) {
      bytes.push(b);
      chars.push(256 + n);
      n++;
    }
  }
  return new Map(bytes.map((b, i) => [b, String.fromCodePoint(chars[i]!)]));
}

/** The merge rules ("a b" per entry, in rank order) from OpenAI's gzipped BPE file. */
export function readClipBpeMerges(file = CLIP_BPE_FILE): string[] {
  const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
  // The first line is a header; OpenAI keeps exactly CLIP_MERGE_COUNT rules after it.
  return lines.slice(1, 1 + CLIP_MERGE_COUNT);
}

/** Token strings in id order: bytes, bytes + '</w>', one per merge, then BOS (49406) and EOS (49407). */
export function clipVocabulary(merges: readonly string[]): string[] {
  const byteChars = [...bytesToUnicode().values()];
  return [...byteChars, ...byteChars.map((c) => `${c}</w>`), ...merges.map((m) => m.replace(' ', '')), CLIP_BOS_TOKEN, CLIP_EOS_TOKEN];
}

export interface ClipTokenizerFolderOptions {
  /** '<|endoftext|>' for SD 1.x (openai/clip-vit-large-patch14), '!' for SD 2.x and SDXL's second encoder. */
  padToken?: string;
  /** Where to read OpenAI's BPE file from (default: assets/clip). */
  bpeFile?: string;
}

const fileCache = new Map<string, { vocabJson: string; mergesTxt: string }>();

/** vocab.json and merges.txt contents, built once per BPE file (tests and the model build write many folders). */
function tokenizerFiles(bpeFile: string): { vocabJson: string; mergesTxt: string } {
  let files = fileCache.get(bpeFile);
  if (!files) {
    const merges = readClipBpeMerges(bpeFile);
    const vocab = clipVocabulary(merges);
    files = {
      vocabJson: JSON.stringify(Object.fromEntries(vocab.map((t, i) => [t, i]))),
      mergesTxt: `#version: 0.2\n${merges.join('\n')}\n`,
    };
    fileCache.set(bpeFile, files);
  }
  return files;
}

const specialToken = (content: string) => ({ __type: 'AddedToken', content, lstrip: false, normalized: true, rstrip: false, single_word: false });

/** Writes vocab.json, merges.txt, tokenizer_config.json and special_tokens_map.json as HF's CLIPTokenizer saves them. */
export function writeClipTokenizerFolder(dir: string, options: ClipTokenizerFolderOptions = {}): void {
  const padToken = options.padToken ?? CLIP_EOS_TOKEN;
  const files = tokenizerFiles(options.bpeFile ?? CLIP_BPE_FILE);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'vocab.json'), files.vocabJson);
  writeFileSync(join(dir, 'merges.txt'), files.mergesTxt);
  const special = {
    bos_token: specialToken(CLIP_BOS_TOKEN),
    eos_token: specialToken(CLIP_EOS_TOKEN),
    pad_token: padToken,
    unk_token: specialToken(CLIP_EOS_TOKEN),
  };
  writeFileSync(join(dir, 'special_tokens_map.json'), JSON.stringify(special, null, 2));
  writeFileSync(
    join(dir, 'tokenizer_config.json'),
    JSON.stringify(
      {
        add_prefix_space: false,
        ...special,
        do_lower_case: true,
        errors: 'replace',
        model_max_length: 77,
        tokenizer_class: 'CLIPTokenizer',
      },
      null,
      2,
    ),
  );
}
