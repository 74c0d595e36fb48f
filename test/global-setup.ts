/**
 * Once before the suite: the compiled build (`npm run build` → dist/), so that the tests of the bot
 * process run it as the Docker image does, plain JavaScript with no TypeScript loader.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/util/project-root.js';

export default function setup(): void {
  execFileSync(process.execPath, [join(PROJECT_ROOT, 'scripts', 'build.mjs')], { cwd: PROJECT_ROOT, stdio: 'pipe' });
}
