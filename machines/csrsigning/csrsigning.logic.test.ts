// The signers' checks (signer.go's validAPIServerClientUsages, helpers.go's ValidateKubeletClientCSR
// and ValidateKubeletServingCSR) and signer.duration, with their messages.

import { describe, expect, it } from "vitest";
import { certificateTTLMs, signerVerdict, type RequestSubject } from "./csrsigning.logic.js";

const subject = (s: Partial<RequestSubject>): RequestSubject => ({ commonName: "", organizations: [], dnsNames: [], emailAddresses: [], ipAddresses: [], uris: [], ...s });
const node = subject({ commonName: "system:node:n1", organizations: ["system:nodes"] });

describe("signerVerdict", () => {
  it.each([
    { name: "a client certificate with client auth may be signed", signer: "kubernetes.io/kube-apiserver-client", usages: ["client auth", "digital signature"], s: subject({ commonName: "jane" }), want: "" },
    { name: "server auth is not a client certificate's", signer: "kubernetes.io/kube-apiserver-client", usages: ["client auth", "server auth"], s: subject({}), want: "invalid usage for client certificate: server auth" },
    { name: "client auth is required", signer: "kubernetes.io/kube-apiserver-client", usages: ["digital signature"], s: subject({}), want: "missing required usage for client certificate: client auth" },
    { name: "a kubelet client certificate of a node may be signed", signer: "kubernetes.io/kube-apiserver-client-kubelet", usages: ["digital signature", "client auth"], s: node, want: "" },
    { name: "a kubelet client certificate outside system:nodes fails", signer: "kubernetes.io/kube-apiserver-client-kubelet", usages: ["digital signature", "client auth"], s: subject({ commonName: "system:node:n1" }), want: "subject organization is not system:nodes" },
    { name: "a kubelet client certificate may not name DNS names", signer: "kubernetes.io/kube-apiserver-client-kubelet", usages: ["digital signature", "client auth"], s: { ...node, dnsNames: ["n1"] }, want: "DNS subjectAltNames are not allowed" },
    { name: "a kubelet client certificate with other usages fails", signer: "kubernetes.io/kube-apiserver-client-kubelet", usages: ["client auth"], s: node, want: "usages did not match [client auth digital signature key encipherment]" },
    { name: "a kubelet serving certificate needs a DNS name or an IP", signer: "kubernetes.io/kubelet-serving", usages: ["digital signature", "server auth"], s: node, want: "DNS or IP subjectAltName is required" },
    { name: "a kubelet serving certificate for an IP may be signed", signer: "kubernetes.io/kubelet-serving", usages: ["digital signature", "key encipherment", "server auth"], s: { ...node, ipAddresses: ["10.0.0.1"] }, want: "" },
    { name: "a kubelet serving certificate needs a system:node: name", signer: "kubernetes.io/kubelet-serving", usages: ["digital signature", "server auth"], s: { ...node, commonName: "n1", dnsNames: ["n1"] }, want: "subject common name does not begin with system:node:" },
    { name: "another signer's request is left alone", signer: "example.com/other", usages: ["client auth"], s: subject({}), want: undefined },
  ])("$name", ({ signer, usages, s, want }) => expect(signerVerdict(signer, usages, s)).toBe(want));
});

describe("certificateTTLMs (signer.duration)", () => {
  it.each([
    { name: "none asked is the cluster signing duration", seconds: undefined, want: 8760 * 3600_000 },
    { name: "a day is a day", seconds: 86400, want: 86_400_000 },
    { name: "more than the signing duration is cut to it", seconds: 315360000, want: 8760 * 3600_000 },
    { name: "under ten minutes is ten minutes", seconds: 300, want: 600_000 },
  ])("$name", ({ seconds, want }) => expect(certificateTTLMs(seconds)).toBe(want));
});
