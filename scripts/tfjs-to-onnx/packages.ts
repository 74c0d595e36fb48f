import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The installed folder of a package whose `exports` hide its package.json (found from `entry`, or its main). */
export function packageDir(pkg: string, entry?: string): string {
  let dir = dirname(require.resolve(entry ? `${pkg}/${entry}` : pkg));
  while (!existsSync(join(dir, 'package.json')) || (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name !== pkg) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the folder of ${pkg}`);
    dir = up;
  }
  return dir;
}

/** The version an installed package declares. */
export function packageVersion(pkg: string, entry?: string): string {
  return (JSON.parse(readFileSync(join(packageDir(pkg, entry), 'package.json'), 'utf8')) as { version: string }).version;
}
