/**
 * Which browser a request comes from, for the exposed playground: a random id in a cookie signed
 * with a secret kept in DATA_DIR, so a user is a name *in one browser*. Typing someone else's name
 * elsewhere makes a different user, who cannot cancel their jobs or spend their quota.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';

export const BROWSER_COOKIE = 'imagine_browser';
const SECRET_FILE = 'playground-secret';
const ID = /^[A-Za-z0-9_-]{22}$/;
const ONE_YEAR_S = 365 * 24 * 3600;

/** The signing secret in DATA_DIR (made on first use, readable by this user only), so cookies outlive restarts. */
export function loadBrowserSecret(dataDir: string): Buffer {
  const file = join(dataDir, SECRET_FILE);
  if (existsSync(file)) {
    const secret = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
    if (secret.length >= 32) return secret;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32);
  writeFileSync(file, secret.toString('base64url'), { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}

export class BrowserIds {
  constructor(private readonly secret: Buffer) {}

  private sign(id: string): string {
    return createHmac('sha256', this.secret).update(id).digest('base64url');
  }

  /** The browser's id from a validly signed cookie; undefined when there is none or it was tampered with. */
  read(req: IncomingMessage): string | undefined {
    const cookies = (req.headers.cookie ?? '').split(';').map((c) => c.trim());
    const value = cookies.find((c) => c.startsWith(`${BROWSER_COOKIE}=`))?.slice(BROWSER_COOKIE.length + 1);
    const [id, mac] = (value ?? '').split('.');
    if (!id || !mac || !ID.test(id)) return undefined;
    const expected = Buffer.from(this.sign(id));
    const given = Buffer.from(mac);
    return given.length === expected.length && timingSafeEqual(given, expected) ? id : undefined;
  }

  /** The request's browser id, issuing a new signed cookie on the response when it has none. */
  identify(req: IncomingMessage, res: ServerResponse, secure: boolean): string {
    const known = this.read(req);
    if (known) return known;
    const id = randomBytes(16).toString('base64url');
    const attributes = ['Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${ONE_YEAR_S}`, ...(secure ? ['Secure'] : [])];
    res.setHeader('Set-Cookie', `${BROWSER_COOKIE}=${id}.${this.sign(id)}; ${attributes.join('; ')}`);
    return id;
  }
}
