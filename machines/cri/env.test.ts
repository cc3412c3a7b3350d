// A container's environment kept as its parts (composeEnv, keptEnv) gives back the record the
// kubelet sends, key for key and in order, and copies onto a process's environment as the record would.

import { describe, expect, it } from "vitest";
import { composeEnv, copyEnvInto, envRecord, EnvParts, keptEnv } from "./messages.js";
import { internLine } from "./cri.logic.js";

const base = Object.freeze({ KUBERNETES_SERVICE_HOST: "10.96.0.1", KUBERNETES_SERVICE_PORT: "443", WEB_0_SERVICE_HOST: "10.96.0.20", WEB_0_PORT: "tcp://10.96.0.20:80" });
const baseKeys = Object.keys(base);
/** A variable named __proto__ (a name like any other in a pod spec). */
const protoKey = ["__", "proto", "__"].join("");

/** Own keys and values in enumeration order. */
const entries = (o: object) => Reflect.ownKeys(o).map((k) => [k, (o as Record<string | symbol, unknown>)[k]]);

describe("a container's environment as parts", () => {
  it("without variables of its own: HOSTNAME, then the Service variables in their order", () => {
    const env = composeEnv("web-0-abc", base, baseKeys);
    const expected = { HOSTNAME: "web-0-abc", KUBERNETES_SERVICE_HOST: "10.96.0.1", KUBERNETES_SERVICE_PORT: "443", WEB_0_SERVICE_HOST: "10.96.0.20", WEB_0_PORT: "tcp://10.96.0.20:80" };
    expect(entries(env)).toEqual(entries(expected));
    expect(Object.isFrozen(env)).toBe(true);
    const kept = keptEnv(env);
    expect(kept).toBeInstanceOf(EnvParts);
    expect(entries(envRecord(kept))).toEqual(entries(expected));
  });

  it("with its own: a HOSTNAME of its own keeps the first place, its own variables replace the Service ones and come last", () => {
    const own: Record<string, string> = Object.create(null);
    own.WEB_0_PORT = "mine";
    own.HOSTNAME = "custom";
    own[protoKey] = "a variable";
    own["7"] = "seven";
    const env = composeEnv("web-0-abc", base, baseKeys, own);
    // the straightforward build: a null-prototype record filled in order, then made plain
    const plain: Record<string, string> = Object.create(null);
    plain.HOSTNAME = "custom";
    plain.KUBERNETES_SERVICE_HOST = "10.96.0.1";
    plain.KUBERNETES_SERVICE_PORT = "443";
    plain.WEB_0_SERVICE_HOST = "10.96.0.20";
    plain.WEB_0_PORT = "mine";
    plain[protoKey] = "a variable";
    plain["7"] = "seven";
    expect(entries(env)).toEqual(entries({ ...plain }));
    expect(Object.hasOwn(env, protoKey)).toBe(true);
    expect(Object.getPrototypeOf(env)).toBe(Object.prototype);
    expect(entries(envRecord(keptEnv(env)))).toEqual(entries(env));
  });

  it("copies onto a process's environment as copying the record's keys in order does", () => {
    const imageEnv = { PATH: "/usr/bin", HOSTNAME: "from-image", NGINX_VERSION: "1.27" };
    for (const own of [undefined, Object.assign(Object.create(null), { PATH: "/bin", "3": "x", EXTRA: "y" }) as Record<string, string>]) {
      const env = composeEnv("pod-1", base, baseKeys, own);
      const byRecord: Record<string, string> = Object.create(null);
      for (const k in imageEnv) byRecord[k] = imageEnv[k as keyof typeof imageEnv];
      for (const k in env) if (Object.hasOwn(env, k)) byRecord[k] = env[k]!;
      const byParts: Record<string, string> = Object.create(null);
      for (const k in imageEnv) byParts[k] = imageEnv[k as keyof typeof imageEnv];
      copyEnvInto(byParts, keptEnv(env));
      expect(entries(byParts)).toEqual(entries(byRecord));
    }
  });

  it("a record composeEnv did not build (a test's, a copy made on the way) is kept whole", () => {
    const plain = { HOSTNAME: "h", A: "1" };
    expect(keptEnv(plain)).toBe(plain);
    const copy = structuredClone(composeEnv("h", base, baseKeys));
    expect(keptEnv(copy)).toBe(copy);
    expect(envRecord(keptEnv(copy))).toBe(copy);
  });

  it("log lines: one kept string per distinct line, equal to the line", () => {
    const a = ["2026/01/01 00:00:00 [notice] 1#1: start worker process 29", "x"].join("\n").split("\n")[0]!;
    const b = "2026/01/01 00:00:00 [notice] 1#1: start worker process 29";
    expect(internLine(a)).toBe(b);
    expect(internLine(b)).toBe(a);
    for (let i = 0; i < 10_000; i++) expect(internLine(`line ${i}`)).toBe(`line ${i}`);
  });
});
