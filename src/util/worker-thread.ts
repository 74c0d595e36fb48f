import { Worker, type WorkerOptions } from 'node:worker_threads';

/** Starts a worker from a .ts file under tsx (development, tests) or a .js file (compiled) alike. */
export function spawnWorker(entry: URL, options: WorkerOptions = {}): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, options);
  const bootstrap = new URL('./ts-worker-bootstrap.mjs', import.meta.url);
  return new Worker(bootstrap, { ...options, workerData: { ...(options.workerData ?? {}), __entry: entry.href } });
}
