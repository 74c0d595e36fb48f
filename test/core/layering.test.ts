/**
 * The house rules of the layout (../shared/DESIGN.md), read from the import statements: data walks
 * one way, and each outside library has one room that may use it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';

interface Source {
  /** Path relative to the project root, with forward slashes. */
  file: string;
  /** Import and export-from specifiers, relative ones resolved to project paths. */
  imports: string[];
}

function sources(dir: string): Source[] {
  const out: Source[] = [];
  for (const entry of readdirSync(join(PROJECT_ROOT, dir), { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.(ts|mts|js)$/.test(entry.name) || entry.parentPath.includes('static')) continue;
    const abs = join(entry.parentPath, entry.name);
    const text = readFileSync(abs, 'utf8');
    const imports = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g)].map((m) => {
      const spec = m[1] ?? m[2]!;
      return spec.startsWith('.') ? relative(PROJECT_ROOT, resolve(dirname(abs), spec)).replace(/\\/g, '/') : spec;
    });
    out.push({ file: relative(PROJECT_ROOT, abs).replace(/\\/g, '/'), imports });
  }
  return out;
}

const all = [...sources('src'), ...sources('commands')];
const offenders = (where: (s: Source) => boolean, bad: (spec: string) => boolean) =>
  all.filter(where).flatMap((s) => s.imports.filter(bad).map((spec) => `${s.file} → ${spec}`));

describe('layering', () => {
  it('reads every source file', () => {
    expect(all.length).toBeGreaterThan(80);
    expect(all.find((s) => s.file === 'src/core/jobs.ts')?.imports).toContain('src/core/samplers.js');
  });

  it('core is the floor: it imports nothing but itself and node built-ins', () => {
    expect(offenders((s) => s.file.startsWith('src/core/'), (spec) => !spec.startsWith('src/core/') && !spec.startsWith('node:'))).toEqual([]);
  });

  it('only the adapters import discord.js, Bolt or ws', () => {
    expect(offenders((s) => !s.file.startsWith('src/adapters/'), (spec) => /^(discord\.js|@slack\/|ws$)/.test(spec))).toEqual([]);
  });

  it('only the pipeline imports onnxruntime-node', () => {
    expect(offenders((s) => !s.file.startsWith('src/pipeline/'), (spec) => spec.startsWith('onnxruntime'))).toEqual([]);
  });

  it('commands, jobs, queue, stores and the pipeline know no chat platform', () => {
    const neutral = /^(commands\/|src\/(jobs|queue|store|pipeline|replies|images)\/)/;
    expect(offenders((s) => neutral.test(s.file), (spec) => spec.startsWith('src/adapters/'))).toEqual([]);
  });

  it('the Hub client stands apart: it needs only node, and only the model CLI uses it', () => {
    expect(offenders((s) => s.file.startsWith('src/hub/'), (spec) => !spec.startsWith('src/hub/') && !spec.startsWith('node:'))).toEqual([]);
    expect(offenders((s) => !s.file.startsWith('src/hub/'), (spec) => spec.startsWith('src/hub/'))).toEqual([]);
  });

  it('the pipeline knows nothing of jobs, queues, stores or chats', () => {
    expect(offenders((s) => s.file.startsWith('src/pipeline/'), (spec) => /^(src\/(jobs|queue|store|replies|adapters|runtime|ops)\/|commands\/)/.test(spec))).toEqual([]);
  });
});
