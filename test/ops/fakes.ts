/** Small stand-ins for the queue and job store, for unit tests of the ops parts. */
import type { AdapterState } from '../../src/adapters/types.js';
import type { JobEvent, JobRecord } from '../../src/core/jobs.js';
import type { JobQueue, QueueStats } from '../../src/queue/types.js';
import { MemoryJobs } from '../fixtures/memory-stores.js';

export { MemoryJobs };

export function jobRecord(id: string, fields: Partial<JobRecord> = {}): JobRecord {
  return {
    id,
    kind: 'imagine',
    platform: 'discord',
    serverId: 'server-a',
    channelId: 'c1',
    userId: 'u1',
    userName: 'Ada',
    params: { prompt: 'a red heart', negativePrompt: '', model: 'emoji-diffusion', seed: 1, steps: 4, guidance: 7, width: 64, height: 64, count: 4 },
    status: 'queued',
    priority: 0,
    cost: 4,
    createdAt: 1_000_000,
    attempts: 0,
    ...fields,
  };
}

/** A queue that only emits the events a test pushes and reports the stats it is given. */
export class ScriptedQueue implements JobQueue {
  readonly available = true;
  private listeners = new Set<(e: JobEvent) => void>();
  statsValue: QueueStats = { queued: 0, running: 0, byStatus: {} };
  statsError?: Error;
  closedWith: { deadlineMs?: number } | undefined;
  submitImpl: JobQueue['submit'] = async () => {
    throw new Error('not scripted');
  };
  emit(event: JobEvent) {
    for (const l of this.listeners) l(event);
  }
  submit(s: Parameters<JobQueue['submit']>[0]) {
    return this.submitImpl(s);
  }
  async cancel() {
    return 'not-found' as const;
  }
  async position() {
    return undefined;
  }
  async estimate() {
    return {};
  }
  onEvent(listener: (e: JobEvent) => void) {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
  async stats() {
    if (this.statsError) throw this.statsError;
    return this.statsValue;
  }
  async start() {}
  async close(options?: { deadlineMs?: number }) {
    this.closedWith = options ?? {};
  }
}

export function adapter(name: 'discord' | 'slack' | 'web', state: AdapterState) {
  const a = {
    name,
    current: state,
    stopped: 0,
    state: () => a.current,
    stop: async () => {
      a.stopped++;
      a.current = 'stopped';
    },
  };
  return a;
}

/** Reads Prometheus text into samples; `sample(text, name, labels)` finds one by name and exact labels. */
export function parseMetrics(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  const out: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** The value of the one sample with this name and exactly these labels; undefined when absent. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const want = JSON.stringify(Object.entries(labels).sort());
  const hits = parseMetrics(text).filter((s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === want);
  if (hits.length > 1) throw new Error(`${name} ${want} appears ${hits.length} times`);
  return hits[0]?.value;
}
