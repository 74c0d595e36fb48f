/**
 * Once before the suite: the compiled build (`npm run build` → dist/), so that the tests of the bot
 * process run it as the Docker image does, plain JavaScript with no TypeScript loader; and one temp
 * folder for what test processes share (the tiny model), removed after the suite.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/util/project-root.js';

export default function setup(): () => void {
  try {
    execFileSync(process.execPath, [join(PROJECT_ROOT, 'scripts', 'build.mjs')], { cwd: PROJECT_ROOT, stdio: 'pipe', encoding: 'utf8' });
  } catch (err) {
    const { stdout, stderr } = err as { stdout?: string; stderr?: string };
    throw new Error(`npm run build failed:\n${stdout ?? ''}${stderr ?? ''}`);
  }
  // Test processes are forked after this and inherit the variable.
  const shared = mkdtempSync(join(tmpdir(), 'imagine-suite-'));
  process.env.IMAGINE_TEST_SHARED = shared;
  return () => rmSync(shared, { recursive: true, force: true });
}
