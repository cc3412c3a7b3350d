// FNV-1a, 32 bits (hash/fnv's New32a): the pod-template-hash and podflow's seed derivation.

export const FNV32_OFFSET_BASIS = 0x811c9dc5;
export const FNV32_PRIME = 0x01000193;

/** FNV-1a over bytes, continuing from hash h (hash.Hash32.Write then Sum32). */
export function fnv1a32(bytes: Uint8Array, h = FNV32_OFFSET_BASIS): number {
  for (const b of bytes) h = Math.imul(h ^ b, FNV32_PRIME) >>> 0;
  return h >>> 0;
}

/** FNV-1a over a string's UTF-16 code units, continuing from hash h (not Go's: Go hashes UTF-8 bytes). */
export function fnv1a32String(s: string, h = FNV32_OFFSET_BASIS): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV32_PRIME) >>> 0;
  return h >>> 0;
}

/** FNV-1 (multiply, then xor) over bytes, continuing from hash h (hash/fnv's New32: pkg/controller/history hashes revisions with it). */
export function fnv132(bytes: Uint8Array, h = FNV32_OFFSET_BASIS): number {
  for (const b of bytes) h = (Math.imul(h, FNV32_PRIME) ^ b) >>> 0;
  return h >>> 0;
}
