/**
 * Bolt, the WebClient and the Socket Mode client log through this adapter into our pino logger.
 * Their debug output includes raw payloads, so tokens, signatures and response URLs are masked
 * before anything is written.
 */
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../log/index.js';

const SECRET_PATTERNS: [RegExp, string][] = [
  [/\bxox[a-z]-[A-Za-z0-9-]+/g, 'xox?-[redacted]'],
  [/\bxapp-[A-Za-z0-9-]+/g, 'xapp-[redacted]'],
  [/("token"\s*:\s*")[^"]*(")/g, '$1[redacted]$2'],
  [/\btoken=[^&\s"]+/g, 'token=[redacted]'],
  [/(Bearer\s+)[^\s"',]+/g, '$1[redacted]'],
  [/v0=[0-9a-f]{64}/g, 'v0=[redacted]'],
  // response_url and upload URLs are capabilities: anyone holding one can post.
  [/(https?:\/\/[^\s"']*\/(?:commands|actions|respond|upload)\/)[^\s"']+/g, '$1[redacted]'],
  [/("response_url"\s*:\s*")[^"]*(")/g, '$1[redacted]$2'],
  [/(ticket=)[^&\s"]+/g, '$1[redacted]'],
];

export function scrubSecrets(text: string): string {
  return SECRET_PATTERNS.reduce((acc, [re, replacement]) => acc.replace(re, replacement), text);
}

function render(parts: unknown[]): { msg: string; err?: Error } {
  let err: Error | undefined;
  const texts: string[] = [];
  for (const p of parts) {
    if (p instanceof Error) {
      err ??= p;
      texts.push(p.message);
    } else if (typeof p === 'string') texts.push(p);
    else {
      try {
        texts.push(JSON.stringify(p));
      } catch {
        texts.push(String(p));
      }
    }
  }
  const msg = scrubSecrets(texts.join(' '));
  if (!err) return { msg };
  const clean = new Error(scrubSecrets(err.message));
  clean.name = err.name;
  if (err.stack) clean.stack = scrubSecrets(err.stack);
  return { msg, err: clean };
}

const TO_BOLT: Record<string, LogLevel> = {
  trace: LogLevel.DEBUG,
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
  error: LogLevel.ERROR,
  fatal: LogLevel.ERROR,
  silent: LogLevel.ERROR,
};

/** A Bolt Logger writing to a pino child logger (`component: slack`). */
export function boltLogger(log: Logger): BoltLogger {
  let name = 'bolt';
  let child = log.child({ component: 'slack', lib: name });
  const write = (level: 'debug' | 'info' | 'warn' | 'error', parts: unknown[]) => {
    if (!child.isLevelEnabled(level)) return;
    const { msg, err } = render(parts);
    if (err) child[level]({ err }, msg);
    else child[level](msg);
  };
  return {
    debug: (...msg: unknown[]) => write('debug', msg),
    info: (...msg: unknown[]) => write('info', msg),
    warn: (...msg: unknown[]) => write('warn', msg),
    error: (...msg: unknown[]) => write('error', msg),
    // The level is ours (LOG_LEVEL); Bolt asking for another one is ignored.
    setLevel: () => {},
    getLevel: () => TO_BOLT[log.level] ?? LogLevel.INFO,
    setName: (n: string) => {
      name = n;
      child = log.child({ component: 'slack', lib: name });
    },
  };
}
