// A shell's variables laid over the shared Service variables (vars.ts) hold, list and hand on
// exactly what the plain copy of the container's environment record did: same keys, values, order.

import { describe, expect, it } from "vitest";
import { resolveImage, type ImageInfo } from "../registry.js";
import { composeEnv, keptEnv } from "../messages.js";
import { startContainer } from "./index.js";
import { drive, recordingIO } from "./testkit.js";
import { LayeredVars } from "./vars.js";

const protoKey = ["__", "proto", "__"].join("");

function image(ref: string): ImageInfo {
  const r = resolveImage(ref);
  if (!r.ok) throw new Error(r.message);
  return r.image;
}

/** A null-prototype record from entries in order (a plain object would take __proto__ as its prototype). */
function record(entries: Array<[string, string]>): Record<string, string> {
  const o: Record<string, string> = Object.create(null);
  for (const [k, v] of entries) o[k] = v;
  return o;
}

/** The namespace's Service variables, frozen and shared, as the kubelet keeps them. */
const base: Record<string, string> = Object.freeze(record([
  ["KUBERNETES_SERVICE_HOST", "10.96.0.1"], ["KUBERNETES_SERVICE_PORT", "443"], ["WEB_SERVICE_HOST", "10.96.0.20"],
  ["WEB_PORT", "tcp://10.96.0.20:80"], [protoKey, "base-proto"], ["DB_SERVICE_HOST", "10.96.0.30"], ["PATH", "/base/bin"],
]));
const baseKeys = Object.keys(base);

/**
 * The reference: the environment the process had before, built here as its definition reads (the
 * image's variables, then HOSTNAME, the Service variables the container does not set, its own ones,
 * copied key by key onto a null-prototype record), and then copied whole into a plain Map.
 */
function referenceEnv(imageEnv: Record<string, string>, hostname: string, own?: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = Object.create(null);
  for (const k in imageEnv) env[k] = imageEnv[k]!;
  env.HOSTNAME = hostname;
  for (const k of baseKeys) if (own === undefined || !Object.hasOwn(own, k)) env[k] = base[k]!;
  if (own) for (const k in own) env[k] = own[k]!;
  return env;
}

const scripts = [
  "env",
  "export WEB_PORT=changed; env",
  "unset WEB_SERVICE_HOST; env; export WEB_SERVICE_HOST=back; env",
  "unset KUBERNETES_SERVICE_HOST; KUBERNETES_SERVICE_HOST=unexported; env; echo $KUBERNETES_SERVICE_HOST; export KUBERNETES_SERVICE_HOST; env",
  `unset ${protoKey}; env; export ${protoKey}=again; env; printenv ${protoKey}`,
  "NEW=1; export NEW; export 7=seven 12=twelve; env; unset 7; env",
  "DB_SERVICE_HOST=prefix env; env",
  "(unset WEB_PORT; export X=1; env); env; echo $(unset DB_SERVICE_HOST; env | wc -l); env",
  "unset PATH HOSTNAME; env; export PATH=/p HOSTNAME=h; env; sh -c 'export Q=1; env'",
  "unset DB_SERVICE_HOST; unset DB_SERVICE_HOST; export DB_SERVICE_HOST; env; DB_SERVICE_HOST=v; env; set; echo ${WEB_PORT:-none} ${GONE:=set}; env",
];

function run(img: ImageInfo, env: ReturnType<typeof keptEnv>, script: string): string {
  const io = recordingIO();
  const p = startContainer({ image: img, command: ["sh", "-c", script], env, fs: io.fs }, io);
  const r = drive(p.run, io);
  return `${JSON.stringify(r)}\n${io.out.join("")}\n--\n${io.err.join("")}`;
}

describe("a shell's variables over the shared Service variables", () => {
  const busybox = image("busybox:1.36");
  const images: Array<[string, ImageInfo]> = [
    ["busybox", busybox],
    // an image that sets a Service variable's name, HOSTNAME, __proto__ and array-index names itself
    ["image env", { ...busybox, env: record([["IMG", "1"], ["WEB_PORT", "img"], ["3", "three"], ["HOSTNAME", "img-host"], [protoKey, "img-proto"], ["10", "ten"]]) }],
  ];
  const owns: Array<[string, Record<string, string> | undefined]> = [
    ["no own variables", undefined],
    ["own variables", record([["OWN", "o"], ["WEB_SERVICE_HOST", "own-web"], ["5", "five"], [protoKey, "own-proto"], ["HOSTNAME", "own-host"], ["IMG", "own-img"]])],
  ];
  for (const [iname, img] of images) {
    for (const [oname, own] of owns) {
      it(`${iname}, ${oname}: env and child environments as with the plain copy`, () => {
        const kept = keptEnv(composeEnv("pod-1", base, baseKeys, own));
        const plain = referenceEnv(img.env, "pod-1", own);
        for (const s of scripts) expect(run(img, kept, s), s).toBe(run(img, plain, s));
      });
    }
  }

  it("a layer under any mix of assignments, unsets and clears lists what a plain Map does, in order", () => {
    // a fixed pseudo-random sequence (a linear congruential generator): reproducible
    let seed = 12345;
    const next = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    const names = [...baseKeys, "A", "B", "7", "HOSTNAME", "x[0]", "constructor"];
    for (let round = 0; round < 50; round++) {
      const layered = new LayeredVars(base, baseKeys);
      const plain = new Map<string, string>();
      for (const k of baseKeys) plain.set(k, base[k]!);
      let exported = layered.names();
      let plainExported = new Set(plain.keys());
      for (let step = 0; step < 40; step++) {
        const k = names[next(names.length)]!;
        switch (next(6)) {
          case 0: case 1: layered.set(k, `v${step}`); plain.set(k, `v${step}`); break;
          case 2: expect(layered.delete(k)).toBe(plain.delete(k)); break;
          case 3: exported.add(k); plainExported.add(k); break;
          case 4: expect(exported.delete(k)).toBe(plainExported.delete(k)); break;
          default: {
            const copy = layered.clone();
            exported = exported.clone();
            plainExported = new Set(plainExported);
            expect([...copy]).toEqual([...layered]);
          }
        }
        expect(layered.get(k)).toBe(plain.get(k));
        expect(layered.has(k)).toBe(plain.has(k));
        expect(exported.has(k)).toBe(plainExported.has(k));
      }
      expect([...layered]).toEqual([...plain]);
      expect([...layered.keys()]).toEqual([...plain.keys()]);
      expect([...layered.values()]).toEqual([...plain.values()]);
      expect(layered.size).toBe(plain.size);
      expect([...exported]).toEqual([...plainExported]);
      expect(exported.size).toBe(plainExported.size);
      expect(new Map(layered)).toEqual(plain);
      layered.clear(); plain.clear();
      layered.set("Z", "z"); plain.set("Z", "z");
      expect([...layered]).toEqual([...plain]);
      expect(layered.size).toBe(plain.size);
    }
  });
});
