import { describe, expect, it } from "vitest";
import { featureGatesAt } from "./featuregates.js";

// featureSpecAtEmulationVersion: the last spec at or before the version; none yet is pre-alpha (GetAll leaves it out)
const at = (version: string, name: string) => featureGatesAt(version).find((g) => g.name === name);

describe("featureGatesAt", () => {
  const rows: { name: string; version: string; gate: string; want: ReturnType<typeof at> }[] = [
    { name: "a gate beta and off in 1.34 is beta and on from 1.35", version: "1.34", gate: "ImageVolume", want: { name: "ImageVolume", stage: "BETA", enabled: false } },
    { name: "the 1.35 spec of the same gate", version: "1.35", gate: "ImageVolume", want: { name: "ImageVolume", stage: "BETA", enabled: true } },
    { name: "a gate introduced in 1.35 is unknown at 1.34", version: "1.34", gate: "GangScheduling", want: undefined },
    { name: "GA is the empty stage", version: "1.35", gate: "SidecarContainers", want: { name: "SidecarContainers", stage: "", enabled: true } },
    { name: "a gate that goes GA to deprecated and off", version: "1.35", gate: "GitRepoVolumeDriver", want: { name: "GitRepoVolumeDriver", stage: "DEPRECATED", enabled: false } },
    { name: "AllAlpha is known at every version", version: "1.0", gate: "AllAlpha", want: { name: "AllAlpha", stage: "ALPHA", enabled: false } },
  ];
  for (const r of rows) it(r.name, () => expect(at(r.version, r.gate)).toEqual(r.want));

  it("names each gate once", () => {
    const names = featureGatesAt("1.35").map((g) => g.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
