/**
 * The PNGs of replies, kept in memory by content hash so a message names its images by URL
 * instead of carrying megabytes of base64 through every event stream. Oldest-used go first once
 * the byte budget is spent.
 */
import { createHash } from 'node:crypto';

export class ImageCache {
  /** Insertion order is use order: a hit moves the entry to the end. */
  private readonly entries = new Map<string, Buffer>();
  private bytes = 0;

  constructor(private readonly maxBytes = 256 * 1024 * 1024) {}

  /** Stores the bytes and returns their key (hex SHA-256). */
  put(data: Buffer): string {
    const key = createHash('sha256').update(data).digest('hex');
    const had = this.entries.get(key);
    if (had) {
      this.entries.delete(key);
      this.entries.set(key, had);
      return key;
    }
    this.entries.set(key, data);
    this.bytes += data.length;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes || k === key) break;
      this.entries.delete(k);
      this.bytes -= v.length;
    }
    return key;
  }

  get(key: string): Buffer | undefined {
    const data = this.entries.get(key);
    if (data) {
      this.entries.delete(key);
      this.entries.set(key, data);
    }
    return data;
  }

  get size(): { images: number; bytes: number } {
    return { images: this.entries.size, bytes: this.bytes };
  }
}
