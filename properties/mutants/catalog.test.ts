// The mutant catalog matches the source: every catalogued mutant is one mutant("name") branch in the
// file it names, every such branch in machines/ is catalogued, and the switch is off unless set.
import { describe, it, expect } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { mutants } from "./catalog.js";
import { activeMutants, mutant, setMutants } from "../../machines/common/mutation.js";

const root = normalize(join(dirname(fileURLToPath(import.meta.url)), "../.."));

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const rel = `${dir}/${name}`;
    if (statSync(join(root, rel)).isDirectory()) out.push(...sources(rel));
    else if (name.endsWith(".ts") && !name.endsWith(".test.ts")) out.push(rel);
  }
  return out;
}

/** Every mutant("...") call in the machines, as [file, name]. */
function branches(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const f of sources("machines")) {
    if (f === "machines/common/mutation.ts") continue;
    for (const m of readFileSync(join(root, f), "utf8").matchAll(/\bmutant\("([^"]+)"\)/g)) out.push([f, m[1]!]);
  }
  return out;
}

describe("the mutant catalog", () => {
  it("has at least 20 mutants with distinct names", () => {
    expect(mutants.length).toBeGreaterThanOrEqual(20);
    expect(new Set(mutants.map((m) => m.name)).size).toBe(mutants.length);
  });

  it("lists each mutant() branch of the machines once, in the file it names", () => {
    const found = branches();
    expect(found.map(([, n]) => n).sort()).toEqual(mutants.map((m) => m.name).sort());
    for (const m of mutants) expect(found.filter(([, n]) => n === m.name)).toEqual([[m.file, m.name]]);
  });

  it("every mutant is off unless the runner turns it on, and off again after", () => {
    expect(activeMutants()).toEqual([]);
    expect(mutants.some((m) => mutant(m.name))).toBe(false);
    setMutants(["cni.del-keeps-address"]);
    try {
      expect(mutant("cni.del-keeps-address")).toBe(true);
      expect(mutant("ipam.reuses-address-after-wrap")).toBe(false);
    } finally {
      setMutants([]);
    }
    expect(mutant("cni.del-keeps-address")).toBe(false);
  });
});
