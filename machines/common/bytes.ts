// Sizes as Go counts them: len() of a string is its UTF-8 bytes.

/** The UTF-8 bytes of a string (Go's len), without encoding it. */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      // a surrogate pair: two UTF-16 units, four bytes
      n += 2;
      i++;
    } else n += 2;
  }
  return n;
}
