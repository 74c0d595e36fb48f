import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeClipTokenizerFolder } from '../../src/pipeline/clip-vocab.js';
import { ClipTokenizer } from '../../src/pipeline/tokenizer.js';

let dir: string;
let sd1: ClipTokenizer;
let sd2: ClipTokenizer;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'clip-tok-'));
  writeClipTokenizerFolder(join(dir, 'sd1'));
  writeClipTokenizerFolder(join(dir, 'sd2'), { padToken: '!' });
  sd1 = ClipTokenizer.fromDirectory(join(dir, 'sd1'));
  sd2 = ClipTokenizer.fromDirectory(join(dir, 'sd2'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ClipTokenizer ids equal the reference CLIP tokenizer (openai/clip-vit-large-patch14)', () => {
  // Ids published with the reference tokenizers: Apple ml-stable-diffusion's tokenizer test,
  // Bumblebee's CLIP tokenizer test, OpenAI clip.tokenize examples and others.
  const published: [string, number[]][] = [
    ['a photo of a cat', [49406, 320, 1125, 539, 320, 2368, 49407]],
    ['a photo of a dog', [49406, 320, 1125, 539, 320, 1929, 49407]],
    ['a painting of a cat', [49406, 320, 3086, 539, 320, 2368, 49407]],
    ['a photo of an astronaut riding a horse on mars', [49406, 320, 1125, 539, 550, 18376, 6765, 320, 4558, 525, 7496, 49407]],
    ['Apple CoreML developer tools on a Macbook Air are fast', [49406, 3055, 19622, 5780, 10929, 5771, 525, 320, 20617, 1922, 631, 1953, 49407]],
    ['Hello, World! 123', [49406, 3306, 267, 1002, 256, 272, 273, 274, 49407]],
    ['bozuman', [49406, 647, 4091, 786, 49407]],
    ['a dog jumping', [49406, 320, 1929, 11476, 49407]],
    ['an illustration', [49406, 550, 6052, 49407]],
    ['The quick brown fox jumps over the lazy dog.', [49406, 518, 3712, 2866, 3240, 18911, 962, 518, 10753, 1929, 269, 49407]],
    [
      'Stable Diffusion is a deep learning, text-to-image model based on diffusion techniques.',
      [49406, 10492, 18656, 9364, 533, 320, 3383, 2378, 267, 4160, 268, 531, 268, 2867, 2863, 2812, 525, 18656, 9364, 1782, 697, 7715, 269, 49407],
    ],
  ];
  for (const [text, ids] of published) {
    it(JSON.stringify(text), () => expect(sd1.encode(text)).toEqual(ids));
  }

  it('splits numbers into single digits and words into BPE pieces with </w> ends', () => {
    expect(sd1.tokenize('1girl, 2025')).toEqual(['1</w>', 'girl</w>', ',</w>', '2</w>', '0</w>', '2</w>', '5</w>']);
    expect(sd1.tokenize('bozuman')).toEqual(['bo', 'zu', 'man</w>']);
  });

  it('ignores case, repeated whitespace and control characters as the reference clean-up does', () => {
    const reference = sd1.encode('a photo of a cat');
    expect(sd1.encode('  A   PHOTO\tof\na Cat ')).toEqual(reference);
    expect(sd1.encode('a photo\u0000 of a\u200b cat')).toEqual(reference);
  });

  it('keeps contractions apart and maps the special tokens typed in text to their ids', () => {
    expect(sd1.tokenize("it's")).toEqual(['it</w>', "'s</w>"]);
    expect(sd1.encode('a<|endoftext|>b')).toEqual([49406, 320, 49407, 321, 49407]);
  });

  it('decodes ids back to the cleaned text', () => {
    expect(sd1.decode(sd1.encode('A photo of an astronaut'))).toBe('a photo of an astronaut');
  });
});

