// An invariant never imports the logic it judges: a helper shared by a controller and the
// invariant that checks it makes the invariant agree with the controller's bugs. So no file in
// properties/invariants/ (tests included) imports a value from machines/: Kubernetes'
// definitions are written again in properties/invariants/k8s.ts, and the world (objects as
// stored, component snapshots) is read through the runtime. Type-only imports carry no logic.

import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const root = normalize(join(dirname(fileURLToPath(import.meta.url)), ".."));
const dir = join(root, "properties", "invariants");

/** Every import or re-export statement (static and dynamic) of a file, with whether it is type-only. */
function importsOf(text: string): Array<{ spec: string; typeOnly: boolean }> {
  const out: Array<{ spec: string; typeOnly: boolean }> = [];
  const statement = /(?:^|[\s;])(import|export)\s+(type\s+)?([^;]*?)\s*from\s*["']([^"']+)["']/gm;
  for (const m of text.matchAll(statement)) {
    const clause = m[3]!;
    // `import { type A, type B } from` is type-only too; `import { type A, b } from` is not.
    const named = /^\{([^}]*)\}$/.exec(clause.trim());
    const allTypes = named !== null && named[1]!.split(",").map((x) => x.trim()).filter(Boolean).every((x) => x.startsWith("type "));
    out.push({ spec: m[4]!, typeOnly: m[2] !== undefined || allTypes });
  }
  for (const m of text.matchAll(/import\(\s*["']([^"']+)["']\s*\)|^\s*import\s*["']([^"']+)["']/gm)) out.push({ spec: (m[1] ?? m[2])!, typeOnly: false });
  return out;
}

/** The value imports from machines/ among a file's imports. */
function machineImports(text: string): string[] {
  return importsOf(text)
    .filter((i) => !i.typeOnly && /(^|\/)machines\//.test(i.spec))
    .map((i) => i.spec);
}

describe("invariants never import the logic they judge", () => {
  it("the rule sees value imports, re-exports and dynamic imports from machines/, and lets type-only imports pass", () => {
    const text = [
      `import type { Pod } from "../../machines/kubelet/types.js";`,
      `import { type Node, type Taint } from "../../machines/messages.js";`,
      `import { isPodReady } from "../../machines/common/endpointutil.js";`,
      `import { type Service, findPort } from "../../machines/common/endpointutil.js";`,
      `export { podRequests } from "../../machines/scheduler/framework.js";`,
      `const m = await import("../../machines/cri/cri.logic.js");`,
      `import { quantity } from "./k8s.js";`,
    ].join("\n");
    expect(machineImports(text)).toEqual(["../../machines/common/endpointutil.js", "../../machines/common/endpointutil.js", "../../machines/scheduler/framework.js", "../../machines/cri/cri.logic.js"]);
  });

  const files = readdirSync(dir).filter((f) => f.endsWith(".ts"));
  it("finds the invariant files", () => {
    expect(files).toEqual(expect.arrayContaining(["index.ts", "core.ts", "endpoints.ts", "k8s.ts"]));
  });
  for (const f of files) {
    it(`properties/invariants/${f} imports no value from machines/`, () => {
      expect(machineImports(readFileSync(join(dir, f), "utf8"))).toEqual([]);
    });
  }
});
