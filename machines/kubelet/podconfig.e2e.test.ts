// The docs' "inject data into applications" pages, run through the machines: ConfigMaps and
// Secrets in env and volumes, the downward API, $(VAR) expansion, and a missing ConfigMap
// (CreateContainerConfigError until it exists). Expected outputs are the ones the pages print.

import { describe, it, expect } from "vitest";
import { createCluster, type Cluster } from "../../runtime/cluster.js";
import { containerLogs } from "../../runtime/server/logs.js";

async function cluster(): Promise<Cluster> {
  const c = createCluster({ nodes: 1, seed: 7 });
  await c.settle();
  return c;
}

async function logs(c: Cluster, name: string): Promise<string[]> {
  const p = c.get("Pod", name, "default");
  const id = p.status.containerStatuses[0].containerID.replace(/^[a-z]+:\/\//, "");
  const lines = containerLogs(c as never, p.spec.nodeName, id);
  await c.settle();
  return (await lines).map((l) => l.line);
}

const specialConfig = `
apiVersion: v1
kind: ConfigMap
metadata:
  name: special-config
  namespace: default
data:
  SPECIAL_LEVEL: very
  SPECIAL_TYPE: charm
`;

describe("the docs' env and volume examples", () => {
  it("dependent-envars: $(VAR) expands declared variables, keeps unknown ones and $$ escapes", async () => {
    const c = await cluster();
    await c.apply(`
apiVersion: v1
kind: Pod
metadata:
  name: dependent-envars-demo
spec:
  containers:
    - name: dependent-envars-demo
      args:
        - while true; do echo -en '\\n'; printf UNCHANGED_REFERENCE=$UNCHANGED_REFERENCE'\\n'; printf SERVICE_ADDRESS=$SERVICE_ADDRESS'\\n';printf ESCAPED_REFERENCE=$ESCAPED_REFERENCE'\\n'; sleep 30; done;
      command:
        - sh
        - -c
      image: busybox:1.28
      env:
        - name: SERVICE_PORT
          value: "80"
        - name: SERVICE_IP
          value: "172.17.0.1"
        - name: UNCHANGED_REFERENCE
          value: "$(PROTOCOL)://$(SERVICE_IP):$(SERVICE_PORT)"
        - name: PROTOCOL
          value: "https"
        - name: SERVICE_ADDRESS
          value: "$(PROTOCOL)://$(SERVICE_IP):$(SERVICE_PORT)"
        - name: ESCAPED_REFERENCE
          value: "$$(PROTOCOL)://$(SERVICE_IP):$(SERVICE_PORT)"
`);
    await c.settle();
    expect((await logs(c, "dependent-envars-demo")).slice(0, 4)).toEqual([
      "", "UNCHANGED_REFERENCE=$(PROTOCOL)://172.17.0.1:80", "SERVICE_ADDRESS=https://172.17.0.1:80", "ESCAPED_REFERENCE=$(PROTOCOL)://172.17.0.1:80",
    ]);
  });

  it("dapi-envars-pod: fieldRef variables name the node, pod, namespace, IP and service account", async () => {
    const c = await cluster();
    await c.apply(`
apiVersion: v1
kind: Pod
metadata:
  name: dapi-envars-fieldref
spec:
  containers:
    - name: test-container
      image: registry.k8s.io/busybox:1.27.2
      command: [ "sh", "-c"]
      args:
      - while true; do
          echo -en '\\n';
          printenv MY_NODE_NAME MY_POD_NAME MY_POD_NAMESPACE;
          printenv MY_POD_IP MY_POD_SERVICE_ACCOUNT;
          sleep 10;
        done;
      env:
        - name: MY_NODE_NAME
          valueFrom:
            fieldRef:
              fieldPath: spec.nodeName
        - name: MY_POD_NAME
          valueFrom:
            fieldRef:
              fieldPath: metadata.name
        - name: MY_POD_NAMESPACE
          valueFrom:
            fieldRef:
              fieldPath: metadata.namespace
        - name: MY_POD_IP
          valueFrom:
            fieldRef:
              fieldPath: status.podIP
        - name: MY_POD_SERVICE_ACCOUNT
          valueFrom:
            fieldRef:
              fieldPath: spec.serviceAccountName
  restartPolicy: Never
`);
    await c.settle();
    const pod = c.get("Pod", "dapi-envars-fieldref", "default");
    expect((await logs(c, "dapi-envars-fieldref")).slice(0, 6)).toEqual(["", "node-1", "dapi-envars-fieldref", "default", pod.status.podIP, "default"]);
  });

  it("dapi-volume: the labels and annotations files in key=\"value\" lines, sorted", async () => {
    const c = await cluster();
    await c.apply(`
apiVersion: v1
kind: Pod
metadata:
  name: kubernetes-downwardapi-volume-example
  labels:
    zone: us-est-coast
    cluster: test-cluster1
    rack: rack-22
  annotations:
    build: two
    builder: john-doe
spec:
  containers:
    - name: client-container
      image: registry.k8s.io/busybox:1.27.2
      command: ["sh", "-c"]
      args:
      - while true; do
          if [[ -e /etc/podinfo/labels ]]; then
            echo -en '\\n\\n'; cat /etc/podinfo/labels; fi;
          sleep 5;
        done;
      volumeMounts:
        - name: podinfo
          mountPath: /etc/podinfo
  volumes:
    - name: podinfo
      downwardAPI:
        items:
          - path: "labels"
            fieldRef:
              fieldPath: metadata.labels
          - path: "annotations"
            fieldRef:
              fieldPath: metadata.annotations
`);
    await c.settle();
    // The file has no trailing newline: its last line is in the log once the next loop writes.
    c.advance(5_000);
    await c.settle();
    expect((await logs(c, "kubernetes-downwardapi-volume-example")).slice(0, 5)).toEqual(["", "", 'cluster="test-cluster1"', 'rack="rack-22"', 'zone="us-est-coast"']);
  });

  it("pod-configmap-envFrom: every key of the ConfigMap is a variable", async () => {
    const c = await cluster();
    await c.apply(specialConfig);
    await c.apply(`
apiVersion: v1
kind: Pod
metadata:
  name: dapi-test-pod
spec:
  containers:
    - name: test-container
      image: registry.k8s.io/busybox:1.27.2
      command: [ "/bin/sh", "-c", "env" ]
      envFrom:
      - configMapRef:
          name: special-config
        prefix: CONFIG_
  restartPolicy: Never
`);
    await c.settle();
    const out = await logs(c, "dapi-test-pod");
    expect(out).toContain("CONFIG_SPECIAL_LEVEL=very");
    expect(out).toContain("CONFIG_SPECIAL_TYPE=charm");
    expect(c.get("Pod", "dapi-test-pod", "default").status.phase).toBe("Succeeded");
  });

  it("pod-configmap-volume: the keys are files in the mounted directory; items pick a key and its path", async () => {
    const c = await cluster();
    await c.apply(specialConfig);
    await c.apply(`
apiVersion: v1
kind: Pod
metadata:
  name: dapi-test-pod
spec:
  containers:
    - name: test-container
      image: registry.k8s.io/busybox:1.27.2
      command: [ "/bin/sh", "-c", "ls /etc/config/" ]
      volumeMounts:
      - name: config-volume
        mountPath: /etc/config
  volumes:
    - name: config-volume
      configMap:
        name: special-config
  restartPolicy: Never
---
apiVersion: v1
kind: Pod
metadata:
  name: dapi-test-pod-keys
spec:
  containers:
    - name: test-container
      image: registry.k8s.io/busybox:1.27.2
      command: [ "/bin/sh","-c","cat /etc/config/keys" ]
      volumeMounts:
      - name: config-volume
        mountPath: /etc/config
  volumes:
    - name: config-volume
      configMap:
        name: special-config
        items:
        - key: SPECIAL_LEVEL
          path: keys
  restartPolicy: Never
`);
    await c.settle();
    expect(await logs(c, "dapi-test-pod")).toEqual(["SPECIAL_LEVEL", "SPECIAL_TYPE"]);
    expect(await logs(c, "dapi-test-pod-keys")).toEqual(["very"]);
  });

  it("secret-envars-pod: secretKeyRef gives the decoded value; a secret volume holds decoded files", async () => {
    const c = await cluster();
    await c.apply(`
apiVersion: v1
kind: Secret
metadata:
  name: backend-user
data:
  backend-username: YmFja2VuZC1hZG1pbg==
---
apiVersion: v1
kind: Pod
metadata:
  name: env-single-secret
spec:
  containers:
  - name: envars-test-container
    image: busybox:1.36
    command: ["sh", "-c", "echo $SECRET_USERNAME; cat /etc/secret-volume/backend-username"]
    env:
    - name: SECRET_USERNAME
      valueFrom:
        secretKeyRef:
          name: backend-user
          key: backend-username
    volumeMounts:
    - name: secret-volume
      mountPath: /etc/secret-volume
      readOnly: true
  volumes:
  - name: secret-volume
    secret:
      secretName: backend-user
  restartPolicy: Never
`);
    await c.settle();
    expect(await logs(c, "env-single-secret")).toEqual(["backend-admin", "backend-admin"]);
  });

  it("a missing ConfigMap leaves the container in CreateContainerConfigError until it is created; optional ones are skipped", async () => {
    const c = await cluster();
    await c.apply(`
apiVersion: v1
kind: Pod
metadata:
  name: dapi-test-pod
spec:
  containers:
    - name: test-container
      image: registry.k8s.io/busybox:1.27.2
      command: [ "/bin/sh", "-c", "echo $SPECIAL_LEVEL_KEY $OPTIONAL_KEY." ]
      env:
        - name: SPECIAL_LEVEL_KEY
          valueFrom:
            configMapKeyRef:
              name: special-config
              key: SPECIAL_LEVEL
        - name: OPTIONAL_KEY
          valueFrom:
            configMapKeyRef:
              name: not-there
              key: x
              optional: true
  restartPolicy: Never
`);
    await c.settle();
    const waiting = c.get("Pod", "dapi-test-pod", "default").status.containerStatuses[0].state.waiting;
    expect(waiting).toEqual({ reason: "CreateContainerConfigError", message: 'configmap "special-config" not found' });
    const failed = c.events().filter((e: any) => e.involvedObject.name === "dapi-test-pod" && e.reason === "Failed");
    expect(failed.map((e: any) => [e.type, e.message])).toEqual([["Warning", 'Error: configmap "special-config" not found']]);
    await c.apply(specialConfig);
    c.advance(10_000);
    await c.settle();
    expect(c.get("Pod", "dapi-test-pod", "default").status.phase).toBe("Succeeded");
    expect(await logs(c, "dapi-test-pod")).toEqual(["very ."]);
  });

  it("a configMap volume follows the ConfigMap's changes; a missing one fails the mount (FailedMount) until it exists", async () => {
    const c = await cluster();
    await c.apply(`
apiVersion: v1
kind: Pod
metadata:
  name: reader
spec:
  containers:
    - name: reader
      image: busybox:1.36
      command: [ "/bin/sh", "-c", "while true; do cat /etc/config/SPECIAL_LEVEL; echo; sleep 5; done" ]
      volumeMounts:
      - name: config-volume
        mountPath: /etc/config
  volumes:
    - name: config-volume
      configMap:
        name: special-config
`);
    await c.settle();
    const mount = c.events().filter((e: any) => e.involvedObject.name === "reader" && e.reason === "FailedMount");
    expect(mount[0]?.message).toBe('MountVolume.SetUp failed for volume "config-volume" : configmap "special-config" not found');
    expect(c.get("Pod", "reader", "default").status.containerStatuses[0].state.waiting.reason).toBe("ContainerCreating");
    await c.apply(specialConfig);
    c.advance(5_000);
    await c.settle();
    expect(c.get("Pod", "reader", "default").status.phase).toBe("Running");
    await c.apply(specialConfig.replace("SPECIAL_LEVEL: very", "SPECIAL_LEVEL: extremely"));
    c.advance(10_000);
    await c.settle();
    const out = await logs(c, "reader");
    expect(out[0]).toBe("very");
    expect(out[out.length - 1]).toBe("extremely");
  });

  // The docs' pods/storage/projected-secret-downwardapi-configmap.yaml before mysecret and
  // myconfigmap exist: the projected plugin's collectData (pkg/volume/projected/projected.go) goes
  // through every source and returns utilerrors.NewAggregate of their errors, "[a, b]" for two.
  it("a projected volume missing a Secret and a ConfigMap names both in one FailedMount", async () => {
    const c = await cluster();
    await c.apply(`
apiVersion: v1
kind: Pod
metadata:
  name: volume-test
spec:
  containers:
  - command: ["sleep", "3600"]
    image: busybox:1.28
    name: container-test
    volumeMounts:
    - mountPath: /projected-volume
      name: all-in-one
      readOnly: true
  volumes:
  - name: all-in-one
    projected:
      sources:
      - secret:
          items:
          - key: username
            path: my-group/my-username
          name: mysecret
      - downwardAPI:
          items:
          - fieldRef:
              fieldPath: metadata.labels
            path: labels
      - configMap:
          items:
          - key: config
            path: my-group/my-config
          name: myconfigmap
`);
    await c.settle();
    const mount = c.events().filter((e: any) => e.involvedObject.name === "volume-test" && e.reason === "FailedMount");
    expect(mount[0]?.message).toBe('MountVolume.SetUp failed for volume "all-in-one" : [secret "mysecret" not found, configmap "myconfigmap" not found]');
  });
});

describe("kubectl set image on a pod", () => {
  it("restarts that container with the new image (its spec hash changed), whatever the restart policy", async () => {
    const c = await cluster();
    await c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "web" }, spec: { restartPolicy: "Never", containers: [{ name: "nginx", image: "nginx:1.27" }, { name: "side", image: "busybox:1.36", command: ["sleep", "3600"] }] } });
    await c.settle();
    const before = c.get("Pod", "web", "default").status.containerStatuses.find((s: any) => s.name === "nginx");
    // What `kubectl set image pod/web nginx=nginx:1.28` sends: a strategic merge patch of the image.
    await c.request({ verb: "patch", group: "", resource: "pods", namespace: "default", name: "web", patchType: "application/strategic-merge-patch+json", body: { spec: { containers: [{ name: "nginx", image: "nginx:1.28" }] } } } as never);
    await c.settle();
    const pod = c.get("Pod", "web", "default");
    const nginx = pod.status.containerStatuses.find((s: any) => s.name === "nginx");
    const side = pod.status.containerStatuses.find((s: any) => s.name === "side");
    expect(pod.status.phase).toBe("Running");
    expect([nginx.image, nginx.restartCount, nginx.state.running !== undefined]).toEqual(["docker.io/library/nginx:1.28", 1, true]);
    expect(nginx.containerID).not.toBe(before.containerID);
    expect(nginx.lastState.terminated).toBeDefined();
    expect([side.restartCount, side.state.running !== undefined]).toEqual([0, true]);
    const killing = c.events().filter((e: any) => e.involvedObject.name === "web" && e.reason === "Killing").map((e: any) => e.message);
    expect(killing).toEqual(["Container nginx definition changed, will be restarted"]);
  });
});

