/**
 * Prompt checks beyond a server's blocked words: its `blocked_patterns` (regular expressions an
 * admin writes, bounded in length, count and running time), and the built-in child-safety check
 * that no setting turns off. All compare the text as the model reads it (textForMatching), so
 * look-alike letters, accents and zero-width characters do not hide a word.
 */
import { UserError } from './errors.js';
import { md, msg } from './markup.js';
import { Script, createContext } from 'node:vm';
import { textForMatching } from './prompt-text.js';

/** How long one pattern may be, how many a server may have, and how long matching a prompt may run. */
export const PATTERN_LIMITS = { maxLength: 200, maxCount: 50, timeoutMs: 50 } as const;
const FLAGS = /^[imsu]*$/;

/** One pattern as an admin writes it: `/body/flags`. */
function compile(source: string): RegExp {
  const m = /^\/(.+)\/([a-z]*)$/s.exec(source);
  if (!m) throw new UserError(md`write each pattern as /pattern/flags, e.g. /\\bfoo+\\b/i (got '${source}').`);
  const [, body, flags] = m as unknown as [string, string, string];
  if (body.length > PATTERN_LIMITS.maxLength) throw new UserError(md`a pattern is at most ${PATTERN_LIMITS.maxLength} characters (got ${body.length}).`);
  if (!FLAGS.test(flags)) throw new UserError(md`pattern flags may be i, m, s and u (got '${flags}').`);
  try {
    // The text is matched in lower case, as the model reads it; upper-case letters in a pattern still match.
    return new RegExp(body, flags.includes('i') ? flags : `${flags}i`);
  } catch (err) {
    throw new UserError(md`${source} is not a valid regular expression: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}.`);
  }
}

const matcher = new Script('patterns.findIndex((p) => p.test(text))');

/** The index of the first pattern matching `text`, within the time limit; throws PatternTimeoutError past it. */
function firstMatch(patterns: readonly RegExp[], text: string): number {
  const context = createContext({ patterns: patterns.map((p) => new RegExp(p.source, p.flags)), text });
  try {
    return matcher.runInContext(context, { timeout: PATTERN_LIMITS.timeoutMs }) as number;
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw new PatternTimeoutError();
    throw err;
  }
}

export class PatternTimeoutError extends Error {
  override name = 'PatternTimeoutError';
  constructor() {
    super(`matching the blocked patterns took longer than ${PATTERN_LIMITS.timeoutMs} ms`);
  }
}

/** Texts that make slow patterns show themselves when a pattern is set. */
const PROBES = ['a'.repeat(3000) + '!', 'ab'.repeat(1500) + '!', ' '.repeat(3000) + '!', 'x'.repeat(1000) + '1'.repeat(1000) + '!'];

/**
 * Reads `/limits set blocked_patterns` text: patterns as `/…/flags`, separated by spaces or commas.
 * Throws a message for the admin when one is malformed, too long, too many or too slow.
 */
export function parsePatterns(text: string): string[] {
  const out: string[] = [];
  let rest = text.trim();
  while (rest) {
    const m = /^\/(?:\\.|[^\\/])+\/[a-z]*/s.exec(rest);
    if (!m) throw new UserError(md`write each pattern as /pattern/flags, separated by spaces or commas, e.g. /\\bfoo+\\b/i /bar/ (could not read '${rest.slice(0, 40)}').`);
    out.push(m[0]);
    rest = rest.slice(m[0].length).replace(/^[\s,]+/, '');
  }
  const unique = [...new Set(out)];
  validatePatterns(unique, { probe: true });
  return unique;
}

/**
 * Throws when a list of patterns is not one a server may have: too many, too long, malformed, and
 * with `probe` (when an admin sets them) too slow on long text. Stored lists are checked without
 * the timing, which a busy machine could fail.
 */