describe('padding and long prompts', () => {
  it('pads with EOS for SD 1.x and with "!" (id 0) when the folder says so (SD 2.x, SDXL encoder 2)', () => {
    expect(sd1.padTokenId).toBe(49407);
    expect(sd2.padTokenId).toBe(0);
    const padded = sd2.encodePadded('a cat');
    expect(padded).toHaveLength(77);
    expect(padded.slice(0, 5)).toEqual([49406, 320, 2368, 49407, 0]);
    expect(padded.slice(4).every((id) => id === 0)).toBe(true);
    expect(sd1.encodePadded('a cat').slice(3).every((id) => id === 49407)).toBe(true);
  });

  it('truncates a plain encode to 77 ids only when asked, keeping EOS last', () => {
    const long = Array(100).fill('cat').join(' ');
    expect(sd1.encode(long)).toHaveLength(102);
    const cut = sd1.encode(long, { maxLength: 77 });
    expect(cut).toHaveLength(77);
    expect(cut[76]).toBe(49407);
  });

  it('cuts prompts over 75 tokens into 77-id chunks instead of dropping the rest', () => {
    const chunks = sd1.encodeChunks(Array(80).fill('cat').join(' '));
    expect(chunks).toHaveLength(2);
    for (const c of chunks) {
      expect(c).toHaveLength(77);
      expect(c[0]).toBe(49406);
    }
    expect(chunks[0]!.slice(1, 76).every((id) => id === 2368)).toBe(true);
    expect(chunks[0]![76]).toBe(49407);
    expect(chunks[1]!.slice(1, 6)).toEqual([2368, 2368, 2368, 2368, 2368]);
    expect(chunks[1]![6]).toBe(49407);
  });

  it('breaks a full chunk after its last comma when it is within 20 tokens, as AUTOMATIC1111 does', () => {
    const prompt = `${Array(70).fill('cat').join(' ')}, ${Array(10).fill('dog').join(' ')}`;
    const [first, second] = sd1.encodeChunks(prompt);
    expect(first!.slice(1, 71).every((id) => id === 2368)).toBe(true);
    expect(first![71]).toBe(267); // the comma ends the first chunk
    expect(first![72]).toBe(49407);
    expect(second!.slice(1, 11).every((id) => id === 1929)).toBe(true); // all ten dogs stay together
    expect(second![11]).toBe(49407);
  });

  it('gives one empty chunk for an empty prompt and honours maxChunks', () => {
    expect(sd1.encodeChunks('')).toEqual([[49406, ...Array(76).fill(49407)]]);
    expect(sd1.encodeChunks(Array(300).fill('cat').join(' '), { maxChunks: 2 })).toHaveLength(2);
  });
});

describe('tokenizer folder', () => {
  it('writes the HF layout with 49408 vocabulary entries and 48894 merges', () => {
    const vocab = JSON.parse(readFileSync(join(dir, 'sd1', 'vocab.json'), 'utf8')) as Record<string, number>;
    expect(Object.keys(vocab)).toHaveLength(49408);
    expect(vocab['<|startoftext|>']).toBe(49406);
    expect(vocab['<|endoftext|>']).toBe(49407);
    expect(vocab['!']).toBe(0);
    expect(vocab['cat</w>']).toBe(2368);
    const merges = readFileSync(join(dir, 'sd1', 'merges.txt'), 'utf8').trim().split('\n');
    expect(merges[0]).toBe('#version: 0.2');
    expect(merges).toHaveLength(48895);
    const config = JSON.parse(readFileSync(join(dir, 'sd2', 'tokenizer_config.json'), 'utf8'));
    expect(config.pad_token).toBe('!');
    expect(config.model_max_length).toBe(77);
  });

  it('names the missing file when a folder is incomplete', () => {
    expect(() => ClipTokenizer.fromDirectory(join(dir, 'nowhere'))).toThrow(/vocab\.json is missing/);
  });

  it('gives the same ids from the folder as from the shipped OpenAI vocabulary', () => {
    const direct = ClipTokenizer.fromOpenAiVocabulary();
    const text = 'A majestic lion, golden hour, 8k, ultra-detailed photograph';
    expect(direct.encode(text)).toEqual(sd1.encode(text));
  });
});
