import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { installShutdown, type SignalSource } from '../../src/ops/shutdown.js';

function signalSource() {
  const emitter = new EventEmitter();
  const source: SignalSource & { send(s: NodeJS.Signals): void; count(s: NodeJS.Signals): number } = {
    on: (s, l) => emitter.on(s, l),
    off: (s, l) => emitter.off(s, l),
    send: (s) => void emitter.emit(s, s),
    count: (s) => emitter.listenerCount(s),
  };
  return source;
}

function silentLog() {
  const lines: { level: string; msg: string; obj?: unknown }[] = [];
  const at = (level: string) => (obj: unknown, msg?: string) => void lines.push({ level, msg: typeof obj === 'string' ? obj : (msg ?? ''), obj });
  return { log: { info: at('info'), warn: at('warn'), error: at('error') } as never, lines };
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('graceful shutdown', () => {
  it('on SIGTERM: health goes red, the queue drains with the deadline, then adapters stop and resources close in order', async () => {
    const order: string[] = [];
    const signals = signalSource();
    const exits: number[] = [];
    const { log } = silentLog();
    const drained = deferred();
    installShutdown({
      queue: {
        close: async (o) => {
          order.push(`queue.close(${o?.deadlineMs})`);
          await drained.promise;
          order.push('queue closed');
        },
      },
      adapters: [
        { name: 'discord', stop: async () => void order.push('discord stopped') },
        { name: 'web', stop: async () => void order.push('web stopped') },
      ],
      resources: [
        { name: 'the pipeline', close: () => void order.push('pipeline released') },
        { name: 'the database', close: () => void order.push('database closed') },
      ],
      health: { markStopping: () => void order.push('health stopping') },
      deadlineMs: 30_000,
      log,
      signals,
      exit: (code) => void exits.push(code),
    });

    signals.send('SIGTERM');
    await new Promise((r) => setImmediate(r));
    // While running jobs finish, adapters stay connected so their results still reach users.
    expect(order).toEqual(['health stopping', 'queue.close(30000)']);
    expect(exits).toEqual([]);
    drained.resolve();
    await vi.waitFor(() => expect(exits).toEqual([0]));
    expect(order).toEqual(['health stopping', 'queue.close(30000)', 'queue closed', 'discord stopped', 'web stopped', 'pipeline released', 'database closed']);
    expect(signals.count('SIGTERM')).toBe(0);
  });

  it('the same signal relayed twice at once (npm and tsx pass Ctrl+C on) does not cut the shutdown short', async () => {
    const signals = signalSource();
    const exits: number[] = [];
    const { log } = silentLog();
    const drained = deferred();
    installShutdown({ queue: { close: () => drained.promise }, adapters: [], deadlineMs: 60_000, log, signals, exit: (code) => void exits.push(code) });
    signals.send('SIGINT');
    signals.send('SIGINT');
    await new Promise((r) => setImmediate(r));
    expect(exits).toEqual([]);
    drained.resolve();
    await vi.waitFor(() => expect(exits).toEqual([0]));
  });

  it('a second signal exits at once, and only once', async () => {
    const signals = signalSource();
    const exits: number[] = [];
    const { log, lines } = silentLog();
    const never = new Promise<void>(() => {});
    const adapterStops: string[] = [];
    installShutdown({
      queue: { close: () => never },
      adapters: [{ name: 'slack', stop: async () => void adapterStops.push('slack') }],
      deadlineMs: 60_000,
      log,
      signals,
      exit: (code) => void exits.push(code),
      duplicateSignalMs: 0,
    });
    signals.send('SIGINT');
    await new Promise((r) => setImmediate(r));
    expect(exits).toEqual([]);
    signals.send('SIGINT');
    expect(exits).toEqual([130]);
    signals.send('SIGTERM');
    expect(exits).toEqual([130]);
    expect(adapterStops).toEqual([]);
    expect(lines.some((l) => l.level === 'warn' && l.msg.startsWith('second signal'))).toBe(true);
  });

  it('keeps closing the rest when one step fails or hangs, and exits 1', async () => {
    const signals = signalSource();
    const exits: number[] = [];
    const { log, lines } = silentLog();
    const closed: string[] = [];
    const controller = installShutdown({
      queue: { close: async () => {} },
      adapters: () => [
        { name: 'discord', stop: async () => Promise.reject(new Error('gateway already gone')) },
        { name: 'slack', stop: () => new Promise<void>(() => {}) },
      ],
      resources: [{ name: 'the database', close: () => void closed.push('db') }],
      deadlineMs: 1000,
      stepTimeoutMs: 30,
      log,
      signals,
      exit: (code) => void exits.push(code),
    });
    const code = await controller.shutdown('test');
    expect(code).toBe(1);
    expect(exits).toEqual([1]);
    expect(closed).toEqual(['db']);
    const errors = lines.filter((l) => l.level === 'error').map((l) => l.msg);
    expect(errors).toEqual(['shutdown: stopping the discord adapter failed', 'shutdown: stopping the slack adapter failed']);
  });

  it('exits 1 when the whole shutdown hangs past the deadline plus the grace', async () => {
    const signals = signalSource();
    const exits: number[] = [];
    const { log } = silentLog();
    installShutdown({
      queue: { close: () => new Promise<void>(() => {}) },
      adapters: [],
      deadlineMs: 20,
      graceMs: 20,
      stepTimeoutMs: 60_000,
      log,
      signals,
      exit: (code) => void exits.push(code),
    });
    signals.send('SIGTERM');
    await vi.waitFor(() => expect(exits).toEqual([1]));
  });

  it('a shutdown started twice runs once', async () => {
    const signals = signalSource();
    let closes = 0;
    const { log } = silentLog();
    const controller = installShutdown({ queue: { close: async () => void closes++ }, adapters: [], deadlineMs: 100, log, signals, exit: () => {} });
    const [a, b] = await Promise.all([controller.shutdown('one'), controller.shutdown('two')]);
    expect([a, b, closes]).toEqual([0, 0, 1]);
  });
});
