// `npm run build`: compiles src/, commands/ and the deploy-commands and model scripts to dist/ (tsconfig.build.json),
// then copies what the compiled code reads beside itself: the Redis scripts and the playground's page.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
for (const dir of ['src/queue/redis/lua', 'src/adapters/web/static']) {
  cpSync(join(root, dir), join(root, 'dist', dir), { recursive: true });
}
cpSync(join(root, 'src/ops/healthcheck.mjs'), join(root, 'dist/src/ops/healthcheck.mjs'));
console.log('built dist/');
