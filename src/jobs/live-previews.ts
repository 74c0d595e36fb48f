/**
 * A running job's live previews: each picture the pipeline hands over between steps becomes a
 * small WebP in the image store (`<job>/live/<step>.webp`), announced with the job's progress.
 * Encoding never holds up the steps: while one preview is being written, only the newest of the
 * ones that arrive meanwhile waits its turn. The job's previews are removed when it ends.
 */
import sharp from 'sharp';
import type { Platform } from '../core/invocation.js';
import type { Logger } from '../log/index.js';
import type { RgbImage } from '../pipeline/types.js';
import type { RunContext } from '../queue/types.js';
import type { ImageStore } from '../store/types.js';

/**
 * How often a job makes a preview, by the platform it shows on: chat messages are edited about
 * every 2 s (their rate limits); the playground gets one every step, up to its 0.4 s updates.
 */
export const PREVIEW_EVERY_MS: Record<Platform, number> = { discord: 2000, slack: 2000, web: 400 };
/** Previews are enlarged to at least this many pixels wide, so a 64-pixel model's grid is not a postage stamp. */
const MIN_PREVIEW_WIDTH = 256;

export class LivePreviews {
  private writing: Promise<void> = Promise.resolve();
  private waiting?: { step: number; total: number; image: RgbImage };
  private busy = false;
  private closed?: Promise<void>;

  constructor(
    private readonly jobId: string,
    private readonly images: ImageStore,
    private readonly ctx: RunContext,
    private readonly log?: Logger,
  ) {}

  /** A preview of `step`: stored and announced soon; a newer one replaces it if it has not started yet. */
  publish(step: number, total: number, image: RgbImage): void {
    if (this.closed) return;
    this.waiting = { step, total, image };
    if (!this.busy) this.writing = this.drain();
  }

  private async drain(): Promise<void> {
    this.busy = true;
    try {
      while (this.waiting && !this.closed) {
        const { step, total, image } = this.waiting;
        this.waiting = undefined;
        try {
          const key = `${this.jobId}/live/${step}.webp`;
          const width = Math.max(image.width, MIN_PREVIEW_WIDTH);
          const webp = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
            .resize({ width, kernel: image.width < MIN_PREVIEW_WIDTH ? 'cubic' : 'lanczos3' })
            .webp({ quality: 70, effort: 1 })
            .toBuffer();
          if (this.closed) return;
          await this.images.put(key, webp);
          this.ctx.onProgress(step, total, key);
        } catch (err) {
          this.log?.warn({ err, jobId: this.jobId }, 'could not store a live preview');
        }
      }
    } finally {
      this.busy = false;
    }
  }

  /** No more previews: waits for the one being written, then removes them all (the result replaces them). Once. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.waiting = undefined;
      await this.writing;
      await this.images.deletePrefix(`${this.jobId}/live/`).catch((err: unknown) => this.log?.warn({ err, jobId: this.jobId }, 'could not remove live previews'));
    })();
    return this.closed;
  }
}