export function validatePatterns(patterns: readonly string[], options: { probe?: boolean } = {}): void {
  if (patterns.length > PATTERN_LIMITS.maxCount) throw new UserError(md`at most ${PATTERN_LIMITS.maxCount} patterns (got ${patterns.length}).`);
  const compiled = patterns.map(compile);
  if (!options.probe) return;
  for (const probe of PROBES) {
    try {
      firstMatch(compiled, probe);
    } catch (err) {
      if (err instanceof PatternTimeoutError) throw new UserError(md`a pattern takes too long on long text (over ${PATTERN_LIMITS.timeoutMs} ms); simplify it (nested repeats like (a+)+ are the usual cause).`);
      throw err;
    }
  }
}

/** The first of a server's patterns the prompt matches, or undefined. Throws PatternTimeoutError when matching runs too long. */
export function findBlockedPattern(prompt: string, patterns: readonly string[]): string | undefined {
  if (patterns.length === 0) return undefined;
  const compiled = patterns.map(compile);
  const text = textForMatching(prompt);
  const i = firstMatch(compiled, text);
  return i >= 0 ? patterns[i] : undefined;
}

/**
 * The built-in child-safety check: terms that always refuse a prompt, and terms for minors that
 * refuse it together with a sexual term. It runs for every server and no limit changes it.
 */
export const CHILD_SAFETY = deepFreeze({
  always: ['loli', 'lolicon', 'shota', 'shotacon', 'child porn', 'child pornography', 'csam', 'pedo', 'pedophile', 'paedophile', 'jailbait'],
  minors: ['child', 'children', 'kid', 'kids', 'minor', 'minors', 'underage', 'preteen', 'pre-teen', 'toddler', 'infant', 'baby', 'little girl', 'little boy', 'young girl', 'young boy', 'schoolgirl', 'schoolboy', 'girl child', 'boy child', 'elementary school', 'middle school'],
  sexual: ['nude', 'nudes', 'naked', 'nsfw', 'sex', 'sexy', 'sexual', 'porn', 'porno', 'pornographic', 'erotic', 'lewd', 'explicit', 'topless', 'bottomless', 'undressed', 'undressing', 'lingerie', 'genitals', 'genital', 'breasts', 'nipples', 'hentai', 'seductive', 'aroused', 'orgasm', 'fetish', 'bdsm', 'bikini'],
} as const);

function deepFreeze<T extends Record<string, readonly string[]>>(lists: T): T {
  for (const list of Object.values(lists)) Object.freeze(list);
  return Object.freeze(lists);
}

/** Ages under 18 written as "12yo", "12 y/o", "12 years old", "12-year-old". */
const MINOR_AGE = /\b(?:[1-9]|1[0-7])\s*(?:yo|y\/o|yrs? old|years? old|-year-old|year-old)\b/;

function hasTerm(words: Set<string>, phrase: string, term: string): boolean {
  return term.includes(' ') || term.includes('-') ? phrase.includes(` ${term} `) : words.has(term);
}

/** Why the built-in check refuses a prompt (a term, or a minor term with a sexual one), or undefined. */
export function findChildSafetyTerm(prompt: string): string | undefined {
  const text = textForMatching(prompt);
  const words = new Set(text.split(/[^\p{L}\p{N}_']+/u).filter(Boolean));
  const phrase = ` ${text.replace(/[^\p{L}\p{N}_'-]+/gu, ' ')} `;
  const always = CHILD_SAFETY.always.find((t) => hasTerm(words, phrase, t));
  if (always) return always;
  const minor = CHILD_SAFETY.minors.find((t) => hasTerm(words, phrase, t)) ?? MINOR_AGE.exec(text)?.[0];
  if (!minor) return undefined;
  const sexual = CHILD_SAFETY.sexual.find((t) => hasTerm(words, phrase, t));
  return sexual ? `${minor} + ${sexual}` : undefined;
}

/** What a refused user is told by the child-safety check. */
export const CHILD_SAFETY_REFUSAL = msg('This prompt cannot be used: sexual content involving minors is never made here.');
