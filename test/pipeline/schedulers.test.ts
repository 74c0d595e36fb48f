/**
 * diffusers' own scheduler tests (tests/schedulers/test_scheduler_*.py) reproduced: the same
 * deterministic sample, the dummy model `sample * t / (t + 1)`, torch.manual_seed(0) noise, and
 * their published result sums and means with their tolerances.
 */
import { describe, expect, it } from 'vitest';
import { createTorchGenerator } from '../../src/pipeline/random.js';
import { SCHEDULER_NAMES, type SchedulerName } from '../../src/core/samplers.js';
import { createScheduler, schedulerNameFromClass } from '../../src/pipeline/schedulers/index.js';
import { DdimScheduler } from '../../src/pipeline/schedulers/ddim.js';
import { PndmScheduler } from '../../src/pipeline/schedulers/pndm.js';

const f32 = Math.fround;

/** dummy_sample_deter / dummy_noise_deter: arange(768) as (3, 8, 8, 4) / 768, permuted to (4, 3, 8, 8). */
function deterministic(flip: boolean): Float32Array {
  const out = new Float32Array(768);
  for (let b = 0; b < 4; b++)
    for (let c = 0; c < 3; c++)
      for (let h = 0; h < 8; h++)
        for (let w = 0; w < 8; w++) {
          const i = c * 256 + h * 32 + w * 4 + b;
          out[b * 192 + c * 64 + h * 8 + w] = f32((flip ? 767 - i : i) / 768);
        }
  return out;
}

/** The tests' dummy model, in float32 like torch. */
function dummyModel(sample: Float32Array, t: number): Float32Array {
  const tt = f32(t);
  const d = f32(tt + 1);
  return sample.map((v) => f32(f32(v * tt) / d));
}

function absStats(x: Float32Array): { sum: number; mean: number } {
  let sum = 0;
  for (const v of x) sum += Math.abs(v);
  return { sum, mean: sum / x.length };
}

interface LoopOptions {
  steps: number;
  /** Scale inputs with scale_model_input (the Euler family's loops do). */
  scaleInput?: boolean;
  /** Start from dummy_sample_deter × init_noise_sigma. */
  initSigma?: boolean;
  /** Add dummy_noise_deter at timesteps[tStart] and run from there (the *_with_noise tests). */
  tStart?: number;
}

function fullLoop(name: SchedulerName, config: Record<string, unknown>, o: LoopOptions): { sum: number; mean: number } {
  const s = createScheduler(name, config);
  if ('batchSize' in s) (s as { batchSize: number }).batchSize = 4;
  s.setTimesteps(o.steps);
  const gen = createTorchGenerator(0);
  let x = deterministic(false);
  if (o.initSigma) x = x.map((v) => v * s.initNoiseSigma);
  let timesteps = s.timesteps;
  if (o.tStart !== undefined) {
    timesteps = timesteps.slice(o.tStart);
    x = s.addNoise(x, deterministic(true), timesteps[0]!);
  }
  for (const t of timesteps) {
    if (o.scaleInput) x = s.scaleModelInput(x, t);
    x = s.step(dummyModel(x, t), t, x, gen).prevSample;
  }
  return absStats(x);
}

const expectClose = (got: number, want: number, tol: number) => expect(Math.abs(got - want)).toBeLessThan(tol);

