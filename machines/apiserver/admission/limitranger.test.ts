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

// requestLimitEnforcedValues compares Quantity.Value or MilliValue, int64s computed as
// apimachinery's amount.go does, overflow included (positiveScaleInt64's loop gives 0; an int32
// scale difference wraps), and the Pod item sums with Quantity.Add (podRequests, podLimits).
const rangeOf = (type: string, item: Record<string, unknown>) => ({ metadata: { name: "lr", namespace: "default" }, spec: { limits: [{ type, ...item }] } });
const podWith = (resources: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  metadata: { name: "p", namespace: "default" },
  spec: { containers: [{ name: "c", image: "busybox:1.36", resources }], ...extra },
});

describe("LimitRanger's comparisons as resource.Quantity makes them", () => {
  it("a limit of 1e2147483647 has Value 0 and MilliValue 1 (int64Amount{1, MaxInt32}): under any max, below any min", () => {
    const huge = podWith({ requests: { cpu: "1e2147483647" }, limits: { cpu: "1e2147483647" } });
    expect(limitRangeRefusal(huge, [rangeOf("Container", { max: { cpu: "2" } })])).toBeUndefined();
    expect(limitRangeRefusal(huge, [rangeOf("Container", { min: { cpu: "1m" } })])).toBeUndefined();
    // not canonical (2147483647 is no multiple of 3): String() is AsCanonicalBytes' 10e2147483646
    expect(limitRangeRefusal(huge, [rangeOf("Container", { min: { cpu: "2m" } })])).toBe("minimum cpu usage per Container is 2m, but request is 10e2147483646");
  });
  it("values past 2^53 compare exactly in milli units", () => {
    const p = podWith({ requests: { memory: "9007199254740993" }, limits: { memory: "9007199254740993" } });
    expect(limitRangeRefusal(p, [rangeOf("Container", { max: { memory: "9007199254740992" } })])).toBe("maximum memory usage per Container is 9007199254740992, but limit is 9007199254740993");
    expect(limitRangeRefusal(p, [rangeOf("Container", { max: { memory: "9007199254740993" } })])).toBeUndefined();
  });
  it("MilliValue rounds up: 500.1m is over a max of 500m, printed as its canonical 500100u", () => {
    const p = podWith({ requests: { cpu: "500.1m" }, limits: { cpu: "500.1m" } });
    expect(limitRangeRefusal(p, [rangeOf("Container", { max: { cpu: "500m" } })])).toBe("maximum cpu usage per Container is 500m, but limit is 500100u");
    expect(limitRangeRefusal(p, [rangeOf("Container", { max: { cpu: "501m" } })])).toBeUndefined();
  });
  it("past MaxMilliValue the ratio is of Values: 9E over 4E is 2.25 against a max of 2", () => {
    expect(limitRangeRefusal(podWith({ requests: { memory: "4E" }, limits: { memory: "8E" } }), [rangeOf("Container", { maxLimitRequestRatio: { memory: "2" } })])).toBeUndefined();
    expect(limitRangeRefusal(podWith({ requests: { memory: "4E" }, limits: { memory: "9E" } }), [rangeOf("Container", { maxLimitRequestRatio: { memory: "2" } })])).toBe("memory max limit to request ratio per Container is 2, but provided ratio is 2.250000");
  });
  it("a Pod item counts init containers as a floor and sidecars as added (podRequests)", () => {
    const p = {
      metadata: { name: "p", namespace: "default" },
      spec: {
        containers: [{ name: "a", resources: { requests: { cpu: "100m" }, limits: { cpu: "100m" } } }, { name: "b", resources: { requests: { cpu: "200m" }, limits: { cpu: "200m" } } }],
        initContainers: [
          { name: "side", restartPolicy: "Always", resources: { requests: { cpu: "50m" }, limits: { cpu: "50m" } } },
          { name: "init", resources: { requests: { cpu: "500m" }, limits: { cpu: "500m" } } },
        ],
      },
    };
    // containers 300m + sidecar 50m = 350m; the init container with the sidecar before it 550m is the floor
    expect(limitRangeRefusal(p, [rangeOf("Pod", { max: { cpu: "549m" } })])).toBe("maximum cpu usage per Pod is 549m, but limit is 550m");
    expect(limitRangeRefusal(p, [rangeOf("Pod", { max: { cpu: "550m" } })])).toBeUndefined();
  });
});
