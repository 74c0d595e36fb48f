import { describe, expect, it } from 'vitest';
import { readRequestOptions } from '../../src/core/parameters.js';
import { DEFAULT_PREFERENCES, parsePreference, withPreferences } from '../../src/core/preferences.js';

describe('user settings', () => {
  it('are read like the parameters they stand for, with the same messages', () => {
    expect(parsePreference('ar', '16:9')).toBe('16:9');
    expect(parsePreference('sampler', 'DPM++ 2M Karras')).toBe('dpmpp-2m-karras');
    expect(parsePreference('steps', '25')).toBe(25);
    expect(parsePreference('private', 'on')).toBe(true);
    expect(() => parsePreference('steps', '0')).toThrow('Invalid steps `0`');
    expect(() => parsePreference('remix', 'maybe')).toThrow('`remix` is on or off');
    expect(() => parsePreference('suffix', 'nice --bogus 1')).toThrow('Unknown parameter `--bogus`');
  });

  it('fill what the prompt leaves out: the suffix’s text after the prompt, its parameters, then the defaults', () => {
    const prefs = { ...DEFAULT_PREFERENCES, steps: 30, ar: '3:2', sampler: 'euler-a', suffix: 'watercolor --steps 12 --no text' };
    expect(withPreferences(readRequestOptions({ prompt: 'a fox' }), prefs)).toMatchObject({ prompt: 'a fox watercolor', steps: 12, aspectRatio: '3:2', sampler: 'euler-a', negative: 'text' });
    expect(withPreferences(readRequestOptions({ prompt: 'a fox --steps 4 --ar 1:1 --no blur' }), prefs)).toMatchObject({ prompt: 'a fox watercolor', steps: 4, aspectRatio: '1:1', negative: 'blur' });
    expect(withPreferences(readRequestOptions({ prompt: 'a fox' }), DEFAULT_PREFERENCES)).toEqual(readRequestOptions({ prompt: 'a fox' }));
  });
});
