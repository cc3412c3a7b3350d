// Identifier and label escaping shared by the Mermaid generators.

// Words Mermaid treats as keywords in state or sequence diagrams; an id equal to one is prefixed.
const reserved = new Set([
  "state", "note", "end", "direction", "classdef", "class", "style", "linkstyle", "as",
  "participant", "actor", "loop", "alt", "else", "opt", "par", "and", "rect", "critical",
  "break", "box", "create", "destroy", "activate", "deactivate", "title", "autonumber", "links", "link",
]);

/** Turns any name into a Mermaid-safe identifier: [A-Za-z0-9_] only, not a keyword, not digit-first. */
export function mermaidId(name: string): string {
  const base = name.replace(/[^A-Za-z0-9_]/g, "_") || "_";
  return reserved.has(base.toLowerCase()) || /^[0-9]/.test(base) ? `s_${base}` : base;
}

/** Allocates unique Mermaid ids for names, deterministic in the order names are first seen. */
export class IdAllocator {
  private readonly byName = new Map<string, string>();
  private readonly used = new Set<string>();

  /** The id for `name`, allocating `base`, `base_2`, `base_3`… on first use. */
  idFor(name: string): string {
    const known = this.byName.get(name);
    if (known !== undefined) return known;
    const base = mermaidId(name);
    let id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}_${n}`;
    this.used.add(id);
    this.byName.set(name, id);
    return id;
  }
}

/**
 * Makes free text safe inside a Mermaid label: one line, no statement separator (`;`),
 * no entity/comment starters (`#`, `%%`), no HTML brackets, no quotes that end an alias.
 */
export function mermaidLabel(text: string): string {
  return text
    .replace(/[\r\n]+/g, " ")
    .replace(/;/g, ",")
    .replace(/#/g, "no.")
    .replace(/%%/g, "%")
    .replace(/</g, "‹")
    .replace(/>/g, "›")
    .replace(/"/g, "'")
    .trim();
}

/** Escapes text for a Markdown table cell (pipes and newlines). */
export function mdCell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/[\r\n]+/g, " ");
}

/** Natural order ("node-2" before "node-10"), codepoint-based so it is locale independent. */
export function naturalCompare(a: string, b: string): number {
  const pa = a.match(/\d+|\D+/g) ?? [];
  const pb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x === y) continue;
    const nx = /^\d/.test(x) && /^\d/.test(y);
    if (nx && Number(x) !== Number(y)) return Number(x) - Number(y);
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length || (a < b ? -1 : a > b ? 1 : 0);
}
