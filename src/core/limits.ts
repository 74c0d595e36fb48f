/**
 * Per-server limits: what each one means, its type and range, how a value typed by an admin is
 * parsed. Defaults for every server come from config/limits.json; a server's admins override them.
 */
import { UserError } from './errors.js';
import { md } from './markup.js';
import { parsePatterns, validatePatterns } from './prompt-checks.js';
import { textForMatching } from './prompt-text.js';
import { LANGUAGES } from './i18n.js';
import { NSFW_POLICIES, type NsfwPolicy } from './safety.js';

export interface ServerLimits {
  /** Images a server may make per UTC day; 0 = no limit. */
  daily_server_images: number;
  /** Images one user may make per UTC day in a server; 0 = no limit. */
  daily_user_images: number;
  /** Requests (submits) one user may make per minute; 0 = no limit. */
  user_requests_per_minute: number;
  /** Jobs one user may have waiting in the queue. */
  user_max_queued: number;
  /** Jobs of one server that may run at the same time. */
  server_max_running: number;
  max_steps: number;
  /** Largest width×height in pixels. */
  max_pixels: number;
  /** Model names a user may pick; empty = all. */
  allowed_models: string[];
  upscale_allowed: boolean;
  /** Largest width×height an upscale may make (the deployer's MAX_UPSCALE_PIXELS caps it too). */
  max_upscale_pixels: number;
  /** Whole words, case-insensitive, that refuse a prompt. */
  blocked_words: string[];
  /** Regular expressions (`/…/flags`) that refuse a prompt they match. */
  blocked_patterns: string[];
  /** Added to every request's negative prompt. */
  negative_prompt: string;
  /** What happens to a result the image safety check flags: not posted, posted as a spoiler, or posted (age-restricted channels only). */
  nsfw_policy: NsfwPolicy;
  /** The unsafe score (Hentai + Porn + Sexy, 0–1) from which a result counts as flagged. */
  nsfw_threshold: number;
  /** The channel (platform id) that gets the moderation log; '' for none. */
  mod_log_channel: string;
  /** Whether a running job's status shows the pictures as they form. */
  previews: boolean;
  /** Whether /imagine takes a picture to start from (attachments, links). */
  image_prompts: boolean;
  /** Whether results can be edited: Zoom Out, Custom Zoom, Make Square and Pan. */
  edits: boolean;
  /** Worker (GPU) seconds a server's jobs may take per UTC day, like Midjourney's fast hours; 0 = no budget. */
  daily_server_gpu_seconds: number;
  /** The language of public messages: 'auto' (the platform's server language, else English) or a language code. */
  language: string;
}

export type LimitName = keyof ServerLimits;

/** What the deployer allows whatever a server's limits say. */
export interface Ceilings {
  /** MAX_UPSCALE_PIXELS: the largest image an upscale may make. */
  maxUpscalePixels: number;
}

/** 4096×4096, MAX_UPSCALE_PIXELS's default. */
export const DEFAULT_CEILINGS: Ceilings = { maxUpscalePixels: 4096 * 4096 };


interface LimitSpec {
  /** 'number' takes decimals; 'choice' one of `choices`. */
  kind: 'int' | 'number' | 'bool' | 'list' | 'text' | 'choice' | 'patterns' | 'channel';
  min?: number;
  max?: number;
  choices?: readonly string[];
  help: string;
}

