// LimitRanger's maxLimitRequestRatio, from TestPodLimitFunc's "ctr-max-cpu-ratio" rows
// (plugin/pkg/admission/limitranger/admission_test.go): the limit may be exactly ratio times the
// request (limitRequestRatioConstraint refuses only observedRatio > maxLimitRequestRatio).
import { describe, expect, it } from "vitest";
import { limitRangeRefusal } from "./limitranger.js";

const ratioRange = (ratio: string) => ({ metadata: { name: "lr", namespace: "default" }, spec: { limits: [{ type: "Container", maxLimitRequestRatio: { cpu: ratio } }] } });
const pod = (request: string, limit: string) => ({
  metadata: { name: "ctr-max-cpu-ratio", namespace: "default" },
  spec: { containers: [{ name: "c", image: "busybox:1.36", resources: { requests: { cpu: request }, limits: { cpu: limit } } }] },
});

describe("LimitRanger maxLimitRequestRatio", () => {
  it("admits a limit exactly the ratio times the request (500m to 750m under 1.5)", () => {
    expect(limitRangeRefusal(pod("500m", "750m"), [ratioRange("1.5")])).toBeUndefined();
  });
  it("refuses a limit above the ratio times the request, with the observed ratio", () => {
    expect(limitRangeRefusal(pod("500m", "1"), [ratioRange("1.5")])).toBe("cpu max limit to request ratio per Container is 1500m, but provided ratio is 2.000000");
  });
});
