/**
 * The request parameters of /imagine, each defined once: its Midjourney-style spellings inside a
 * prompt (`red heart --ar 16:9 --seed 7 --no blur`), its typed option (Discord shows it as a
 * field), how its text is read and checked. Every platform reads requests through here, so a bad
 * parameter gets the same message everywhere. What a model can make of the values is checked
 * later, against its capabilities (pipeline/capabilities.ts).
 */
import { randomInt } from 'node:crypto';
import type { CommandOptionSpec } from './command.js';
import { errorMarkup, UserError } from './errors.js';
import type { Invocation } from './invocation.js';
import { md } from './markup.js';
import { cleanPromptText } from './prompt-text.js';
import { SAMPLER_CHOICES, SCHEDULER_NAMES, samplerChoiceFromText, type SamplerChoice } from './samplers.js';

/** What a user asked for, read and checked for form; undefined fields take the model's defaults. */
export interface RequestOptions {
  prompt: string;
  negative?: string;
  seed?: number;
  steps?: number;
  guidance?: number;
  /** 'W:H', reduced. */
  aspectRatio?: string;
  model?: string;
  /** A sampler, with Karras sigmas or not. */
  sampler?: SamplerChoice;
  /** The sigma schedule as ComfyUI names it (`--schedule karras`); beats what the sampler choice says. */
  schedule?: 'karras' | 'normal';
  /** Midjourney's image weight (0–3): how much a picture given with the prompt counts. */
  imageWeight?: number;
  /** img2img strength (0–1) as SD users know it: how far from the picture to move. */
  strength?: number;
  /** Pictures to start from: links at the start of the prompt, or the attachment option's. */
  images?: string[];
  /** Jobs to make of this prompt (Midjourney's --repeat), each with its own seeds. */
  repeat?: number;
}

/** Jobs one /imagine may start (permutations × --repeat). */
export const MAX_JOBS_PER_REQUEST = 4;

/**
 * Midjourney's permutation prompts: `a {red, blue} car --ar {1:1, 16:9}` is one prompt per
 * combination, and braces nest (`{big {red, blue}, small}` is three options); `\\{` and `\\}` are
 * plain braces. A prompt without braces is itself. Refuses (UserError) more than `max` prompts.
 */
export function expandPermutations(text: string, max = MAX_JOBS_PER_REQUEST): string[] {
  // Escaped braces stay out of the way until the end.
  const OPEN = '\u0001';
  const CLOSE = '\u0002';
  const tooMany = (n: number) => new UserError(md`That prompt makes ${String(n)} or more prompts; at most ${String(max)} run at once (counting \`--repeat\`).`, 'permutations');
  const expand = (t: string): string[] => {
    const open = t.indexOf('{');
    if (open < 0) return [t];
    let depth = 0;
    let close = -1;
    const commas: number[] = [];
    for (let i = open; i < t.length && close < 0; i++) {
      if (t[i] === '{') depth++;
      else if (t[i] === '}' && --depth === 0) close = i;
      else if (t[i] === ',' && depth === 1) commas.push(i);
    }
    // An unclosed brace is plain text.
    if (close < 0) return [t];
    const bounds = [open, ...commas, close];
    const options = bounds.slice(0, -1).flatMap((b, k) => expand(t.slice(b + 1, bounds[k + 1]).trim()));
    const rests = expand(t.slice(close + 1));
    if (options.length * rests.length > max) throw tooMany(options.length * rests.length);
    const head = t.slice(0, open);
    return options.flatMap((o) => rests.map((r) => head + o + r));
  };
  const escaped = text.replace(/\\\{/g, OPEN).replace(/\\\}/g, CLOSE);
  return expand(escaped).map((t) => t.replaceAll(OPEN, '{').replaceAll(CLOSE, '}').replace(/\s+/g, ' ').trim());
}

/** The strength a picture is used at: --strength as given, else 1 − iw/4 (iw 1, the default, is SD's usual 0.75). */
export function imageStrength(o: Pick<RequestOptions, 'imageWeight' | 'strength'>): number {
  if (o.strength !== undefined) return o.strength;
  return Math.min(1, Math.max(0.05, 1 - (o.imageWeight ?? 1) / 4));
}

