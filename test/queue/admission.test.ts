/** How refusals say when to try again: the wait in the largest units that read naturally. */
import { describe, expect, it } from 'vitest';
import { formatWait } from '../../src/queue/admission.js';

describe('formatWait', () => {
  it.each([
    [0, '1 s'],
    [40_000, '40 s'],
    [60_000, '1 min'],
    [61_000, '2 min'],
    [12 * 60_000, '12 min'],
    [17 * 3_600_000, '17 h'],
    [17 * 3_600_000 - 1, '17 h'],
    [3 * 3_600_000 + 12 * 60_000, '3 h 12 min'],
  ])('%d ms → %s', (ms, text) => expect(formatWait(ms)).toBe(text));
});
