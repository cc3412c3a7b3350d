import { describe, it, expect } from "vitest";
import { renderAscii, renderSvg, validateMermaid } from "./render.js";

describe("validateMermaid", () => {
  const rows: Array<{ name: string; src: string; error?: RegExp }> = [
    { name: "a small state diagram with a composite state is valid", src: 'stateDiagram-v2\n  state "A" as a {\n    [*] --> x\n  }\n  a --> b : GO\n' },
    { name: "a small sequence diagram with a note and a block is valid", src: "sequenceDiagram\n  participant a\n  loop every 10s\n    a->>b: ping\n  end\n  Note over a,b: done\n" },
    { name: "a flowchart is left to the renderer and is valid", src: "graph TD\n  A --> B\n" },
    { name: "an empty source is rejected", src: "  \n", error: /empty diagram/ },
    { name: "a statement the renderer would silently drop is rejected with its line", src: "stateDiagram-v2\n  a -> b\n", error: /line 2: unrecognised statement: a -> b/ },
    { name: "an unclosed composite state is rejected", src: 'stateDiagram-v2\n  state "A" as a {\n    x --> y\n', error: /1 block\(s\) left open/ },
    { name: "a stray closing brace is rejected", src: "stateDiagram-v2\n  }\n", error: /line 2: "}" closes a block that was never opened/ },
    { name: "a concurrency divider outside a composite state is rejected", src: "stateDiagram-v2\n  a --> b\n  --\n", error: /line 3: "--" outside a composite state/ },
    { name: "a semicolon in a message, which Mermaid reads as a new statement, is rejected", src: "sequenceDiagram\n  a->>b: x; y\n", error: /line 2/ },
    { name: "an unknown diagram header is rejected by the renderer", src: "pieChart\n  a: 1\n", error: /./ },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const result = validateMermaid(row.src);
      if (!row.error) expect(result).toEqual({ ok: true });
      else {
        expect(result.ok).toBe(false);
        expect(result.ok ? "" : result.error).toMatch(row.error);
      }
    });
  }
});

describe("renderers", () => {
  it("renders SVG deterministically", () => {
    const src = "stateDiagram-v2\n  [*] --> Pending\n  Pending --> Running : START\n";
    expect(renderSvg(src)).toBe(renderSvg(src));
    expect(renderSvg(src)).toContain(">START</text>");
  });

  it("renders ASCII without colour codes, in pure ASCII when asked", () => {
    const art = renderAscii("stateDiagram-v2\n  Pending --> Running : START\n", { ascii: true });
    expect(art).toContain("Pending");
    expect(art).toContain("START");
    expect(art).not.toContain("\u001b[");
    expect(art).toMatch(/^[\x20-\x7e\n]*$/);
  });
});
