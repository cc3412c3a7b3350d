// kubectl apply sends fieldValidation=Strict (its --validate=strict default) and the API server
// decodes the body into the Go type of its kind before anything else: a value of the wrong type
// is json's UnmarshalTypeError, an unknown field a strict decoding error, both 400 BadRequest
// worded "<Kind> in version "<v>" cannot be handled as a <Kind>: ..."
// (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/rest.go transformDecodeError). One such
// manifest is an old revision of the docs' pods/pod-with-node-affinity.yaml, whose
// requiredDuringSchedulingIgnoredDuringExecution is a list where the API has a NodeSelector object.
import { afterEach, describe, expect, it } from "vitest";
import { createCluster } from "./cluster.js";
import { ApiError } from "./manifests.js";

const clusters: ReturnType<typeof createCluster>[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.stop();
});
function cluster() {
  const c = createCluster({ nodes: 1, seed: 1, clock: "simulated" });
  clusters.push(c);
  return c;
}

async function refusal(manifest: string): Promise<ApiError> {
  const c = cluster();
  const err = await c.apply(manifest, "pod.yaml").then(() => undefined, (e) => e);
  expect(err).toBeInstanceOf(ApiError);
  expect(c.list("Pod")).toEqual([]);
  return err as ApiError;
}

describe("cluster.apply decodes the manifest as the API server does", () => {
  it("a list where the API has an object is refused with Go's unmarshal error, and nothing is created", async () => {
    const err = await refusal(`
apiVersion: v1
kind: Pod
metadata:
  name: with-node-affinity
spec:
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
      - preference:
          matchExpressions:
          - key: topology.kubernetes.io/zone
            operator: In
            values: [antarctica-east1]
        weight: 5
  containers:
  - name: with-node-affinity
    image: registry.k8s.io/pause:3.8
`);
    expect(err.status.code).toBe(400);
    expect(err.status.reason).toBe("BadRequest");
    expect(err.message).toBe('Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal array into Go struct field NodeAffinity.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution of type v1.NodeSelector');
  });

  it("an unknown field (a misspelt key) is a strict decoding error", async () => {
    const err = await refusal(`
apiVersion: v1
kind: Pod
metadata:
  name: typo
spec:
  containers:
  - name: c
    image: nginx
    imagePullpolicy: Always
`);
    expect(err.status.reason).toBe("BadRequest");
    expect(err.message).toBe('Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imagePullpolicy"');
  });

  it("a string where the API has an int32 is refused for a Deployment too", async () => {
    const c = cluster();
    const err = await c.apply("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: \"3\"\n  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: a}}\n    spec: {containers: [{name: c, image: nginx}]}\n").then(() => undefined, (e) => e);
    expect((err as ApiError).message).toBe('Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32');
  });
});
