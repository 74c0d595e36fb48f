/**
 * The file choice against listings shaped like the published repositories README names (paths and
 * sizes as the Hub shows them), so each layout is known to give a folder the pipeline loads.
 */
import { describe, expect, it } from 'vitest';
import type { HubFile } from '../../src/hub/client.js';
import { selectModelFiles } from '../../src/hub/selection.js';

const GB = 1e9;
const MB = 1e6;
const lfs = (path: string, size: number): HubFile => ({ path, size, sha256: 'a'.repeat(64) });
const git = (path: string, size = 500): HubFile => ({ path, size, gitOid: 'b'.repeat(40) });
const tokenizer = (folder: string) => ['merges.txt', 'special_tokens_map.json', 'tokenizer_config.json', 'vocab.json'].map((f) => git(`${folder}/${f}`));
const total = (files: readonly HubFile[]) => files.reduce((s, f) => s + f.size, 0);
const locals = (files: readonly { local: string }[]) => files.map((f) => f.local);

/** stabilityai/sdxl-turbo at main: diffusers weights and an optimum ONNX export side by side. */
const sdxlTurbo: HubFile[] = [
  git('.gitattributes'),
  git('README.md'),
  git('LICENSE.md'),
  lfs('image.png', 1.2 * MB),
  lfs('sd_xl_turbo_1.0.safetensors', 13.9 * GB),
  lfs('sd_xl_turbo_1.0_fp16.safetensors', 6.94 * GB),
  git('model_index.json'),
  git('scheduler/scheduler_config.json'),
  git('text_encoder/config.json'),
  lfs('text_encoder/model.safetensors', 492 * MB),
  lfs('text_encoder/model.fp16.safetensors', 246 * MB),
  lfs('text_encoder/model.onnx', 492 * MB),
  git('text_encoder_2/config.json'),
  lfs('text_encoder_2/model.safetensors', 2.78 * GB),
  lfs('text_encoder_2/model.onnx', 1.04 * MB),
  lfs('text_encoder_2/model.onnx_data', 2.78 * GB),
  ...tokenizer('tokenizer'),
  ...tokenizer('tokenizer_2'),
  git('unet/config.json'),
  lfs('unet/diffusion_pytorch_model.safetensors', 10.3 * GB),
  lfs('unet/diffusion_pytorch_model.fp16.safetensors', 5.14 * GB),
  lfs('unet/model.onnx', 7.29 * MB),
  lfs('unet/model.onnx_data', 10.3 * GB),
  git('vae/config.json'),
  lfs('vae/diffusion_pytorch_model.safetensors', 335 * MB),
  git('vae_decoder/config.json'),
  lfs('vae_decoder/model.onnx', 198 * MB),
  git('vae_encoder/config.json'),
  lfs('vae_encoder/model.onnx', 137 * MB),
];

/** runwayml/stable-diffusion-v1-5 at its onnx branch: the old diffusers script, weights in weights.pb. */
const sd15Onnx: HubFile[] = [
  git('README.md'),
  git('model_index.json'),
  git('feature_extractor/preprocessor_config.json'),
  lfs('safety_checker/model.onnx', 1.22 * GB),
  git('scheduler/scheduler_config.json'),
  lfs('text_encoder/model.onnx', 492 * MB),
  ...tokenizer('tokenizer'),
  lfs('unet/model.onnx', 0.776 * MB),
  lfs('unet/weights.pb', 3.44 * GB),
  lfs('vae_decoder/model.onnx', 198 * MB),
  lfs('vae_encoder/model.onnx', 137 * MB),
];

/** onnxruntime/sdxl-turbo: Olive's fp16 export for CUDA, external data in model.onnx.data. */
const ortSdxlTurbo: HubFile[] = [
  git('LICENSE'),
  git('model_index.json'),
  git('scheduler/scheduler_config.json'),
  lfs('text_encoder/model.onnx', 246 * MB),
  lfs('text_encoder_2/model.onnx', 1.39 * GB),
  lfs('text_encoder_2/model.onnx.data', 2.78 * GB),
  ...tokenizer('tokenizer'),
  ...tokenizer('tokenizer_2'),
  lfs('unet/model.onnx', 1.2 * MB),
  lfs('unet/model.onnx.data', 5.14 * GB),
  lfs('vae_decoder/model.onnx', 99.1 * MB),
  lfs('vae_encoder/model.onnx', 68.4 * MB),
];

/** A transformers.js-style export: several precisions per component in an onnx/ folder. */
const perPrecision: HubFile[] = [
  git('model_index.json'),
  git('scheduler/scheduler_config.json'),
  ...tokenizer('tokenizer'),
  ...['text_encoder', 'unet', 'vae_decoder'].flatMap((c) => [
    git(`${c}/config.json`),
    lfs(`${c}/onnx/model.onnx`, 2 * MB),
    lfs(`${c}/onnx/model.onnx_data`, 400 * MB),
    lfs(`${c}/onnx/model_fp16.onnx`, 1 * MB),
    lfs(`${c}/onnx/model_fp16.onnx_data`, 200 * MB),
    lfs(`${c}/onnx/model_quantized.onnx`, 100 * MB),
  ]),
];

