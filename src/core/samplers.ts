/**
 * The samplers a user can pick, by the names this bot shows and the names A1111 and ComfyUI users
 * type for the same ones. The pipeline implements each as a diffusers scheduler (pipeline/schedulers/).
 */

export type SchedulerName = 'euler' | 'euler-a' | 'ddim' | 'dpmpp-2m' | 'lcm' | 'pndm';

export const SCHEDULER_NAMES: readonly SchedulerName[] = ['euler', 'euler-a', 'ddim', 'dpmpp-2m', 'lcm', 'pndm'];

/** What each sampler is, in words for a help text or a menu. */
export const SCHEDULER_LABELS: Record<SchedulerName, string> = {
  euler: 'Euler',
  'euler-a': 'Euler Ancestral',
  ddim: 'DDIM',
  'dpmpp-2m': 'DPM++ 2M',
  lcm: 'LCM',
  pndm: 'PNDM (PLMS)',
};

/**
 * Spellings by their key (lower case, without a `k_` prefix, spaces, `_` and `-`): ours, A1111's
 * (`Euler a`, `DPM++ 2M`, `k_euler_a`) and ComfyUI's (`euler_ancestral`, `dpmpp_2m`).
 */
const ALIASES: Record<string, SchedulerName> = {
  euler: 'euler',
  eulera: 'euler-a',
  eulerancestral: 'euler-a',
  ddim: 'ddim',
  dpmpp2m: 'dpmpp-2m',
  'dpm++2m': 'dpmpp-2m',
  lcm: 'lcm',
  pndm: 'pndm',
  plms: 'pndm',
};

/** Samplers that take Karras sigmas, as in diffusers (use_karras_sigmas). */
export const KARRAS_SAMPLERS: readonly SchedulerName[] = ['euler', 'dpmpp-2m'];

/** A sampler as a user picks it: the sampler, with Karras sigmas or not (A1111's `DPM++ 2M Karras`). */
export type SamplerChoice = SchedulerName | `${SchedulerName}-karras`;

/** Every choice offered in a menu: the samplers, then the ones with Karras sigmas. */
export const SAMPLER_CHOICES: readonly SamplerChoice[] = [...SCHEDULER_NAMES, ...KARRAS_SAMPLERS.map((s) => `${s}-karras` as const)];

/** The sampler a user means, or undefined when the text names none. */
export function samplerFromText(text: string): SchedulerName | undefined {
  return ALIASES[text.trim().toLowerCase().replace(/^k_/, '').replace(/[\s_-]+/g, '')];
}

/**
 * A sampler choice from text: a sampler's name in any spelling, optionally followed by `Karras`
 * (`DPM++ 2M Karras`, `dpmpp_2m karras`, `euler-karras`); undefined when the text names none.
 */
export function samplerChoiceFromText(text: string): SamplerChoice | undefined {
  const m = /^(.*?)[\s_-]*karras$/i.exec(text.trim());
  const sampler = samplerFromText(m ? m[1]! : text);
  if (!sampler) return undefined;
  return m ? `${sampler}-karras` : sampler;
}

/** The sampler of a choice and whether it uses Karras sigmas. */
export function splitSamplerChoice(choice: SamplerChoice): { sampler: SchedulerName; karras: boolean } {
  return choice.endsWith('-karras') ? { sampler: choice.slice(0, -'-karras'.length) as SchedulerName, karras: true } : { sampler: choice as SchedulerName, karras: false };
}

export function isSchedulerName(name: string): name is SchedulerName {
  return (SCHEDULER_NAMES as readonly string[]).includes(name);
}
