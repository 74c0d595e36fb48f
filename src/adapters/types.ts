import type { Services } from '../core/command.js';

export type AdapterState = 'starting' | 'connected' | 'disconnected' | 'stopped';

/** A running platform adapter, as src/main.ts sees it. */
export interface AdapterHandle {
  readonly name: 'discord' | 'slack' | 'web';
  /** For /healthz and the adapter-connection metric. */
  state(): AdapterState;
  /** Stops taking new events and closes connections; running jobs keep their stored delivery. */
  stop(): Promise<void>;
}

/** Every adapter module exports a function of this shape (startDiscord, startSlack, startWeb). */
export type StartAdapter = (services: Services) => Promise<AdapterHandle>;
