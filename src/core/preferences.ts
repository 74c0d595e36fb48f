/**
 * A user's own settings in a server (/settings, as Midjourney's): default model, aspect ratio,
 * steps, sampler and guidance, a suffix added to every prompt (Midjourney's `/prefer suffix`),
 * Remix, and private mode. Defaults are read like the parameters they stand for; a parameter typed
 * in the prompt always beats them.
 */
import { errorMarkup, UserError } from './errors.js';
import { FormAnswerError, registerFormCheck } from './forms.js';
import { md } from './markup.js';
import { PARAMETERS, parsePromptParams, type RequestOptions } from './parameters.js';
import { cleanPromptText } from './prompt-text.js';

export interface UserPreferences {
  /** Empty: the server's default model. */
  model: string;
  /** Empty: 1:1 (the model's native shape). */
  ar: string;
  /** 0: the model's default. */
  steps: number;
  /** Empty: the model's default; a sampler choice (`dpmpp-2m-karras`). */
  sampler: string;
  /** 0: the model's default. */
  guidance: number;
  /** Added to every /imagine prompt; its parameters count as settings. */
  suffix: string;
  /** V, Vary and Zoom ask for the prompt first. */
  remix: boolean;
  /** Results only the user sees. */
  private: boolean;
}

export type PreferenceName = keyof UserPreferences;

export const DEFAULT_PREFERENCES: Readonly<UserPreferences> = Object.freeze({ model: '', ar: '', steps: 0, sampler: '', guidance: 0, suffix: '', remix: false, private: false });

export const MAX_SUFFIX_LENGTH = 200;

interface PreferenceSpec {
  help: string;
  /** The request parameter a default stands for. */
  parameter?: keyof RequestOptions;
}

export const PREFERENCE_SPECS: Record<PreferenceName, PreferenceSpec> = {
  model: { help: 'your default model (see /models)', parameter: 'model' },
  ar: { help: 'your default aspect ratio, e.g. 16:9', parameter: 'aspectRatio' },
  steps: { help: 'your default number of steps', parameter: 'steps' },
  sampler: { help: 'your default sampler, e.g. dpmpp-2m-karras', parameter: 'sampler' },
  guidance: { help: 'your default guidance (cfg)', parameter: 'guidance' },
  suffix: { help: `text and parameters added to every prompt (at most ${MAX_SUFFIX_LENGTH} characters)` },
  remix: { help: 'V, Vary and Zoom Out ask for the prompt first (on or off)' },
  private: { help: 'your results only you see (on or off)' },
};

export const PREFERENCE_NAMES = Object.keys(PREFERENCE_SPECS) as PreferenceName[];

export function isPreferenceName(name: string): name is PreferenceName {
  return (PREFERENCE_NAMES as string[]).includes(name);
}

function readBool(name: string, text: string): boolean {
  const v = text.trim().toLowerCase();
  if (['on', 'true', 'yes', '1'].includes(v)) return true;
  if (['off', 'false', 'no', '0'].includes(v)) return false;
  throw new UserError(md`\`${name}\` is on or off (got \`${text}\`).`, 'settings');
}

/** A value a user typed for a setting, read as the parameter it stands for; throws UserError saying what it should be. */
export function parsePreference<K extends PreferenceName>(name: K, text: string): UserPreferences[K] {
  const raw = cleanPromptText(text).trim();
  const spec = PREFERENCE_SPECS[name];
  if (name === 'remix' || name === 'private') return readBool(name, raw) as UserPreferences[K];
  if (name === 'suffix') {
    if (raw.length > MAX_SUFFIX_LENGTH) throw new UserError(md`The suffix is ${raw.length} characters; the limit is ${MAX_SUFFIX_LENGTH}.`, 'settings');
    // Its parameters must read, now rather than at every /imagine.
    if (raw) parsePromptParams(`x ${raw}`);
    return raw as UserPreferences[K];
  }
  const parameter = PARAMETERS.find((p) => p.key === spec.parameter)!;
  try {
    return parameter.read(raw) as UserPreferences[K];
  } catch (err) {
    throw new UserError(md`Invalid ${name} \`${raw}\`: ${errorMarkup(err)}. Example: \`${parameter.example.replace(/^--\S+ /, '')}\`.`, 'settings');
  }
}

/** A setting as /settings shows it ('—' for one left to the model or server). */
export function formatPreference(prefs: UserPreferences, name: PreferenceName): string {
  const v = prefs[name];
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  if (v === '' || v === 0) return '—';
  return String(v);
}

/**
 * The request with the user's settings where it says nothing: the suffix's text goes after the
 * prompt; its parameters, then the settings, fill what the prompt left out.
 */
export function withPreferences(request: RequestOptions, prefs: UserPreferences): RequestOptions {
  const out: RequestOptions = { ...request };
  const fill = (values: Partial<RequestOptions>) => {
    for (const [k, v] of Object.entries(values) as [keyof RequestOptions, RequestOptions[keyof RequestOptions]][]) {
      if (k === 'prompt' || v === undefined) continue;
      if (out[k] === undefined) (out as unknown as Record<string, unknown>)[k] = v;
    }
  };
  if (prefs.suffix) {
    const suffix = parsePromptParams(`x ${prefs.suffix}`);
    const text = suffix.prompt.replace(/^x\s?/, '');
    if (text) out.prompt = `${out.prompt} ${text}`.trim();
    fill(suffix);
  }
  fill({
    model: prefs.model || undefined,
    aspectRatio: prefs.ar || undefined,
    steps: prefs.steps || undefined,
    sampler: (prefs.sampler || undefined) as RequestOptions['sampler'],
    guidance: prefs.guidance || undefined,
  });
  return out;
}

/** Throws (changing nothing) when a value has the wrong type for its setting (a bug, not a user's mistake). */
export function assertPreference(name: PreferenceName, value: unknown): void {
  if (!isPreferenceName(name)) throw new Error(`unknown setting ${String(name)}`);
  if (typeof value !== typeof DEFAULT_PREFERENCES[name]) throw new Error(`setting ${name} takes a ${typeof DEFAULT_PREFERENCES[name]}, not ${JSON.stringify(value)}`);
}

/** Stored values read back (a value no longer valid falls back to its default). */
export function parseStoredPreferences(rows: readonly { name: string; value: string }[]): UserPreferences {
  const out: UserPreferences = { ...DEFAULT_PREFERENCES };
  for (const { name, value } of rows) {
    if (!isPreferenceName(name)) continue;
    try {
      const v = JSON.parse(value) as unknown;
      if (typeof v === typeof DEFAULT_PREFERENCES[name]) (out as unknown as Record<string, unknown>)[name] = v;
    } catch {
      // A value that does not parse keeps the default.
    }
  }
  return out;
}

/** The check of a settings form: every answer read as its setting, the first bad one named ('' and '-' mean the default). */
export const PREFERENCES_CHECK = 'preferences';
registerFormCheck(PREFERENCES_CHECK, (answers) => {
  for (const [name, text] of Object.entries(answers)) {
    const raw = (text ?? '').trim();
    if (!isPreferenceName(name) || raw === '' || raw === '-') continue;
    try {
      parsePreference(name, raw);
    } catch (err) {
      if (err instanceof UserError) throw new FormAnswerError(name, err.markup);
      throw err;
    }
  }
});
