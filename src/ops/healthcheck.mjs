// Docker HEALTHCHECK: exits 0 when /healthz answers 200, 1 otherwise. Plain JavaScript, so it
// starts fast and needs neither tsx nor curl in the image. Reads the same variables as the bot.
const env = process.env;
const opsPort = Number(env.OPS_PORT || 0);
const port = opsPort || Number(env.WEB_PORT || 8080);
let host = (opsPort ? env.OPS_HOST : env.WEB_HOST) || '127.0.0.1';
// A server bound to every interface is reached on loopback from inside the container.
if (host === '0.0.0.0') host = '127.0.0.1';
if (host === '::') host = '::1';
if (host.includes(':') && !host.startsWith('[')) host = `[${host}]`;

if (!port) {
  console.error('healthcheck: no health endpoint (OPS_PORT and WEB_PORT are both 0)');
  process.exit(1);
}
const url = `http://${host}:${port}/healthz`;
try {
  const res = await fetch(url, { signal: AbortSignal.timeout(Number(env.HEALTHCHECK_TIMEOUT_MS || 4000)) });
  const body = await res.text();
  if (res.ok) process.exit(0);
  console.error(`healthcheck: ${url} answered ${res.status}: ${body.slice(0, 500)}`);
} catch (err) {
  console.error(`healthcheck: ${url} unreachable: ${err instanceof Error ? err.message : String(err)}`);
}
process.exit(1);
