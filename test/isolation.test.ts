// The split of test files between vitest's shared-module workers and isolated ones
// (test/support/isolation.ts, used by vitest.config.ts): a file that touches process-wide state
// must never share a module graph with other files, or one file's mutant switch, mock or stub
// leaks into the next file that happens to run in the same worker.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import config from "../vitest.config.js";
import { classifyTestFiles, listTestFiles } from "./support/isolation.js";

const root = join(import.meta.dirname, "..");

// Written here independently of the classifier's rules: the APIs the project's tests use that
// change state outside the file calling them.
const stateful: readonly RegExp[] = [
  /\bvi\.(mock|doMock|stubEnv|stubGlobal|useFakeTimers|spyOn|resetModules)\(/,
  /\bsetMutants\(/,
  /\bsetDefaultInterpreter\(/,
  /\bprocess\.env\.\w+ = /,
  /\bprocess\.exitCode = /,
  /\bprocess\.chdir\(/,
  /\bglobalThis\b/,
  /__proto__/,
  /\.prototype\./,
];

interface Project {
  test: { name: string; include: string[]; exclude?: string[]; isolate: boolean };
}
const projects = (config as unknown as { test: { projects: Project[] } }).test.projects;
const isolatedProject = projects.find((p) => p.test.isolate === true)!;
const sharedProject = projects.find((p) => p.test.isolate === false)!;

describe("vitest.config.ts runs each test file in one project", () => {
  const files = listTestFiles(root);
  const { isolated, shared } = classifyTestFiles(root);

  it("lists every test file once, isolated or shared", () => {
    expect(files.length).toBeGreaterThan(400);
    expect([...isolated.keys(), ...shared].sort()).toEqual(files);
  });

  it("puts every file using a process-wide API in the isolated project and out of the shared one", () => {
    const misplaced: string[] = [];
    for (const f of files) {
      const text = readFileSync(join(root, f), "utf8");
      if (!stateful.some((re) => re.test(text))) continue;
      if (!isolatedProject.test.include.includes(f) || !sharedProject.test.exclude?.includes(f)) misplaced.push(f);
    }
    expect(misplaced).toEqual([]);
  });

  it("gives the shared project only files the classifier found free of process-wide state", () => {
    expect(isolatedProject.test.include.sort()).toEqual([...isolated.keys()].sort());
    for (const f of shared) expect(sharedProject.test.exclude).not.toContain(f);
  });
});

describe("the classifier", () => {
  const dir = mkdtempSync(join(tmpdir(), "podflow-isolation-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (path: string, text: string): void => {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  write("test/clean.test.ts", 'import { x } from "../machines/a.js";\nit("a", () => expect(x).toBe(1));\n');
  write("machines/a.ts", "export const x = 1;\n");
  write("test/mock.test.ts", 'vi.mock("../machines/a.js");\n');
  write("test/spy.test.ts", 'vi\n  .spyOn(console, "log");\n');
  write("test/env.test.ts", 'process.env["PODFLOW_SEED"] = "1";\n');
  write("test/helper.test.ts", 'import { on } from "./support/mutate.js";\non();\n');
  write("test/support/mutate.ts", 'import { setMutants } from "../../machines/common/mutation.js";\nexport function on() { setMutants(["x"]); }\n');
  write("machines/common/mutation.ts", "export function setMutants(names: Iterable<string>): void {}\n");
  write("test/deep.test.ts", 'import "../cli/a.js";\n');
  write("cli/a.ts", 'export * from "./b.js";\n');
  write("cli/b.ts", "process.exitCode = 2;\n");
  write("test/pollution.test.ts", 'expect(({} as any).__proto__).toBe(Object.prototype);\n');

  it("isolates direct, spread and transitive uses and shares the rest", () => {
    const { isolated, shared } = classifyTestFiles(dir);
    expect(shared).toEqual(["test/clean.test.ts"]);
    expect([...isolated.keys()].sort()).toEqual(["test/deep.test.ts", "test/env.test.ts", "test/helper.test.ts", "test/mock.test.ts", "test/pollution.test.ts", "test/spy.test.ts"]);
    expect(isolated.get("test/helper.test.ts")).toContain("test/support/mutate.ts");
    expect(isolated.get("test/deep.test.ts")).toContain("cli/b.ts");
  });

  it("does not take a setter's definition for a call", () => {
    write("test/defines.test.ts", 'import "../machines/common/mutation.js";\n');
    expect(classifyTestFiles(dir).shared).toContain("test/defines.test.ts");
  });
});
