/**
 * A Map that keeps at most `limit` entries: setting a key makes it the newest, and past the limit
 * the oldest goes. For what a process remembers about jobs, users or addresses it may never hear
 * about again (jobs that end in another process, one-off visitors).
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(readonly limit: number) {
    super();
  }

  override set(key: K, value: V): this {
    super.delete(key);
    super.set(key, value);
    if (this.size > this.limit) super.delete(this.keys().next().value as K);
    return this;
  }
}
