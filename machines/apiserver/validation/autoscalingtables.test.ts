// TestValidateHorizontalPodAutoscaler's error rows (pkg/apis/autoscaling/validation/validation_test.go),
// each as the Go test checks it: the first error's text contains the row's message. The HPAs are the
// test's internal objects, validated without defaulting, as ValidateHorizontalPodAutoscaler sees them.
import { describe, expect, it } from "vitest";
import { fieldErrorMessage } from "../status.js";
import { validateHorizontalPodAutoscaler, validateHorizontalPodAutoscalerUpdate } from "./autoscaling.js";

const hpa = (spec: object) => ({ metadata: { name: "myautoscaler", namespace: "default" },
  spec: { scaleTargetRef: { kind: "ReplicationController", name: "myrc" }, minReplicas: 1, maxReplicas: 5, ...spec } });
const errs = (o: object) => validateHorizontalPodAutoscaler(o).map(fieldErrorMessage);
const util70 = { type: "Utilization", averageUtilization: 70 };
const cpu = (target: object = util70) => ({ type: "Resource", resource: { name: "cpu", target } });
const ccpu = (target: object = util70, extra: object = { container: "test-application" }) => ({ type: "ContainerResource", containerResource: { name: "cpu", ...extra, target } });
const ext = (metric: object, target?: object) => ({ type: "External", external: { metric, target } });
const sel = { matchLabels: { label: "value" } };

