// Worker threads do not inherit tsx's loader; this registers it, then runs the TypeScript entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.__entry);