/** Links at the start of a prompt, Midjourney's way of giving image prompts: `https://…/cat.png a cat in space`. */
export function leadingLinks(text: string): { links: string[]; rest: string } {
  const links: string[] = [];
  let rest = text.trimStart();
  // Slack writes a link as <https://…> or <https://…|label>.
  const LINK = /^<?(https?:\/\/[^\s>|]+)(?:\|[^>]*)?>?(\s+|$)/i;
  for (let m = LINK.exec(rest); m && links.length < 4; m = LINK.exec(rest)) {
    links.push(m[1]!);
    rest = rest.slice(m[0].length);
  }
  return { links, rest };
}

export const MAX_SEED = 4_294_967_295;
export const MAX_PROMPT_LENGTH = 1000;
export const MAX_STEPS = 150;
export const MAX_GUIDANCE = 30;
export const ASPECT_RATIOS = ['1:1', '16:9', '9:16', '3:2', '2:3', '4:3', '3:4'];

export function randomSeed(): number {
  return randomInt(0, MAX_SEED);
}

type ParamKey = Exclude<keyof RequestOptions, 'prompt' | 'images'>;

interface ParameterSpec<K extends ParamKey> {
  key: K;
  /** Spellings inside a prompt, without the dashes; the first is the one shown. */
  flags: readonly string[];
  example: string;
  /** The typed option platforms with forms show (its name is the option's name). */
  option: CommandOptionSpec;
  /** Reads the text after the flag (or an option's value as text); throws an Error saying why it is wrong. */
  read(value: string): NonNullable<RequestOptions[K]>;
}

const whole = (value: string, min: number, max: number, why: string): number => {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new Error(why);
  return Number(value);
};

