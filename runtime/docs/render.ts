// Offline Mermaid rendering (beautiful-mermaid: SVG and ASCII, no browser) and a validator.
// beautiful-mermaid parses leniently — lines it does not understand are silently dropped —
// so validateMermaid first checks each line against the statement forms real Mermaid
// accepts for the diagrams we generate, then renders to catch what the renderer rejects.

import { renderMermaidASCII, renderMermaidSVG } from "beautiful-mermaid";
import type { RenderOptions } from "beautiful-mermaid";

/** Result of validateMermaid. */
export type MermaidValidation = { ok: true } | { ok: false; error: string };

/** Colours and font used for generated docs: neutral, light, deterministic. */
export const docSvgOptions: RenderOptions = { bg: "#FFFFFF", fg: "#27272A", font: "Inter" };

/** Renders Mermaid source to a self-contained SVG string (throws on unsupported input). */
export function renderSvg(mermaid: string, options: RenderOptions = docSvgOptions): string {
  return renderMermaidSVG(mermaid, options);
}

/** Renders Mermaid source to plain Unicode box-drawing text (no colour codes). */
export function renderAscii(mermaid: string, opts: { ascii?: boolean } = {}): string {
  return renderMermaidASCII(mermaid, { colorMode: "none", useAscii: opts.ascii ?? false });
}

/** Meaningful lines with their 1-based line numbers (blank lines and %% comments dropped). */
function statements(src: string): Array<{ n: number; text: string }> {
  return src
    .split("\n")
    .map((line, i) => ({ n: i + 1, text: line.trim() }))
    .filter((l) => l.text.length > 0 && !l.text.startsWith("%%"));
}

const ID = String.raw`[\w\p{L}]+`;
const stateForms: RegExp[] = [
  /^direction\s+(TB|TD|LR|BT|RL)$/,
  new RegExp(String.raw`^state\s+"[^"]+"\s+as\s+${ID}$`, "u"),
  new RegExp(String.raw`^state\s+(?:"[^"]+"\s+as\s+)?${ID}\s*\{$`, "u"),
  /^\}$/,
  /^--$/,
  new RegExp(String.raw`^(\[\*\]|${ID})\s*-->\s*(\[\*\]|${ID})(\s*:\s*[^;]+)?$`, "u"),
  new RegExp(String.raw`^note\s+(left|right)\s+of\s+${ID}\s*:\s*[^;]+$`, "u"),
  new RegExp(String.raw`^${ID}\s*:\s*[^;]+$`, "u"),
  /^(classDef|class|style|linkStyle)\s+\S.*$/,
];

const sequenceForms: RegExp[] = [
  /^title\s+[^;]+$/,
  /^autonumber$/,
  new RegExp(String.raw`^(participant|actor)\s+${ID}(\s+as\s+[^;]+)?$`, "u"),
  new RegExp(String.raw`^Note\s+(left of|right of|over)\s+${ID}(\s*,\s*${ID})?\s*:\s*[^;]+$`, "u"),
  new RegExp(String.raw`^${ID}\s*(->>|-->>|->|-->|-x|--x|-\)|--\))[+-]?${ID}\s*:\s*[^;]+$`, "u"),
  new RegExp(String.raw`^(activate|deactivate)\s+${ID}$`, "u"),
  /^(loop|alt|opt|par|critical|break|rect)(\s+[^;]*)?$/,
  /^(else|and)(\s+[^;]*)?$/,
  /^end$/,
];

/** Checks every statement against `forms` and the nesting of `open`/`close` blocks. */
function checkLines(
  lines: Array<{ n: number; text: string }>,
  forms: RegExp[],
  opens: (s: string) => boolean,
  closes: (s: string) => boolean,
): MermaidValidation {
  let depth = 0;
  for (const { n, text } of lines) {
    if (!forms.some((f) => f.test(text))) return { ok: false, error: `line ${n}: unrecognised statement: ${text}` };
    if (opens(text)) depth++;
    if (closes(text)) {
      depth--;
      if (depth < 0) return { ok: false, error: `line ${n}: "${text}" closes a block that was never opened` };
    }
  }
  return depth === 0 ? { ok: true } : { ok: false, error: `${depth} block(s) left open at end of diagram` };
}

/** Statement-level check for the two diagram kinds we generate; other kinds pass through. */
function checkGrammar(src: string): MermaidValidation {
  const lines = statements(src);
  if (lines.length === 0) return { ok: false, error: "empty diagram" };
  const [header, ...body] = lines;
  if (/^stateDiagram(-v2)?$/.test(header!.text)) {
    const dash = body.find((l) => l.text === "--");
    const bad = checkLines(body, stateForms, (s) => s.endsWith("{"), (s) => s === "}");
    if (!bad.ok) return bad;
    // A concurrency separator only means something inside a composite state.
    return dash && !insideBlock(body, dash.n) ? { ok: false, error: `line ${dash.n}: "--" outside a composite state` } : bad;
  }
  if (/^sequenceDiagram$/.test(header!.text)) {
    return checkLines(body, sequenceForms, (s) => /^(loop|alt|opt|par|critical|break|rect)\b/.test(s), (s) => s === "end");
  }
  return { ok: true };
}

/** Whether line `n` sits inside at least one `{ … }` block. */
function insideBlock(body: Array<{ n: number; text: string }>, n: number): boolean {
  let depth = 0;
  for (const l of body) {
    if (l.n === n) return depth > 0;
    if (l.text.endsWith("{")) depth++;
    if (l.text === "}") depth--;
  }
  return false;
}

/** Validates Mermaid source: statement grammar for state/sequence diagrams, then an SVG render. */
export function validateMermaid(src: string): MermaidValidation {
  const grammar = checkGrammar(src);
  if (!grammar.ok) return grammar;
  try {
    const svg = renderMermaidSVG(src, docSvgOptions);
    return svg.startsWith("<svg") ? { ok: true } : { ok: false, error: "renderer produced no <svg>" };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}
