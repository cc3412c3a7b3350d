// The real kubectl against `podflow serve` with the networking.k8s.io/v1 kinds the docs'
// Ingress and NetworkPolicy pages apply (content/en/examples/service/networking): each is stored
// with its defaults and printed with kubectl's columns (printIngress, printIngressClass,
// printNetworkPolicy); an Ingress without a class gets the default IngressClass (the
// DefaultIngressClass admission plugin); invalid objects are refused with Kubernetes' messages.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, serve, type Served } from "./serve-helpers.js";

const bin = findKubectl();

// service/networking/default-ingressclass.yaml
const defaultClass = `
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  labels:
    app.kubernetes.io/component: controller
  name: example-class
  annotations:
    ingressclass.kubernetes.io/is-default-class: "true"
spec:
  controller: k8s.io/example-class
`;
// service/networking/external-lb.yaml
const externalLb = `
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: external-lb
spec:
  controller: example.com/ingress-controller
  parameters:
    apiGroup: k8s.example.com
    kind: IngressParameters
    name: external-lb
`;
// service/networking/minimal-ingress.yaml
const minimal = `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: minimal-ingress
spec:
  ingressClassName: nginx-example
  rules:
  - http:
      paths:
      - path: /testpath
        pathType: Prefix
        backend:
          service:
            name: test
            port:
              number: 80
`;
// service/networking/tls-example-ingress.yaml, without its class: the default class is given
const tls = `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: tls-example-ingress
spec:
  tls:
  - hosts:
      - https-example.foo.com
    secretName: testsecret-tls
  rules:
  - host: https-example.foo.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: service1
            port:
              number: 80
`;
// service/networking/networkpolicy.yaml
const policy = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: test-network-policy
  namespace: default
spec:
  podSelector:
    matchLabels:
      role: db
  policyTypes:
  - Ingress
  - Egress
  ingress:
  - from:
    - ipBlock:
        cidr: 172.17.0.0/16
        except:
        - 172.17.1.0/24
    - namespaceSelector:
        matchLabels:
          project: myproject
    - podSelector:
        matchLabels:
          role: frontend
    ports:
    - protocol: TCP
      port: 6379
  egress:
  - to:
    - ipBlock:
        cidr: 10.0.0.0/24
    ports:
    - protocol: TCP
      port: 5978
`;
// service/networking/network-policy-allow-all-ingress.yaml
const allowAll = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-all-ingress
spec:
  podSelector: {}
  ingress:
  - {}
  egress:
  - ports:
    - port: 53
`;

describe.skipIf(!bin)("podflow serve with the real kubectl: Ingress, IngressClass and NetworkPolicy", () => {
  let s: Served;
  const k = (args: string[], opts: { timeoutMs?: number; input?: string } = {}) => kubectl(bin!, s.kubeconfigPath, args, opts);

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("kubectl apply + get ingressclass: CONTROLLER and PARAMETERS as Kind.apiGroup/name, <none> without", async () => {
    expect((await k(["apply", "-f", "-"], { input: defaultClass })).out).toBe("ingressclass.networking.k8s.io/example-class created\n");
    expect((await k(["apply", "-f", "-"], { input: externalLb })).out).toBe("ingressclass.networking.k8s.io/external-lb created\n");
    const lines = (await k(["get", "ingressclass"])).out.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^NAME +CONTROLLER +PARAMETERS +AGE$/);
    expect(lines[1]).toMatch(/^example-class +k8s\.io\/example-class +<none> +(?:\d+[smhd])+$/);
    expect(lines[2]).toMatch(/^external-lb +example\.com\/ingress-controller +IngressParameters\.k8s\.example\.com\/external-lb +(?:\d+[smhd])+$/);
    // SetDefaults_IngressClass: a parameters reference without a scope is cluster-scoped
    expect((await k(["get", "ingressclass", "external-lb", "-o", "jsonpath={.spec.parameters.scope} {.metadata.generation}"])).out).toBe("Cluster 1");
  });

  it("kubectl apply + get ingress: CLASS, HOSTS (* for none), PORTS 80 or 80, 443; a class-less Ingress gets the default class", async () => {
    expect((await k(["apply", "-f", "-"], { input: minimal })).out).toBe("ingress.networking.k8s.io/minimal-ingress created\n");
    expect((await k(["apply", "-f", "-"], { input: tls })).out).toBe("ingress.networking.k8s.io/tls-example-ingress created\n");
    const lines = (await k(["get", "ingress"])).out.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^NAME +CLASS +HOSTS +ADDRESS +PORTS +AGE$/);
    expect(lines[1]).toMatch(/^minimal-ingress +nginx-example +\* +80 +(?:\d+[smhd])+$/);
    expect(lines[2]).toMatch(/^tls-example-ingress +example-class +https-example\.foo\.com +80, 443 +(?:\d+[smhd])+$/);
    expect(JSON.parse((await k(["get", "ingress", "minimal-ingress", "-o", "jsonpath={.status}"])).out)).toEqual({ loadBalancer: {} });
  });

  it("kubectl apply + get networkpolicy: POD-SELECTOR, <none> for the empty selector; policyTypes and protocols defaulted", async () => {
    expect((await k(["apply", "-f", "-"], { input: policy })).out).toBe("networkpolicy.networking.k8s.io/test-network-policy created\n");
    expect((await k(["apply", "-f", "-"], { input: allowAll })).out).toBe("networkpolicy.networking.k8s.io/allow-all-ingress created\n");
    const lines = (await k(["get", "netpol"])).out.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^NAME +POD-SELECTOR +AGE$/);
    expect(lines[1]).toMatch(/^allow-all-ingress +<none> +(?:\d+[smhd])+$/);
    expect(lines[2]).toMatch(/^test-network-policy +role=db +(?:\d+[smhd])+$/);
    const spec = JSON.parse((await k(["get", "networkpolicy", "allow-all-ingress", "-o", "jsonpath={.spec}"])).out);
    expect(spec.policyTypes).toEqual(["Ingress", "Egress"]);
    expect(spec.egress).toEqual([{ ports: [{ port: 53, protocol: "TCP" }] }]);
  });

  it("invalid objects are refused with the networking validation's messages", async () => {
    const badPolicy = policy.replace("172.17.1.0/24", "172.18.1.0/24").replace("test-network-policy", "bad");
    const r1 = await k(["apply", "-f", "-"], { input: badPolicy });
    expect(r1.code).not.toBe(0);
    expect(r1.err).toContain('The NetworkPolicy "bad" is invalid: spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "172.18.1.0/24": must be a strict subset of `cidr`');
    const badIngress = minimal.replace("pathType: Prefix", "pathType: Regex").replace("minimal-ingress", "bad");
    const r2 = await k(["apply", "-f", "-"], { input: badIngress });
    expect(r2.code).not.toBe(0);
    expect(r2.err).toContain('The Ingress "bad" is invalid: spec.rules[0].http.paths[0].pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"');
    const r3 = await k(["patch", "ingressclass", "external-lb", "--type=merge", "-p", '{"spec":{"controller":"example.com/other"}}']);
    expect(r3.code).not.toBe(0);
    expect(r3.err).toContain('spec.controller: Invalid value: "example.com/other": field is immutable');
  });
});
