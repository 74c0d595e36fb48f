/** Vary (Region)'s masks: named rectangles and areas drawn in the playground, and how the original is put back around them. */
import { describe, expect, it } from 'vitest';
import { DRAWN_GRID, drawnBounds, drawnCell, drawnCellsOf, parseDrawnCells } from '../../src/core/drawn-region.js';
import { UserError } from '../../src/core/errors.js';
import { keepOutside, regionMask } from '../../src/images/zoom.js';
import type { RgbImage } from '../../src/pipeline/types.js';

const solid = (w: number, h: number, v: number): RgbImage => ({ width: w, height: h, data: new Uint8Array(w * h * 3).fill(v) });

describe('drawn regions', () => {
  it('round-trips cells, and their bounding box is in fractions of the picture', () => {
    const cells = drawnCellsOf((c, r) => c >= 10 && c < 20 && r >= 32);
    expect(parseDrawnCells(cells)).toBe(cells);
    expect(drawnCell(cells, 10, 32)).toBe(true);
    expect(drawnCell(cells, 9, 32)).toBe(false);
    expect(drawnCell(cells, 19, 63)).toBe(true);
    expect(drawnBounds(cells)).toEqual({ left: 10 / 64, top: 0.5, width: 10 / 64, height: 0.5 });
  });

  it('refuses a drawing that is empty, covers everything, or did not arrive whole, with a message saying what to do', () => {
    const refusal = (raw: unknown) => {
      try {
        parseDrawnCells(raw);
      } catch (err) {
        expect(err).toBeInstanceOf(UserError);
        return (err as Error).message;
      }
      return 'accepted';
    };
    expect(refusal(drawnCellsOf(() => false))).toMatch(/Draw over the part/);
    expect(refusal(drawnCellsOf(() => true))).toMatch(/Vary \(Strong\)/);
    expect(refusal('f0')).toMatch(/draw the region again/);
    expect(refusal(undefined)).toMatch(/draw the region again/);
    expect(refusal('z'.repeat((DRAWN_GRID * DRAWN_GRID) / 4))).toMatch(/draw the region again/);
  });

  it('a drawn mask covers exactly its cells at any picture size', () => {
    const cells = drawnCellsOf((c) => c >= 32);
    const mask = regionMask(96, 64, { left: 0.5, top: 0, width: 0.5, height: 1, name: 'drawn', cells });
    expect(mask.data[10 * 96 + 47]).toBe(0);
    expect(mask.data[10 * 96 + 48]).toBe(255);
    // A named region is its rectangle.
    const named = regionMask(64, 64, { left: 0, top: 0.5, width: 1, height: 0.5, name: 'bottom' });
    expect(named.data[31 * 64]).toBe(0);
    expect(named.data[32 * 64]).toBe(255);
  });
});

describe('keepOutside', () => {
  it('puts the original back outside the mask, blended only over the few pixels next to it', () => {
    const cells = drawnCellsOf((c, r) => c >= 16 && c < 48 && r >= 16 && r < 48);
    const mask = regionMask(64, 64, { ...drawnBounds(cells), name: 'drawn', cells });
    const out = keepOutside(solid(64, 64, 200), solid(64, 64, 0), mask, 3);
    const at = (x: number, y: number) => out.data[(y * 64 + x) * 3]!;
    expect(at(32, 32)).toBe(200);
    expect(at(16, 16)).toBe(200);
    // One, two and three pixels out: a ramp; four out and beyond: the original.
    expect([at(15, 32), at(14, 32), at(13, 32), at(12, 32), at(0, 0)]).toEqual([150, 100, 50, 0, 0]);
    expect(at(14, 14)).toBe(100);
  });
});
