// `npm start` and `npm run worker`: with NODE_ENV=production the compiled build in dist/ (plain
// JavaScript, `npm run build` first, as the Docker image does); otherwise the TypeScript sources
// through tsx, so a fresh clone runs with no build step.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = process.argv[2];
if (!entry) {
  console.error('usage: node scripts/launch.mjs src/runtime/main');
  process.exit(2);
}
process.argv.splice(2, 1);
if (process.env.NODE_ENV === 'production') {
  const file = join(root, 'dist', `${entry}.js`);
  if (!existsSync(file)) {
    console.error(`${file} is missing: run \`npm run build\` first (NODE_ENV=production runs the compiled build)`);
    process.exit(1);
  }
  await import(pathToFileURL(file).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(root, `${entry}.ts`)).href);
}
