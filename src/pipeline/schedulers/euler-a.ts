/** diffusers' EulerAncestralDiscreteScheduler: an Euler step down to sigma_down, then fresh noise of sigma_up. */
import { SigmaScheduler } from './euler.js';
import { f32, interpIndex, trainingSigmas } from './numeric.js';
import type { NoiseSource, SchedulerName, SchedulerStepResult } from './types.js';

export class EulerAncestralScheduler extends SigmaScheduler {
  readonly name: SchedulerName = 'euler-a';

  setTimesteps(n: number): void {
    this.checkSteps(n);
    this.numInferenceSteps = n;
    const timesteps = this.baseTimesteps(n).map(f32);
    const train = trainingSigmas(this.alphasCumprod);
    this.sigmas = Float32Array.from([...timesteps.map((t) => interpIndex(t, train)), 0]);
    this.timesteps = timesteps;
    this.resetIndices();
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, rng?: NoiseSource): SchedulerStepResult {
    if (this.predictionType === 'sample') throw new Error("prediction_type 'sample' is not supported by the Euler ancestral sampler");
    if (!rng) throw new Error('the Euler ancestral sampler needs a random generator for its noise');
    const i = this.ensureStepIndex(t);
    const sigmaFrom = this.sigmas[i]!;
    const sigmaTo = this.sigmas[i + 1]!;
    const x0 = this.predictOriginal(modelOutput, sample, sigmaFrom);
    const from2 = f32(sigmaFrom * sigmaFrom);
    const to2 = f32(sigmaTo * sigmaTo);
    const sigmaUp = f32(Math.sqrt(f32(f32(to2 * f32(from2 - to2)) / from2)));
    const sigmaDown = f32(Math.sqrt(f32(to2 - f32(sigmaUp * sigmaUp))));
    const dt = f32(sigmaDown - sigmaFrom);
    const noise = rng.randn([sample.length]);
    const prev = new Float32Array(sample.length);
    for (let k = 0; k < prev.length; k++) {
      const derivative = f32(f32(sample[k]! - x0[k]!) / sigmaFrom);
      const moved = f32(sample[k]! + f32(derivative * dt));
      prev[k] = moved + f32(noise[k]! * sigmaUp);
    }
    this.stepIndex = i + 1;
    return { prevSample: prev, denoised: x0 };
  }
}
