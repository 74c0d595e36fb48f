/**
 * `npm run model -- pull <repo>[@revision] | check <dir> | list`
 * Gets a diffusers ONNX model from the Hugging Face Hub (HF_TOKEN, HF_ENDPOINT as the Hub's own
 * tools read them), checks a model folder as the pipeline will read it, and lists what the bot
 * would offer and what it skips.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { ConfigError, loadConfig, loadDotenv, PROJECT_ROOT, type AppConfig } from '../../src/config.js';
import { HubClient, HubError } from '../../src/hub/client.js';
import { pullModel, SOURCE_FILE, unfinishedPulls } from '../../src/hub/pull.js';
import { ModelSelectionError, VARIANTS, type Variant } from '../../src/hub/selection.js';
import { ModelCatalog } from '../../src/pipeline/catalog.js';
import { checkModelFolder, modelSummary, type ModelCheckReport } from '../../src/pipeline/model-check.js';
import { installedProviders } from '../../src/pipeline/onnx-session.js';
import { failWith } from '../cli-options.js';
import { createProgress } from './progress.js';
import { formatCheck } from './report.js';

const fail: (message: string) => never = failWith('model');

loadDotenv();
function config(): AppConfig {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
}

/** A path as short as it reads well: relative to the working folder when inside it. */
const shown = (p: string) => {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith('..') ? r : p;
};

/** ` · from owner/name@commit` for a folder `pull` made. */
function pulledFrom(dir: string): string {
  try {
    const source = JSON.parse(readFileSync(join(dir, SOURCE_FILE), 'utf8')) as { repo?: string; commit?: string };
    return source.repo ? ` · from ${source.repo}@${String(source.commit ?? '').slice(0, 12)}` : '';
  } catch {
    return '';
  }
}

function check(dir: string): ModelCheckReport {
  return checkModelFolder(dir, installedProviders());
}

const program = new Command()
  .name('model')
  .description('Get, check and list the Stable-Diffusion-family ONNX models the bot offers.')
  .showHelpAfterError('(run with --help for all options)');

program
  .command('pull')
  .description('download a diffusers-layout ONNX model from the Hugging Face Hub into MODELS_DIR/<name>')
  .argument('<repo>', 'owner/name, optionally @branch, @tag or @commit (e.g. stabilityai/sdxl-turbo, runwayml/stable-diffusion-v1-5@onnx)')
  .option('--subfolder <dir>', 'the folder of the repository that holds the model (default: its root, or the one folder with a model_index.json)')
  .option('--name <name>', 'the model name in the bot and the folder name (default: the repository name)')
  .addOption(new Option('--variant <precision>', 'which precision to take where a repository has several').choices([...VARIANTS]).default('fp32'))
  .option('--fp16', 'same as --variant fp16 (GPU exports)')
  .addHelpText(
    'after',
    '\nEnvironment: HF_TOKEN (gated and private repositories), HF_ENDPOINT (a Hub mirror; default https://huggingface.co), MODELS_DIR (default: the folder of MODEL_DIR, models/).',
  )
  .action(async (source: string, o: { subfolder?: string; name?: string; variant: Variant; fp16?: boolean }) => {
    const cfg = config();
    const client = new HubClient({ endpoint: process.env.HF_ENDPOINT, token: process.env.HF_TOKEN?.trim() || process.env.HUGGING_FACE_HUB_TOKEN?.trim() });
    const tty = Boolean(process.stderr.isTTY);
    const progress = createProgress(process.stderr, tty);
    let pulled;
    try {
      pulled = await pullModel(
        client,
        { source, subfolder: o.subfolder, name: o.name, variant: o.fp16 ? 'fp16' : o.variant, modelsDir: cfg.MODELS_DIR },
        // Only a folder the bot cannot read stays out; what it cannot run here is reported below.
        (dir) => {
          const r = check(dir);
          return r.model ? [] : r.problems;
        },
        progress,
      );
    } catch (err) {
      if (tty) process.stderr.write('\r\x1b[K');
      if (err instanceof HubError || err instanceof ModelSelectionError) fail(err.message);
      throw err;
    }
    if (tty) process.stderr.write('\r\x1b[K');
    console.log(`Pulled ${pulled.repo}@${pulled.revision} (commit ${pulled.commit.slice(0, 12)}) into ${shown(pulled.dir)}.\n`);
    const report = check(pulled.dir);
    console.log(formatCheck(report, cfg.UPSCALERS));
    const inDefaultPlace = resolve(cfg.MODELS_DIR) === resolve(PROJECT_ROOT, 'models');
    console.log(
      [
        '',
        'Use it:',
        `  npm run imagine -- --model ${pulled.name} "a red heart"`,
        `  /imagine a red heart --model ${pulled.name}${inDefaultPlace ? '' : `   (in a bot started with MODELS_DIR=${cfg.MODELS_DIR})`}`,
        `  or as the bot's default model: MODEL_DIR=${shown(pulled.dir)} npm start`,
      ].join('\n'),
    );
    if (report.problems.length) process.exitCode = 1;
  });

program
  .command('check')
  .description('read a model folder as the pipeline will and report what it is, what it can do, and every problem (exit 1 when there are problems)')
  .argument('<dir>', 'a model folder, or the name of one in MODELS_DIR')
  .action((dir: string) => {
    const cfg = config();
    const folder = existsSync(dir) ? dir : join(cfg.MODELS_DIR, dir);
    const report = check(folder);
    console.log(formatCheck(report, cfg.UPSCALERS));
    process.exitCode = report.problems.length ? 1 : 0;
  });

program
  .command('list')
  .description('the models the bot would offer, and the folders it skips with the reason')
  .action(async () => {
    const cfg = config();
    let catalog: ModelCatalog;
    try {
      catalog = ModelCatalog.scan(cfg.MODEL_DIR, cfg.MODELS_DIR);
    } catch (err) {
      fail(`the default model (MODEL_DIR=${cfg.MODEL_DIR}) cannot be read: ${(err as Error).message}`);
    }
    console.log(`Models the bot offers (MODEL_DIR ${shown(cfg.MODEL_DIR)}, MODELS_DIR ${shown(cfg.MODELS_DIR)}):`);
    for (const m of catalog.list()) {
      console.log(`  ${m.name}${m === catalog.defaultModel ? ' (default)' : ''}: ${modelSummary(m)} · ${shown(m.dir)}${pulledFrom(m.dir)}`);
    }
    if (catalog.skipped.length) {
      console.log('Skipped folders:');
      for (const s of catalog.skipped) console.log(`  ${shown(s.dir)}: ${s.reason}`);
    }
    const unfinished = await unfinishedPulls(cfg.MODELS_DIR);
    if (unfinished.length) {
      console.log('Unfinished pulls (run the same pull again to resume, or delete the folder):');
      for (const u of unfinished) console.log(`  ${shown(u)}`);
    }
  });

await program.parseAsync();
