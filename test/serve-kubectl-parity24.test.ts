// The real kubectl against `podflow serve`, where podflow answered otherwise than kube-apiserver v1.35:
// kubernetes_feature_enabled in kube-apiserver's and the kubelet's /metrics (one gauge per gate the
// binary knows at its emulation version, featuregate.AddMetrics; the sidecar tutorial greps it).

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { findKubectl, kubectl, serve, type Served } from "./serve-helpers.js";

const bin = findKubectl();

/** The kubernetes_feature_enabled series of an exposition, as `grep kubernetes_feature_enabled` prints them. */
function featureLines(text: string): string[] {
  return text.split("\n").filter((l) => l.includes("kubernetes_feature_enabled"));
}

describe.skipIf(!bin)("kubernetes_feature_enabled in /metrics against podflow serve", () => {
  let s: Served;
  const k = (args: string[]) => kubectl(bin!, s.kubeconfigPath, args);

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  }, 60_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("the sidecar tutorial's grep prints SidecarContainers, GA (empty stage) and on", async () => {
    const r = await k(["get", "--raw", "/metrics"]);
    expect(r.code).toBe(0);
    expect(featureLines(r.out).filter((l) => l.includes("SidecarContainers"))).toEqual(['kubernetes_feature_enabled{name="SidecarContainers",stage=""} 1']);
    expect(r.out).toContain("# HELP kubernetes_feature_enabled [BETA] This metric records the data about the stage and enablement of a k8s feature.\n# TYPE kubernetes_feature_enabled gauge\n");
  });

  it("each gate carries its v1.35 stage and default, from every table the binary registers", async () => {
    const lines = new Set(featureLines((await k(["get", "--raw", "/metrics"])).out));
    const want = [
      // featuregate's own AllAlpha/AllBeta, off
      'kubernetes_feature_enabled{name="AllAlpha",stage="ALPHA"} 0',
      'kubernetes_feature_enabled{name="AllBeta",stage="BETA"} 0',
      // pkg/features: GA in 1.35, beta on by default from 1.35, alpha, deprecated and off, the constant whose name differs
      'kubernetes_feature_enabled{name="InPlacePodVerticalScaling",stage=""} 1',
      'kubernetes_feature_enabled{name="ImageVolume",stage="BETA"} 1',
      'kubernetes_feature_enabled{name="GangScheduling",stage="ALPHA"} 0',
      'kubernetes_feature_enabled{name="GitRepoVolumeDriver",stage="DEPRECATED"} 0',
      'kubernetes_feature_enabled{name="CustomCPUCFSQuotaPeriod",stage="ALPHA"} 0',
      'kubernetes_feature_enabled{name="RuntimeClassInImageCriApi",stage="ALPHA"} 0',
      // k8s.io/apiserver, apiextensions, client-go, component-base logs
      'kubernetes_feature_enabled{name="MutatingAdmissionPolicy",stage="BETA"} 0',
      'kubernetes_feature_enabled{name="KMSv1",stage="DEPRECATED"} 0',
      'kubernetes_feature_enabled{name="CRDObservedGenerationTracking",stage="BETA"} 0',
      'kubernetes_feature_enabled{name="WatchListClient",stage="BETA"} 1',
      'kubernetes_feature_enabled{name="InformerResourceVersion",stage=""} 1',
      'kubernetes_feature_enabled{name="ContextualLogging",stage="BETA"} 1',
      // VolumeAttributesClass is GA from 1.34; its 1.36 spec (locked) is not yet in effect
      'kubernetes_feature_enabled{name="VolumeAttributesClass",stage=""} 1',
    ];
    for (const line of want) expect(lines.has(line), line).toBe(true);
    // gates removed before 1.35 are unknown to the binary
    expect([...lines].some((l) => l.includes('name="ValidatingAdmissionPolicy"'))).toBe(false);
    // the series come sorted by name
    const names = [...lines].filter((l) => !l.startsWith("#")).map((l) => /name="([^"]+)"/.exec(l)![1]!);
    expect(names).toEqual([...names].sort());
  });

  it("the kubelet's /metrics through nodes/<node>/proxy carries the same gauge", async () => {
    const r = await k(["get", "--raw", "/api/v1/nodes/node-1/proxy/metrics"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('# HELP kubernetes_feature_enabled [BETA] This metric records the data about the stage and enablement of a k8s feature.\n# TYPE kubernetes_feature_enabled gauge\n');
    expect(featureLines(r.out).filter((l) => l.includes("SidecarContainers"))).toEqual(['kubernetes_feature_enabled{name="SidecarContainers",stage=""} 1']);
    expect(featureLines(r.out)).toContain('kubernetes_feature_enabled{name="KubeletCrashLoopBackOffMax",stage="BETA"} 1');
  });
});
