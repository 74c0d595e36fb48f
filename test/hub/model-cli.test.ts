/**
 * `npm run model` end to end against the loopback Hub: pull a generated model, check it, list it,
 * and make a picture with it through `npm run imagine -- --model NAME`.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createProgress } from '../../scripts/model/progress.js';
import { FakeHub, filesOf } from '../fixtures/fake-hub.js';
import { writeTinyModel } from '../fixtures/tiny-models.js';

const exec = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), 'imagine-model-cli-'));
const modelsDir = join(root, 'models');
let hub: FakeHub;

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(script: string, args: string[], env: Record<string, string> = {}): Promise<Ran> {
  try {
    const { stdout, stderr } = await exec(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: process.cwd(),
      env: { ...process.env, MODEL_DIR: '', MODELS_DIR: modelsDir, HF_ENDPOINT: hub.endpoint, HF_TOKEN: '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
const model = (...args: string[]) => run('scripts/model/cli.ts', args);

beforeAll(async () => {
  hub = await new FakeHub().start();
  const files = filesOf(writeTinyModel(join(root, 'src'), { generation: 'optimum-2023', family: 'sd1', externalData: true }));
  files.set('unet/diffusion_pytorch_model.safetensors', Buffer.alloc(9000, 3));
  hub.publish('acme/tiny-sd', files);
  hub.publish('acme/private-sd', files, { gated: true });
  // A folder the bot skips, with its reason.
  mkdirSync(join(modelsDir, 'half-copied'), { recursive: true });
  writeFileSync(join(modelsDir, 'half-copied', 'model_index.json'), JSON.stringify({ _class_name: 'OnnxStableDiffusionPipeline' }));
});

afterAll(async () => {
  await hub?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('npm run model', () => {
  it('pulls a model, checks it, prints how to use it, and the model makes pictures', async () => {
    const pulled = await model('pull', 'acme/tiny-sd', '--name', 'tiny');
    expect(pulled.stderr).not.toContain('\r');
    expect(pulled.stderr).toMatch(/acme\/tiny-sd@main is commit [0-9a-f]{12}/);
    expect(pulled.stderr).toMatch(/text_encoder\/model\.onnx_data 137\.5 KB · SHA-256 checked/);
    expect(pulled.stdout).toContain(`Pulled acme/tiny-sd@main`);
    expect(pulled.stdout).toContain('Family: SD 1.x (ORTStableDiffusionPipeline)');
    expect(pulled.stdout).toContain('OK: the bot can load this model.');
    expect(pulled.stdout).toContain('npm run imagine -- --model tiny "a red heart"');
    expect(pulled.stdout).toContain('/imagine a red heart --model tiny');
    expect(pulled.code).toBe(0);

    const out = join(root, 'made.png');
    const made = await run('scripts/imagine.ts', ['a red heart', '--model', 'tiny', '--seed', '3', '--steps', '2', '-W', '64', '-H', '64', '--out', out, '-q']);
    expect(made.stdout).toContain(`${out} (seed 3, 64×64)`);
    expect(await sharp(out).metadata()).toMatchObject({ width: 64, height: 64, format: 'png' });

    const listed = await model('list');
    expect(listed.stdout).toMatch(/emoji-diffusion \(default\): SD 1\.x · 64×64/);
    expect(listed.stdout).toMatch(/ {2}tiny: SD 1\.x · 512×512 · 25 steps · guidance 7 · .* · from acme\/tiny-sd@[0-9a-f]{12}\n/);
    expect(listed.stdout).toMatch(/Skipped folders:\n {2}.*half-copied: model folder .*half-copied is missing tokenizer\/vocab\.json/);

    const checked = await model('check', 'tiny');
    expect(checked.code).toBe(0);
    expect(checked.stdout).toMatch(/Sessions:\n {2}text_encoder\/model\.onnx \(.*, weights in model\.onnx_data\)\n {4}in: {2}input_ids int64 \[batch, 77\]/);
    expect(checked.stdout).toMatch(/Runs here on:\n {2}cpu: yes/);
  });

  it('exits 1 and names the problems of a folder that is not a model', async () => {
    const checked = await model('check', join(modelsDir, 'half-copied'));
    expect(checked.code).toBe(1);
    expect(checked.stdout).toContain('tokenizer/vocab.json is missing (the CLIP vocabulary)');
    expect(checked.stdout).toContain('unet/model.onnx is missing (the denoising UNet)');
  });

  it('says to set HF_TOKEN for a gated model, and pulls it with one; the token never reaches the output', async () => {
    const refused = await model('pull', 'acme/private-sd');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^model: acme\/private-sd is a gated model: set HF_TOKEN to an access token/m);
    const pulled = await run('scripts/model/cli.ts', ['pull', 'acme/private-sd'], { HF_TOKEN: hub.token });
    expect(pulled.code).toBe(0);
    expect(`${pulled.stdout}${pulled.stderr}`).not.toContain(hub.token);
  });

  it('runs compiled, as the Docker image has it (node dist/scripts/model/cli.js)', async () => {
    const { stdout } = await exec(process.execPath, [join(process.cwd(), 'dist', 'scripts', 'model', 'cli.js'), 'check', 'tiny'], {
      env: { ...process.env, MODEL_DIR: '', MODELS_DIR: modelsDir },
    });
    expect(stdout).toContain('OK: the bot can load this model.');
  });

  it('explains its options', async () => {
    const help = await model('pull', '--help');
    expect(help.stdout).toMatch(/--variant <precision> +which precision to take .*\(choices: "fp32", "fp16"/s);
    expect(help.stdout).toContain('HF_TOKEN');
    expect(help.stdout).toContain('HF_ENDPOINT');
  });
});

describe('pull progress', () => {
  const file = { path: 'unet/model.onnx_data', local: 'unet/model.onnx_data', size: 200e6, sha256: 'a'.repeat(64) };
  const planned = { kind: 'planned' as const, files: [file], totalBytes: 200e6, haveBytes: 0, notes: [], subfolder: '' };

  it('redraws one bar with bytes, speed and time left on a terminal', () => {
    vi.useFakeTimers({ now: 0, toFake: ['Date'] });
    try {
      let written = '';
      const show = createProgress({ write: (s: string) => (written += s), columns: 200 } as unknown as NodeJS.WriteStream, true);
      show(planned);
      show({ kind: 'file', file, index: 0, count: 1 });
      for (let s = 1; s <= 4; s++) {
        vi.setSystemTime(s * 1000);
        show({ kind: 'bytes', delta: 25e6 });
      }
      const last = written.split('\r').at(-1)!;
      expect(last).toMatch(/^▕█{12}░{12}▏  50% {2}100\.0 MB \/ 200\.0 MB · 25\.0 MB\/s · 4 s left · unet\/model\.onnx_data\x1b\[K$/);
    } finally {
      vi.useRealTimers();
    }
  });

  it('writes plain lines at each quarter of a large file when not a terminal', () => {
    const lines: string[] = [];
    const show = createProgress({ write: (s: string) => lines.push(s) } as unknown as NodeJS.WriteStream, false);
    show(planned);
    show({ kind: 'file', file, index: 0, count: 1 });
    for (let i = 0; i < 8; i++) show({ kind: 'bytes', delta: 25e6 });
    show({ kind: 'done-file', file, verified: 'sha256', reused: false });
    expect(lines.join('')).toBe(
      [
        '1 files, 200.0 MB',
        '[1/1] unet/model.onnx_data (200.0 MB)',
        '  unet/model.onnx_data: 25% (50.0 MB of 200.0 MB)',
        '  unet/model.onnx_data: 50% (100.0 MB of 200.0 MB)',
        '  unet/model.onnx_data: 75% (150.0 MB of 200.0 MB)',
        'unet/model.onnx_data 200.0 MB · SHA-256 checked',
        '',
      ].join('\n'),
    );
  });
});