export const LIMIT_SPECS: Record<LimitName, LimitSpec> = {
  daily_server_images: { kind: 'int', min: 0, max: 1_000_000, help: 'images this server may make per UTC day (0 = no limit)' },
  daily_user_images: { kind: 'int', min: 0, max: 1_000_000, help: 'images one user may make per UTC day (0 = no limit)' },
  user_requests_per_minute: { kind: 'int', min: 0, max: 1000, help: 'requests one user may make per minute (0 = no limit)' },
  user_max_queued: { kind: 'int', min: 1, max: 1000, help: 'jobs one user may have waiting' },
  server_max_running: { kind: 'int', min: 1, max: 100, help: 'jobs of this server running at once' },
  max_steps: { kind: 'int', min: 1, max: 150, help: 'largest number of denoising steps' },
  max_pixels: { kind: 'int', min: 4096, max: 4_194_304, help: 'largest width×height in pixels' },
  allowed_models: { kind: 'list', help: 'models users may pick, comma-separated (empty = all)' },
  upscale_allowed: { kind: 'bool', help: 'whether upscale buttons work' },
  max_upscale_pixels: { kind: 'int', min: 4096, max: 268_435_456, help: 'largest width×height in pixels an upscale may make' },
  blocked_words: { kind: 'list', help: 'words that refuse a prompt, comma-separated' },
  blocked_patterns: { kind: 'patterns', help: 'regular expressions that refuse a prompt, written /pattern/flags and separated by spaces (at most 50, 200 characters each)' },
  negative_prompt: { kind: 'text', help: 'negative prompt added to every request' },
  nsfw_policy: { kind: 'choice', choices: NSFW_POLICIES, help: 'a result the safety check flags: block (not posted), spoiler, or allow (age-restricted channels; a spoiler elsewhere)' },
  nsfw_threshold: { kind: 'number', min: 0, max: 1, help: 'unsafe score (0–1) from which the safety check flags a result' },
  mod_log_channel: { kind: 'channel', help: 'channel that gets every refused prompt and every blocked or spoilered image (- for none)' },
  previews: { kind: 'bool', help: 'whether a running job shows its pictures as they form (on or off)' },
  image_prompts: { kind: 'bool', help: 'whether /imagine takes a picture to start from, attached or linked (on or off)' },
  edits: { kind: 'bool', help: 'whether results can be edited: Zoom Out, Custom Zoom, Make Square and Pan (on or off)' },
  daily_server_gpu_seconds: { kind: 'int', min: 0, max: 86_400_000, help: 'seconds of worker (GPU) time the jobs of this server may take per UTC day, shown in /info (0 = no budget)' },
  language: { kind: 'choice', choices: ['auto', ...LANGUAGES], help: "language of the bot's public messages: auto (the Discord server's language, else English), en, de, fr, es or ja" },
};

export const LIMIT_NAMES = Object.keys(LIMIT_SPECS) as LimitName[];

export function isLimitName(name: string): name is LimitName {
  return Object.hasOwn(LIMIT_SPECS, name);
}

/** Parses an admin's text into a limit value; throws an Error whose message is meant for the user. */
export function parseLimitValue(name: LimitName, text: string): ServerLimits[LimitName] {
  const spec = LIMIT_SPECS[name];
  const raw = text.trim();
  switch (spec.kind) {
    case 'int': {
      if (!/^\d+$/.test(raw)) throw new UserError(md`${name} must be a whole number from ${spec.min!} to ${spec.max!} (got '${raw}').`);
      const n = Number(raw);
      if (n < spec.min! || n > spec.max!) throw new UserError(md`${name} must be from ${spec.min!} to ${spec.max!} (got ${n}).`);
      return n;
    }
    case 'number': {
      const n = Number(raw);
      if (raw === '' || !Number.isFinite(n) || n < spec.min! || n > spec.max!) throw new UserError(md`${name} must be a number from ${spec.min!} to ${spec.max!} (got '${raw}').`);
      return n;
    }
    case 'choice': {
      const v = raw.toLowerCase();
      if (!spec.choices!.includes(v)) throw new UserError(md`${name} must be one of ${spec.choices!.join(', ')} (got '${raw}').`);
      return v;
    }
    case 'bool': {
      const v = raw.toLowerCase();
      if (['true', 'yes', 'on', '1'].includes(v)) return true;
      if (['false', 'no', 'off', '0'].includes(v)) return false;
      throw new UserError(md`${name} must be true or false (got '${raw}').`);
    }
    case 'list':
      return raw === '' || raw === '-' ? [] : [...new Set(raw.split(',').map((w) => w.trim()).filter(Boolean))];
    case 'patterns':
      return raw === '' || raw === '-' ? [] : parsePatterns(raw);
    case 'channel': {
      if (raw === '' || raw === '-') return '';
      // Discord and Slack send a picked channel as <#ID> or <#ID|name>; the playground takes its channel's name.
      const m = /^<#([A-Za-z0-9]+)(?:\|[^>]*)?>$/.exec(raw) ?? /^#?([\w-]{1,80})$/.exec(raw);
      if (!m) throw new UserError(md`${name} must be a channel: pick it with # (got '${raw}').`);
      return m[1]!;
    }
    case 'text':
      if (raw.length > 500) throw new UserError(md`${name} is at most 500 characters.`);
      return raw;
  }
}

export function formatLimitValue(value: ServerLimits[LimitName]): string {
  if (Array.isArray(value)) return value.length ? value.join(', ') : '(none)';
  if (value === '') return '(none)';
  return String(value);
}