describe('which files of a repository make a model folder', () => {
  it('takes the ONNX export of stabilityai/sdxl-turbo and leaves its 40 GB of PyTorch weights', () => {
    const { files } = selectModelFiles(sdxlTurbo, { repo: 'stabilityai/sdxl-turbo' });
    expect(locals(files)).toEqual([
      'LICENSE.md',
      'README.md',
      'model_index.json',
      'scheduler/scheduler_config.json',
      'text_encoder/config.json',
      'text_encoder/model.onnx',
      'text_encoder_2/config.json',
      'text_encoder_2/model.onnx',
      'text_encoder_2/model.onnx_data',
      ...tokenizer('tokenizer').map((f) => f.path),
      ...tokenizer('tokenizer_2').map((f) => f.path),
      'unet/config.json',
      'unet/model.onnx',
      'unet/model.onnx_data',
      'vae_decoder/config.json',
      'vae_decoder/model.onnx',
      'vae_encoder/config.json',
      'vae_encoder/model.onnx',
    ]);
    expect(total(files) / GB).toBeCloseTo(13.9, 1);
  });

  it('keeps weights.pb with the UNet of the SD 1.5 onnx branch, and its safety checker', () => {
    const { files } = selectModelFiles(sd15Onnx, { repo: 'runwayml/stable-diffusion-v1-5' });
    expect(locals(files)).toContain('unet/weights.pb');
    expect(locals(files)).toContain('safety_checker/model.onnx');
    expect(locals(files)).toContain('feature_extractor/preprocessor_config.json');
    expect(files).toHaveLength(sd15Onnx.length);
  });

  it("keeps Olive's model.onnx.data beside each graph", () => {
    const { files } = selectModelFiles(ortSdxlTurbo, { repo: 'onnxruntime/sdxl-turbo' });
    expect(locals(files)).toEqual(expect.arrayContaining(['unet/model.onnx', 'unet/model.onnx.data', 'text_encoder_2/model.onnx.data']));
    expect(files).toHaveLength(ortSdxlTurbo.length);
  });

  it('picks one precision per component from an onnx/ folder, with its own external data, never a quantized graph', () => {
    const fp16 = selectModelFiles(perPrecision, { repo: 'x/y', variant: 'fp16' }).files;
    const unet = fp16.filter((f) => f.local.startsWith('unet/'));
    expect(unet.map((f) => [f.path, f.local])).toEqual([
      ['unet/config.json', 'unet/config.json'],
      ['unet/onnx/model_fp16.onnx', 'unet/model.onnx'],
      ['unet/onnx/model_fp16.onnx_data', 'unet/model_fp16.onnx_data'],
    ]);
    const fp32 = selectModelFiles(perPrecision, { repo: 'x/y' }).files;
    expect(fp32.filter((f) => f.local.startsWith('unet/')).map((f) => f.path)).toEqual(['unet/config.json', 'unet/onnx/model.onnx', 'unet/onnx/model.onnx_data']);
    expect(fp32.some((f) => f.path.includes('quantized'))).toBe(false);
  });

  it('takes the precision there is where the one asked for is missing, and says so', () => {
    const noFp16Vae = perPrecision.filter((f) => !f.path.startsWith('vae_decoder/onnx/model_fp16'));
    const { files, notes } = selectModelFiles(noFp16Vae, { repo: 'x/y', variant: 'fp16' });
    expect(files.find((f) => f.local === 'vae_decoder/model.onnx')?.path).toBe('vae_decoder/onnx/model.onnx');
    expect(files.find((f) => f.local === 'unet/model.onnx')?.path).toBe('unet/onnx/model_fp16.onnx');
    expect(notes).toEqual(['vae_decoder: no fp16 file, taking model.onnx']);
  });

  it('explains a repository of PyTorch weights only, or without model_index.json', () => {
    const pytorchOnly = sdxlTurbo.filter((f) => !/\.onnx(_data)?$/.test(f.path));
    expect(() => selectModelFiles(pytorchOnly, { repo: 'stabilityai/sd-turbo' })).toThrow(/stabilityai\/sd-turbo has no ONNX files: it publishes PyTorch\/safetensors weights only\. Convert it to ONNX first/);
    const webnn = [lfs('text_encoder/model.onnx', 681 * MB), lfs('text_encoder/model_layernorm.onnx', 681 * MB), lfs('unet/model.onnx', 1.7 * GB), lfs('vae_decoder/model.onnx', 99 * MB)];
    expect(() => selectModelFiles(webnn, { repo: 'microsoft/sd-turbo-webnn' })).toThrow(/has no model_index\.json, so it is not a diffusers model folder/);
  });
});
