/**
 * The samplers a user can pick, by the names this bot shows. The pipeline implements each as a
 * diffusers scheduler (pipeline/schedulers/).
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

/** The sampler a user means, or undefined when the text names none. */
export function samplerFromText(text: string): SchedulerName | undefined {
  const name = text.trim().toLowerCase();
  return isSchedulerName(name) ? name : undefined;
}

export function isSchedulerName(name: string): name is SchedulerName {
  return (SCHEDULER_NAMES as readonly string[]).includes(name);
}
