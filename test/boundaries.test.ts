// The layers, read from the import statements: machines/ (one folder per component, plus common/
// below them all) never reach up into runtime/, properties/, bench/ or cli/; a component never
// reaches into another component's internals; runtime/ never reaches up into properties/, bench/
// or cli/ (which import runtime/); cli/ is the top, imported by nothing but bin/podflow.js.
// Tests are left out: a machine's test may drive a whole cluster, a CLI test runs main.

import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = normalize(join(dirname(fileURLToPath(import.meta.url)), ".."));

/** Every .ts source file under dir (repo-relative, "/"-separated), tests excluded. */
function sources(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(join(root, d))) {
      const rel = `${d}/${name}`;
      if (statSync(join(root, rel)).isDirectory()) walk(rel);
      else if (name.endsWith(".ts") && !name.endsWith(".test.ts") && !name.endsWith(".d.ts")) out.push(rel);
    }
  };
  walk(dir);
  return out.sort();
}

const importPattern = /(?:^|[\s;])(?:import|export)\s[^;]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|^\s*import\s*["']([^"']+)["']/gm;

/** The repo-relative .ts files a source file imports (packages left out). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), "utf8");
  const out: string[] = [];
  for (const m of text.matchAll(importPattern)) {
    const spec = m[1] ?? m[2] ?? m[3]!;
    if (!spec.startsWith(".")) continue;
    out.push(relative(root, join(root, dirname(file), spec)).split("\\").join("/").replace(/\.js$/, ".ts"));
  }
  return out;
}

/** machines/<component>/... -> component ("common" for common/, "" for machines/messages.ts). */
function componentOf(path: string): string | undefined {
  const m = /^machines\/([^/]+)\//.exec(path);
  return m ? m[1] : path.startsWith("machines/") ? "" : undefined;
}

/**
 * Imports across components that stay, each with its reason. A component's messages.ts (its wire
 * protocol, like CRI's api.proto) may be imported by the component it talks to, so it is not listed.
 */
const exceptions: ReadonlyArray<{ from: string; to: string; why: string }> = [
  { from: "machines/garbagecollector/gc.controller.ts", to: "machines/apiserver/resources.ts", why: "the REST mapping: the real collector reads it from the API server's discovery documents; resources.ts belongs to the API server's owner" },
  { from: "machines/podautoscaler/hpa.controller.ts", to: "machines/apiserver/resources.ts", why: "the REST mapping of scaleTargetRef's kind: the real controller's scale client reads it from discovery, as above" },
  { from: "machines/namespace/namespace.logic.ts", to: "machines/apiserver/resources.ts", why: "the namespace controller lists every namespaced resource through discovery, as above" },
  { from: "machines/resourcequota/resourcequota.controller.ts", to: "machines/apiserver/resources.ts", why: "the quota controller's QuotaMonitor watches the namespaced resources quotas count, found through discovery, as above" },
  { from: "machines/apiserver/allocators.ts", to: "machines/cni/ipam.ts", why: "IPv4 arithmetic, now in common/ip.ts; the API server's files are another owner's this session" },
  // kube-controller-manager's policy status controller links k8s.io/apiserver's type checker (typechecking.go), CEL environment and the generated OpenAPI definitions: the same library code as the API server's
  { from: "machines/validatingadmissionpolicystatus/typechecking.ts", to: "machines/apiserver/cel/index.ts", why: "the CEL compiler is k8s.io/apiserver library code both binaries link" },
  { from: "machines/validatingadmissionpolicystatus/typechecking.ts", to: "machines/apiserver/cel/types.ts", why: "CEL's types of OpenAPI schemas (k8s.io/apiserver/pkg/cel/common), library code both binaries link" },
  { from: "machines/validatingadmissionpolicystatus/typechecking.ts", to: "machines/apiserver/resources.ts", why: "the REST mapping of the policy's resource rules, read from discovery in Kubernetes, as above" },
  { from: "machines/validatingadmissionpolicystatus/typechecking.ts", to: "machines/apiserver/conversion.ts", why: "a CRD's served versions, read from the CRD as the real checker's schema resolver does" },
  { from: "machines/validatingadmissionpolicystatus/typechecking.ts", to: "machines/apiserver/schema/schemadata.ts", why: "the built-in kinds' OpenAPI definitions, compiled into kube-controller-manager as into kube-apiserver" },
  { from: "machines/kubelet/responses.ts", to: "machines/cri/registry.ts", why: "the kubelet words the CRI's pull failure; the kubelet and CRI are being redesigned" },
  { from: "machines/kubelet/imagevolumes.ts", to: "machines/cri/registry.ts", why: "an image volume's pull is EnsureImageExists as a container's: the name check and failure wording of kuberuntime.ts and responses.ts; the kubelet and CRI are being redesigned" },
  { from: "machines/kubelet/kuberuntime.ts", to: "machines/cri/registry.ts", why: "the kubelet's applyDefaultImageTag parses image names with the grammar the runtime uses (distribution/reference); the kubelet and CRI are being redesigned" },
];

