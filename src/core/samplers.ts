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

/** The sampler a user means, or undefined when the text names none. */
export function samplerFromText(text: string): SchedulerName | undefined {
  return ALIASES[text.trim().toLowerCase().replace(/^k_/, '').replace(/[\s_-]+/g, '')];
}

export function isSchedulerName(name: string): name is SchedulerName {
  return (SCHEDULER_NAMES as readonly string[]).includes(name);
}