describe('EulerDiscreteScheduler (test_scheduler_euler.py)', () => {
  const config = { num_train_timesteps: 1100, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear' };
  const loop = { steps: 10, scaleInput: true, initSigma: true };
  it('full loop, no noise: sum 10.0807, mean 0.0131', () => {
    const r = fullLoop('euler', config, loop);
    expectClose(r.sum, 10.0807, 1e-2);
    expectClose(r.mean, 0.0131, 1e-3);
  });
  it('v_prediction: sum 0.0002, mean 2.2676e-06', () => {
    const r = fullLoop('euler', { ...config, prediction_type: 'v_prediction' }, loop);
    expectClose(r.sum, 0.0002, 1e-2);
    expectClose(r.mean, 2.2676e-6, 1e-3);
  });
  it('Karras sigmas: sum 124.52299499511719, mean 0.16213932633399963', () => {
    const r = fullLoop('euler', { ...config, use_karras_sigmas: true }, loop);
    expectClose(r.sum, 124.52299499511719, 1e-2);
    expectClose(r.mean, 0.16213932633399963, 1e-3);
  });
  it('img2img-style start at step 8 with added noise: sum 57062.9297, mean 74.3007', () => {
    const r = fullLoop('euler', config, { ...loop, tStart: 8 });
    expectClose(r.sum, 57062.9297, 1e-2);
    expectClose(r.mean, 74.3007, 1e-3);
  });
});

describe('EulerAncestralDiscreteScheduler (test_scheduler_euler_ancestral.py), noise from torch.manual_seed(0)', () => {
  const config = { num_train_timesteps: 1100, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear' };
  const loop = { steps: 10, scaleInput: true, initSigma: true };
  it('full loop: sum 152.3192, mean 0.1983', () => {
    const r = fullLoop('euler-a', config, loop);
    expectClose(r.sum, 152.3192, 1e-2);
    expectClose(r.mean, 0.1983, 1e-3);
  });
  it('v_prediction: sum 108.4439, mean 0.1412', () => {
    const r = fullLoop('euler-a', { ...config, prediction_type: 'v_prediction' }, loop);
    expectClose(r.sum, 108.4439, 1e-2);
    expectClose(r.mean, 0.1412, 1e-3);
  });
  it('with noise from step 8: sum 56163.0508, mean 73.1290', () => {
    const r = fullLoop('euler-a', config, { ...loop, tStart: 8 });
    expectClose(r.sum, 56163.0508, 1e-2);
    expectClose(r.mean, 73.129, 1e-3);
  });
});

describe('DDIMScheduler (test_scheduler_ddim.py)', () => {
  const config = { num_train_timesteps: 1000, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear', clip_sample: true };
  const cases: [string, Record<string, unknown>, number, number][] = [
    ['default', {}, 172.0067, 0.223967],
    ['v_prediction', { prediction_type: 'v_prediction' }, 52.5302, 0.0684],
    ['set_alpha_to_one', { set_alpha_to_one: true, beta_start: 0.01 }, 149.8295, 0.1951],
    ['no set_alpha_to_one', { set_alpha_to_one: false, beta_start: 0.01 }, 149.0784, 0.1941],
  ];
  for (const [label, extra, sum, mean] of cases) {
    it(`${label}: sum ${sum}, mean ${mean}`, () => {
      const r = fullLoop('ddim', { ...config, ...extra }, { steps: 10 });
      expectClose(r.sum, sum, 1e-2);
      expectClose(r.mean, mean, 1e-3);
    });
  }
  it('with noise from step 8: sum 354.5418, mean 0.4616', () => {
    const r = fullLoop('ddim', config, { steps: 10, tStart: 8 });
    expectClose(r.sum, 354.5418, 1e-2);
    expectClose(r.mean, 0.4616, 1e-3);
  });
  it('steps_offset=1 gives timesteps 801, 601, 401, 201, 1', () => {
    const s = createScheduler('ddim', { ...config, steps_offset: 1 });
    s.setTimesteps(5);
    expect(s.timesteps).toEqual([801, 601, 401, 201, 1]);
  });
  it('variance matches _get_variance', () => {
    const s = new DdimScheduler(config);
    expectClose(s.variance(420, 400), 0.14771, 1e-5);
    expectClose(s.variance(980, 960), 0.3246, 1e-5);
    expectClose(s.variance(487, 486), 0.00979, 1e-5);
    expectClose(s.variance(999, 998), 0.02, 1e-5);
  });
  it('trailing and linspace spacings', () => {
    const trailing = createScheduler('ddim', { ...config, timestep_spacing: 'trailing' });
    trailing.setTimesteps(4);
    expect(trailing.timesteps).toEqual([999, 749, 499, 249]);
    const linspace = createScheduler('ddim', { ...config, timestep_spacing: 'linspace' });
    linspace.setTimesteps(4);
    expect(linspace.timesteps).toEqual([999, 666, 333, 0]);
  });
});

describe('DPMSolverMultistepScheduler (test_scheduler_dpm_multi.py)', () => {
  const config = {
    num_train_timesteps: 1000, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear', solver_order: 2, prediction_type: 'epsilon',
    thresholding: false, sample_max_value: 1.0, algorithm_type: 'dpmsolver++', solver_type: 'midpoint', lower_order_final: false,
    euler_at_final: false, lambda_min_clipped: -Infinity, variance_type: null, final_sigmas_type: 'sigma_min',
  };
  const cases: [string, Record<string, unknown>, number][] = [
    ['DPM++ 2M', {}, 0.3301],
    ['dynamic thresholding', { thresholding: true, dynamic_thresholding_ratio: 0.87, sample_max_value: 0.5 }, 1.1364],
    ['v_prediction', { prediction_type: 'v_prediction' }, 0.2251],
    ['Karras sigmas + v_prediction', { prediction_type: 'v_prediction', use_karras_sigmas: true }, 0.2096],
    ['Lu lambdas + v_prediction', { prediction_type: 'v_prediction', use_lu_lambdas: true }, 0.1554],
  ];
  for (const [label, extra, mean] of cases) {
    it(`${label}: mean ${mean}`, () => expectClose(fullLoop('dpmpp-2m', { ...config, ...extra }, { steps: 10 }).mean, mean, 1e-3));
  }
  it('with noise from step 5: sum 318.4111, mean 0.4146', () => {
    const r = fullLoop('dpmpp-2m', config, { steps: 10, tStart: 5 });
    expectClose(r.sum, 318.4111, 1e-2);
    expectClose(r.mean, 0.4146, 1e-3);
  });
  it('every algorithm, solver type and order runs without NaN', () => {
    for (const algorithm_type of ['dpmsolver', 'dpmsolver++', 'sde-dpmsolver', 'sde-dpmsolver++'])
      for (const solver_type of ['midpoint', 'heun'])
        for (const solver_order of [1, 2, 3]) {
          if (algorithm_type.startsWith('sde') && solver_order === 3) continue;
          const r = fullLoop('dpmpp-2m', { ...config, algorithm_type, solver_type, solver_order }, { steps: 10 });
          expect(Number.isFinite(r.sum)).toBe(true);
        }
  });
  it('keeps one timestep per step at 1000 steps', () => {
    const s = createScheduler('dpmpp-2m', config);
    s.setTimesteps(1000);
    expect(s.timesteps).toHaveLength(1000);
    expect(s.timesteps[0]).toBe(999);
  });
});

describe('LCMScheduler (test_scheduler_lcm.py), noise from torch.manual_seed(0)', () => {
  const config = { num_train_timesteps: 1000, beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear', prediction_type: 'epsilon' };
  it('one step: sum 18.7097, mean 0.0244', () => {
    const r = fullLoop('lcm', config, { steps: 1 });
    expectClose(r.sum, 18.7097, 1e-3);
    expectClose(r.mean, 0.0244, 1e-3);
  });
  it('ten steps: sum 197.7616, mean 0.2575', () => {
    const r = fullLoop('lcm', config, { steps: 10 });
    expectClose(r.sum, 197.7616, 1e-3);
    expectClose(r.mean, 0.2575, 1e-3);
  });
  it('4 steps use timesteps 999, 759, 499, 259', () => {
    const s = createScheduler('lcm', config);
    s.setTimesteps(4);
    expect(s.timesteps).toEqual([999, 759, 499, 259]);
  });
});

describe('PNDMScheduler (test_scheduler_pndm.py)', () => {
  const config = { num_train_timesteps: 1000, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear' };
  const cases: [string, Record<string, unknown>, number, number][] = [
    ['default (Runge–Kutta warm-up, then PLMS)', {}, 198.1318, 0.258],
    ['v_prediction', { prediction_type: 'v_prediction' }, 67.3986, 0.0878],
    ['set_alpha_to_one', { set_alpha_to_one: true, beta_start: 0.01 }, 230.0399, 0.2995],
    ['no set_alpha_to_one', { set_alpha_to_one: false, beta_start: 0.01 }, 186.9482, 0.2434],
  ];
  for (const [label, extra, sum, mean] of cases) {
    it(`${label}: sum ${sum}, mean ${mean}`, () => {
      const r = fullLoop('pndm', { ...config, ...extra }, { steps: 10 });
      expectClose(r.sum, sum, 1e-2);
      expectClose(r.mean, mean, 1e-3);
    });
  }
  it('steps_offset=1 gives the published Runge–Kutta and PLMS timesteps', () => {
    const s = new PndmScheduler({ ...config, steps_offset: 1 });
    s.setTimesteps(10);
    expect(s.timesteps).toEqual([901, 851, 851, 801, 801, 751, 751, 701, 701, 651, 651, 601, 601, 501, 401, 301, 201, 101, 1]);
  });
  it('skip_prk_steps (Stable Diffusion 1.x) repeats the second timestep for the PLMS warm-up', () => {
    const s = new PndmScheduler({ ...config, steps_offset: 1, skip_prk_steps: true });
    s.setTimesteps(10);
    expect(s.timesteps).toEqual([901, 801, 801, 701, 601, 501, 401, 301, 201, 101, 1]);
  });
});

describe('timestep spacing and img2img entry points', () => {
  const sd = { beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear', num_train_timesteps: 1000, steps_offset: 1 };
  it('leading adds steps_offset; trailing ends at 999; linspace spans 0..999 (Euler family, float timesteps)', () => {
    const leading = createScheduler('euler', { ...sd, timestep_spacing: 'leading' });
    leading.setTimesteps(4);
    expect(leading.timesteps).toEqual([751, 501, 251, 1]);
    const trailing = createScheduler('euler', { ...sd, timestep_spacing: 'trailing' });
    trailing.setTimesteps(4);
    expect(trailing.timesteps).toEqual([999, 749, 499, 249]);
    const linspace = createScheduler('euler', { ...sd, timestep_spacing: 'linspace' });
    linspace.setTimesteps(4);
    expect(linspace.timesteps).toEqual([999, 666, 333, 0]);
  });
  it('trailing rounds halves to even as numpy does (16 steps)', () => {
    const s = createScheduler('ddim', { ...sd, timestep_spacing: 'trailing' });
    s.setTimesteps(16);
    expect(s.timesteps.slice(0, 4)).toEqual([999, 937, 874, 811]);
  });
  it('leading timestep spacing raises init noise sigma to sqrt(sigma_max² + 1)', () => {
    const leading = createScheduler('euler', { ...sd, timestep_spacing: 'leading' });
    leading.setTimesteps(25);
    const linspace = createScheduler('euler', { ...sd, timestep_spacing: 'linspace' });
    linspace.setTimesteps(25);
    expect(linspace.initNoiseSigma).toBeCloseTo(14.6146, 3);
    expect(leading.initNoiseSigma).toBeGreaterThan(1);
    expect(leading.initNoiseSigma).toBeLessThan(linspace.initNoiseSigma);
  });
  it('setTimestepsForStrength keeps the last floor(steps × strength) steps and starts there', () => {
    for (const name of SCHEDULER_NAMES.filter((n) => n !== 'lcm' && n !== 'pndm')) {
      const s = createScheduler(name, sd);
      const all = (() => {
        const t = createScheduler(name, sd);
        t.setTimesteps(10);
        return t.timesteps;
      })();
      const rest = s.setTimestepsForStrength(10, 0.6);
      expect(rest, name).toEqual(all.slice(4));
    }
    const lcm = createScheduler('lcm', {});
    expect(lcm.setTimestepsForStrength(4, 0.5)).toEqual([499, 379, 259, 139]);
  });
  it('img2img stepping from the begin index gives the same result as a lookup by timestep', () => {
    const start = deterministic(false);
    const noise = deterministic(true);
    const run = (useStrength: boolean) => {
      const s = createScheduler('dpmpp-2m', sd);
      let ts: number[];
      if (useStrength) ts = s.setTimestepsForStrength(10, 0.5);
      else {
        s.setTimesteps(10);
        ts = s.timesteps.slice(5);
      }
      let x = s.addNoise(start, noise, ts[0]!);
      for (const t of ts) x = s.step(dummyModel(x, t), t, x).prevSample;
      return x;
    };
    expect(run(true)).toEqual(run(false));
  });
});

describe('scheduler names', () => {
  it('maps diffusers class names', () => {
    expect(schedulerNameFromClass('EulerDiscreteScheduler')).toBe('euler');
    expect(schedulerNameFromClass('EulerAncestralDiscreteScheduler')).toBe('euler-a');
    expect(schedulerNameFromClass('DDIMScheduler')).toBe('ddim');
    expect(schedulerNameFromClass('DPMSolverMultistepScheduler')).toBe('dpmpp-2m');
    expect(schedulerNameFromClass('LCMScheduler')).toBe('lcm');
    expect(schedulerNameFromClass('PNDMScheduler')).toBe('pndm');
    expect(schedulerNameFromClass('FlowMatchEulerDiscreteScheduler')).toBeUndefined();
  });
  it('refuses a config it cannot follow with a message naming the key', () => {
    expect(() => createScheduler('euler', { beta_schedule: 'sigmoid' })).toThrow(/beta_schedule 'sigmoid'/);
    expect(() => createScheduler('ddim', { prediction_type: 'flow' })).toThrow(/prediction_type 'flow'/);
    expect(() => createScheduler('dpmpp-2m', { use_flow_sigmas: true })).toThrow(/use_flow_sigmas/);
  });
});
