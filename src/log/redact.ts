/**
 * Last line of defence against secrets in logs: every serialized log line is scanned for the
 * secret values themselves, whatever field, message, error or child binding carried them.
 */
import { SECRET_KEYS } from '../config.js';

export const REDACTED = '[redacted]';

/** Shorter values are not masked: they would hide ordinary words. */
const MIN_SECRET_LENGTH = 6;

/**
 * The secret values in an environment, plus the forms they take inside a log line: the JSON-escaped
 * text, and the user/password part of a URL (REDIS_URL=redis://:pass@host) on its own.
 */
export function secretValues(env: NodeJS.ProcessEnv, keys: readonly string[] = SECRET_KEYS): string[] {
  const found = new Set<string>();
  const add = (value: string | undefined) => {
    if (!value || value.length < MIN_SECRET_LENGTH) return;
    found.add(value);
    found.add(JSON.stringify(value).slice(1, -1));
  };
  for (const key of keys) {
    const value = env[key]?.trim();
    if (!value) continue;
    add(value);
    add(env[key]);
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
      try {
        const url = new URL(value);
        add(url.password && decodeURIComponent(url.password));
        add(url.password);
        if (url.username && url.password) add(`${url.username}:${url.password}`);
      } catch {
        // Not a URL after all: the whole value is already masked.
      }
    }
  }
  // Longest first, so a secret containing another is masked whole.
  return [...found].sort((a, b) => b.length - a.length);
}

/** Replaces every occurrence of each secret in a text. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}

export interface LineSink {
  write(chunk: string): unknown;
}

/** A pino destination that masks secrets in each line before handing it on. */
export function redactingDestination<T extends LineSink>(destination: T, secrets: readonly string[]): LineSink {
  if (secrets.length === 0) return destination;
  return {
    write(chunk: string) {
      return destination.write(maskSecrets(String(chunk), secrets));
    },
  };
}
