// Names a client controls (image names, commands, environment variables, DNS names, selector keys and
// operators, field labels, resources, discovery groups) behave as ordinary strings when they spell an
// Object.prototype member: each entry point answers "__proto__" or "constructor" exactly as it answers
// a name it has never heard of, and Object.prototype is never touched.

import { describe, it, expect, afterEach } from "vitest";
import type { Service } from "kubernetes-types/core/v1";
import { resolveImage, type ImageInfo } from "../machines/cri/registry.js";
import { MemFS, runExec, startContainer } from "../machines/cri/workload/index.js";
import { expand, mappingFuncFor } from "../machines/kubelet/expansion.js";
import { drive, recordingIO } from "../machines/cri/workload/testkit.js";
import { dnsRecords, resolveName } from "../machines/dns/dns.logic.js";
import { labelSelectorAsRequirements, matchesFieldSelector, matchesNodeSelectorTerm, matchesRequirements, parseSelector } from "../machines/common/labels.js";
import { supportsField } from "../machines/apiserver/cache.js";
import { resourceFor, resourceForKind } from "../machines/apiserver/resources.js";
import { apiGroup, apiResourceList } from "../runtime/server/discovery.js";
import { containerEnv } from "../machines/kubelet/kubelet.logic.js";
import { serviceWatchId } from "../machines/kubelet/types.js";

const prototypeNames = ["__proto__", "constructor", "toString", "valueOf", "hasOwnProperty", "prototype", "isPrototypeOf", "propertyIsEnumerable", "toLocaleString"];
const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();

/** An ordinary name of the same shape that no entry point knows ("constructor" -> "qqqqqqqqqqq",
 * "__proto__" -> "__qqqqq__", equally valid or invalid): the oracle each prototype name is compared with. */
function unknownLike(name: string): string {
  return name.replace(/[a-z]/g, "q");
}

/** The answer for unknownLike(name), with the name swapped back, is the answer for `name`. */
function asFor<T>(answer: T, name: string): T {
  return JSON.parse(JSON.stringify(answer).split(unknownLike(name)).join(name)) as T;
}

/** What a resolved image is, without the digests and sizes derived from its name. */
function imageShape(r: ReturnType<typeof resolveImage>): unknown {
  if (!r.ok) return r;
  const { ref, name, repoTags, entrypoint, cmd, env, kind, userland } = r.image;
  return { ok: true, ref, name, repoTags, entrypoint, cmd, env, kind, userland };
}

afterEach(() => {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
});

function busybox(): ImageInfo {
  const r = resolveImage("busybox:1.36");
  if (!r.ok) throw new Error(r.message);
  return r.image;
}

function sh(script: string, env: Record<string, string> = {}) {
  const io = recordingIO(env);
  const p = startContainer({ image: busybox(), command: ["sh", "-c", script], env, fs: io.fs }, io);
  const result = drive(p.run, io);
  return { out: io.out, err: io.err, result, startError: p.startError };
}

function container(command: string[]) {
  const io = recordingIO();
  const p = startContainer({ image: busybox(), command, env: {}, fs: io.fs }, io);
  return { startError: p.startError, result: p.startError ? undefined : drive(p.run, io), out: io.out, err: io.err };
}