function isException(from: string, to: string): boolean {
  return exceptions.some((e) => e.from === from && e.to === to);
}

/** The imports of the files under dir that break a rule, as "from -> to: rule". */
function violations(dir: string, rule: (from: string, to: string) => string | undefined): string[] {
  const out: string[] = [];
  for (const f of sources(dir)) {
    for (const to of importsOf(f)) {
      const why = rule(f, to);
      if (why !== undefined && !isException(f, to)) out.push(`${f} -> ${to}: ${why}`);
    }
  }
  return out;
}

const upper = ["runtime/", "properties/", "bench/", "cli/", "test/"];

describe("layer boundaries (imports)", () => {
  it("reads the imports of a file, static and dynamic", () => {
    expect(importsOf("machines/common/step.ts")).toEqual(["machines/common/effects.ts"]);
    expect(importsOf("runtime/heap.ts")).toEqual(["machines/common/heap.ts"]);
  });

  it("no machine file imports runtime/, properties/, bench/, cli/ or test/", () => {
    expect(violations("machines", (_f, to) => (upper.some((u) => to.startsWith(u)) ? "machines are the bottom layer" : undefined))).toEqual([]);
  });

  it("no component imports another component's internals (common/ and messages.ts are shared)", () => {
    const rule = (from: string, to: string) => {
      const a = componentOf(from);
      const b = componentOf(to);
      if (a === undefined || b === undefined || b === "" || b === "common" || a === b) return undefined;
      if (a === "common") return "common/ is below every component";
      if (to === `machines/${b}/messages.ts`) return undefined;
      return `${a} reaches into ${b}`;
    };
    expect(violations("machines", rule)).toEqual([]);
  });

  it("every listed exception is still needed", () => {
    const stale = exceptions.filter((e) => !importsOf(e.from).includes(e.to));
    expect(stale).toEqual([]);
  });

  it("runtime/ imports neither properties/, bench/, ui/ nor cli/", () => {
    const rule = (_f: string, to: string) => (["properties/", "bench/", "ui/", "cli/"].some((u) => to.startsWith(u)) ? "runtime is below the tools that use it" : undefined);
    expect(violations("runtime", rule)).toEqual([]);
  });

  it("neither properties/, bench/ nor ui/ imports cli/", () => {
    const rule = (_f: string, to: string) => (to.startsWith("cli/") ? "the CLI is the top layer" : undefined);
    expect([...violations("properties", rule), ...violations("bench", rule), ...violations("ui", rule)]).toEqual([]);
  });

  it("the CLI is the package's command (bin/podflow.js runs dist/cli/index.js)", () => {
    expect(readFileSync(join(root, "bin/podflow.js"), "utf8")).toContain('from "../dist/cli/index.js"');
    expect(sources("cli")).toContain("cli/index.ts");
  });
});

// A step's next context is merged over the last one (XState's assign, and the fast path as it), so
// a top-level key deleted in a step comes back with its old value: the node Lease and the runtime
// listing of the kubelet both kept stale values that way. Top-level keys are set to undefined.
describe("a step never deletes a key of its context", () => {
  const deleted = /\bdelete\s+ctx\.[A-Za-z_$][\w$]*\s*;/;
  it("no `delete ctx.<key>;` in machines/", () => {
    expect(deleted.test("  delete ctx.runtimeSandboxes;")).toBe(true);
    const offenders = sources("machines").flatMap((f) =>
      readFileSync(join(root, f), "utf8").split("\n").flatMap((line, i) => (deleted.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(offenders).toEqual([]);
  });
});
