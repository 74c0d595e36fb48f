/**
 * Prompts as typed, as the model reads them, and as blocked words are matched: what an attacker
 * hides in a prompt (zero-width characters, soft hyphens, fullwidth or look-alike letters) does not
 * hide a blocked word, and what could spoof a chat line or a terminal never reaches a job.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBlockedWord } from '../../src/core/limits.js';
import { readRequestOptions } from '../../src/core/parameters.js';
import { cleanPromptText, textForMatching } from '../../src/core/prompt-text.js';
import { writeClipTokenizerFolder } from '../../src/pipeline/clip-vocab.js';
import { ClipTokenizer } from '../../src/pipeline/tokenizer.js';

const DISGUISES: [string, string][] = [
  ['zero-width space', 'he\u200Bart'],
  ['soft hyphen', 'he\u00ADart'],
  ['word joiner', 'hea\u2060rt'],
  ['byte-order mark', '\uFEFFheart'],
  ['zero-width joiner', 'h\u200De\u200Dart'],
  ['combining grapheme joiner', 'he\u034Fart'],
  ['fullwidth letters', 'ｈｅａｒｔ'],
  ['mathematical bold letters', '𝐡𝐞𝐚𝐫𝐭'],
  ['Cyrillic е and а', 'hеаrt'],
  ['Greek capital Eta and Alpha', 'ΗEΑRT'],
  ['upper case', 'HEART'],
  ['an accent', 'héart'],
];

let dir: string;
let tokenizer: ClipTokenizer;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'prompt-text-'));
  writeClipTokenizerFolder(dir);
  tokenizer = ClipTokenizer.fromDirectory(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('blocked words', () => {
  it('are found however the word is disguised', () => {
    for (const [how, word] of DISGUISES) expect(findBlockedWord(`a red ${word} on a mat`, ['heart']), how).toBe('heart');
  });

  it('are what the model would read: the invisible characters never reach the text encoder', () => {
    const plain = tokenizer.encode('a red heart');
    for (const hidden of ['he\u200Bart', 'he\u00ADart', 'hea\u2060rt', '\uFEFFheart']) expect(tokenizer.encode(`a red ${hidden}`)).toEqual(plain);
  });

  it('match whole words and phrases only', () => {
    expect(findBlockedWord('a hearth and a sweetheart', ['heart'])).toBeUndefined();
    expect(findBlockedWord('red\u200B heart', ['red heart'])).toBe('red heart');
    expect(findBlockedWord('ＲＥＤ   ｈｅａｒｔ', ['red heart'])).toBe('red heart');
    expect(findBlockedWord('a red and a heart', ['red heart'])).toBeUndefined();
    // A blocked word typed with look-alikes itself matches the plain spelling.
    expect(findBlockedWord('a heart', ['hеart'])).toBe('hеart');
  });

  it('keep text in other scripts matchable', () => {
    expect(findBlockedWord('ein großes Herz', ['herz'])).toBe('herz');
    expect(findBlockedWord('красное сердце', ['сердце'])).toBe('сердце');
    expect(findBlockedWord('赤い猫', ['猫'])).toBe('猫');
    expect(textForMatching('Ｃａｆé')).toBe('cafe');
  });
});

describe('prompts as typed', () => {
  it('lose control characters, ANSI escapes and bidi overrides, and keep letters and emoji', () => {
    expect(cleanPromptText('\u001b[31mred\u001b[0m heart\u0000')).toBe('red heart');
    expect(cleanPromptText('a cat \u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007')).toBe('a cat link');
    expect(cleanPromptText('cat\u202Egnp.exe')).toBe('catgnp.exe');
    expect(cleanPromptText('\u2066isolated\u2069 \u200Fmark')).toBe('isolated mark');
    expect(cleanPromptText('line one\nline\ttwo')).toBe('line one line two');
    expect(cleanPromptText('👩‍🚀 café 猫')).toBe('👩‍🚀 café 猫');
  });

  it('reach the job cleaned, however they arrive', () => {
    const request = readRequestOptions({ prompt: 'a \u202Ered\u202C heart\u0007 --no blur\u001b[2J' });
    expect(request.prompt).toBe('a red heart');
    expect(request.negative).toBe('blur');
    expect(() => readRequestOptions({ prompt: '\u0000\u202E\u001b[0m' })).toThrow(/^Describe the image you want/);
  });
});
