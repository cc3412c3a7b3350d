// pkg/kubelet/kubelet_pods_test.go TestMakeEnvironmentVariables (the stored copy of the v1.28 line, with
// enableServiceLinks, static pods and unsynced services), row by row through containerEnv. The Go test's
// services are the kubelet's service informer here (nilLister: an informer that listed no Service; the copy's
// three `test` Services of test2 and three `not-special` ones of default, two without a cluster IP, are kept
// apart in the store); its fake client's ConfigMap or Secret answers any name, so it is stored under the name
// the container asks for. Both sides are compared sorted by name (the Go test sorts both); HOSTNAME, which the
// runtime adds (podflow's containerEnv carries it), is left out. Left out: the rows with dual-stack pod or
// host IPs (podflow's pods and nodes are single-stack), the rows whose keys are invalid variable names (their
// events and the RelaxedEnvironmentVariableValidation gate-off behaviour), and nil_enableServiceLinks (an error
// in Kubernetes; every pod podflow's kubelet runs has the field defaulted, and containerEnv reads a missing one as
// true). Every expectation is the Go row's.

import { OrderedMap } from "immutable";
import { describe, expect, it } from "vitest";
import type { Container, EnvVar } from "kubernetes-types/core/v1";
import { containerEnv } from "./kuberuntime.js";
import { objectRefKey } from "./objects.js";
import { newWorker } from "./podworkers.js";
import { serviceWatchId, type KubeletContext } from "./types.js";

const svc = (name: string, namespace: string, clusterIP: string, port: number) =>
  ({ metadata: { namespace, name }, spec: { clusterIP, ports: [{ protocol: "TCP", port }] } });
const services: Array<[string, object]> = [
  ["default/kubernetes", svc("kubernetes", "default", "1.2.3.1", 8081)],
  ["test1/test", svc("test", "test1", "1.2.3.3", 8083)],
  ["test2/kubernetes", svc("kubernetes", "test2", "1.2.3.4", 8084)],
  ["test2/test", svc("test", "test2", "1.2.3.5", 8085)],
  ["test2/test (None)", svc("test", "test2", "None", 8085)],
  ["test2/test ('')", svc("test", "test2", "", 8085)],
  ["default/not-special", svc("not-special", "default", "1.2.3.8", 8088)],
  ["default/not-special (None)", svc("not-special", "default", "None", 8088)],
  ["default/not-special ('')", svc("not-special", "default", "", 8088)],
];

interface Row {
  ns: string; links: boolean; container: Container; nilLister?: boolean; staticPod?: boolean; unsyncedServices?: boolean;
  configMap?: Record<string, string>; secret?: Record<string, string>; expected?: Array<[string, string]>; expectedError?: boolean;
}

function run(r: Row) {
  const informers = new Map<number, object>([[serviceWatchId, { synced: !r.unsyncedServices, store: OrderedMap(r.nilLister || r.unsyncedServices ? [] : services) }]]);
  const objectWatches = new Map<string, number>();
  let nextWatch = 1000;
  const watch = (resource: "configmaps" | "secrets", name: string, data?: Record<string, string>) => {
    const id = nextWatch++;
    objectWatches.set(objectRefKey(resource, r.ns, name), id);
    const store = OrderedMap<string, object>(data ? [[`${r.ns}/${name}`, { metadata: { namespace: r.ns, name }, data }]] : []);
    informers.set(id, { synced: true, store });
  };
  for (const e of r.container.env ?? []) {
    const ref = e.valueFrom?.configMapKeyRef ?? e.valueFrom?.secretKeyRef;
    if (ref) watch(e.valueFrom?.configMapKeyRef ? "configmaps" : "secrets", ref.name ?? "", e.valueFrom?.configMapKeyRef ? r.configMap : r.secret);
  }
  for (const f of r.container.envFrom ?? []) {
    if (f.configMapRef && !objectWatches.has(objectRefKey("configmaps", r.ns, f.configMapRef.name ?? ""))) watch("configmaps", f.configMapRef.name ?? "", r.configMap);
    if (f.secretRef && !objectWatches.has(objectRefKey("secrets", r.ns, f.secretRef.name ?? ""))) watch("secrets", f.secretRef.name ?? "", r.secret);
  }
  const ctx = { node: "node-name", hostIP: "127.0.0.1", client: { informers }, objectWatches } as unknown as KubeletContext;
  const pod = {
    metadata: { name: "dapi-test-pod-name", namespace: r.ns, uid: "uid", ...(r.staticPod ? { annotations: { "kubernetes.io/config.source": "file" } } : {}) },
    spec: { nodeName: "node-name", serviceAccountName: "special", enableServiceLinks: r.links, containers: [{ name: "c", ...r.container }] },
  };
  const w = newWorker(pod as never);
  return containerEnv(ctx, w, w.containers[0]!);
}

