// A binary min-heap over a plain array, ordered by a `less` function: the scheduler's activeQ
// (kept in its context as an array) and the runtime's timer queue. O(log n) push and pop; the
// same inputs in the same order give the same array, so runs replay exactly.

/** Adds x to the heap h. */
export function heapPush<T>(h: T[], x: T, less: (a: T, b: T) => boolean): void {
  h.push(x);
  let i = h.length - 1;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (!less(h[i]!, h[p]!)) break;
    [h[i], h[p]] = [h[p]!, h[i]!];
    i = p;
  }
}

/** Removes and returns the least element of the heap h, or undefined when it is empty. */
export function heapPop<T>(h: T[], less: (a: T, b: T) => boolean): T | undefined {
  if (h.length === 0) return undefined;
  const top = h[0]!;
  const last = h.pop()!;
  if (h.length > 0) {
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && less(h[l]!, h[m]!)) m = l;
      if (r < h.length && less(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
  return top;
}

/** What a MinHeap orders by: time, then sequence. */
export interface HeapItem {
  at: number;
  seq: number;
}

function lessByTime(a: HeapItem, b: HeapItem): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** A min-heap ordered by (at, seq): the runtime's timer queue. */
export class MinHeap<T extends HeapItem> {
  private items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    heapPush(this.items, item, lessByTime);
  }

  pop(): T | undefined {
    return heapPop(this.items, lessByTime);
  }
}
