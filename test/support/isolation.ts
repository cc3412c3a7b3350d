// Which test files may share a worker's module state (vitest's isolate: false) and which must run
// in a fresh module graph of their own. The rule is mechanical and lives only here: vitest.config.ts
// builds its two projects from classifyTestFiles, and test/isolation.test.ts enforces it.
//
// A file is isolated when it, or any module it imports by a relative path, touches state that
// outlives the file: mutant switches, the default interpreter, vi's module mocks, stubs, spies and
// fake timers, process.env / exitCode / argv / cwd, globalThis, built-in objects or prototypes
// (prototype-pollution tests included: a regression there would leak into every later file).

import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/** Folders vitest collects *.test.ts from (vitest.config.ts's include). */
export const testRoots = ["machines", "runtime", "properties", "test", "bench", "cli", "ui"] as const;

interface Rule {
  why: string;
  re: RegExp;
}

// In a test file itself: any use of these shares state beyond the file.
export const directRules: readonly Rule[] = [
  { why: "vi module mock, stub, spy or fake timer", re: /\bvi\s*\.\s*(mock|doMock|unmock|doUnmock|stubEnv|stubGlobal|unstubAllEnvs|unstubAllGlobals|useFakeTimers|useRealTimers|setSystemTime|spyOn|resetModules|hoisted|importMock|importActual|setConfig)\b/ },
  { why: "mutant switch", re: /\bsetMutants\b/ },
  { why: "default interpreter", re: /\bsetDefaultInterpreter\b/ },
  { why: "fast-check global settings", re: /\bconfigureGlobal\b/ },
  { why: "globalThis", re: /\bglobalThis\b/ },
  { why: "prototype or __proto__", re: /__proto__|\.prototype\b|\bsetPrototypeOf\b/ },
  { why: "process listeners", re: /\bprocess\s*\.\s*(on|once|off|addListener|removeListener|removeAllListeners|setMaxListeners|setUncaughtExceptionCaptureCallback)\s*\(/ },
];

// In the test file and everything it imports by a relative path: writes to process-wide state.
export const transitiveRules: readonly Rule[] = [
  { why: "mutant switch", re: /(?<!function\s+)\bsetMutants\s*\(/ },
  { why: "default interpreter", re: /(?<!function\s+)\bsetDefaultInterpreter\s*\(/ },
  { why: "process.env write", re: /\bprocess\s*\.\s*env\s*(\.\s*\w+|\[[^\]]+\])\s*(=(?!=)|\?\?=|\|\|=)|\bdelete\s+process\s*\.\s*env\b|Object\s*\.\s*assign\s*\(\s*process\s*\.\s*env\b/ },
  { why: "process.exitCode / argv / title / umask", re: /\bprocess\s*\.\s*(exitCode|argv|title)\s*(=(?!=)|\?\?=)|\bprocess\s*\.\s*umask\s*\(\s*\S/ },
  { why: "chdir", re: /\bprocess\s*\.\s*chdir\s*\(/ },
  { why: "globalThis write", re: /\bglobalThis\s*(\.\s*\w+|\[[^\]]+\])\s*=(?!=)/ },
  { why: "built-in object write", re: /\b(Math|Date|JSON|Object|Array|Promise|String|Number|Symbol|Reflect|console|process)\s*\.\s*\w+\s*=(?!=)/ },
];

const importRe = /\b(?:import|export)\s[^;]*?\bfrom\s*["'](\.{1,2}\/[^"']+)["']|\bimport\s*\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)|\bimport\s*["'](\.{1,2}\/[^"']+)["']/g;

// A module's relative imports as .ts paths (the sources import ./x.js for ./x.ts).
function relativeImports(file: string, text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(importRe)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (spec === undefined) continue;
    const target = resolve(dirname(file), spec);
    if (target.endsWith(".js")) out.push(target.slice(0, -3) + ".ts");
    else if (target.endsWith(".ts")) out.push(target);
  }
  return out;
}

function readOrUndefined(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** Why a test file (its own text) must be isolated, or undefined. */
export function directReason(source: string): string | undefined {
  return directRules.find((r) => r.re.test(source))?.why;
}

/** Why a module's text writes process-wide state, or undefined. */
export function transitiveReason(source: string): string | undefined {
  return transitiveRules.find((r) => r.re.test(source))?.why;
}

/** Every *.test.ts under the test roots, relative to root, sorted. */
export function listTestFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name === "node_modules" || e.name === "dist" || e.name.startsWith(".")) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".test.ts")) out.push(relative(root, p));
    }
  };
  for (const r of testRoots) walk(join(root, r));
  return out.sort();
}

/** Why this test file must run isolated (its own text, then every module it reaches by relative imports), or undefined. */
export function isolationReason(root: string, testFile: string, cache = new Map<string, { why: string | undefined; deps: string[] }>()): string | undefined {
  const scan = (file: string, isTest: boolean): { why: string | undefined; deps: string[] } => {
    const hit = cache.get(file);
    if (hit !== undefined && !isTest) return hit;
    const src = readOrUndefined(file) ?? "";
    const why = (isTest ? directReason(src) : undefined) ?? transitiveReason(src);
    const entry = { why: why === undefined ? undefined : `${why} (${relative(root, file)})`, deps: relativeImports(file, src) };
    if (!isTest) cache.set(file, entry);
    return entry;
  };
  const start = resolve(root, testFile);
  const seen = new Set<string>([start]);
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const file = queue[i]!;
    const { why, deps } = scan(file, i === 0);
    if (why !== undefined) return why;
    for (const d of deps) {
      if (!seen.has(d)) {
        seen.add(d);
        queue.push(d);
      }
    }
  }
  return undefined;
}

/** The test files split into those that must run isolated (with why) and those that may share a worker. */
export function classifyTestFiles(root: string): { isolated: Map<string, string>; shared: string[] } {
  const cache = new Map<string, { why: string | undefined; deps: string[] }>();
  const isolated = new Map<string, string>();
  const shared: string[] = [];
  for (const f of listTestFiles(root)) {
    const why = isolationReason(root, f, cache);
    if (why === undefined) shared.push(f);
    else isolated.set(f, why);
  }
  return { isolated, shared };
}
