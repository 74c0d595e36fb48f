import { pino, type Logger as PinoLogger } from 'pino';
import { SECRET_KEYS } from '../config.js';
import { redactingDestination, secretValues } from './redact.js';

export type Logger = PinoLogger;

/** Field paths whose values pino replaces with [redacted], wherever they appear in a log object. */
const REDACT_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'password',
  '*.password',
  'signingSecret',
  '*.signingSecret',
];

/**
 * Structured JSON logs (pino), or readable lines for a terminal. Secrets are redacted by field
 * name, and any secret value from the environment is masked wherever it appears in a line.
 */
export function createLogger(options: { level?: string; name?: string; destination?: NodeJS.WritableStream; env?: NodeJS.ProcessEnv; pretty?: boolean } = {}): Logger {
  const out = options.destination ?? process.stdout;
  return pino(
    {
      name: options.name ?? 'imagine-bot',
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    },
    // Masks secret values in every serialized line (messages, nested fields, error stacks), wherever the paths above miss them.
    redactingDestination(options.pretty ? readableLines(out) : out, secretValues(options.env ?? process.env)),
  );
}

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const QUIET_FIELDS = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg']);

/** For a person at a terminal: `13:05:22 INFO message key=value`, the error's stack below. */
export function readableLines(out: NodeJS.WritableStream): { write(line: string): void } {
  return {
    write(line: string) {
      let o: Record<string, unknown>;
      try {
        o = JSON.parse(line) as Record<string, unknown>;
      } catch {
        out.write(line);
        return;
      }
      const time = new Date(Number(o.time)).toISOString().slice(11, 19);
      const extras = Object.entries(o)
        .filter(([k]) => !QUIET_FIELDS.has(k) && k !== 'err')
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
      const err = o.err as { stack?: string; message?: string } | undefined;
      const tail = err ? `\n    ${(err.stack ?? err.message ?? '').split('\n').join('\n    ')}` : '';
      out.write(`${time} ${(LEVEL_NAMES[Number(o.level)] ?? 'LOG').padEnd(5)} ${String(o.msg ?? '')}${extras.length ? `  ${extras.join(' ')}` : ''}${tail}\n`);
    },
  };
}
