/**
 * `npm run bench [name…]`: runs every benchmark in bench/ (or the named ones) and prints its
 * lines. Speed claims live here, as ratios and rates; tests never assert timings.
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from '../src/config.js';

const dir = join(PROJECT_ROOT, 'bench');
const wanted = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort()
  .filter((f) => wanted.length === 0 || wanted.includes(basename(f, '.bench.ts')));
if (files.length === 0) {
  console.error(`no benchmark matches ${wanted.join(', ')}; have: ${readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).map((f) => basename(f, '.bench.ts')).join(', ')}`);
  process.exit(2);
}
for (const f of files) {
  console.log(`\n== ${basename(f, '.bench.ts')} ==`);
  const mod = (await import(pathToFileURL(join(dir, f)).href)) as { default: () => Promise<void> };
  await mod.default();
}
process.exit(0);
