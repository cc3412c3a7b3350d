// U+2028 (LS) and U+2029 (PS) are line breaks to go-yaml v2 (YAML 1.1's is_break), which the yaml
// library (YAML 1.2) reads as content. In a plain scalar or a comment go-yaml ends the line there,
// so what follows is a new line whose indentation counts; in a block scalar it is a break too. Its
// read_line keeps the character itself, where a newline is read as "\n": a plain scalar folded at
// an LS keeps the LS (a newline alone would fold to a space), and a literal block keeps it as its
// line's break. Quoted scalars are left as the yaml library reads them.

import { Parser } from "yaml";

const isSeparator = (c: string | undefined) => c === "\u2028" || c === "\u2029";

interface Block {
  /** the block scalar's header offset: its node's range[0] */
  offset: number;
  /** the breaks of its content, in order */
  breaks: string[];
}

/**
 * The text with every LS and PS in a plain scalar, a comment or a block scalar read as a newline
 * (same length, so offsets hold), and `fix`, which gives the composed document's scalars folded at
 * one of them the value go-yaml reads. The text is returned as it is when it has neither.
 */
export function separatorsAsBreaks(text: string): { text: string; fix(doc: unknown): void } {
  if (!/[\u2028\u2029]/.test(text)) return { text, fix: () => {} };
  const converted = new Set<number>();
  const blocks: Block[] = [];
  const stack: unknown[] = [...new Parser().parse(text)];
  while (stack.length > 0) {
    const t = stack.pop();
    if (t === null || typeof t !== "object") continue;
    if (Array.isArray(t)) {
      for (const x of t) stack.push(x);
      continue;
    }
    const tok = t as { type?: string; offset?: number; source?: string; props?: Array<{ offset: number; source: string }> };
    if (typeof tok.offset === "number" && typeof tok.source === "string") {
      if (tok.type === "scalar" || tok.type === "comment") {
        for (let i = 0; i < tok.source.length; i++) if (isSeparator(tok.source[i])) converted.add(tok.offset + i);
      } else if (tok.type === "block-scalar") {
        const start = Math.max(tok.offset, ...(tok.props ?? []).map((p) => p.offset + p.source.length));
        const breaks: string[] = [];
        for (let i = 0; i < tok.source.length; i++) {
          const c = tok.source[i];
          if (isSeparator(c)) converted.add(start + i);
          if (c === "\n" || isSeparator(c)) breaks.push(c!);
        }
        blocks.push({ offset: tok.offset, breaks });
      }
    }
    for (const v of Object.values(tok)) if (v !== null && typeof v === "object") stack.push(v);
  }
  if (converted.size === 0) return { text, fix: () => {} };
  // offsets count UTF-16 units: rebuilt unit by unit
  let out = "";
  for (let i = 0; i < text.length; i++) out += converted.has(i) ? "\n" : text[i];
  const fix = (doc: unknown) => {
    const nodes: unknown[] = [(doc as { contents?: unknown }).contents];
    while (nodes.length > 0) {
      const n = nodes.pop() as { items?: unknown[]; key?: unknown; value?: unknown; range?: [number, number, number]; type?: string; source?: string } | null;
      if (n === null || typeof n !== "object") continue;
      if (Array.isArray(n.items)) for (const it of n.items) nodes.push(it);
      if ("key" in n && "value" in n && !Array.isArray(n.items)) nodes.push(n.key, n.value);
      if (!n.range || typeof n.value !== "string") continue;
      const [start, end] = n.range;
      let touched = false;
      for (const at of converted) if (at >= start && at < end) touched = true;
      if (!touched) continue;
      if (n.type === "PLAIN") n.value = plainFolded(text.slice(start, end));
      else if (n.type === "BLOCK_LITERAL") {
        const block = blocks.find((b) => b.offset === start);
        if (block) {
          let k = 0;
          n.value = n.value.replace(/\n/g, () => block.breaks[k++] ?? "\n");
        }
      }
    }
  };
  return { text: out, fix };
}

/**
 * A plain scalar's text as go-yaml's scan_plain_scalar folds it: white space around each break
 * dropped; a run of breaks that starts with a newline is a space when alone, else its other breaks;
 * a run that starts with LS or PS is kept whole.
 */
function plainFolded(source: string): string {
  let out = "";
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c !== "\n" && c !== "\r" && !isSeparator(c)) {
      out += c;
      i++;
      continue;
    }
    out = out.replace(/[ \t]+$/, "");
    const run: string[] = [];
    while (i < source.length && (source[i] === "\n" || source[i] === "\r" || isSeparator(source[i]) || source[i] === " " || source[i] === "\t")) {
      const d = source[i]!;
      if (d === "\r" && source[i + 1] === "\n") i++;
      if (d === "\n" || d === "\r") run.push("\n");
      else if (isSeparator(d)) run.push(d);
      i++;
    }
    out += run[0] === "\n" ? (run.length === 1 ? " " : run.slice(1).join("")) : run.join("");
  }
  return out;
}
