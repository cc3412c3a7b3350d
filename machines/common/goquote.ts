// Go's %q for the messages components share with the API server (labels.Parse's errors).

// strconv's appendEscapedRune: the C escapes Go knows by letter
const letterEscapes: ReadonlyMap<number, string> = new Map([[7, "\\a"], [8, "\\b"], [9, "\\t"], [10, "\\n"], [11, "\\v"], [12, "\\f"], [13, "\\r"]]);

// strconv.IsPrint: unicode.IsPrint's letters, marks, numbers, punctuation and symbols, and the ASCII space
const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

const hex = (c: number, width: number) => c.toString(16).padStart(width, "0");

/**
 * Quotes a string as Go's %q / strconv.Quote does: printable runes as they are, the C escapes by
 * letter (\a, \b, \f, \v), other controls as \xNN, other unprintable runes (U+00AD, U+200B,
 * U+2028, U+FEFF, private use) as \uNNNN or \UNNNNNNNN; a lone surrogate is no rune (\ufffd).
 */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === "\\") out += "\\" + ch;
    else if (c === 0x20 || (c < 0x80 && c > 0x20 && c !== 0x7f)) out += ch;
    else if (letterEscapes.has(c)) out += letterEscapes.get(c)!;
    else if (c < 0x20 || c === 0x7f) out += "\\x" + hex(c, 2);
    else if (c >= 0xd800 && c <= 0xdfff) out += "\\ufffd";
    else if (printable.test(ch)) out += ch;
    else out += c < 0x10000 ? "\\u" + hex(c, 4) : "\\U" + hex(c, 8);
  }
  return out + '"';
}
