// The runtime's timer queue is the binary min-heap in machines/common/heap.ts (the scheduler's
// activeQ uses the same one). runtime.ts still imports it from here.

export { MinHeap, type HeapItem } from "../machines/common/heap.js";