describe.each(prototypeNames)("the name %s", (name) => {
  it("is an image that does not exist, in every spelling of the reference", () => {
    const lower = name.toLowerCase();
    for (const ref of [lower, `${lower}:latest`, `library/${lower}`, `docker.io/library/${lower}:1`, `example.com/${lower}`]) {
      const control = ref.split(lower).join(unknownLike(lower));
      expect(imageShape(resolveImage(ref))).toEqual(asFor(imageShape(resolveImage(control)), lower));
    }
  });

  it("is a command not found for the shell, and an executable not found as a container's command or an exec", () => {
    expect(sh(name)).toEqual(asFor(sh(unknownLike(name)), name));
    expect(sh(`command -v ${name}; echo $?`)).toEqual(asFor(sh(`command -v ${unknownLike(name)}; echo $?`), name));
    expect(container([name])).toEqual(asFor(container([unknownLike(name)]), name));
    const exec = (n: string) => {
      const io = recordingIO({}, MemFS.rootfs());
      return { result: drive(runExec([n], io, busybox()), io), err: io.err };
    };
    expect(exec(name)).toEqual(asFor(exec(unknownLike(name)), name));
  });

  it("is an unset variable unless the container's environment sets it", () => {
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      expect(sh(`echo "[$${name}]"`)).toEqual(asFor(sh(`echo "[$${unknownLike(name)}]"`), name));
      expect(sh(`echo "[$${name}]"`, { [name]: "set" }).out).toEqual(["[set]"]);
    }
    expect(expand(`$(${name})`, mappingFuncFor({}))).toBe(`$(${name})`);
    expect(expand(`$(${name})`, mappingFuncFor(JSON.parse(`{"${name}": "v"}`)))).toBe("v");
  });

  it("is a container environment variable the kubelet sets and references like any other", () => {
    const envOf = (env: { name: string; value: string }[]) =>
      containerEnv({ node: "node-1", hostIP: "172.18.0.2", client: { informers: new Map([[serviceWatchId, { synced: true, store: new Map() }]]) } } as never, { pod: { metadata: { name: "p", namespace: "default" }, spec: {} }, uid: "u", ip: "10.244.0.5" } as never, { spec: { name: "c", env } } as never) as { env: Record<string, string> };
    const set = envOf([{ name, value: "v" }, { name: "REF", value: `$(${name})` }]).env;
    expect(Object.getOwnPropertyDescriptor(set, name)?.value).toBe("v");
    expect(set.REF).toBe("v");
    expect(Object.getPrototypeOf(set)).toBe(Object.prototype);
    expect(envOf([{ name: "REF", value: `$(${name})` }]).env.REF).toBe(asFor(envOf([{ name: "REF", value: `$(${unknownLike(name)})` }]).env.REF, name));
  });

  it("is NXDOMAIN in the cluster's DNS, bare or searched", () => {
    const services: Service[] = [{ metadata: { name: "web", namespace: "default" }, spec: { clusterIP: "10.96.0.20", ports: [{ port: 80 }] } }];
    const zone = dnsRecords(services, []);
    expect(resolveName(zone, name, "default")).toEqual(asFor(resolveName(zone, unknownLike(name), "default"), name));
    expect(resolveName(zone, name)).toEqual(asFor(resolveName(zone, unknownLike(name)), name));
    expect(resolveName(zone, `${name}.default.svc.cluster.local`)).toEqual(asFor(resolveName(zone, `${unknownLike(name)}.default.svc.cluster.local`), name));
  });

  it("is a label key like any other: absent unless the labels have it, and an unknown selector operator", () => {
    const exists = parseSelector(name);
    expect(exists).toEqual(asFor(parseSelector(unknownLike(name)), name));
    if (!("error" in exists)) {
      expect(matchesRequirements(exists, {})).toBe(false);
      expect(matchesRequirements(exists, JSON.parse(`{"${name}": "x"}`))).toBe(true);
    }
    expect(labelSelectorAsRequirements({ matchExpressions: [{ key: "a", operator: name }] })).toEqual(asFor(labelSelectorAsRequirements({ matchExpressions: [{ key: "a", operator: unknownLike(name) }] }), name));
    const node = { metadata: { name: "n", labels: { a: "b" } } };
    expect(matchesNodeSelectorTerm({ matchExpressions: [{ key: "a", operator: name, values: ["b"] }] }, node)).toBe(false);
    expect(matchesNodeSelectorTerm({ matchExpressions: [{ key: name, operator: "Exists" }] }, node)).toBe(false);
    expect(matchesFieldSelector([{ field: name, operator: "=", value: "" }], {})).toBe(true);
    expect(matchesFieldSelector([{ field: name, operator: "!=", value: "" }], {})).toBe(false);
  });

  it("is an unsupported field label, an unknown resource and kind, and no discovery group", () => {
    expect(supportsField("Pod", name)).toBe(false);
    expect(resourceFor("", name)).toBeUndefined();
    expect(resourceFor(name, "pods")).toBeUndefined();
    expect(resourceForKind(name)).toBeUndefined();
    expect(apiGroup(name)).toBeUndefined();
    expect(apiResourceList(name, "v1")).toBeUndefined();
    expect(apiResourceList("", name)).toBeUndefined();
  });
});