/** The parameters in the order Discord lists them. */
export const PARAMETERS: readonly ParameterSpec<ParamKey>[] = [
  {
    key: 'negative',
    flags: ['no'],
    example: '--no cars, trees',
    option: { name: 'negative', type: 'string', maxLength: 500, description: 'What to leave out (same as --no)' },
    read: (v) => v.replace(/\s+/g, ' '),
  },
  {
    key: 'seed',
    flags: ['seed'],
    example: '--seed 42',
    option: { name: 'seed', type: 'integer', minValue: 0, maxValue: MAX_SEED, description: 'Seed of the first image; the others use the next ones' },
    read: (v) => whole(v, 0, MAX_SEED, `the seed is a whole number from 0 to ${MAX_SEED}`),
  },
  {
    key: 'steps',
    flags: ['steps'],
    example: '--steps 20',
    option: { name: 'steps', type: 'integer', minValue: 1, maxValue: MAX_STEPS, description: 'Denoising steps' },
    read: (v) => whole(v, 1, MAX_STEPS, `steps is a whole number from 1 to ${MAX_STEPS}`),
  },
  {
    key: 'guidance',
    flags: ['cfg', 'guidance'],
    example: '--cfg 7',
    option: { name: 'guidance', type: 'number', minValue: 0, maxValue: MAX_GUIDANCE, description: 'How closely to follow the prompt (cfg)' },
    read: (v) => {
      if (!/^\d+(\.\d+)?$/.test(v) || Number(v) > MAX_GUIDANCE) throw new UserError(md`guidance (cfg) is a number from 0 to ${MAX_GUIDANCE}`);
      return Number(v);
    },
  },
  {
    key: 'aspectRatio',
    flags: ['ar', 'aspect'],
    example: '--ar 16:9',
    option: { name: 'ar', type: 'string', description: 'Aspect ratio', choices: ASPECT_RATIOS.map((r) => ({ name: r, value: r })) },
    read: (v) => reduceAspectRatio(v),
  },
  {
    key: 'model',
    flags: ['model'],
    example: '--model emoji-diffusion',
    option: { name: 'model', type: 'string', description: 'Model name (see /models)' },
    read: (v) => {
      if (/\s/.test(v)) throw new UserError('a model name has no spaces');
      return v;
    },
  },
  {
    key: 'imageWeight',
    flags: ['iw'],
    example: '--iw 1.5',
    option: { name: 'iw', type: 'number', minValue: 0, maxValue: 3, description: 'How much the picture counts, 0–3 (Midjourney’s image weight)' },
    read: (v) => {
      if (!/^\d+(\.\d+)?$/.test(v) || Number(v) > 3) throw new UserError('the image weight is a number from 0 to 3');
      return Number(v);
    },
  },
  {
    key: 'strength',
    flags: ['strength'],
    example: '--strength 0.6',
    option: { name: 'strength', type: 'number', minValue: 0, maxValue: 1, description: 'How far from the picture to move, 0–1 (img2img strength)' },
    read: (v) => {
      if (!/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/.test(v)) throw new UserError('the strength is a number from 0 to 1');
      return Number(v);
    },
  },
  {
    key: 'sampler',
    flags: ['sampler'],
    example: '--sampler euler-a',
    option: { name: 'sampler', type: 'string', description: 'Sampler (add karras for Karras sigmas: dpmpp-2m-karras)', choices: SAMPLER_CHOICES.map((s) => ({ name: s, value: s })) },
    read: (v) => {
      const s = samplerChoiceFromText(v);
      if (!s) throw new UserError(md`the samplers are ${SCHEDULER_NAMES.join(', ')} (euler and dpmpp-2m also with Karras sigmas, e.g. \`DPM++ 2M Karras\`)`);
      return s;
    },
  },
  {
    key: 'repeat',
    flags: ['repeat', 'r'],
    example: '--repeat 2',
    option: { name: 'repeat', type: 'integer', minValue: 1, maxValue: MAX_JOBS_PER_REQUEST, description: `How many jobs to make of this prompt, 1–${MAX_JOBS_PER_REQUEST}` },
    read: (v) => {
      if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > MAX_JOBS_PER_REQUEST) throw new UserError(md`repeat is a whole number from 1 to ${MAX_JOBS_PER_REQUEST}`);
      return Number(v);
    },
  },
  {
    key: 'schedule',
    flags: ['schedule', 'scheduler'],
    example: '--schedule karras',
    option: { name: 'schedule', type: 'string', description: 'Noise schedule: karras or normal (ComfyUI’s scheduler)', choices: [{ name: 'karras', value: 'karras' }, { name: 'normal', value: 'normal' }] },
    read: (v) => {
      const s = v.trim().toLowerCase();
      if (s !== 'karras' && s !== 'normal') throw new UserError('the schedules are karras and normal');
      return s;
    },
  },
];

const BY_FLAG = new Map(PARAMETERS.flatMap((p) => p.flags.map((f) => [f, p] as const)));

/** The prompt option, then every parameter's option: /imagine's typed options. */
export const REQUEST_OPTIONS: readonly CommandOptionSpec[] = [
  {
    name: 'prompt',
    type: 'string',
    required: true,
    rest: true,
    whenMissing: md`Describe the image you want, e.g. \`/imagine red heart --seed 7\`.`,
    maxLength: MAX_PROMPT_LENGTH,
    description: `What to draw; ${PARAMETERS.filter((p) => p.key !== 'model').map((p) => p.example.replace(/, .*/, '')).join(' ')} work here too`,
  },
  ...PARAMETERS.map((p) => p.option),
  { name: 'image', type: 'attachment', description: 'A picture to start from (PNG, JPEG, WebP or GIF); a link at the start of the prompt works too' },
];

// Phones turn "--" into an em or en dash; accept those too.
const FLAG = /(?:^|\s)(?:--|—|–)([A-Za-z][A-Za-z0-9_-]*)(?=\s|$)/g;

