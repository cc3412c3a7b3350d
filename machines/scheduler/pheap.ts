// A persistent leftist min-heap (Okasaki): push and pop return a new heap that shares all but
// O(log n) nodes with the old one, which is never changed. activeQ lives in the scheduler's
// context as one of these, so the context stays a value: an array heap would be copied whole
// on every write to a draft. The same inputs in the same order give the same heap.

/** One node; a class, so that mutative keeps it as an opaque value and never walks it. */
export class HeapNode<T> {
  constructor(
    readonly item: T,
    /** the length of the right spine, which a leftist heap keeps at most log2(size + 1) */
    readonly rank: number,
    readonly left: HeapNode<T> | null,
    readonly right: HeapNode<T> | null,
    readonly size: number,
  ) {}
}

/** A heap: its root, or null when empty. */
export type Heap<T> = HeapNode<T> | null;

type Less<T> = (a: T, b: T) => boolean;

const rankOf = <T>(h: Heap<T>): number => (h === null ? 0 : h.rank);

function merge<T>(a: Heap<T>, b: Heap<T>, less: Less<T>): Heap<T> {
  if (a === null) return b;
  if (b === null) return a;
  if (less(b.item, a.item)) [a, b] = [b, a];
  const m = merge(a.right, b, less)!;
  const size = a.size + b.size;
  return rankOf(a.left) >= m.rank ? new HeapNode(a.item, m.rank + 1, a.left, m, size) : new HeapNode(a.item, rankOf(a.left) + 1, m, a.left, size);
}

/** The heap with x added. */
export function heapInsert<T>(h: Heap<T>, x: T, less: Less<T>): Heap<T> {
  return merge(h, new HeapNode(x, 1, null, null, 1), less);
}

/** The heap without its least element (the empty heap stays empty). */
export function heapRest<T>(h: Heap<T>, less: Less<T>): Heap<T> {
  return h === null ? null : merge(h.left, h.right, less);
}

/** The least element, or undefined when the heap is empty. */
export function heapPeek<T>(h: Heap<T>): T | undefined {
  return h === null ? undefined : h.item;
}

/** The number of elements. */
export function heapSize<T>(h: Heap<T>): number {
  return h === null ? 0 : h.size;
}

/** The heap of these elements. */
export function heapOf<T>(items: Iterable<T>, less: Less<T>): Heap<T> {
  let h: Heap<T> = null;
  for (const x of items) h = heapInsert(h, x, less);
  return h;
}
