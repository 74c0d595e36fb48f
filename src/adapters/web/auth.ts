/**
 * Who is an admin in the playground: anyone on this machine while the server only listens on
 * loopback; once exposed (WEB_HOST), whoever gives WEB_PASSWORD.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { BoundedMap } from '../../util/bounded-map.js';
import { isLoopbackAddress } from './http.js';

/** The header the page sends the admin password in (never logged: see the logger's redaction). */
export const PASSWORD_HEADER = 'x-playground-password';

export interface AdminDecision {
  isAdmin: boolean;
  /** A password was given and it was wrong (or too many wrong ones came from that address). */
  passwordRejected?: 'wrong' | 'locked';
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export interface AdminGateOptions {
  /** The server listens on loopback only. */
  boundToLoopback: boolean;
  password?: string;
  /** Wrong passwords one address may try per window before it is locked out for the rest of it. */
  maxFailures?: number;
  windowMs?: number;
  now?: () => number;
}

export class AdminGate {
  private readonly expected?: Buffer;
  /** Bounded: a flood of addresses only forgets old failure counts. */
  private readonly failures = new BoundedMap<string, { count: number; since: number }>(10_000);
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor(private readonly options: AdminGateOptions) {
    // Comparing fixed-length digests keeps the comparison constant-time whatever the lengths.
    if (options.password) this.expected = digest(options.password);
    this.maxFailures = options.maxFailures ?? 10;
    this.windowMs = options.windowMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Whether the page needs to ask for a password before admin actions work. */
  get passwordNeeded(): boolean {
    return !this.options.boundToLoopback;
  }

  decide(remoteAddress: string | undefined, password: string | undefined): AdminDecision {
    if (this.options.boundToLoopback && isLoopbackAddress(remoteAddress)) return { isAdmin: true };
    if (password === undefined || password === '' || !this.expected) return { isAdmin: false };
    const key = remoteAddress ?? '?';
    const now = this.now();
    const f = this.failures.get(key);
    if (f && now - f.since > this.windowMs) this.failures.delete(key);
    const current = this.failures.get(key);
    if (current && current.count >= this.maxFailures) return { isAdmin: false, passwordRejected: 'locked' };
    if (timingSafeEqual(digest(password), this.expected)) return { isAdmin: true };
    if (current) current.count++;
    else this.failures.set(key, { count: 1, since: now });
    return { isAdmin: false, passwordRejected: 'wrong' };
  }
}