/** `a red heart --ar 16:9 --seed 7` → the prompt and the parameters typed in it. */
export function parsePromptParams(text: string): RequestOptions {
  const matches = [...text.matchAll(FLAG)];
  const prompt = (matches.length ? text.slice(0, matches[0]!.index) : text).replace(/\s+/g, ' ').trim();
  const out: RequestOptions = { prompt };
  const seen = new Set<ParamKey>();
  matches.forEach((m, i) => {
    const flag = m[1]!.toLowerCase();
    const spec = BY_FLAG.get(flag);
    if (!spec) throw new UserError(md`Unknown parameter \`--${m[1]!}\`. Known parameters: ${[...BY_FLAG.keys()].map((f) => `--${f}`).join(', ')}.`, 'parameter');
    if (seen.has(spec.key)) throw new UserError(md`\`--${flag}\` is given twice.`, 'parameter');
    seen.add(spec.key);
    const end = i + 1 < matches.length ? matches[i + 1]!.index : text.length;
    const value = text.slice(m.index! + m[0].length, end).trim();
    if (value === '') throw new UserError(md`\`--${flag}\` needs a value, e.g. \`${spec.example}\`.`, 'parameter');
    try {
      (out as unknown as Record<string, unknown>)[spec.key] = spec.read(value);
    } catch (err) {
      throw new UserError(md`Invalid \`--${flag} ${value}\`: ${errorMarkup(err)}. Example: \`${spec.example}\`.`, 'parameter');
    }
  });
  return out;
}

/**
 * The typed options (Discord) and the inline `--params` (every platform) as one request; the same
 * parameter given both ways with different values is refused.
 */
export function readRequestOptions(options: Invocation['options']): RequestOptions {
  // Control characters, ANSI escapes and bidi overrides never reach a job, a log or a chat line.
  const raw = typeof options.prompt === 'string' ? cleanPromptText(options.prompt) : undefined;
  if (typeof raw !== 'string' || raw.trim() === '') throw new UserError(REQUEST_OPTIONS[0]!.whenMissing!, 'prompt');
  if (raw.length > MAX_PROMPT_LENGTH) throw new UserError(md`The prompt is ${raw.length} characters; the limit is ${MAX_PROMPT_LENGTH}.`, 'prompt');
  const { links, rest } = leadingLinks(raw);
  const out = parsePromptParams(rest);
  if (out.prompt === '') throw new UserError(md`The prompt has parameters but no description; e.g. \`/imagine red heart --ar 16:9\`.`, 'prompt');
  const attached = typeof options.image === 'string' && options.image.trim() !== '' ? [options.image.trim()] : [];
  if (links.length || attached.length) out.images = [...attached, ...links];
  for (const spec of PARAMETERS) {
    const given = options[spec.option.name];
    if (given === undefined || (typeof given === 'string' && given.trim() === '')) continue;
    let value: unknown;
    try {
      value = spec.read(cleanPromptText(String(given)).trim());
    } catch (err) {
      throw new UserError(md`Invalid ${spec.option.name} \`${String(given)}\`: ${errorMarkup(err)}.`, 'parameter');
    }
    const inline = out[spec.key];
    if (inline !== undefined && inline !== value) {
      throw new UserError(md`The ${spec.option.name} is given twice (the ${spec.option.name} option and \`--${spec.flags[0]!}\`); use one.`, 'parameter');
    }
    (out as unknown as Record<string, unknown>)[spec.key] = value;
  }
  if ((out.imageWeight !== undefined || out.strength !== undefined) && !out.images) {
    throw new UserError(md`\`--iw\` and \`--strength\` are for a picture to start from: attach one, or put its link at the start of the prompt.`, 'parameter');
  }
  return out;
}

/** 'W:H' with whole numbers and a ratio from 1:4 to 4:1, reduced (32:18 → 16:9); throws why not. */
export function reduceAspectRatio(value: string): string {
  const m = /^(\d{1,3})\s*:\s*(\d{1,3})$/.exec(value.trim());
  if (!m) throw new UserError('an aspect ratio is width:height, e.g. 16:9, 2:3 or 1:1');
  const w = Number(m[1]);
  const h = Number(m[2]);
  if (w < 1 || h < 1) throw new UserError('both sides must be at least 1');
  const r = w / h;
  if (r > 4 || r < 1 / 4) throw new UserError('the ratio must be between 1:4 and 4:1');
  const g = gcd(w, h);
  return `${w / g}:${h / g}`;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