function isValidValue(spec: LimitSpec, v: unknown): boolean {
  switch (spec.kind) {
    case 'int':
      return Number.isInteger(v) && (v as number) >= spec.min! && (v as number) <= spec.max!;
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) && v >= spec.min! && v <= spec.max!;
    case 'choice':
      return typeof v === 'string' && spec.choices!.includes(v);
    case 'bool':
      return typeof v === 'boolean';
    case 'list':
      return Array.isArray(v) && v.every((x) => typeof x === 'string');
    case 'patterns':
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) return false;
      try {
        validatePatterns(v as string[]);
        return true;
      } catch {
        return false;
      }
    case 'text':
    case 'channel':
      return typeof v === 'string';
  }
}

/** Checks a whole limits object (e.g. config/limits.json); throws naming the first bad field. */
export function validateLimits(input: Record<string, unknown>, where: string): ServerLimits {
  const out: Record<string, unknown> = {};
  for (const name of LIMIT_NAMES) {
    const spec = LIMIT_SPECS[name];
    const v = input[name];
    if (v === undefined) throw new UserError(md`${where}: missing ${name} (${spec.help})`);
    const ok = isValidValue(spec, v);
    if (!ok) throw new UserError(md`${where}: ${name} has a bad value ${JSON.stringify(v)} (${spec.help})`);
    out[name] = v;
  }
  for (const key of Object.keys(input)) {
    if (!isLimitName(key) && !key.startsWith('$') && !key.startsWith('_')) throw new UserError(md`${where}: unknown limit '${key}'; known: ${LIMIT_NAMES.join(', ')}`);
  }
  return out as unknown as ServerLimits;
}

/**
 * Finds a blocked word in a prompt (whole words, case-insensitive); returns it or undefined. Both
 * are compared as the model reads them (textForMatching): zero-width characters, soft hyphens,
 * fullwidth or look-alike letters and accents do not hide a word.
 */
export function findBlockedWord(prompt: string, blocked: readonly string[]): string | undefined {
  if (blocked.length === 0) return undefined;
  const text = textForMatching(prompt);
  const words = new Set(text.split(/[^\p{L}\p{N}_'-]+/u).filter(Boolean));
  const phrase = ` ${text.replace(/[^\p{L}\p{N}_'-]+/gu, ' ')} `;
  for (const b of blocked) {
    const w = textForMatching(b).trim();
    if (!w) continue;
    // Multi-word entries match as a phrase of whole words.
    if (w.includes(' ') ? phrase.includes(` ${w.replace(/\s+/g, ' ')} `) : words.has(w)) return b;
  }
  return undefined;
}

/** A copy of a limits object that shares none of its lists. */
export function copyLimits(limits: ServerLimits): ServerLimits {
  return { ...limits, allowed_models: [...limits.allowed_models], blocked_words: [...limits.blocked_words], blocked_patterns: [...limits.blocked_patterns] };
}

/** Throws, naming the limit, when `name` is no limit or `value` has the wrong type or is out of range. */
export function assertValidLimit(defaults: ServerLimits, name: string, value: unknown): void {
  if (!isLimitName(name)) throw new UserError(md`unknown limit '${String(name)}'; known: ${LIMIT_NAMES.join(', ')}`);
  validateLimits({ ...defaults, [name]: value }, `limit ${name}`);
}

/** What a settings store logs for each stored override parseStoredOverrides drops. */
export const DROPPED_STORED_LIMIT = 'ignoring a stored limit that is no longer valid';

/**
 * A server's stored overrides (limit name → JSON text) as limits. Unknown names are skipped; a value
 * that does not parse, or that an upgrade has made invalid (a narrower range, say), is dropped and
 * passed to `warn`, so the default wins.
 */
export function parseStoredOverrides(
  entries: Iterable<readonly [string, string]>,
  defaults: ServerLimits,
  warn?: (dropped: { name: LimitName; err: string }, message: string) => void,
): Partial<ServerLimits> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of entries) {
    if (!isLimitName(name)) continue;
    try {
      const parsed = JSON.parse(value) as unknown;
      validateLimits({ ...defaults, [name]: parsed }, 'stored limit');
      out[name] = parsed;
    } catch (err) {
      warn?.({ name, err: (err as Error).message }, DROPPED_STORED_LIMIT);
    }
  }
  return out as Partial<ServerLimits>;
}