describe("tail -F in a sidecar (the docs' application/deployment-sidecar.yaml)", () => {
  it("streams the lines the app container appends to the shared file", async () => {
    const c = await cluster();
    await c.apply(`
apiVersion: apps/v1
kind: Deployment
metadata:
  name: myapp
  labels:
    app: myapp
spec:
  replicas: 1
  selector:
    matchLabels:
      app: myapp
  template:
    metadata:
      labels:
        app: myapp
    spec:
      containers:
        - name: myapp
          image: alpine:latest
          command: ['sh', '-c', 'while true; do echo "logging" >> /opt/logs.txt; sleep 1; done']
          volumeMounts:
            - name: data
              mountPath: /opt
      initContainers:
        - name: logshipper
          image: alpine:latest
          restartPolicy: Always
          command: ['sh', '-c', 'tail -F /opt/logs.txt']
          volumeMounts:
            - name: data
              mountPath: /opt
      volumes:
        - name: data
          emptyDir: {}
`);
    await c.settle();
    c.advance(5_000);
    await c.settle();
    const p = c.list("Pod", { namespace: "default", labelSelector: "app=myapp" })[0];
    const shipper = p.status.initContainerStatuses.find((s: any) => s.name === "logshipper");
    const lines = containerLogs(c as never, p.spec.nodeName, shipper.containerID.replace(/^[a-z]+:\/\//, ""));
    await c.settle();
    const out = (await lines).map((l) => l.line);
    expect(out.length).toBeGreaterThanOrEqual(4);
    expect(new Set(out)).toEqual(new Set(["logging"]));
  });
});

describe("gRPC probes (the docs' grpc-liveness.yaml)", () => {
  it("etcd answers the gRPC health check SERVING: the pod runs, ready, never restarted", async () => {
    const c = await cluster();
    await c.apply(`
apiVersion: v1
kind: Pod
metadata:
  name: etcd-with-grpc
spec:
  containers:
  - name: etcd
    image: registry.k8s.io/etcd:3.5.1-0
    command: [ "/usr/local/bin/etcd", "--data-dir",  "/var/lib/etcd", "--listen-client-urls", "http://0.0.0.0:2379", "--advertise-client-urls", "http://127.0.0.1:2379", "--log-level", "debug"]
    ports:
    - containerPort: 2379
    livenessProbe:
      grpc:
        port: 2379
      initialDelaySeconds: 10
`);
    await c.settle();
    c.advance(60_000);
    await c.settle();
    const pod = c.get("Pod", "etcd-with-grpc", "default");
    expect(pod.spec.containers[0].livenessProbe.grpc).toEqual({ port: 2379, service: "" });
    expect([pod.status.phase, pod.status.containerStatuses[0].ready, pod.status.containerStatuses[0].restartCount]).toEqual(["Running", true, 0]);
    expect(c.events().filter((e: any) => e.involvedObject.name === "etcd-with-grpc" && e.reason === "Unhealthy")).toEqual([]);
  });
});
