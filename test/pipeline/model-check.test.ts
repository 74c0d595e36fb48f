import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkModelFolder, type ProviderInfo } from '../../src/pipeline/model-check.js';
import { writeTinyModel } from '../fixtures/tiny-models.js';

const root = mkdtempSync(join(tmpdir(), 'imagine-check-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const cpuOnly: ProviderInfo[] = [
  { device: 'cpu', installed: 'yes' },
  { device: 'cuda', installed: 'no', how: 'not installed' },
];
const withCuda: ProviderInfo[] = [
  { device: 'cpu', installed: 'yes' },
  { device: 'cuda', installed: 'yes' },
];

describe('model check', () => {
  it('describes a loadable model: family, sessions with their inputs, what runs it, no problems', () => {
    const dir = writeTinyModel(join(root, 'sdxl'), { generation: 'optimum-2025', family: 'sdxl' });
    const r = checkModelFolder(dir, cpuOnly);
    expect(r.problems).toEqual([]);
    expect(r.model).toMatchObject({ family: 'sdxl', canImg2Img: true, exportGeneration: 'optimum (2024 and later)' });
    expect(r.sessions.map((s) => s.rel)).toEqual(['text_encoder/model.onnx', 'text_encoder_2/model.onnx', 'unet/model.onnx', 'vae_decoder/model.onnx', 'vae_encoder/model.onnx']);
    const unet = r.sessions.find((s) => s.rel === 'unet/model.onnx')!;
    expect(unet.meta.inputs.map((i) => i.name)).toEqual(expect.arrayContaining(['sample', 'timestep', 'encoder_hidden_states', 'text_embeds', 'time_ids']));
    expect(r.providers.map((p) => [p.device, p.runs])).toEqual([
      ['cpu', true],
      ['cuda', false],
    ]);
  });

  it('names every missing file, not only the first', () => {
    const dir = writeTinyModel(join(root, 'missing'), { generation: 'optimum-2023', family: 'sd1' });
    rmSync(join(dir, 'tokenizer', 'merges.txt'));
    rmSync(join(dir, 'vae_decoder'), { recursive: true });
    const r = checkModelFolder(dir, cpuOnly);
    expect(r.model).toBeUndefined();
    expect(r.problems).toEqual(['tokenizer/merges.txt is missing (the CLIP BPE merges)', 'vae_decoder/model.onnx is missing (the VAE decoder)']);
  });

  it('names a Git LFS pointer in place of a model file once, and still describes the other sessions', () => {
    const dir = writeTinyModel(join(root, 'truncated'), { generation: 'optimum-2023', family: 'sd1' });
    writeFileSync(join(dir, 'unet', 'model.onnx'), Buffer.from('version https://git-lfs.github.com/spec/v1\n'));
    const r = checkModelFolder(dir, cpuOnly);
    expect(r.problems).toEqual([expect.stringMatching(/^cannot load unet\/model\.onnx: it is a Git LFS pointer, not the model \(the clone skipped LFS files: run git lfs pull/)]);
    expect(r.sessions.map((s) => s.rel)).toEqual(['text_encoder/model.onnx', 'vae_decoder/model.onnx', 'vae_encoder/model.onnx']);
  });

  it('names an input the pipeline cannot feed', () => {
    const dir = writeTinyModel(join(root, 'controlnet'), { generation: 'optimum-2023', family: 'sd1', extraUnetInput: 'controlnet_cond' });
    const r = checkModelFolder(dir, cpuOnly);
    expect(r.problems).toEqual([expect.stringMatching(/unet\/model\.onnx has an input 'controlnet_cond' this pipeline cannot feed/)]);
  });

  it('says a CUDA-optimised export cannot run on a machine without CUDA, and can with it', () => {
    const dir = writeTinyModel(join(root, 'olive-cuda'), { generation: 'olive-fp16', family: 'sd1', gpuOnlyOps: true });
    const here = checkModelFolder(dir, cpuOnly);
    expect(here.problems).toEqual([expect.stringMatching(/operators only cuda runs \(GroupNorm: a GPU-optimised export\), and this machine has no cuda provider installed/)]);
    expect(here.providers.find((p) => p.device === 'cpu')).toMatchObject({ runs: false, why: 'GroupNorm in vae_decoder/model.onnx run on cuda only' });
    expect(here.notes).toContain('fp16 weights: made for GPUs; on a CPU it runs, but slower than an fp32 export');
    const gpu = checkModelFolder(dir, withCuda);
    expect(gpu.problems).toEqual([]);
    expect(gpu.providers.find((p) => p.device === 'cuda')).toMatchObject({ runs: true });
  });

  it('finds a tokenizer that does not belong to the text encoder', () => {
    const dir = writeTinyModel(join(root, 'other-tokenizer'), { generation: 'optimum-2023', family: 'sd1', tokenTable: 1000 });
    const r = checkModelFolder(dir, cpuOnly);
    expect(r.model).toBeDefined();
    expect(r.problems).toEqual(['tokenizer/ has 49408 tokens but text_encoder/model.onnx knows only 1000: the tokenizer belongs to another model, and prompts with the missing tokens would fail']);
    const int32Ids = writeTinyModel(join(root, 'int32-ids'), { generation: 'diffusers-legacy', family: 'sd1', tokenTable: 1000 });
    expect(checkModelFolder(int32Ids, cpuOnly).problems).toHaveLength(1);
  });

  it('reports a folder that is not a model', () => {
    expect(checkModelFolder(join(root, 'nothing-here'), cpuOnly).problems).toEqual([`${join(root, 'nothing-here')} does not exist`]);
    const dir = writeTinyModel(join(root, 'unknown-family'), { generation: 'optimum-2023', family: 'sd1', pipelineClass: 'KandinskyPipeline' });
    expect(checkModelFolder(dir, cpuOnly).problems).toEqual([expect.stringMatching(/model_index\.json: unknown model family 'KandinskyPipeline'/)]);
  });
});