describe("TestValidateHorizontalPodAutoscaler", () => {
  it.each([
    ["an Object metric with a value", hpa({ metrics: [{ type: "Object", object: { describedObject: { kind: "ReplicationController", name: "myrc" }, metric: { name: "somemetric" }, target: { type: "Value", value: "300m" } } }] })],
    ["an External metric with a value", hpa({ metrics: [ext({ name: "somemetric", selector: sel }, { type: "Value", value: "300m" })] })],
    ["an External metric with an average value", hpa({ metrics: [ext({ name: "somemetric", selector: sel }, { type: "AverageValue", averageValue: "300m" })] })],
    ["a Pods metric", hpa({ metrics: [{ type: "Pods", pods: { metric: { name: "somemetric" }, target: { type: "AverageValue", averageValue: "100m" } } }] })],
    ["a ContainerResource metric", hpa({ metrics: [ccpu()] })],
  ])("%s is valid", (_n, o) => expect(errs(o)).toEqual([]));

  const rows: [string, object, string][] = [
    ["no scaleTargetRef kind (Resource)", hpa({ scaleTargetRef: { name: "myrc" }, metrics: [cpu()] }), "scaleTargetRef.kind: Required"],
    ["no scaleTargetRef kind (ContainerResource)", hpa({ scaleTargetRef: { name: "myrc" }, metrics: [ccpu()] }), "scaleTargetRef.kind: Required"],
    ["a scaleTargetRef kind of ..", hpa({ scaleTargetRef: { kind: "..", name: "myrc" }, metrics: [ccpu()] }), "scaleTargetRef.kind: Invalid"],
    ["no scaleTargetRef name", hpa({ scaleTargetRef: { kind: "ReplicationController" }, metrics: [ccpu()] }), "scaleTargetRef.name: Required"],
    ["a scaleTargetRef name of ..", hpa({ scaleTargetRef: { kind: "ReplicationController", name: ".." }, metrics: [ccpu()] }), "scaleTargetRef.name: Invalid"],
    ["minReplicas below 1", hpa({ scaleTargetRef: {}, minReplicas: -1 }), "must be greater than or equal to 1"],
    ["maxReplicas below minReplicas", hpa({ scaleTargetRef: {}, minReplicas: 7 }), "must be greater than or equal to `minReplicas`"],
    ["both a raw value and a utilization (Resource)", hpa({ metrics: [cpu({ ...util70, averageValue: "300m" })] }), "may not set both a target raw value and a target utilization"],
    ["both a raw value and a utilization (ContainerResource)", hpa({ metrics: [ccpu({ ...util70, averageValue: "300m" })] }), "may not set both a target raw value and a target utilization"],
    ["no resource name (Resource)", hpa({ metrics: [{ type: "Resource", resource: { target: util70 } }] }), "must specify a resource name"],
    ["no resource name (ContainerResource)", hpa({ metrics: [{ type: "ContainerResource", containerResource: { container: "test-application", target: util70 } }] }), "must specify a resource name"],
    ["a container resource that is not a resource", hpa({ metrics: [{ type: "ContainerResource", containerResource: { name: "InvalidResource", container: "test-application", target: util70 } }] }),
      // the Go row's text has the name unquoted (a Stringer); apimachinery v0.35 prints values as JSON
      "InvalidResource\": must be a standard resource type or fully qualified"],
    ["a negative utilization (Resource)", hpa({ metrics: [cpu({ type: "Utilization", averageUtilization: -10 })] }), "must be greater than 0"],
    ["a negative utilization (ContainerResource)", hpa({ metrics: [ccpu({ type: "Utilization", averageUtilization: -10 })] }), "must be greater than 0"],
    ["no container", hpa({ metrics: [ccpu({ type: "Utilization", averageUtilization: -10 }, {})] }), "must specify a container"],
    ["a container that is not a DNS label", hpa({ metrics: [ccpu({ type: "Utilization", averageUtilization: -10 }, { container: "---***" })] }), 'Invalid value: "---***"'],
    ["neither value nor utilization (Resource)", hpa({ metrics: [cpu({ type: "Value" })] }), "must set either a target raw value or a target utilization"],
    ["neither value nor utilization (ContainerResource)", hpa({ metrics: [ccpu({ type: "Value" })] }), "must set either a target raw value or a target utilization"],
    ["a Pods metric without a name", hpa({ metrics: [{ type: "Pods", pods: { metric: {}, target: { type: "Value", averageValue: "100m" } } }] }), "must specify a metric name"],
    ["a Pods metric without an average value", hpa({ metrics: [{ type: "Pods", pods: { metric: { name: "somemetric" }, target: { type: "Value" } } }] }), "must specify a positive target averageValue"],
    ["an Object metric without a value", hpa({ metrics: [{ type: "Object", object: { describedObject: { kind: "ReplicationController", name: "myrc" }, metric: { name: "somemetric" }, target: { type: "Value" } } }] }),
      "must set either a target value or averageValue"],
    ["an Object metric's described object without kind", hpa({ metrics: [{ type: "Object", object: { describedObject: { name: "myrc" }, metric: { name: "somemetric" }, target: { type: "Value", value: "100m" } } }] }),
      "object.describedObject.kind: Required"],
    ["an Object metric without a name", hpa({ metrics: [{ type: "Object", object: { describedObject: { kind: "ReplicationController", name: "myrc" }, target: { type: "Value", value: "100m" } } }] }),
      "must specify a metric name"],
    ["an External metric without a name", hpa({ metrics: [ext({ selector: sel }, { type: "Value", value: "300m" })] }), "must specify a metric name"],
    ["an External metric name with a slash", hpa({ metrics: [ext({ name: "foo/../", selector: sel }, { type: "Value", value: "300m" })] }), "'/'"],
    ["an External metric without a value", hpa({ metrics: [ext({ name: "somemetric", selector: sel }, { type: "Value" })] }), "must set either a target value for metric or a per-pod target"],
    ["a negative External value", hpa({ metrics: [ext({ name: "somemetric", selector: sel }, { type: "Value", value: "-300m" })] }), "must be positive"],
    ["a negative External average value", hpa({ metrics: [ext({ name: "somemetric", selector: sel }, { type: "Value", averageValue: "-300m" })] }), "must be positive"],
    ["an External metric with both a value and an average value", hpa({ metrics: [ext({ name: "somemetric", selector: sel }, { type: "Value", value: "300m", averageValue: "300m" })] }),
      "may not set both a target value for metric and a per-pod target"],
    ["an unknown target type", hpa({ metrics: [ext({ name: "somemetric", selector: sel }, { type: "boogity", value: "300m" })] }), "must be either Utilization, Value, or AverageValue"],
    ["no target type", hpa({ metrics: [ext({ name: "somemetric", selector: sel }, { value: "300m" })] }), "must specify a metric target type"],
    ["no target", hpa({ metrics: [ext({ name: "somemetric", selector: sel })] }), "must specify a metric target"],
    ["an empty metric", hpa({ metrics: [{}] }), "must specify a metric source type"],
    ["an unknown metric type", hpa({ metrics: [{ type: "InvalidType" }] }), "type: Unsupported value"],
  ];
  it.each(rows)("%s", (_n, o, msg) => {
    const got = errs(o);
    expect(got.length).toBeGreaterThan(0);
    expect(got[0]).toContain(msg);
  });

  it("an unknown metric type is reported twice, as validateMetricSpec does", () =>
    expect(errs(hpa({ metrics: [{ type: "InvalidType" }] }))).toEqual([
      'spec.metrics[0].type: Unsupported value: "InvalidType": supported values: "ContainerResource", "External", "Object", "Pods", "Resource"',
      'spec.metrics[0].type: Unsupported value: "InvalidType": supported values: "ContainerResource", "External", "Object", "Pods", "Resource"',
    ]));
  it("a source beside the type's own is forbidden; only the first present (object, external, pods, resource, containerResource) is validated", () =>
    expect(errs(hpa({ metrics: [{ ...cpu({ type: "Utilization", averageUtilization: -1 }), pods: { metric: { name: "somemetric" }, target: { type: "AverageValue", averageValue: "100m" } } }] })))
      .toEqual(["spec.metrics[0].pods: Forbidden: must populate the given metric source only"]));
  it("minReplicas 0 on an HPA stored with 0 needs an Object or External metric", () => {
    const old = { ...hpa({ minReplicas: 0, metrics: [ext({ name: "m" }, { type: "Value", value: "1" })] }) };
    expect(validateHorizontalPodAutoscalerUpdate(hpa({ minReplicas: 0, metrics: [cpu()] }), old).map(fieldErrorMessage))
      .toEqual(["spec.metrics: Forbidden: must specify at least one Object or External metric to support scaling to zero replicas"]);
  });
});
