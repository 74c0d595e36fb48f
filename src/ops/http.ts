/**
 * GET /livez, /readyz (= /healthz) and /metrics, as a route function the playground's server can mount
 * (startWeb(services, { routes })) or on a server of their own (OPS_PORT/OPS_HOST).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Health } from './health.js';
import type { Metrics } from './metrics.js';
import { maskSecrets, secretValues } from '../log/redact.js';

/** Answers the paths it knows and returns true; returns false for every other path. */
export type OpsRoutes = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface OpsRoutesOptions {
  health: Health;
  metrics?: Metrics;
  /** Values never sent in a response (error texts can carry them); defaults to the environment's secrets. */
  secrets?: readonly string[];
  /** Told about a failure to produce a response (the client gets a 500). */
  onError?: (err: unknown) => void;
}

/** Readiness under the name the HEALTHCHECK and older probes use. */
export const HEALTH_PATH = '/healthz';
/** 200 while the bot can take work now; 503 while starting, broken or stopping. */
export const READY_PATH = '/readyz';
/** 200 while the process answers at all: an orchestrator restarts it only when this fails. */
export const LIVE_PATH = '/livez';
export const METRICS_PATH = '/metrics';

const PATHS = new Set([HEALTH_PATH, READY_PATH, LIVE_PATH, METRICS_PATH]);

function send(res: ServerResponse, status: number, type: string, body: string, head: boolean): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
  res.end(head ? undefined : body);
}

export function createOpsRoutes(options: OpsRoutesOptions): OpsRoutes {
  const secrets = options.secrets ?? secretValues(process.env);
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (!PATHS.has(path)) return false;
    if (path === METRICS_PATH && !options.metrics) return false;
    const method = req.method ?? 'GET';
    const head = method === 'HEAD';
    if (method !== 'GET' && !head) {
      res.setHeader('Allow', 'GET, HEAD');
      send(res, 405, 'text/plain; charset=utf-8', 'Method not allowed.\n', false);
      return true;
    }
    const answer = async () => {
      if (path === LIVE_PATH) {
        // The event loop answered: waiting for Discord or a model is no reason to restart.
        const body = JSON.stringify({ status: options.health.stopping ? 'stopping' : 'alive', uptimeSeconds: Math.round(process.uptime()) });
        send(res, 200, 'application/json; charset=utf-8', body, head);
      } else if (path === HEALTH_PATH || path === READY_PATH) {
        const report = await options.health.check();
        send(res, report.status === 'ok' ? 200 : 503, 'application/json; charset=utf-8', maskSecrets(JSON.stringify(report), secrets), head);
      } else {
        const text = await options.metrics!.render();
        send(res, 200, options.metrics!.contentType, text, head);
      }
    };
    answer().catch((err: unknown) => {
      options.onError?.(err);
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'Internal error.\n', head);
      else res.destroy();
    });
    return true;
  };
}

export interface OpsServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Serves only the ops routes (404 for anything else), for OPS_PORT. */
export async function startOpsServer(routes: OpsRoutes, options: { port: number; host: string }): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    if (!routes(req, res)) send(res, 404, 'text/plain; charset=utf-8', 'Not found. Try /livez, /readyz or /metrics.\n', req.method === 'HEAD');
  });
  // Scrapers keep connections open; do not let them hold shutdown.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