const env = (...pairs: Array<[string, string?]>): EnvVar[] => pairs.map(([name, value]) => (value === undefined ? { name } : { name, value }));
const vars = (prefix: string, ip: string, port: number): Array<[string, string]> => [
  [`${prefix}_SERVICE_HOST`, ip], [`${prefix}_SERVICE_PORT`, String(port)], [`${prefix}_PORT`, `tcp://${ip}:${port}`],
  [`${prefix}_PORT_${port}_TCP`, `tcp://${ip}:${port}`], [`${prefix}_PORT_${port}_TCP_PROTO`, "tcp"],
  [`${prefix}_PORT_${port}_TCP_PORT`, String(port)], [`${prefix}_PORT_${port}_TCP_ADDR`, ip],
];
const test1 = vars("TEST", "1.2.3.3", 8083);
const kubernetes = vars("KUBERNETES", "1.2.3.1", 8081);
const ownTest1 = env(["FOO", "BAR"], ...test1);
const expansionEnv = (withService: boolean): EnvVar[] => [
  { name: "TEST_LITERAL", value: "test-test-test" },
  { name: "POD_NAME", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.name" } } },
  { name: "OUT_OF_ORDER_TEST", value: "$(OUT_OF_ORDER_TARGET)" },
  { name: "OUT_OF_ORDER_TARGET", value: "FOO" },
  { name: "EMPTY_VAR" },
  { name: "EMPTY_TEST", value: "foo-$(EMPTY_VAR)" },
  { name: "POD_NAME_TEST2", value: "test2-$(POD_NAME)" },
  { name: "POD_NAME_TEST3", value: "$(POD_NAME_TEST2)-3" },
  { name: "LITERAL_TEST", value: "literal-$(TEST_LITERAL)" },
  ...(withService ? [{ name: "SERVICE_VAR_TEST", value: "$(TEST_SERVICE_HOST):$(TEST_SERVICE_PORT)" }] : []),
  { name: "TEST_UNDEFINED", value: "$(UNDEFINED_VAR)" },
];
const expansionWant: Array<[string, string]> = [
  ["TEST_LITERAL", "test-test-test"], ["POD_NAME", "dapi-test-pod-name"], ["POD_NAME_TEST2", "test2-dapi-test-pod-name"],
  ["POD_NAME_TEST3", "test2-dapi-test-pod-name-3"], ["LITERAL_TEST", "literal-test-test-test"], ["OUT_OF_ORDER_TEST", "$(OUT_OF_ORDER_TARGET)"],
  ["OUT_OF_ORDER_TARGET", "FOO"], ["TEST_UNDEFINED", "$(UNDEFINED_VAR)"], ["EMPTY_VAR", ""], ["EMPTY_TEST", "foo-"],
];
const keyRef = (kind: "configMapKeyRef" | "secretKeyRef", name: string): Container =>
  ({ name: "c", env: [{ name: "POD_NAME", valueFrom: { [kind]: { name, key: "key", optional: true } } }] });
const configMapContainer = (prefix: string): Container => ({
  name: "c",
  envFrom: [{ configMapRef: { name: "test-config-map" } }, { prefix, configMapRef: { name: "test-config-map" } }],
  env: env(["TEST_LITERAL", "test-test-test"], ["EXPANSION_TEST", "$(REPLACE_ME)"], ["DUPE_TEST", "ENV_VAR"]),
});
const configMapData = { REPLACE_ME: "FROM_CONFIG_MAP", DUPE_TEST: "CONFIG_MAP" };
const b64 = (v: string) => Buffer.from(v).toString("base64");
const secretContainer: Container = {
  name: "c",
  envFrom: [{ secretRef: { name: "test-secret" } }, { prefix: "p_", secretRef: { name: "test-secret" } }],
  env: env(["TEST_LITERAL", "test-test-test"], ["EXPANSION_TEST", "$(REPLACE_ME)"], ["DUPE_TEST", "ENV_VAR"]),
};
const secretWant: Array<[string, string]> = [
  ["TEST_LITERAL", "test-test-test"], ["REPLACE_ME", "FROM_SECRET"], ["EXPANSION_TEST", "FROM_SECRET"], ["DUPE_TEST", "ENV_VAR"],
  ["p_REPLACE_ME", "FROM_SECRET"], ["p_DUPE_TEST", "SECRET"],
];
const configMapWant = (prefix: string): Array<[string, string]> => [
  ["TEST_LITERAL", "test-test-test"], ["REPLACE_ME", "FROM_CONFIG_MAP"], ["EXPANSION_TEST", "FROM_CONFIG_MAP"], ["DUPE_TEST", "ENV_VAR"],
  [`${prefix}REPLACE_ME`, "FROM_CONFIG_MAP"], [`${prefix}DUPE_TEST`, "CONFIG_MAP"],
];

const rows: Array<[string, Row]> = [
  ["if services aren't synced, non-static pods should fail", { ns: "test1", links: false, container: { name: "c", env: [] }, unsyncedServices: true, expectedError: true }],
  ["if services aren't synced, static pods should succeed", { ns: "test1", links: false, container: { name: "c", env: [] }, staticPod: true, unsyncedServices: true, expected: [] }],
  ["api server = Y, kubelet = Y", { ns: "test1", links: false, container: { name: "c", env: ownTest1 }, expected: [["FOO", "BAR"], ...test1, ...kubernetes] }],
  ["api server = Y, kubelet = N", { ns: "test1", links: false, container: { name: "c", env: ownTest1 }, nilLister: true, expected: [["FOO", "BAR"], ...test1] }],
  ["api server = N; kubelet = Y", { ns: "test1", links: false, container: { name: "c", env: env(["FOO", "BAZ"]) }, expected: [["FOO", "BAZ"], ...kubernetes] }],
  ["api server = N; kubelet = Y; service env vars", { ns: "test1", links: true, container: { name: "c", env: env(["FOO", "BAZ"]) }, expected: [["FOO", "BAZ"], ...test1, ...kubernetes] }],
  ["master service in pod ns", { ns: "test2", links: false, container: { name: "c", env: env(["FOO", "ZAP"]) }, expected: [["FOO", "ZAP"], ...kubernetes] }],
  ["master service in pod ns, service env vars", { ns: "test2", links: true, container: { name: "c", env: env(["FOO", "ZAP"]) },
    expected: [["FOO", "ZAP"], ...vars("TEST", "1.2.3.5", 8085), ...vars("KUBERNETES", "1.2.3.4", 8084)] }],
  ["pod in master service ns", { ns: "default", links: false, container: { name: "c" }, expected: kubernetes }],
  ["pod in master service ns, service env vars", { ns: "default", links: true, container: { name: "c" }, expected: [...vars("NOT_SPECIAL", "1.2.3.8", 8088), ...kubernetes] }],
  ["env expansion", { ns: "test1", links: false, container: { name: "c", env: expansionEnv(false) }, expected: [...expansionWant, ...kubernetes] }],
  ["env expansion, service env vars", { ns: "test1", links: true, container: { name: "c", env: expansionEnv(true) },
    expected: [...expansionWant, ...test1, ["SERVICE_VAR_TEST", "1.2.3.3:8083"], ...kubernetes] }],
  ["configmapkeyref_missing_optional", { ns: "test", links: false, container: keyRef("configMapKeyRef", "missing-config-map"), expected: kubernetes }],
  ["configmapkeyref_missing_key_optional", { ns: "test", links: false, container: keyRef("configMapKeyRef", "test-config-map"), nilLister: true, configMap: { a: "b" }, expected: [] }],
  ["secretkeyref_missing_optional", { ns: "test", links: false, container: keyRef("secretKeyRef", "missing-secret"), expected: kubernetes }],
  ["secretkeyref_missing_key_optional", { ns: "test", links: false, container: keyRef("secretKeyRef", "test-secret"), nilLister: true, secret: { a: Buffer.from("b").toString("base64") }, expected: [] }],
  ["configmap", { ns: "test1", links: false, container: configMapContainer("p_"), configMap: configMapData, expected: [...configMapWant("p_"), ...kubernetes] }],
  ["configmap allow prefix to start with a digital", { ns: "test1", links: false, container: configMapContainer("1_"), configMap: configMapData, expected: [...configMapWant("1_"), ...kubernetes] }],
  ["configmap, service env vars", { ns: "test1", links: true, container: configMapContainer("p_"), configMap: configMapData, expected: [...configMapWant("p_"), ...test1, ...kubernetes] }],
  ["configmap_missing", { ns: "test1", links: false, container: { name: "c", envFrom: [{ configMapRef: { name: "test-config-map" } }] }, expectedError: true }],
  ["configmap_missing_optional", { ns: "test", links: false, container: { name: "c", envFrom: [{ configMapRef: { name: "missing-config-map", optional: true } }] }, expected: kubernetes }],
  ["configmap_invalid_keys_valid", { ns: "test", links: false, container: { name: "c", envFrom: [{ prefix: "p_", configMapRef: { name: "test-config-map" } }] },
    configMap: { "1234": "abc" }, expected: [["p_1234", "abc"], ...kubernetes] }],
  ["secret", { ns: "test1", links: false, container: secretContainer, secret: { REPLACE_ME: b64("FROM_SECRET"), DUPE_TEST: b64("SECRET") }, expected: [...secretWant, ...kubernetes] }],
  ["secret, service env vars", { ns: "test1", links: true, container: secretContainer, secret: { REPLACE_ME: b64("FROM_SECRET"), DUPE_TEST: b64("SECRET") }, expected: [...secretWant, ...test1, ...kubernetes] }],
  ["secret_missing", { ns: "test1", links: false, container: { name: "c", envFrom: [{ secretRef: { name: "test-secret" } }] }, expectedError: true }],
  ["secret_missing_optional", { ns: "test", links: false, container: { name: "c", envFrom: [{ secretRef: { name: "missing-secret", optional: true } }] }, expected: kubernetes }],
  ["secret_invalid_keys_valid", { ns: "test", links: false, container: { name: "c", envFrom: [{ prefix: "p_", secretRef: { name: "test-secret" } }] },
    secret: { "1234.name": b64("abc") }, expected: [["p_1234.name", "abc"], ...kubernetes] }],
];

const sorted = (pairs: Array<[string, string]>) => [...pairs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

describe("TestMakeEnvironmentVariables", () => {
  it.each(rows)("%s", (_name, row) => {
    const r = run(row);
    if (row.expectedError) {
      expect(r.kind).toBe("error");
      return;
    }
    if (r.kind !== "env") throw new Error(`no environment: ${JSON.stringify(r)}`);
    expect(sorted(Object.entries(r.env).filter(([k]) => k !== "HOSTNAME"))).toEqual(sorted(row.expected ?? []));
  });
});
