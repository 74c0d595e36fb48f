/** The page itself: index.html, the script, the style sheet and the icon, read once at start. */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROJECT_ROOT } from '../../config.js';
import { HttpError, SECURITY_HEADERS } from './http.js';

interface StaticFile {
  type: string;
  body: Buffer;
}

function staticDir(): string {
  const here = fileURLToPath(new URL('./static/', import.meta.url));
  try {
    readFileSync(join(here, 'index.html'));
    return here;
  } catch {
    // A compiled build without its copy of the page uses the source tree's.
    return join(PROJECT_ROOT, 'src', 'adapters', 'web', 'static');
  }
}

export class StaticFiles {
  private readonly files: Map<string, StaticFile>;

  constructor() {
    const dir = staticDir();
    const list: [string, string, string][] = [
      ['/', 'index.html', 'text/html; charset=utf-8'],
      ['/app.js', 'app.js', 'text/javascript; charset=utf-8'],
      ['/style.css', 'style.css', 'text/css; charset=utf-8'],
      ['/favicon.svg', 'favicon.svg', 'image/svg+xml'],
    ];
    this.files = new Map(list.map(([path, file, type]) => [path, { type, body: readFileSync(join(dir, file)) }]));
  }

  /** Answers a request for one of the files and returns true; false for any other path. */
  serve(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    const file = this.files.get(path === '/index.html' ? '/' : path);
    if (!file) return false;
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, 'Method not allowed.');
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': file.type, 'Content-Length': String(file.body.length), 'Cache-Control': 'no-cache' });
    res.end(method === 'HEAD' ? undefined : file.body);
    return true;
  }
}
