// Ids the simulated runtime and kubelet make (container, sandbox, exec session, boot and machine
// ids, a pod's user-namespace slot): stable across runs of a seed, unlike the real random ones.

/** A deterministic 64-hex-digit digest of a string (not cryptographic: only stable and well spread). */
export function digestOf(text: string): string {
  // joined, not appended: `+=` leaves a rope of 7 cons cells and 8 pieces (~420 bytes) where a
  // flat string is 80, and a container's, a sandbox's and an image's ids are kept per pod
  const out: string[] = [];
  for (let lane = 0; lane < 8; lane++) {
    let h = (0x811c9dc5 ^ Math.imul(lane + 1, 0x9e3779b1)) >>> 0;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    // murmur3's finaliser spreads the last characters over every bit.
    h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b) >>> 0;
    h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h ^= h >>> 16;
    out.push((h >>> 0).toString(16).padStart(8, "0"));
  }
  return out.join("");
}
