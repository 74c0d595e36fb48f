import { DdimScheduler } from './ddim.js';
import { DpmSolverMultistepScheduler } from './dpmpp-2m.js';
import { EulerAncestralScheduler } from './euler-a.js';
import { EulerScheduler } from './euler.js';
import { LcmScheduler } from './lcm.js';
import { PndmScheduler } from './pndm.js';
import { SCHEDULER_NAMES } from '../../core/samplers.js';
import type { Scheduler, SchedulerConfig, SchedulerName } from './types.js';

export type { NoiseSource, Scheduler, SchedulerConfig, SchedulerName, SchedulerStepResult } from './types.js';
export { DdimScheduler, DpmSolverMultistepScheduler, EulerAncestralScheduler, EulerScheduler, LcmScheduler, PndmScheduler };

const BY_CLASS: Record<string, SchedulerName> = {
  EulerDiscreteScheduler: 'euler',
  EulerAncestralDiscreteScheduler: 'euler-a',
  DDIMScheduler: 'ddim',
  DPMSolverMultistepScheduler: 'dpmpp-2m',
  LCMScheduler: 'lcm',
  PNDMScheduler: 'pndm',
  // Close relatives that read the same config keys.
  DPMSolverSinglestepScheduler: 'dpmpp-2m',
  UniPCMultistepScheduler: 'dpmpp-2m',
  DEISMultistepScheduler: 'dpmpp-2m',
  LMSDiscreteScheduler: 'euler',
  HeunDiscreteScheduler: 'euler',
  KDPM2DiscreteScheduler: 'euler',
  KDPM2AncestralDiscreteScheduler: 'euler-a',
  DDPMScheduler: 'ddim',
  TCDScheduler: 'lcm',
};

/** The sampler for a scheduler_config.json `_class_name`, or undefined for one this pipeline does not know. */
export function schedulerNameFromClass(className: string): SchedulerName | undefined {
  return BY_CLASS[className];
}

/**
 * A fresh scheduler of the named kind over a diffusers scheduler_config.json object, as
 * `<Class>.from_config(config)` builds it: keys the class knows are used, the rest take its defaults.
 */
export function createScheduler(name: SchedulerName, config: SchedulerConfig = {}): Scheduler {
  switch (name) {
    case 'euler':
      return new EulerScheduler(config);
    case 'euler-a':
      return new EulerAncestralScheduler(config);
    case 'ddim':
      return new DdimScheduler(config);
    case 'dpmpp-2m':
      return new DpmSolverMultistepScheduler(config);
    case 'lcm':
      return new LcmScheduler(config);
    case 'pndm':
      return new PndmScheduler(config);
    default:
      throw new Error(`unknown sampler '${String(name)}'; use one of ${SCHEDULER_NAMES.join(', ')}`);
  }
}
