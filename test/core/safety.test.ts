import { describe, expect, it } from 'vitest';
import { DEFAULT_NSFW_THRESHOLD, safetyVerdict, unsafeScore } from '../../src/core/safety.js';

const scores = (unsafe: number) => ({ Drawing: 0.1, Neutral: 0.9 - unsafe, Hentai: unsafe / 4, Porn: unsafe / 2, Sexy: unsafe / 4 });

describe('image safety verdicts', () => {
  it('adds Hentai, Porn and Sexy into the unsafe score; Drawing and Neutral do not count', () => {
    expect(unsafeScore({ Drawing: 0.91, Hentai: 0.01, Neutral: 0.05, Porn: 0.02, Sexy: 0.01 })).toBeCloseTo(0.04, 10);
  });

  it('passes a picture under the threshold whatever the policy', () => {
    for (const policy of ['block', 'spoiler', 'allow'] as const) expect(safetyVerdict(scores(DEFAULT_NSFW_THRESHOLD - 0.01), policy)).toBe('pass');
  });

  it('blocks, spoilers, or allows one over it; allow only in an age-restricted channel, a spoiler elsewhere', () => {
    const flagged = scores(0.8);
    expect(safetyVerdict(flagged)).toBe('block');
    expect(safetyVerdict(flagged, 'spoiler', 0.6, true)).toBe('spoiler');
    expect(safetyVerdict(flagged, 'allow', 0.6, true)).toBe('pass');
    expect(safetyVerdict(flagged, 'allow', 0.6, false)).toBe('spoiler');
  });

  it('a server threshold moves the line both ways', () => {
    expect(safetyVerdict(scores(0.3), 'block', 0.2)).toBe('block');
    expect(safetyVerdict(scores(0.8), 'block', 0.9)).toBe('pass');
  });
});
