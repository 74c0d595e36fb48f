/**
 * Karras sigmas as a sampler option: `--sampler "DPM++ 2M Karras"` (or `--schedule karras`) runs the
 * sampler with diffusers' use_karras_sigmas, the same as a model whose scheduler config sets it
 * (the sigmas themselves are checked against diffusers' numbers in schedulers.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRequestOptions } from '../../src/core/parameters.js';
import { gridParams } from '../../src/jobs/submit.js';
import { DiffusionPipeline } from '../../src/pipeline/diffusion.js';
import { createScheduler } from '../../src/pipeline/schedulers/index.js';
import { writeTinyModel } from '../fixtures/tiny-models.js';

const root = mkdtempSync(join(tmpdir(), 'karras-'));
const loaded: DiffusionPipeline[] = [];
afterAll(async () => {
  for (const p of loaded) await p.release();
  rmSync(root, { recursive: true, force: true });
});

const SCHEDULER = { _class_name: 'EulerDiscreteScheduler', beta_end: 0.012, beta_schedule: 'scaled_linear', beta_start: 0.00085, num_train_timesteps: 1000, steps_offset: 1, timestep_spacing: 'leading' };

describe('Karras sigmas from the request', () => {
  it('make the same pictures as a model whose scheduler config turns them on, and different ones from the plain sampler', async () => {
    const plainModel = await DiffusionPipeline.load(writeTinyModel(join(root, 'plain'), { generation: 'optimum-2025', family: 'sd1', schedulerConfig: SCHEDULER }));
    const karrasModel = await DiffusionPipeline.load(writeTinyModel(join(root, 'karras'), { generation: 'optimum-2025', family: 'sd1', schedulerConfig: { ...SCHEDULER, use_karras_sigmas: true } }));
    loaded.push(plainModel, karrasModel);
    for (const scheduler of ['euler', 'dpmpp-2m'] as const) {
      const request = { prompt: 'red heart', seed: 3, steps: 6, scheduler, batch: 1 };
      const asked = await plainModel.generate({ ...request, karras: true });
      const configured = await karrasModel.generate(request);
      const plain = await plainModel.generate(request);
      expect([...asked.images[0]!.data]).toEqual([...configured.images[0]!.data]);
      expect([...asked.images[0]!.data]).not.toEqual([...plain.images[0]!.data]);
      // --schedule normal turns them off where the model's config has them on.
      expect([...(await karrasModel.generate({ ...request, karras: false })).images[0]!.data]).toEqual([...plain.images[0]!.data]);
    }
    // The sigmas used are Karras': rho 7 between the training sigmas' ends.
    const s = createScheduler('euler', { ...SCHEDULER, use_karras_sigmas: true }) as ReturnType<typeof createScheduler> & { sigmas: Float32Array };
    s.setTimesteps(6);
    const sigmas = [...s.sigmas];
    const [max, min] = [sigmas[0]!, sigmas[5]!];
    const rho = 7;
    sigmas.slice(0, 6).forEach((v, i) => expect(v).toBeCloseTo((max ** (1 / rho) + (i / 5) * (min ** (1 / rho) - max ** (1 / rho))) ** rho, 4));
  });

  it('are refused with a sampler that has none in diffusers', async () => {
    const model = loaded[0]!.info;
    expect(() => gridParams(readRequestOptions({ prompt: 'cat --sampler ddim karras' }), model, '')).toThrow('Karras sigmas work with euler, dpmpp-2m');
    expect(gridParams(readRequestOptions({ prompt: 'cat --sampler dpmpp_2m --schedule karras' }), model, '')).toMatchObject({ scheduler: 'dpmpp-2m', karras: true });
    expect(gridParams(readRequestOptions({ prompt: 'cat --sampler euler' }), model, '')).not.toHaveProperty('karras');
  });
});
