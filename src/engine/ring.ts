/**
 * A fixed-capacity ring buffer. What falls out is counted, not kept, so a
 * night of logs cannot grow memory without bound.
 */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private start = 0;
  private length = 0;
  private droppedCount = 0;
  private pushedCount = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity <= 0) throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
    this.items = new Array<T | undefined>(capacity);
  }

  push(item: T): void {
    this.pushedCount++;
    if (this.length < this.capacity) {
      this.items[(this.start + this.length) % this.capacity] = item;
      this.length++;
      return;
    }
    this.items[this.start] = item;
    this.start = (this.start + 1) % this.capacity;
    this.droppedCount++;
  }

  pushAll(items: Iterable<T>): void {
    for (const it of items) this.push(it);
  }

  get size(): number {
    return this.length;
  }

  /** how many items were pushed out by newer ones */
  get dropped(): number {
    return this.droppedCount;
  }

  get total(): number {
    return this.pushedCount;
  }

  /** The newest `n` items (all by default), oldest first. */
  toArray(n = this.length): T[] {
    const count = Math.min(n, this.length);
    const out = new Array<T>(count);
    const first = this.length - count;
    for (let i = 0; i < count; i++) out[i] = this.items[(this.start + first + i) % this.capacity] as T;
    return out;
  }

  clear(): void {
    this.items.fill(undefined);
    this.start = 0;
    this.length = 0;
  }
}
