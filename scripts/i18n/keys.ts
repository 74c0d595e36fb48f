/**
 * Every message key in the code, found by parsing it: md`…` templates, tr('…') and msg('…'),
 * string literals given to new UserError(…), textReply(…) and replyOf(…), and the string values of
 * `label`, `placeholder`, `title`, `submitLabel` and `description` properties (buttons, menus,
 * forms, command and option descriptions). Also what cannot be translated: a UserError or a
 * reply built from a template literal with values in it (use md`…` there).
 *
 *   npx tsx scripts/i18n/keys.ts [--missing de]   prints the keys as JSON (or those a catalogue lacks)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from '@babel/parser';
import { PROJECT_ROOT } from '../../src/util/project-root.js';

export interface MessageKeys {
  /** Key → where it is used (file:line). */
  keys: Map<string, string[]>;
  /** Places a message is built in a way no catalogue can translate. */
  untranslatable: string[];
}

const SCANNED = ['commands', 'src'];
/** Catalogues, and code whose strings are not messages to users (logs, metrics, the Hub client's CLI) or stay English (button labels). */
const SKIPPED = [/^src\/core\/i18n\//, /^src\/hub\//, /^src\/log\//, /^src\/ops\//, /^src\/core\/buttons\.ts$/];
const PROPERTIES = new Set(['label', 'placeholder', 'title', 'submitLabel', 'description', 'help']);
const MESSAGE_CALLS = new Set(['UserError', 'textReply', 'replyOf', 'tr', 'msg']);

function sourceFiles(dir: string): string[] {
  return readdirSync(join(PROJECT_ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return sourceFiles(rel);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') && !SKIPPED.some((r) => r.test(rel)) ? [rel] : [];
  });
}

type Node = { type: string; loc?: { start: { line: number } }; [k: string]: unknown };

function* walk(node: unknown): Generator<Node> {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const n of node) yield* walk(n);
    return;
  }
  const n = node as Node;
  if (typeof n.type === 'string') yield n;
  for (const [k, v] of Object.entries(n)) {
    if (k === 'loc' || k === 'start' || k === 'end' || k === 'extra' || k === 'leadingComments' || k === 'trailingComments' || k === 'innerComments') continue;
    if (v && typeof v === 'object') yield* walk(v);
  }
}

/** The literal text of a string or a template without values. */
function literal(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'StringLiteral') return node.value as string;
  if (node.type === 'TemplateLiteral' && (node.expressions as unknown[]).length === 0) return (node.quasis as { value: { cooked: string } }[])[0]!.value.cooked;
  return undefined;
}

function calleeName(node: Node): string | undefined {
  const callee = node.callee as Node;
  if (callee.type === 'Identifier') return callee.name as string;
  return undefined;
}

export function messageKeys(): MessageKeys {
  const keys = new Map<string, string[]>();
  const untranslatable: string[] = [];
  for (const file of SCANNED.flatMap(sourceFiles)) {
    const ast = parse(readFileSync(join(PROJECT_ROOT, file), 'utf8'), { sourceType: 'module', plugins: ['typescript'] });
    const add = (key: string, node: Node) => {
      if (!/[A-Za-z]/.test(key)) return;
      const where = `${file}:${node.loc?.start.line ?? 0}`;
      keys.set(key, [...(keys.get(key) ?? []), where]);
    };
    for (const node of walk(ast.program)) {
      if (node.type === 'TaggedTemplateExpression' && (node.tag as Node).type === 'Identifier' && (node.tag as Node).name === 'md') {
        const quasis = ((node.quasi as Node).quasis as { value: { cooked: string } }[]).map((q) => q.value.cooked);
        add(quasis.map((s, i) => (i === 0 ? s : `{${i - 1}}${s}`)).join(''), node);
      } else if ((node.type === 'CallExpression' || node.type === 'NewExpression') && MESSAGE_CALLS.has(calleeName(node) ?? '')) {
        const first = (node.arguments as Node[])[0];
        const text = literal(first);
        if (text !== undefined) add(text, node);
        else if (first?.type === 'TemplateLiteral') untranslatable.push(`${file}:${node.loc?.start.line ?? 0} ${calleeName(node)} with a template literal`);
      } else if (node.type === 'ObjectProperty' && (node.key as Node).type === 'Identifier' && PROPERTIES.has((node.key as Node).name as string)) {
        const text = literal(node.value as Node);
        if (text !== undefined) add(text, node);
      }
    }
  }
  return { keys, untranslatable };
}

if (process.argv[1] && relative(process.argv[1], new URL(import.meta.url).pathname) === '') {
  const { keys, untranslatable } = messageKeys();
  const lang = process.argv.indexOf('--missing') >= 0 ? process.argv[process.argv.indexOf('--missing') + 1] : undefined;
  let list = [...keys.keys()];
  if (lang) {
    const catalogue = ((await import(`../../src/core/i18n/${lang}.js`)) as { default: Record<string, string> }).default;
    list = list.filter((k) => !(k in catalogue));
  }
  process.stdout.write(`${JSON.stringify(list, null, 1)}\n`);
  if (untranslatable.length) process.stderr.write(`untranslatable:\n${untranslatable.join('\n')}\n`);
}
