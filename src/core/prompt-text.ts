/**
 * Prompt text in its three readings: as typed (cleaned of what can harm a terminal or spoof a chat
 * line), as the text encoder reads it (CLIP's clean-up), and as blocked words are matched (what the
 * model reads, NFKC, without marks, invisible characters or look-alike letters).
 */

// ESC [ … final (CSI), ESC ] … BEL or ESC \ (OSC), and any other ESC + one character.
const ANSI_ESCAPE = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[\s\S]?)|\u009b[0-?]*[ -/]*[@-~]/g;
// Embeddings, overrides and isolates, and the marks that flip a line's direction.
const BIDI_CONTROL = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// C0 and C1 controls (NUL included); tabs and line breaks become spaces first.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * A prompt as typed, made safe to store and show: ANSI escapes, bidi controls and other control
 * characters removed, tabs and line breaks as spaces. Letters, emoji and their joiners are kept.
 */
export function cleanPromptText(text: string): string {
  return text.replace(ANSI_ESCAPE, '').replace(BIDI_CONTROL, '').replace(/[\t\n\r\v\f]/g, ' ').replace(CONTROL_CHARACTER, '');
}

const CONTROL = /^\p{C}$/u;
const SPACE_SEPARATOR = /^\p{Zs}$/u;

function isCjk(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/**
 * HF's BasicTokenizer(strip_accents=False, do_split_on_punc=False), what CLIPTokenizer runs when
 * ftfy is absent: drop control and format characters (zero-width spaces, soft hyphens), whitespace
 * to spaces, CJK characters as words, NFC, lower-case, collapse whitespace.
 */
export function cleanClipText(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || SPACE_SEPARATOR.test(ch)) out += ' ';
    else if (cp === 0 || cp === 0xfffd || CONTROL.test(ch)) continue;
    else if (isCjk(cp)) out += ` ${ch} `;
    else out += ch;
  }
  return out
    .normalize('NFC')
    .split(/\s+/u)
    .filter((w) => w !== '')
    .map((w) => w.toLowerCase())
    .join(' ');
}

/**
 * Cyrillic and Greek letters drawn like Latin ones (lower case; upper case is folded first), from
 * Unicode's confusables list: a prompt spelled with them reads as the Latin word to a person and
 * close to it to the model.
 */
const LOOKALIKES: Record<string, string> = {
  // Cyrillic
  а: 'a', е: 'e', ё: 'e', к: 'k', о: 'o', р: 'p', с: 'c', у: 'y', х: 'x', ѕ: 's', і: 'i', ї: 'i', ј: 'j', һ: 'h', ԁ: 'd', ԛ: 'q', ԝ: 'w', ӏ: 'l', ɡ: 'g', ү: 'y', ѵ: 'v', ԍ: 'g',
  // Greek
  α: 'a', β: 'b', ε: 'e', ζ: 'z', η: 'n', ι: 'i', κ: 'k', μ: 'u', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ϲ: 'c', ϳ: 'j',
  // Latin letters of other alphabets that read as plain ones
  ı: 'i', ȷ: 'j', ɩ: 'i', ʀ: 'r', ꞵ: 'b',
};
// Upper-case Cyrillic and Greek whose lower case does not look Latin, but whose capitals do.
const UPPER_LOOKALIKES: Record<string, string> = { В: 'b', Н: 'h', М: 'm', Т: 't', К: 'k', Η: 'h', Ν: 'n', Μ: 'm', Τ: 't', Κ: 'k', Β: 'b' };

const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Mn}\p{Me}]/gu;

/**
 * The text blocked words are matched against: what the text encoder reads (CLIP's clean-up drops
 * zero-width and format characters), then NFKC (fullwidth and mathematical letters become plain
 * ones), without accents, default-ignorable characters or look-alike letters, in lower case.
 */
export function textForMatching(text: string): string {
  const read = cleanClipText(cleanPromptText(text).replace(/./gsu, (ch) => UPPER_LOOKALIKES[ch] ?? ch));
  return read
    .normalize('NFKC')
    .normalize('NFD')
    .replace(INVISIBLE, '')
    .toLowerCase()
    .replace(/./gsu, (ch) => LOOKALIKES[ch] ?? ch)
    .normalize('NFC');
}
