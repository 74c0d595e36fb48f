import { describe, expect, it } from 'vitest';
import { findBlockedPattern, findChildSafetyTerm, parsePatterns, PatternTimeoutError, validatePatterns } from '../../src/core/prompt-checks.js';

describe('blocked patterns', () => {
  it('reads /pattern/flags separated by spaces or commas, commas inside a pattern included', () => {
    expect(parsePatterns('/fo{1,3}bar/i, /\\bnsfw\\b/ /a\\/b/')).toEqual(['/fo{1,3}bar/i', '/\\bnsfw\\b/', '/a\\/b/']);
  });

  it('matches as the model reads the prompt: case, accents and look-alike letters do not hide a match', () => {
    const patterns = ['/gr[ae]y\\s+wolf/', '/\\bDRAGON\\b/'];
    expect(findBlockedPattern('a Grey   Wolf at night', patterns)).toBe('/gr[ae]y\\s+wolf/');
    expect(findBlockedPattern('a ｄｒａｇｏｎ', patterns)).toBe('/\\bDRAGON\\b/');
    expect(findBlockedPattern('a grey cat', patterns)).toBeUndefined();
  });

  it('refuses a malformed, too long, too many or too slow list, saying why', () => {
    expect(() => parsePatterns('wolf')).toThrow(/write each pattern as \/pattern\/flags/);
    expect(() => parsePatterns('/(unclosed/')).toThrow(/not a valid regular expression/);
    expect(() => parsePatterns(`/${'a'.repeat(201)}/`)).toThrow(/at most 200 characters/);
    expect(() => parsePatterns('/x/g')).toThrow(/flags may be i, m, s and u/);
    expect(() => parsePatterns(Array.from({ length: 51 }, (_, i) => `/w${i}/`).join(' '))).toThrow(/at most 50 patterns/);
    expect(() => parsePatterns('/(a+)+$/')).toThrow(/takes too long/);
  });

  it('stops a slow match at the time limit instead of hanging', () => {
    // Stored without the timing probe (as an old or hand-edited setting could be).
    validatePatterns(['/(x+x+)+y/']);
    expect(() => findBlockedPattern('x'.repeat(40), ['/(x+x+)+y/'])).toThrow(PatternTimeoutError);
  });
});

describe('the built-in child-safety check', () => {
  it('refuses the terms that are always refused, and a minor together with a sexual term', () => {
    expect(findChildSafetyTerm('a loli drawing')).toBe('loli');
    expect(findChildSafetyTerm('NUDE  little   girl')).toBe('little girl + nude');
    expect(findChildSafetyTerm('a 14 year old, naked')).toMatch(/14 year old \+ naked/);
    expect(findChildSafetyTerm('ｃｈｉｌｄ in lingerie')).toBe('child + lingerie');
  });

  it('lets ordinary prompts through, minors and adults alike', () => {
    for (const prompt of ['children playing in a park', 'a nude statue in a museum', 'a 30 year old painter', 'kids at the beach']) {
      expect(findChildSafetyTerm(prompt), prompt).toBeUndefined();
    }
  });
});
