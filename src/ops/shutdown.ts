/**
 * Graceful shutdown on SIGTERM/SIGINT. Order matters:
 * 1. /healthz turns 503 (load balancers and Docker stop sending work);
 * 2. the queue closes: submits are refused with a message, running jobs get until the deadline,
 *    what is left stays stored as queued for the next start. Adapters stay connected meanwhile,
 *    so the results of jobs finishing now still reach their users;
 * 3. adapters stop (gateway, socket, playground), then the other resources close in order
 *    (pipeline worker, database, Redis, the ops server).
 * A second signal exits at once; so does a shutdown that hangs past the deadline plus a grace.
 */
import type { AdapterHandle } from '../adapters/types.js';
import type { Logger } from '../log/index.js';
import type { JobQueue } from '../queue/types.js';

export interface SignalSource {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

export interface Closable {
  /** Shown in logs. */
  name: string;
  close(): unknown;
}

export interface ShutdownOptions {
  queue: Pick<JobQueue, 'close'>;
  /** Read when shutdown starts, so adapters started later are included. */
  adapters: readonly Pick<AdapterHandle, 'name' | 'stop'>[] | (() => readonly Pick<AdapterHandle, 'name' | 'stop'>[]);
  /** How long running jobs may take to finish (SHUTDOWN_TIMEOUT_SECONDS × 1000). */
  deadlineMs: number;
  /** Closed after the adapters, one after another, in this order. */
  resources?: readonly Closable[] | (() => readonly Closable[]);
  health?: { markStopping(): void };
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Where signals come from; process by default. */
  signals?: SignalSource;
  /** Ends the process; process.exit by default. */
  exit?: (code: number) => void;
  signalNames?: readonly NodeJS.Signals[];
  /** Each adapter's stop and each resource's close may take this long before shutdown moves on. */
  stepTimeoutMs?: number;
  /** Past deadlineMs plus this, the process exits with code 1 whatever is still closing. */
  graceMs?: number;
  /** A repeat of the first signal within this time counts as the same request (default 500 ms). */
  duplicateSignalMs?: number;
}

export interface ShutdownController {
  /** Starts shutdown as a signal would; resolves with the exit code once everything closed. */
  shutdown(reason: string): Promise<number>;
  /** Removes the signal listeners (tests, or a caller that takes over). */
  uninstall(): void;
  readonly inProgress: boolean;
}

/** A repeat of the first signal within this time is the same request relayed by a parent process. */
const DUPLICATE_SIGNAL_MS = 500;

/** 128 + signal number, the shell convention for "killed by this signal". */
const SIGNAL_EXIT_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129, SIGQUIT: 131 };

function timeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
      timer.unref?.();
    }),
  ]).finally(() => clearTimeout(timer));
}

export function installShutdown(options: ShutdownOptions): ShutdownController {
  const signals = options.signals ?? process;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const names = options.signalNames ?? ['SIGTERM', 'SIGINT'];
  const stepTimeoutMs = options.stepTimeoutMs ?? 10_000;
  const graceMs = options.graceMs ?? 15_000;
  const log = options.log;
  let running: Promise<number> | undefined;
  let exited = false;

  const finish = (code: number) => {
    if (exited) return;
    exited = true;
    exit(code);
  };

  async function sequence(reason: string): Promise<number> {
    let failures = 0;
    const step = async (what: string, work: () => unknown, ms: number) => {
      try {
        await timeout(Promise.resolve().then(work), ms, what);
      } catch (err) {
        failures++;
        log.error({ err, step: what }, `shutdown: ${what} failed`);
      }
    };
    log.info({ reason, deadlineMs: options.deadlineMs }, `shutting down (${reason}): no new jobs, running jobs have ${Math.round(options.deadlineMs / 1000)} s to finish`);
    options.health?.markStopping();
    // The queue enforces the deadline itself; the extra step timeout covers its own bookkeeping.
    await step('closing the queue', () => options.queue.close({ deadlineMs: options.deadlineMs }), options.deadlineMs + stepTimeoutMs);
    const adapters = typeof options.adapters === 'function' ? options.adapters() : options.adapters;
    await Promise.all(adapters.map((a) => step(`stopping the ${a.name} adapter`, () => a.stop(), stepTimeoutMs)));
    const resources = typeof options.resources === 'function' ? options.resources() : (options.resources ?? []);
    for (const r of resources) await step(`closing ${r.name}`, () => r.close(), stepTimeoutMs);
    if (failures) log.warn({ failures }, 'shutdown finished with errors');
    else log.info('shutdown complete');
    return failures ? 1 : 0;
  }

  const controller: ShutdownController = {
    shutdown(reason: string) {
      if (running) return running;
      const hardStop = setTimeout(() => {
        log.error({ reason }, 'shutdown is taking too long; exiting now');
        finish(1);
      }, options.deadlineMs + graceMs);
      hardStop.unref?.();
      running = sequence(reason).then((code) => {
        clearTimeout(hardStop);
        controller.uninstall();
        finish(code);
        return code;
      });
      return running;
    },
    uninstall() {
      for (const name of names) signals.off(name, onSignal);
    },
    get inProgress() {
      return running !== undefined;
    },
  };

  let firstSignalAt = 0;
  function onSignal(signal: NodeJS.Signals) {
    // `npm start` runs node under npm and tsx, which both pass a terminal's Ctrl+C on: the same
    // signal arriving twice at once is one request, not the impatient second one.
    if (running && Date.now() - firstSignalAt < (options.duplicateSignalMs ?? DUPLICATE_SIGNAL_MS)) return;
    if (running) {
      log.warn({ signal }, 'second signal: exiting now; queued jobs stay stored, a running job is retried at the next start');
      finish(SIGNAL_EXIT_CODES[signal] ?? 1);
      return;
    }
    firstSignalAt = Date.now();
    void controller.shutdown(signal);
  }
  for (const name of names) signals.on(name, onSignal);
  return controller;
}
