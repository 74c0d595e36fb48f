import { pino, type Logger as PinoLogger } from 'pino';
import { SECRET_KEYS } from './config.js';
import { redactingDestination, secretValues } from './ops/redact.js';

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
 * Structured JSON logs (pino). Secrets are redacted by field name, and any secret value from the
 * environment that slips into a message string is masked too.
 */
export function createLogger(options: { level?: string; name?: string; destination?: NodeJS.WritableStream; env?: NodeJS.ProcessEnv } = {}): Logger {
  const env = options.env ?? process.env;
  const secrets = SECRET_KEYS.map((k) => env[k]).filter((v): v is string => typeof v === 'string' && v.length >= 6);
  const mask = (s: string) => secrets.reduce((acc, secret) => acc.split(secret).join('[redacted]'), s);
  return pino(
    {
      name: options.name ?? 'imagine-bot',
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? mask(a) : a)) as Parameters<typeof method>);
        },
      },
      formatters: {
        log(object) {
          // Error messages can carry tokens too (e.g. a URL with credentials).
          const err = object.err as { message?: string; stack?: string } | undefined;
          if (err && typeof err === 'object' && secrets.length) {
            return { ...object, err: { ...err, message: err.message && mask(err.message), stack: err.stack && mask(err.stack) } };
          }
          return object;
        },
      },
    },
    // Masks secret values in every serialized line, wherever the fields above missed them.
    redactingDestination(options.destination ?? process.stdout, secretValues(env)),
  );
}
