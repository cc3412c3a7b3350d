// pkg/controller/util/endpointslice (staging endpointslice/util) controller_utils_test.go: TestShouldPodBeInEndpoints
// and TestShouldSetHostname, every row.
import { describe, expect, it } from "vitest";
import type { Pod, Service } from "kubernetes-types/core/v1";
import { shouldPodBeInEndpoints, shouldSetHostname } from "./endpointutil.js";

const pod = (restartPolicy: string | undefined, status: object, meta: object = {}): Pod => ({ metadata: meta, spec: { containers: [], ...(restartPolicy ? { restartPolicy } : {}) }, status } as Pod);
const ip = "1.2.3.4";
const deleting = { deletionTimestamp: "2026-01-01T00:00:00Z" };

describe("TestShouldPodBeInEndpoints", () => {
  it.each<[string, Pod, boolean, boolean]>([
    ["Failed pod with Never RestartPolicy", pod("Never", { phase: "Failed", podIP: ip }), false, false],
    ["Succeeded pod with Never RestartPolicy", pod("Never", { phase: "Succeeded", podIP: ip }), false, false],
    ["Succeeded pod with OnFailure RestartPolicy", pod("OnFailure", { phase: "Succeeded", podIP: ip }), false, false],
    ["Empty Pod IPs, Running pod with OnFailure RestartPolicy", pod("Never", { phase: "Running", podIP: "", podIPs: [] }), false, false],
    ["Terminating Pod with includeTerminating=false", pod(undefined, { phase: "Running", podIP: ip }, deleting), false, false],
    ["Failed pod with Always RestartPolicy", pod("Always", { phase: "Failed", podIP: ip }), false, false],
    ["Pending pod with Never RestartPolicy", pod("Never", { phase: "Pending", podIP: ip }), false, true],
    ["Unknown pod with OnFailure RestartPolicy", pod("OnFailure", { phase: "Unknown", podIP: ip }), false, true],
    ["Running pod with Never RestartPolicy", pod("Never", { phase: "Running", podIP: ip }), false, true],
    ["Multiple Pod IPs, Running pod with OnFailure RestartPolicy", pod("Never", { phase: "Running", podIPs: [{ ip }, { ip: "1234::5678:0000:0000:9abc:def0" }] }), false, true],
    ["Terminating Pod with includeTerminating=true", pod(undefined, { phase: "Running", podIP: ip }, deleting), true, true],
  ])("%s", (_n, p, includeTerminating, want) => expect(shouldPodBeInEndpoints(p, includeTerminating)).toBe(want));
});

describe("TestShouldSetHostname", () => {
  const simplePod = (namespace: string, hostname: string, subdomain: string): Pod => ({ metadata: { namespace }, spec: { containers: [], hostname, subdomain } });
  const svc = (namespace: string, name: string): Service => ({ metadata: { name, namespace } });
  it.each<[string, Pod, Service, boolean]>([
    ["all matching", simplePod("ns", "foo", "svc-name"), svc("ns", "svc-name"), true],
    ["all matching, hostname not set", simplePod("ns", "", "svc-name"), svc("ns", "svc-name"), false],
    ["all set, different name/subdomain", simplePod("ns", "hostname", "subdomain"), svc("ns", "name"), false],
    ["all set, different namespace", simplePod("ns1", "hostname", "svc-name"), svc("ns2", "svc-name"), false],
  ])("%s", (_n, p, s, want) => expect(shouldSetHostname(p, s)).toBe(want));
});
