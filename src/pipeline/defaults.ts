import { schedulerNameFromClass } from './schedulers/index.js';
import type { SchedulerName } from './schedulers/types.js';

export interface GenerationDefaults {
  steps: number;
  guidance: number;
  width: number;
  height: number;
  scheduler: SchedulerName;
}

/**
 * Steps, guidance, size and sampler a model family works best with when the folder's imagine.json
 * says nothing (shared with the catalog, which reads folders without opening them).
 */
export function defaultsFor(m: { turbo: boolean; lcm: boolean; sdxl: boolean; schedulerClass: string; width: number; height: number }): GenerationDefaults {
  const size = { width: m.width, height: m.height };
  const classScheduler = schedulerNameFromClass(m.schedulerClass) ?? 'euler';
  if (m.turbo) return { steps: 1, guidance: 0, ...size, scheduler: 'euler-a' };
  if (m.lcm) return { steps: 4, guidance: 8, ...size, scheduler: 'lcm' };
  // An LCM-LoRA merged into an ordinary UNet: few steps, guidance off.
  if (classScheduler === 'lcm') return { steps: 4, guidance: 1, ...size, scheduler: 'lcm' };
  return { steps: 25, guidance: m.sdxl ? 5 : 7, ...size, scheduler: classScheduler };
}

