/**
 * How `model pull` shows its progress: one redrawn bar with bytes, speed and time left on a
 * terminal; plain lines (a file starting, each quarter of a large file, each file verified) when
 * the output goes to a log or a pipe.
 */
import { formatBytes, type PullEvent } from '../../src/hub/pull.js';

const BAR = 24;
/** Files below this get no quarter lines in plain mode. */
const LARGE = 8 * 1024 * 1024;

/** The speed over the last few seconds. */
class Speed {
  private samples: { t: number; bytes: number }[] = [];
  add(t: number, total: number): void {
    this.samples.push({ t, bytes: total });
    while (this.samples.length > 2 && t - this.samples[0]!.t > 5000) this.samples.shift();
  }
  perSecond(): number {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last || last.t - first.t < 200) return 0;
    return ((last.bytes - first.bytes) * 1000) / (last.t - first.t);
  }
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** The terminal line: `▕██████░░░░▏ 52%  1.2 GB / 2.4 GB · 45.0 MB/s · 25 s left · unet/model.onnx_data`. */
export function progressLine(done: number, total: number, perSecond: number, file: string): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(fraction * BAR);
  const left = perSecond > 0 ? `${formatDuration((total - done) / perSecond)} left` : 'starting';
  return `▕${'█'.repeat(filled)}${'░'.repeat(BAR - filled)}▏ ${String(Math.floor(fraction * 100)).padStart(3)}%  ${formatBytes(done)} / ${formatBytes(total)} · ${formatBytes(perSecond)}/s · ${left} · ${file}`;
}

export function createProgress(out: NodeJS.WriteStream | NodeJS.WritableStream, tty: boolean): (e: PullEvent) => void {
  let total = 0;
  let done = 0;
  let fileDone = 0;
  let current: { path: string; size: number; quarter: number } | undefined;
  let lastDraw = 0;
  const speed = new Speed();
  const columns = () => ('columns' in out && typeof out.columns === 'number' ? out.columns : 120);
  const draw = (force = false) => {
    const now = Date.now();
    speed.add(now, done);
    if (!force && now - lastDraw < 100) return;
    lastDraw = now;
    out.write(`\r${progressLine(done, total, speed.perSecond(), current?.path ?? '').slice(0, columns() - 1)}\x1b[K`);
  };
  const line = (text: string) => out.write(tty ? `\r\x1b[K${text}\n` : `${text}\n`);
  return (e) => {
    switch (e.kind) {
      case 'resolved':
        line(`${e.repo}@${e.revision} is commit ${e.commit.slice(0, 12)}`);
        return;
      case 'planned':
        total = e.totalBytes;
        done = e.haveBytes;
        for (const n of e.notes) line(`note: ${n}`);
        line(`${e.files.length} files, ${formatBytes(e.totalBytes)}${e.haveBytes ? ` (${formatBytes(e.haveBytes)} already here from an interrupted pull)` : ''}`);
        return;
      case 'file':
        current = { path: e.file.path, size: e.file.size, quarter: 0 };
        fileDone = 0;
        if (tty) draw(true);
        else if (e.file.size >= LARGE) line(`[${e.index + 1}/${e.count}] ${e.file.path} (${formatBytes(e.file.size)})`);
        return;
      case 'bytes':
        done += e.delta;
        fileDone += e.delta;
        if (tty) draw();
        else if (current && current.size >= LARGE) {
          const quarter = Math.floor((fileDone / current.size) * 4);
          if (quarter > current.quarter && quarter < 4) {
            current.quarter = quarter;
            line(`  ${current.path}: ${quarter * 25}% (${formatBytes(fileDone)} of ${formatBytes(current.size)})`);
          }
        }
        return;
      case 'retry':
        line(`${e.file.path}: ${e.reason}; resuming at ${formatBytes(e.from)}`);
        return;
      case 'done-file': {
        const how = { sha256: 'SHA-256 checked', git: 'git hash checked', size: 'size checked' }[e.verified];
        if (!tty || e.file.size >= LARGE) line(`${e.file.local} ${formatBytes(e.file.size)} · ${e.reused ? 'kept from an earlier pull' : how}`);
        if (tty) draw(true);
        return;
      }
    }
  };
}
