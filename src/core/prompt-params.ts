/**
 * Midjourney-style parameters typed inside a prompt: `red heart --ar 16:9 --seed 7 --no blur`.
 * Every platform goes through here, so a bad parameter gets the same message everywhere.
 */
import { SCHEDULER_NAMES } from '../pipeline/schedulers/index.js';
import type { SchedulerName } from '../pipeline/schedulers/types.js';
import { UserError } from './invocation.js';

export interface PromptParams {
  prompt: string;
  negative?: string;
  seed?: number;
  steps?: number;
  guidance?: number;
  /** 'W:H' as typed, validated. */
  aspectRatio?: string;
  model?: string;
  sampler?: SchedulerName;
}

export const MAX_SEED = 4_294_967_295;
export const MAX_PROMPT_LENGTH = 1000;

type Key = Exclude<keyof PromptParams, 'prompt'>;

/** Parameter spellings users type, to the field they set. */
const ALIASES: Record<string, Key> = {
  ar: 'aspectRatio',
  aspect: 'aspectRatio',
  seed: 'seed',
  no: 'negative',
  steps: 'steps',
  cfg: 'guidance',
  guidance: 'guidance',
  sampler: 'sampler',
  model: 'model',
};

const EXAMPLES: Record<Key, string> = {
  aspectRatio: '--ar 16:9',
  seed: '--seed 42',
  negative: '--no cars, trees',
  steps: '--steps 20',
  guidance: '--cfg 7',
  sampler: '--sampler euler-a',
  model: '--model emoji-diffusion',
};

// Phones turn "--" into an em or en dash; accept those too.
const PARAM = /(?:^|\s)(?:--|—|–)([A-Za-z][A-Za-z0-9_-]*)(?=\s|$)/g;

export function parsePromptParams(text: string): PromptParams {
  const matches = [...text.matchAll(PARAM)];
  const prompt = (matches.length ? text.slice(0, matches[0]!.index) : text).replace(/\s+/g, ' ').trim();
  const out: PromptParams = { prompt };
  const seen = new Set<Key>();
  matches.forEach((m, i) => {
    const name = m[1]!.toLowerCase();
    const key = ALIASES[name];
    if (!key) {
      throw new UserError(`Unknown parameter \`--${m[1]}\`. Known parameters: ${Object.keys(ALIASES).map((k) => `--${k}`).join(', ')}.`);
    }
    if (seen.has(key)) throw new UserError(`\`--${name}\` is given twice.`);
    seen.add(key);
    const end = i + 1 < matches.length ? matches[i + 1]!.index : text.length;
    const value = text.slice(m.index! + m[0].length, end).trim();
    if (value === '') throw new UserError(`\`--${name}\` needs a value, e.g. \`${EXAMPLES[key]}\`.`);
    setParam(out, key, name, value);
  });
  return out;
}

function setParam(out: PromptParams, key: Key, name: string, value: string): void {
  const bad = (why: string) => new UserError(`Invalid \`--${name} ${value}\`: ${why}. Example: \`${EXAMPLES[key]}\`.`);
  switch (key) {
    case 'aspectRatio':
      out.aspectRatio = validateAspectRatio(value, bad);
      return;
    case 'seed': {
      if (!/^\d+$/.test(value) || Number(value) > MAX_SEED) throw bad(`the seed is a whole number from 0 to ${MAX_SEED}`);
      out.seed = Number(value);
      return;
    }
    case 'steps': {
      if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 150) throw bad('steps is a whole number from 1 to 150');
      out.steps = Number(value);
      return;
    }
    case 'guidance': {
      const n = Number(value);
      if (!/^\d+(\.\d+)?$/.test(value) || n > 30) throw bad('guidance (cfg) is a number from 0 to 30');
      out.guidance = n;
      return;
    }
    case 'sampler': {
      const s = value.toLowerCase();
      if (!(SCHEDULER_NAMES as readonly string[]).includes(s)) throw bad(`the samplers are ${SCHEDULER_NAMES.join(', ')}`);
      out.sampler = s as SchedulerName;
      return;
    }
    case 'negative':
      out.negative = value.replace(/\s+/g, ' ');
      return;
    case 'model':
      if (/\s/.test(value)) throw bad('a model name has no spaces');
      out.model = value;
      return;
  }
}

/** 'W:H' with whole numbers from 1 to 21 and a ratio from 1:4 to 4:1; returns it reduced (e.g. 32:18 → 16:9). */
export function validateAspectRatio(value: string, bad: (why: string) => Error = (why) => new UserError(`Invalid aspect ratio ${value}: ${why}.`)): string {
  const m = /^(\d{1,3})\s*:\s*(\d{1,3})$/.exec(value.trim());
  if (!m) throw bad('an aspect ratio is width:height, e.g. 16:9, 2:3 or 1:1');
  const w = Number(m[1]);
  const h = Number(m[2]);
  if (w < 1 || h < 1) throw bad('both sides must be at least 1');
  const r = w / h;
  if (r > 4 || r < 1 / 4) throw bad('the ratio must be between 1:4 and 4:1');
  const g = gcd(w, h);
  return `${w / g}:${h / g}`;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * Width and height for an aspect ratio at about the model's native pixel count, in multiples of
 * `multiple` (64 for real Stable Diffusion models, 8 at least), within the model's side limits.
 */
export function sizeForAspectRatio(ratio: string, native: { width: number; height: number }, limits: { minSize: number; maxSize: number; maxPixels: number }): { width: number; height: number } {
  const [w, h] = ratio.split(':').map(Number) as [number, number];
  const area = Math.min(native.width * native.height, limits.maxPixels);
  const multiple = Math.min(native.width, native.height) >= 512 ? 64 : 8;
  const round = (v: number) => Math.min(limits.maxSize, Math.max(limits.minSize, Math.max(multiple, Math.round(v / multiple) * multiple)));
  let width = round(Math.sqrt((area * w) / h));
  let height = round(Math.sqrt((area * h) / w));
  while (width * height > limits.maxPixels && width > multiple && height > multiple) {
    if (width >= height) width -= multiple;
    else height -= multiple;
  }
  return { width, height };
}
