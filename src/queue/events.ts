/** The job-event fan-out every JobQueue backend offers through onEvent. */
import type { JobEvent } from '../core/jobs.js';
import type { Logger } from '../log/index.js';

export type JobEventListener = (event: JobEvent) => void;

/** Passes each event to every listener in turn; a listener that throws is logged and the others still get it. */
export class JobEventHub {
  private readonly listeners = new Set<JobEventListener>();

  constructor(private readonly log?: Logger) {}

  /** Adds a listener; returns the function that removes it. */
  on(listener: JobEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: JobEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        this.log?.error({ err, jobId: event.jobId, event: event.type }, 'a job event listener threw');
      }
    }
  }
}
