// The docs' task pages (kubernetes/website content/en/docs/tasks/**) step by step with the real
// kubectl against `podflow serve`: each expectation is what the page shows, or what Kubernetes'
// source does where the page is silent. The sweep's verdicts are in test/fixtures/docs/TASKS.md.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();

describe.skipIf(!bin)("podflow serve with the real kubectl: the docs' task pages", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, input === undefined ? {} : { input });

  beforeAll(async () => {
    s = await serve({ nodes: 2, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("assign-cpu-resource: the request written as \"0.5\" reads back as 500m, the limit \"1\" as \"1\" (Quantity.MarshalJSON)", async () => {
    expect((await k(["create", "namespace", "cpu-example"])).out).toBe("namespace/cpu-example created\n");
    // pods/resource/cpu-request-limit.yaml as the page applies it
    const pod = `apiVersion: v1
kind: Pod
metadata:
  name: cpu-demo
  namespace: cpu-example
spec:
  containers:
  - name: cpu-demo-ctr
    image: vish/stress
    resources:
      limits:
        cpu: "1"
      requests:
        cpu: "0.5"
    args:
    - -cpus
    - "2"
`;
    expect((await k(["apply", "-f", "-"], pod)).out).toBe("pod/cpu-demo created\n");
    const yaml = (await k(["get", "pod", "cpu-demo", "--output=yaml", "--namespace=cpu-example"])).out;
    // the page: resources: limits: cpu: "1" requests: cpu: 500m
    expect(yaml).toContain('    resources:\n      limits:\n        cpu: "1"\n      requests:\n        cpu: 500m\n');
    const json = JSON.parse((await k(["get", "pod", "cpu-demo", "-n", "cpu-example", "-o", "json"])).out);
    expect(json.spec.containers[0].resources).toEqual({ limits: { cpu: "1" }, requests: { cpu: "500m" } });
    // a memory quantity the same way: 1.5Gi is stored as 1536Mi, 129e6 (canonical already) as written
    const mem = (await k(["run", "mem", "--image=nginx", "-n", "cpu-example", "--dry-run=server", "-o", "jsonpath={.spec.containers[0].resources}", "--overrides", '{"spec":{"containers":[{"name":"mem","image":"nginx","resources":{"requests":{"memory":"129e6"},"limits":{"memory":"1.5Gi"}}}]}}'])).out;
    expect(JSON.parse(mem)).toEqual({ limits: { memory: "1536Mi" }, requests: { memory: "129e6" } });
  });

  it("configure-service-account: kubectl get serviceaccounts prints NAME, SECRETS and AGE (printServiceAccount)", async () => {
    expect((await k(["create", "serviceaccount", "build-robot"])).out).toBe("serviceaccount/build-robot created\n");
    const out = (await k(["get", "serviceaccounts"])).out;
    expect(out).toMatch(/^NAME {10}SECRETS {3}AGE\nbuild-robot {3}0 {9}(?:\d+[dhms])+\ndefault {7}0 {9}(?:\d+[dhms])+\n$/);
    // a listed Secret counts
    expect((await k(["patch", "serviceaccount", "build-robot", "-p", '{"secrets":[{"name":"build-robot-secret"}]}'])).code).toBe(0);
    expect((await k(["get", "serviceaccount", "build-robot", "--no-headers"])).out).toMatch(/^build-robot +1 +(?:\d+[dhms])+\n$/);
  });

  it("configure-pod-configmap: a pod whose ConfigMap is missing stays CreateContainerConfigError, its Failed event counted at every retry, and runs once the page's ConfigMap exists", async () => {
    const pod = `apiVersion: v1
kind: Pod
metadata:
  name: dapi-test-pod
spec:
  containers:
    - name: test-container
      image: registry.k8s.io/busybox:1.27.2
      command: [ "/bin/sh", "-c", "env" ]
      env:
        - name: SPECIAL_LEVEL_KEY
          valueFrom:
            configMapKeyRef:
              name: special-config
              key: special.how
  restartPolicy: Never
`;
    expect((await k(["apply", "-f", "-"], pod)).out).toBe("pod/dapi-test-pod created\n");
    // startContainer records "Error: <generateContainerConfig's error>" on each attempt (the pod
    // worker retries every 10 s), and the event correlator counts the repeats
    const counted = await until(async () => {
      const events = JSON.parse((await k(["get", "events", "--field-selector", "involvedObject.name=dapi-test-pod,reason=Failed", "-o", "json"])).out).items;
      return events.length === 1 && events[0].count >= 3 ? events[0] : undefined;
    }, 30_000);
    expect(counted, "the Failed event with count >= 3").toMatchObject({ type: "Warning", message: 'Error: configmap "special-config" not found', source: { component: "kubelet" } });
    expect((await k(["get", "pod", "dapi-test-pod", "--no-headers"])).out).toMatch(/^dapi-test-pod +0\/1 +CreateContainerConfigError +0 +(?:\d+[dhms])+\n$/);
    expect((await k(["create", "configmap", "special-config", "--from-literal=special.how=very"])).out).toBe("configmap/special-config created\n");
    const done = await until(async () => ((await k(["get", "pod", "dapi-test-pod", "--no-headers"])).out.includes("Completed") ? true : undefined), 30_000);
    expect(done, "the pod completes once the ConfigMap exists").toBe(true);
    expect((await k(["logs", "dapi-test-pod"])).out).toMatch(/^SPECIAL_LEVEL_KEY=very$/m);
  });
  it("downward-api-volume-expose-pod-information: the annotations file holds the kubelet's copy: config.seen (RFC3339Nano) and config.source \"api\" besides the pod's own", async () => {
    const pod = `apiVersion: v1
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
          if [[ -e /etc/podinfo/annotations ]]; then
            echo -en '\\n\\n'; cat /etc/podinfo/annotations; fi;
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
`;
    expect((await k(["apply", "-f", "-"], pod)).out).toBe("pod/kubernetes-downwardapi-volume-example created\n");
    const running = await until(async () => ((await k(["get", "pod", "kubernetes-downwardapi-volume-example", "-o", "jsonpath={.status.phase}"])).out === "Running" ? true : undefined), 30_000);
    expect(running, "Running").toBe(true);
    expect((await k(["exec", "kubernetes-downwardapi-volume-example", "--", "cat", "/etc/podinfo/labels"])).out).toBe('cluster="test-cluster1"\nrack="rack-22"\nzone="us-est-coast"');
    const annotations = (await k(["exec", "kubernetes-downwardapi-volume-example", "--", "cat", "/etc/podinfo/annotations"])).out.split("\n");
    expect(annotations.slice(0, 2)).toEqual(['build="two"', 'builder="john-doe"']);
    expect(annotations[2]).toMatch(/^kubectl\.kubernetes\.io\/last-applied-configuration="\{/);
    expect(annotations.slice(3)).toEqual([expect.stringMatching(/^kubernetes\.io\/config\.seen="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"$/), 'kubernetes.io/config.source="api"']);
    // the API object itself has neither
    expect((await k(["get", "pod", "kubernetes-downwardapi-volume-example", "-o", "jsonpath={.metadata.annotations}"])).out).not.toContain("config.seen");
  });
});

describe.skipIf(!bin)("podflow serve with the real kubectl: debug-service's hostnames", () => {
  let s: Served;
  const k = (args: string[]) => kubectl(bin!, s.kubeconfigPath, args, {});

  beforeAll(async () => {
    s = await serve({ nodes: 2, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("serve_hostname answers its host name on 9376 to each pod IP and through the Service, which resolves by name", async () => {
    expect((await k(["create", "deployment", "hostnames", "--image=registry.k8s.io/serve_hostname"])).out).toBe("deployment.apps/hostnames created\n");
    expect((await k(["scale", "deployment", "hostnames", "--replicas=3"])).out).toBe("deployment.apps/hostnames scaled\n");
    const ready = await until(async () => (/^hostnames +3\/3 +3 +3 +(?:\d+[dhms])+$/m.test((await k(["get", "deployment", "hostnames"])).out) ? true : undefined), 30_000);
    expect(ready, "3/3 ready").toBe(true);
    const pods = (await k(["get", "pods", "-l", "app=hostnames", "-o", "jsonpath={.items[*].metadata.name}"])).out.split(" ").sort();
    const ips = (await k(["get", "pods", "-l", "app=hostnames", "-o", String.raw`go-template={{range .items}}{{.status.podIP}}{{"\n"}}{{end}}`])).out.trim().split("\n");
    expect(ips).toHaveLength(3);
    // its log line is log.Printf's, date-prefixed
    expect((await k(["logs", pods[0]!])).out).toMatch(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d Serving on port 9376\.\n$/);
    expect((await k(["expose", "deployment", "hostnames", "--port=80", "--target-port=9376"])).out).toBe("service/hostnames exposed\n");
    // the page's wget loop, from a pod's own process (an exec'd one cannot leave its pod); the
    // server writes the host name without a newline (fmt.Fprintf(w, "%s", hostname)), so echo adds one
    const loop = `for ep in ${ips.map((ip) => `${ip}:9376`).join(" ")}; do wget -qO- $ep; echo; done; sleep 2; wget -qO- hostnames; echo`;
    await k(["run", "wget-test", "--image=busybox", "--restart=Never", "--", "sh", "-c", loop]);
    await until(async () => ((await k(["get", "pod", "wget-test", "-o", "jsonpath={.status.phase}"])).out === "Succeeded" ? true : undefined), 30_000);
    const lines = (await k(["logs", "wget-test"])).out.trim().split("\n");
    expect(lines.slice(0, 3).sort()).toEqual(pods);
    expect(pods).toContain(lines[3]);
  });
});

describe.skipIf(!bin)("podflow serve with the real kubectl: tutorials/kubernetes-basics", () => {
  let s: Served;
  const k = (args: string[]) => kubectl(bin!, s.kubeconfigPath, args, {});
  const pods = async () => (await k(["get", "pods", "-l", "app=kubernetes-bootcamp", "-o", "jsonpath={.items[*].metadata.name}"])).out.split(" ").filter(Boolean);

  beforeAll(async () => {
    s = await serve({ nodes: 2, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("deploy, explore, expose, scale and update the bootcamp app as the modules show", async () => {
    // Module 2: create a Deployment
    expect((await k(["create", "deployment", "kubernetes-bootcamp", "--image=gcr.io/google-samples/kubernetes-bootcamp:v1"])).out).toBe("deployment.apps/kubernetes-bootcamp created\n");
    const ready = await until(async () => {
      const out = (await k(["get", "deployments"])).out;
      return /^kubernetes-bootcamp +1\/1 +1 +1 +(?:\d+[dhms])+$/m.test(out) ? out : undefined;
    }, 30_000);
    expect(ready, "kubectl get deployments").toMatch(/^NAME +READY +UP-TO-DATE +AVAILABLE +AGE$/m);
    const [pod] = await pods();
    // Module 3: the pod through the API server's proxy, its logs, exec
    expect((await k(["get", "--raw", `/api/v1/namespaces/default/pods/${pod}:8080/proxy/`])).out).toBe(`Hello Kubernetes bootcamp! | Running on: ${pod} | v=1\n`);
    expect((await k(["logs", pod!])).out).toMatch(new RegExp(`^Kubernetes Bootcamp App Started At: \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z \\| Running On:  ${pod} \\n\\n$`));
    const env = (await k(["exec", pod!, "--", "env"])).out;
    expect(env).toMatch(new RegExp(`^HOSTNAME=${pod}$`, "m"));
    expect(env).toMatch(/^NPM_CONFIG_LOGLEVEL=info$/m);
    expect(env).toMatch(/^KUBERNETES_SERVICE_HOST=10\.96\.0\.1$/m);
    expect((await k(["exec", pod!, "--", "bash", "-c", "cat server.js | head -1; curl -s http://localhost:8080"])).out).toBe(`var http = require('http');\nHello Kubernetes bootcamp! | Running on: ${pod} | v=1\n`);
    // Module 4: a NodePort Service
    expect((await k(["expose", "deployment/kubernetes-bootcamp", "--type=NodePort", "--port", "8080"])).out).toBe("service/kubernetes-bootcamp exposed\n");
    const svc = (await k(["describe", "services/kubernetes-bootcamp"])).out;
    expect(svc).toMatch(/^Type: +NodePort$/m);
    expect(svc).toMatch(/^NodePort: +<unset> +3\d{4}\/TCP$/m);
    expect(svc).toMatch(/^Endpoints: +10\.244\.\d+\.\d+:8080$/m);
    expect((await k(["label", "pods", pod!, "version=v1"])).out).toBe(`pod/${pod} labeled\n`);
    expect((await k(["get", "pods", "-l", "version=v1", "-o", "name"])).out).toBe(`pod/${pod}\n`);
    // Module 5: scale to 4
    expect((await k(["scale", "deployments/kubernetes-bootcamp", "--replicas=4"])).out).toBe("deployment.apps/kubernetes-bootcamp scaled\n");
    const four = await until(async () => (/^kubernetes-bootcamp +4\/4 +4 +4 +(?:\d+[dhms])+$/m.test((await k(["get", "deployments"])).out) ? true : undefined), 30_000);
    expect(four, "4/4 ready").toBe(true);
    // Module 6: a rolling update to v2, then to a tag that does not exist, then undo
    expect((await k(["set", "image", "deployments/kubernetes-bootcamp", "kubernetes-bootcamp=docker.io/jocatalin/kubernetes-bootcamp:v2"])).out).toBe("deployment.apps/kubernetes-bootcamp image updated\n");
    expect((await k(["rollout", "status", "deployments/kubernetes-bootcamp", "--timeout=60s"])).out).toMatch(/deployment "kubernetes-bootcamp" successfully rolled out\n$/);
    const [v2] = await pods();
    expect((await k(["get", "--raw", `/api/v1/namespaces/default/pods/${v2}:8080/proxy/`])).out).toBe(`Hello Kubernetes bootcamp! | Running on: ${v2} | v=2\n`);
    expect((await k(["set", "image", "deployments/kubernetes-bootcamp", "kubernetes-bootcamp=gcr.io/google-samples/kubernetes-bootcamp:v10"])).code).toBe(0);
    const pulling = await until(async () => {
      const out = (await k(["get", "pods"])).out;
      return /^kubernetes-bootcamp-[a-z0-9]+-[a-z0-9]{5} +0\/1 +(ErrImagePull|ImagePullBackOff) +0 +(?:\d+[dhms])+$/m.test(out) ? out : undefined;
    }, 30_000);
    expect(pulling, "the v10 pods cannot pull").toBeTruthy();
    expect((await k(["rollout", "undo", "deployments/kubernetes-bootcamp"])).out).toBe("deployment.apps/kubernetes-bootcamp rolled back\n");
    expect((await k(["rollout", "status", "deployments/kubernetes-bootcamp", "--timeout=60s"])).code).toBe(0);
    expect((await k(["get", "deployment", "kubernetes-bootcamp", "-o", "jsonpath={.spec.template.spec.containers[0].image}"])).out).toBe("docker.io/jocatalin/kubernetes-bootcamp:v2");
  });
});
