/**
 * A Vary (Region) area drawn on the picture in the playground (rectangles and brush strokes): a
 * grid of DRAWN_GRID × DRAWN_GRID cells over the picture, row by row, four cells to a hex digit
 * (the first cell is the digit's highest bit). It travels as text in the click and is stored with
 * the job, so the job can run again after a restart.
 */
import { UserError } from './errors.js';

export const DRAWN_GRID = 64;
const HEX_LENGTH = (DRAWN_GRID * DRAWN_GRID) / 4;

/** The drawn cells as the browser sent them, or a clear refusal. */
export function parseDrawnCells(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length !== HEX_LENGTH || !/^[0-9a-f]+$/.test(raw)) {
    throw new UserError('That drawing did not arrive whole; draw the region again.', 'region');
  }
  if (/^0+$/.test(raw)) throw new UserError('Draw over the part of the picture to change first.', 'region');
  if (/^f+$/.test(raw)) throw new UserError('The drawing covers the whole picture; for that, use Vary (Strong).', 'region');
  return raw;
}

/** Whether cell (column, row) is drawn. */
export function drawnCell(cells: string, column: number, row: number): boolean {
  const i = row * DRAWN_GRID + column;
  return ((parseInt(cells[i >> 2]!, 16) >> (3 - (i & 3))) & 1) === 1;
}

/** The drawn area's bounding box, as fractions of the picture's size. */
export function drawnBounds(cells: string): { left: number; top: number; width: number; height: number } {
  let x0 = DRAWN_GRID;
  let y0 = DRAWN_GRID;
  let x1 = 0;
  let y1 = 0;
  for (let row = 0; row < DRAWN_GRID; row++) {
    for (let column = 0; column < DRAWN_GRID; column++) {
      if (!drawnCell(cells, column, row)) continue;
      x0 = Math.min(x0, column);
      y0 = Math.min(y0, row);
      x1 = Math.max(x1, column + 1);
      y1 = Math.max(y1, row + 1);
    }
  }
  return { left: x0 / DRAWN_GRID, top: y0 / DRAWN_GRID, width: (x1 - x0) / DRAWN_GRID, height: (y1 - y0) / DRAWN_GRID };
}

/** Cells from a test of each cell (what the playground's canvas does in the browser). */
export function drawnCellsOf(drawn: (column: number, row: number) => boolean): string {
  let hex = '';
  for (let i = 0; i < DRAWN_GRID * DRAWN_GRID; i += 4) {
    let digit = 0;
    for (let k = 0; k < 4; k++) digit = (digit << 1) | (drawn((i + k) % DRAWN_GRID, Math.floor((i + k) / DRAWN_GRID)) ? 1 : 0);
    hex += digit.toString(16);
  }
  return hex;
}
