// The committed docs/ must be what `podflow docs` generates today, and everything in it must
// render: a stale page fails here by name, with the command that refreshes it.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { mermaidBlocks, renderDocs, xmlProblem, type GeneratedFile } from "../runtime/docs/generate.js";
import { validateMermaid } from "../runtime/docs/render.js";

const docs = join(import.meta.dirname, "..", "docs");

/** Every file under dir, as "/"-separated paths relative to docs/. */
function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? walk(join(dir, d.name)) : [relative(docs, join(dir, d.name)).split("\\").join("/")],
  );
}

let generated: GeneratedFile[] = [];
beforeAll(async () => {
  generated = await renderDocs();
}, 120_000);

describe("the committed docs are fresh", () => {
  it("every generated file is committed byte for byte", () => {
    const stale = generated.filter((f) => {
      const path = join(docs, ...f.path.split("/"));
      return !existsSync(path) || readFileSync(path, "utf8") !== f.content;
    });
    expect(stale.map((f) => `docs/${f.path} is stale or missing: run \`npm run docs\``)).toEqual([]);
  });

  it("no file in the generated folders is left over from a machine or flow that is gone", () => {
    const made = new Set(generated.map((f) => f.path));
    const extra = [...walk(join(docs, "machines")), ...walk(join(docs, "flows"))].filter((p) => !made.has(p));
    expect(extra.map((p) => `docs/${p} is no longer generated: delete it and run \`npm run docs\``)).toEqual([]);
  });

  it("generating twice gives the same bytes", async () => {
    const again = await renderDocs();
    expect(again.map((f) => [f.path, f.content])).toEqual(generated.map((f) => [f.path, f.content]));
  }, 120_000);
});

describe("everything in docs/ renders", () => {
  const files = walk(docs);

  it("finds the generated pages and the written reference", () => {
    expect(files).toEqual(expect.arrayContaining(["machines/README.md", "flows/pod-create.md", "semantics.md"]));
  });

  it("every Mermaid block passes validateMermaid", () => {
    const bad: string[] = [];
    for (const f of files.filter((p) => p.endsWith(".md"))) {
      for (const b of mermaidBlocks(readFileSync(join(docs, f), "utf8"))) {
        const v = validateMermaid(b.source);
        if (!v.ok) bad.push(`docs/${f}:${b.line}: ${v.error}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("every SVG is well-formed XML starting with <svg", () => {
    const bad: string[] = [];
    for (const f of files.filter((p) => p.endsWith(".svg"))) {
      const text = readFileSync(join(docs, f), "utf8");
      if (!text.startsWith("<svg")) bad.push(`docs/${f}: does not start with <svg`);
      const problem = xmlProblem(text);
      if (problem) bad.push(`docs/${f}: ${problem}`);
    }
    expect(bad).toEqual([]);
  });
});
