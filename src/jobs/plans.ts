/**
 * What a button under a result makes: U1–U4 / Upscale 2×·4× an upscale, V1–V4 / Vary a grid of
 * variations, 🔄 the same prompt with new seeds, Zoom Out a zoomed-out grid. Everything comes from
 * the button id and the stored job, so clicks work after a restart.
 */
import type { ButtonRef } from '../core/buttons.js';
import type { JobKind, JobParams, JobRecord, Outpaint } from '../core/jobs.js';
import { drawnBounds, parseDrawnCells } from '../core/drawn-region.js';
import { randomSeed } from '../core/parameters.js';
import { GRID_SIZE } from './submit.js';

export const VARY_STRENGTH = { strong: 0.75, subtle: 0.35 } as const;
/** How much of a zoomed-out canvas img2img may repaint. */
export const ZOOM_STRENGTH = 0.6;

/** A fresh copy of the generation settings, without what belongs to the source job's own kind. */
function baseParams(job: JobRecord): JobParams {
  const { source: _source, strength: _strength, factor: _factor, outputSize: _outputSize, outpaint: _outpaint, region: _region, ...rest } = job.params;
  return { ...rest };
}

/** How much of the chosen region Vary (Region) repaints. */
export const REGION_STRENGTH = 0.9;

/** Vary (Region)'s named parts of a picture (fractions of its size), with the 3×3 cells `c<row><column>`. */
export const REGIONS: Record<string, { left: number; top: number; width: number; height: number; label: string }> = {
  left: { left: 0, top: 0, width: 0.5, height: 1, label: 'Left half' },
  right: { left: 0.5, top: 0, width: 0.5, height: 1, label: 'Right half' },
  top: { left: 0, top: 0, width: 1, height: 0.5, label: 'Top half' },
  bottom: { left: 0, top: 0.5, width: 1, height: 0.5, label: 'Bottom half' },
  tl: { left: 0, top: 0, width: 0.5, height: 0.5, label: 'Top-left quarter' },
  tr: { left: 0.5, top: 0, width: 0.5, height: 0.5, label: 'Top-right quarter' },
  bl: { left: 0, top: 0.5, width: 0.5, height: 0.5, label: 'Bottom-left quarter' },
  br: { left: 0.5, top: 0.5, width: 0.5, height: 0.5, label: 'Bottom-right quarter' },
  center: { left: 0.25, top: 0.25, width: 0.5, height: 0.5, label: 'Centre' },
  ...Object.fromEntries(
    [1, 2, 3].flatMap((row) =>
      [1, 2, 3].map((col) => [`c${row}${col}`, { left: (col - 1) / 3, top: (row - 1) / 3, width: 1 / 3, height: 1 / 3, label: `Cell row ${row}, column ${col}` }]),
    ),
  ),
};

/** The variant of a Vary (Region) drawn in the playground; its cells come with the click. */
export const DRAWN = 'drawn';

/** A drawn region: its bounding box and its cells (refused when they are not a usable drawing). */
function drawnRegion(raw: unknown): NonNullable<JobParams['region']> {
  const cells = parseDrawnCells(raw);
  return { ...drawnBounds(cells), name: DRAWN, label: 'Drawn area', cells };
}

/** The smallest and largest Custom Zoom factor. */
export const ZOOM_RANGE = { min: 1, max: 2 } as const;

const round8 = (v: number) => Math.max(8, Math.round(v / 8) * 8);

/**
 * The canvas of a Zoom Out, Make Square or Pan over a w×h picture, and where the picture sits in it:
 * zoomed out it shrinks into the middle; made square it fits a square of the same area; panned,
 * the canvas grows by half in that direction and the picture keeps its size.
 */
export function outpaintPlan(ref: Pick<ButtonRef, 'action' | 'variant'> & { factor?: number }, w: number, h: number): { width: number; height: number; outpaint: Outpaint } {
  if (ref.action === 'pan') {
    const dir = ({ l: 'left', r: 'right', u: 'up', d: 'down' } as const)[ref.variant as 'l' | 'r' | 'u' | 'd'] ?? 'right';
    const sideways = dir === 'left' || dir === 'right';
    const strip = round8((sideways ? w : h) / 2);
    const width = sideways ? w + strip : w;
    const height = sideways ? h : h + strip;
    return { width, height, outpaint: { mode: 'pan', pan: dir, inner: { left: dir === 'left' ? strip : 0, top: dir === 'up' ? strip : 0, width: w, height: h } } };
  }
  if (ref.variant === 'sq') {
    const side = round8(Math.sqrt(w * h));
    const iw = w >= h ? side : Math.round((w * side) / h);
    const ih = w >= h ? Math.round((h * side) / w) : side;
    return { width: side, height: side, outpaint: { mode: 'square', inner: { left: Math.floor((side - iw) / 2), top: Math.floor((side - ih) / 2), width: iw, height: ih } } };
  }
  const zoom = ref.factor ?? (ref.variant === '15' ? 1.5 : 2);
  const iw = Math.max(8, Math.round(w / zoom));
  const ih = Math.max(8, Math.round(h / zoom));
  return { width: w, height: h, outpaint: { mode: 'zoom', zoom, inner: { left: Math.floor((w - iw) / 2), top: Math.floor((h - ih) / 2), width: iw, height: ih } } };
}

/** The kind and parameters of the job a click on `ref` under `job` starts. */
export function planFromButton(ref: ButtonRef & { factor?: number; cells?: unknown }, job: JobRecord): { kind: JobKind; params: JobParams } {
  const base = baseParams(job);
  const source = { jobId: job.id, index: ref.index };
  switch (ref.action) {
    case 'up': {
      const factor = ref.variant === '4' ? 4 : 2;
      // The source image is the job's output (an upscale's is larger than its generation size).
      const from = job.output ?? job.params.outputSize ?? job.params;
      const outputSize = { width: from.width * factor, height: from.height * factor };
      return { kind: 'upscale', params: { ...base, count: 1, seed: job.output?.seeds[ref.index] ?? base.seed, source, factor, outputSize } };
    }
    case 'vr': {
      const region = ref.variant === DRAWN ? drawnRegion(ref.cells) : REGIONS[ref.variant ?? ''] && { ...REGIONS[ref.variant!]!, name: ref.variant! };
      if (!region) throw new Error(`unknown region ${String(ref.variant)}`);
      return { kind: 'variation', params: { ...base, count: GRID_SIZE, seed: randomSeed(), source, strength: REGION_STRENGTH, region } };
    }
    case 'var': {
      const strength = ref.variant === 'subtle' ? VARY_STRENGTH.subtle : VARY_STRENGTH.strong;
      return { kind: 'variation', params: { ...base, count: GRID_SIZE, seed: randomSeed(), source, strength } };
    }
    case 'cx':
    case 'nf':
    case 'del':
    case 'set':
      throw new Error(`the ${ref.action} button makes no job`);
    case 'zo':
    case 'pan': {
      const { width, height, outpaint } = outpaintPlan(ref, base.width, base.height);
      const { outpaint: _old, ...rest } = base;
      return { kind: 'zoom', params: { ...rest, width, height, outpaint, count: GRID_SIZE, seed: randomSeed(), source, strength: ZOOM_STRENGTH } };
    }
    case 'rr':
      // A grid of variations re-rolls as variations of the same image; anything else as a new grid.
      if (job.kind === 'variation' || job.kind === 'zoom') {
        return { kind: job.kind, params: { ...job.params, count: GRID_SIZE, seed: randomSeed() } };
      }
      return { kind: 'imagine', params: { ...base, count: GRID_SIZE, seed: randomSeed() } };
  }
}
