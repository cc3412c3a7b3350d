// ValidatePodSpec beyond containers and volumes: rows of TestValidatePodSpec, TestValidatePodDNSConfig and
// the pod-level rules (security contexts, host network ports, host aliases, affinity terms, topology
// spread, scheduling and readiness gates, OS, pod annotations) of pkg/apis/core/validation (v1.35).

import { describe, it, expect } from "vitest";
import { validatePodConditions } from "./podstatus.js";
import { validateCreate } from "./index.js";
import { validatePodTemplateSpec } from "./pod.js";
import { brief, defaultedPod, messages } from "./testing.js";


// The Go table validates specs as given (no defaulting), so each edit lands on a defaulted pod afterwards.
function podWith(edit: (spec: any, pod: any) => void): any {
  const p = defaultedPod();
  edit(p.spec, p);
  return p;
}
const port = (containerPort: number, hostPort?: number) => ({ containerPort, ...(hostPort === undefined ? {} : { hostPort }), protocol: "TCP" });

describe("TestValidatePodSpec", () => {
  const success: [string, (s: any) => void][] = [
    ["populate basic fields, leave defaults for most", () => {}],
    ["populate all fields", (s) => Object.assign(s, { initContainers: [{ ...s.containers[0], name: "ictr" }], volumes: [{ name: "vol", emptyDir: {} }], nodeSelector: { key: "value" }, nodeName: "foobar", activeDeadlineSeconds: 2147483647, serviceAccountName: "acct" })],
    ["populate HostNetwork", (s) => Object.assign(s, { hostNetwork: true, containers: [{ ...s.containers[0], ports: [port(8080, 8080)] }] })],
    ["populate RunAsUser SupplementalGroups FSGroup with minID 0", (s) => (s.securityContext = { supplementalGroups: [0], runAsUser: 0, fsGroup: 0 })],
    ["populate RunAsUser SupplementalGroups FSGroup with maxID 2147483647", (s) => (s.securityContext = { supplementalGroups: [2147483647], runAsUser: 2147483647, fsGroup: 2147483647 })],
    ["populate HostIPC", (s) => (s.hostIPC = true)],
    ["populate HostPID", (s) => (s.hostPID = true)],
    ["populate Affinity", (s) => (s.affinity = { nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "key2", operator: "In", values: ["value1", "value2"] }], matchFields: [{ key: "metadata.name", operator: "In", values: ["host1"] }] }] },
      preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: { matchExpressions: [{ key: "foo", operator: "In", values: ["bar"] }] } }],
    } })],
    ["populate HostAliases", (s) => (s.hostAliases = [{ ip: "12.34.56.78", hostnames: ["host1", "host2"] }])],
    ["populate HostAliases with `foo.bar` hostnames", (s) => (s.hostAliases = [{ ip: "12.34.56.78", hostnames: ["host1.foo", "host2.bar"] }])],
    ["populate HostAliases with HostNetwork", (s) => Object.assign(s, { hostNetwork: true, hostAliases: [{ ip: "12.34.56.78", hostnames: ["host1.foo", "host2.bar"] }] })],
    ["populate PriorityClassName", (s) => (s.priorityClassName = "valid-name")],
    ["populate ShareProcessNamespace", (s) => (s.shareProcessNamespace = true)],
    ["populate RuntimeClassName", (s) => (s.runtimeClassName = "valid-sandbox")],
    ["populate Overhead", (s) => (s.overhead = {})],
    ["populate FSGroupChangePolicy", (s) => (s.securityContext = { fsGroupChangePolicy: "Always" })],
    ["resources resize policy for containers", (s) => (s.containers[0].resizePolicy = [{ resourceName: "cpu", restartPolicy: "NotRequired" }])],
  ];
  for (const [name, edit] of success) it(`accepts: ${name}`, () => expect(validateCreate(podWith(edit))).toEqual([]));

  const failure: [string, (s: any) => void, string[]][] = [
    ["bad volume", (s) => (s.volumes = [{}]), ["FieldValueRequired spec.volumes[0]", "FieldValueRequired spec.volumes[0].name"]],
    ["no containers", (s) => (s.containers = []), ["FieldValueRequired spec.containers"]],
    ["bad DNS policy", (s) => (s.dnsPolicy = "invalid"), ["FieldValueNotSupported spec.dnsPolicy"]],
    ["bad service account name", (s) => (s.serviceAccountName = "invalidName"), ["FieldValueInvalid spec.serviceAccountName"]],
    ["bad restart policy", (s) => (s.restartPolicy = "UnknowPolicy"), ["FieldValueNotSupported spec.restartPolicy"]],
    ["with hostNetwork hostPort unspecified", (s) => Object.assign(s, { hostNetwork: true, containers: [{ ...s.containers[0], ports: [port(2600, 0)] }] }), ["FieldValueInvalid spec.containers[0].ports[0].hostPort"]],
    ["with hostNetwork hostPort not equal to containerPort", (s) => Object.assign(s, { hostNetwork: true, containers: [{ ...s.containers[0], ports: [port(2600, 8080)] }] }), ["FieldValueInvalid spec.containers[0].ports[0].hostPort"]],
    ["with hostAliases with invalid IP", (s) => (s.hostAliases = [{ ip: "999.999.999.999", hostnames: ["host1", "host2"] }]), ["FieldValueInvalid spec.hostAliases[0].ip"]],
    ["with hostAliases with invalid hostname", (s) => (s.hostAliases = [{ ip: "12.34.56.78", hostnames: ["@#$^#@#$"] }]), ["FieldValueInvalid spec.hostAliases[0].hostnames[0]"]],
    ["bad supplementalGroups large than math.MaxInt32", (s) => (s.securityContext = { supplementalGroups: [2147483648, 1234] }), ["FieldValueInvalid spec.securityContext.supplementalGroups[0]"]],
    ["bad supplementalGroups less than 0", (s) => (s.securityContext = { supplementalGroups: [-1, 1234] }), ["FieldValueInvalid spec.securityContext.supplementalGroups[0]"]],
    ["bad runAsUser large than math.MaxInt32", (s) => (s.securityContext = { runAsUser: 2147483648 }), ["FieldValueInvalid spec.securityContext.runAsUser"]],
    ["bad runAsUser less than 0", (s) => (s.securityContext = { runAsUser: -1 }), ["FieldValueInvalid spec.securityContext.runAsUser"]],
    ["bad fsGroup large than math.MaxInt32", (s) => (s.securityContext = { fsGroup: 2147483648 }), ["FieldValueInvalid spec.securityContext.fsGroup"]],
    ["bad fsGroup less than 0", (s) => (s.securityContext = { fsGroup: -1 }), ["FieldValueInvalid spec.securityContext.fsGroup"]],
    ["bad-active-deadline-seconds", (s) => (s.activeDeadlineSeconds = 0), ["FieldValueInvalid spec.activeDeadlineSeconds"]],
    ["active-deadline-seconds-too-large", (s) => (s.activeDeadlineSeconds = 2147483648), ["FieldValueInvalid spec.activeDeadlineSeconds"]],
    ["bad nodeName", (s) => (s.nodeName = "node name"), ["FieldValueInvalid spec.nodeName"]],
    ["bad PriorityClassName", (s) => (s.priorityClassName = "InvalidName"), ["FieldValueInvalid spec.priorityClassName"]],
    ["ShareProcessNamespace and HostPID both set", (s) => Object.assign(s, { hostPID: true, shareProcessNamespace: true }), ["FieldValueInvalid spec.securityContext.shareProcessNamespace"]],
    ["bad RuntimeClassName", (s) => (s.runtimeClassName = "invalid/sandbox"), ["FieldValueInvalid spec.runtimeClassName"]],
    ["bad empty fsGroupchangepolicy", (s) => (s.securityContext = { fsGroupChangePolicy: "" }), ["FieldValueNotSupported spec.securityContext.fsGroupChangePolicy"]],
    ["bad invalid fsgroupchangepolicy", (s) => (s.securityContext = { fsGroupChangePolicy: "invalid" }), ["FieldValueNotSupported spec.securityContext.fsGroupChangePolicy"]],
  ];
  for (const [name, edit, want] of failure) it(`refuses: ${name}`, () => expect(brief(validateCreate(podWith(edit)))).toEqual(want));

  it("words the pod-level rules as Kubernetes does", () => {
    expect(messages(validateCreate(podWith((s) => Object.assign(s, { hostNetwork: true, containers: [{ ...s.containers[0], ports: [port(2600, 8080)] }], hostAliases: [{ ip: "999.999.999.999" }], securityContext: { runAsUser: -1 } }))))).toEqual([
      "spec.containers[0].ports[0].hostPort: Invalid value: 8080: must match `containerPort` when `hostNetwork` is true",
      "spec.securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive",
      'spec.hostAliases[0].ip: Invalid value: "999.999.999.999": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    ]);
  });
  it("a template may leave a host-network hostPort unset (it is defaulted when the pod is made)", () => {
    const spec = { ...defaultedPod().spec, hostNetwork: true };
    spec.containers = [{ ...spec.containers[0], ports: [port(2600)] }];
    expect(validatePodTemplateSpec({ metadata: {}, spec }, "spec.template")).toEqual([]);
  });
});

describe("validatePodDNSConfig (TestValidatePodDNSConfig)", () => {
  const dns = (dnsConfig: any, dnsPolicy = "ClusterFirst") => messages(validateCreate(podWith((s) => Object.assign(s, { dnsConfig, dnsPolicy }))));
  it("accepts nameservers, searches (with '_' and a trailing dot) and options", () => {
    expect(dns({ nameservers: ["127.0.0.1", "::1"], searches: ["custom", "mydomain.com", "_sip._tcp.abc_d.example.com", "example.com."], options: [{ name: "ndots", value: "3" }] })).toEqual([]);
  });
  it("accepts dnsPolicy None with one nameserver", () => expect(dns({ nameservers: ["127.0.0.1"] }, "None")).toEqual([]));
  it("accepts the search list '.'", () => expect(dns({ searches: ["."] })).toEqual([]));
  it("refuses more than 3 nameservers", () => {
    expect(dns({ nameservers: ["127.0.0.1", "10.0.0.10", "8.8.8.8", "1.2.3.4"] })).toEqual(['spec.dnsConfig.nameservers: Invalid value: ["127.0.0.1","10.0.0.10","8.8.8.8","1.2.3.4"]: must not have more than 3 nameservers']);
  });
  it("refuses more than 32 search paths", () => expect(brief(validateCreate(podWith((s) => (s.dnsConfig = { searches: Array.from({ length: 33 }, (_, i) => `s${i}`) }))))).toEqual(["FieldValueInvalid spec.dnsConfig.searches"]));
  it("refuses a search list over 2048 characters", () => {
    const long = Array.from({ length: 32 }, () => "a".repeat(63) + ".b");
    expect(brief(validateCreate(podWith((s) => (s.dnsConfig = { searches: long }))))).toEqual(["FieldValueInvalid spec.dnsConfig.searches"]);
  });
  it("refuses an invalid search path", () => expect(brief(validateCreate(podWith((s) => (s.dnsConfig = { searches: ["custom?"] }))))).toEqual(["FieldValueInvalid spec.dnsConfig.searches[0]"]));
  it("refuses an invalid nameserver", () => expect(dns({ nameservers: ["invalid"] })).toEqual(['spec.dnsConfig.nameservers[0]: Invalid value: "invalid": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']));
  it("refuses an empty option name", () => expect(dns({ options: [{ value: "1" }] })).toEqual(["spec.dnsConfig.options[0]: Required value: must not be empty"]));
  it("refuses dnsPolicy None with no nameserver", () => expect(dns({ searches: ["custom"] }, "None")).toEqual(["spec.dnsConfig.nameservers: Required value: must provide at least one DNS nameserver when `dnsPolicy` is None"]));
  // A legacy field: a non-canonical IPv6 form is accepted (TestValidatePodDNSConfig "valid: ipv6 nameserver"),
  // and so are leading zeros and IPv4-mapped IPv6 while StrictIPCIDRValidation is off (v1.35: alpha).
  it("accepts a nameserver with leading zeros, IPv4-mapped or out of canonical form; refuses what is no address", () => {
    expect(dns({ nameservers: ["010.0.0.1", "::ffff:10.0.0.2", "2001:DB8::1"] })).toEqual([]);
    expect(dns({ nameservers: ["10.0.0.256"] })).toEqual(['spec.dnsConfig.nameservers[0]: Invalid value: "10.0.0.256": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']);
  });
});

// TestValidatePodDNSConfig (validation_test.go, 000f2605), every row; the Go table checks failure or success.
describe("TestValidatePodDNSConfig", () => {
  const a = (n: number) => "a".repeat(n);
  const paths32 = ["custom", "mydomain.com", "local", "cluster.local", "svc.cluster.local", "default.svc.cluster.local.", ...Array.from({ length: 26 }, (_, i) => String(i + 7))];
  const rows: [string, any, string | undefined, boolean][] = [
    ["valid: empty DNSConfig", {}, undefined, false],
    ["valid: 1 option", { options: [{ name: "ndots", value: "2" }] }, undefined, false],
    ["valid: 1 nameserver", { nameservers: ["127.0.0.1"] }, undefined, false],
    ["valid: DNSNone with 1 nameserver", { nameservers: ["127.0.0.1"] }, "None", false],
    ["valid: 1 search path", { searches: ["custom"] }, undefined, false],
    ["valid: 1 search path with trailing period", { searches: ["custom."] }, undefined, false],
    ["valid: 3 nameservers and 6 search paths(legacy)", { nameservers: ["127.0.0.1", "10.0.0.10", "8.8.8.8"], searches: paths32.slice(0, 6) }, undefined, false],
    ["valid: 3 nameservers and 32 search paths", { nameservers: ["127.0.0.1", "10.0.0.10", "8.8.8.8"], searches: paths32 }, undefined, false],
    ["valid: 256 characters in search path list(legacy)", { searches: [a(1), a(50), a(50), a(50), a(50), a(50)] }, undefined, false],
    ["valid: 2048 characters in search path list", { searches: [a(64), ...Array.from({ length: 31 }, () => a(63))] }, undefined, false],
    ["valid: ipv6 nameserver", { nameservers: ["FE80::0202:B3FF:FE1E:8329"] }, undefined, false],
    ["invalid: 4 nameservers", { nameservers: ["127.0.0.1", "10.0.0.10", "8.8.8.8", "1.2.3.4"] }, undefined, true],
    ["valid: 7 search paths", { searches: ["custom", "mydomain.com", "local", "cluster.local", "svc.cluster.local", "default.svc.cluster.local", "exceeded"] }, undefined, false],
    ["invalid: 33 search paths", { searches: [...paths32, "33"] }, undefined, true],
    ["valid: 257 characters in search path list", { searches: [a(2), a(50), a(50), a(50), a(50), a(50)] }, undefined, false],
    ["invalid: 2049 characters in search path list", { searches: [a(65), ...Array.from({ length: 31 }, () => a(63))] }, undefined, true],
    ["invalid search path", { searches: ["custom?"] }, undefined, true],
    ["invalid nameserver", { nameservers: ["invalid"] }, undefined, true],
    ["invalid empty option name", { options: [{ value: "2" }] }, undefined, true],
    ["invalid: DNSNone with 0 nameserver", { searches: ["custom"] }, "None", true],
  ];
  for (const [name, dnsConfig, dnsPolicy, fails] of rows) {
    it(name, () => {
      const errs = validateCreate(podWith((s) => Object.assign(s, { dnsConfig, dnsPolicy: dnsPolicy ?? "ClusterFirst" })));
      expect(errs.length > 0).toBe(fails);
    });
  }
});

// TestValidatePodReadinessGates, TestValidatePodConditions, TestValidateRestartPolicy and TestValidateDNSPolicy
// (validation_test.go, 000f2605), every row; the Go tables check failure or success.
describe("TestValidatePodReadinessGates", () => {
  const rows: [string, any[], boolean][] = [
    ["no gate", [], false],
    ["one readiness gate", [{ conditionType: "example.com/condition" }], false],
    ["two readiness gates", [{ conditionType: "example.com/condition1" }, { conditionType: "example.com/condition2" }], false],
    ["invalid condition type", [{ conditionType: "invalid/condition/type" }], true],
  ];
  for (const [name, readinessGates, fails] of rows) it(name, () => expect(validateCreate(podWith((s) => (s.readinessGates = readinessGates))).length > 0).toBe(fails));
});

describe("TestValidatePodConditions", () => {
  const rows: [string, any[], boolean][] = [
    ["no condition", [], false],
    ["one system condition", [{ type: "Ready", status: "True" }], false],
    ["one system condition and one custom condition", [{ type: "Ready", status: "True" }, { type: "example.com/condition", status: "False" }], false],
    ["two custom condition", [{ type: "foobar", status: "True" }, { type: "example.com/condition", status: "False" }], false],
    ["one system condition and a invalid custom condition", [{ type: "Ready", status: "True" }, { type: "invalid/custom/condition", status: "True" }], true],
  ];
  for (const [name, conditions, fails] of rows) it(name, () => expect(validatePodConditions(conditions, "field").length > 0).toBe(fails));
});

describe("TestValidateRestartPolicy and TestValidateDNSPolicy", () => {
  for (const p of ["Always", "OnFailure", "Never"]) it(`accepts restartPolicy ${p}`, () => expect(validateCreate(podWith((s) => (s.restartPolicy = p)))).toEqual([]));
  for (const p of ["", "newpolicy"]) it(`refuses restartPolicy "${p}"`, () => expect(validateCreate(podWith((s) => (s.restartPolicy = p))).length).toBeGreaterThan(0));
  for (const p of ["ClusterFirst", "Default", "ClusterFirstWithHostNet"]) it(`accepts dnsPolicy ${p}`, () => expect(validateCreate(podWith((s) => (s.dnsPolicy = p)))).toEqual([]));
  it("accepts dnsPolicy None (with the nameserver None requires)", () => expect(validateCreate(podWith((s) => Object.assign(s, { dnsPolicy: "None", dnsConfig: { nameservers: ["1.1.1.1"] } })))).toEqual([]));
  for (const p of ["invalid", ""]) it(`refuses dnsPolicy "${p}"`, () => expect(validateCreate(podWith((s) => (s.dnsPolicy = p))).length).toBeGreaterThan(0));
});

describe("pod affinity and anti-affinity terms (validatePodAffinityTerm)", () => {
  const term = (t: any) => ({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [t] } });
  const at = "spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]";
  const cases: [string, any, string[]][] = [
    ["a term with a selector and a topology key is valid", term({ labelSelector: { matchLabels: { app: "web" } }, topologyKey: "kubernetes.io/hostname" }), []],
    ["a term without a topologyKey needs one, and the empty key is no label name", term({ labelSelector: { matchLabels: { app: "web" } } }), [
      `${at}.topologyKey: Required value: can not be empty`,
      `${at}.topologyKey: Invalid value: "": name part must be non-empty`,
      `${at}.topologyKey: Invalid value: "": name part a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`.replace("name part a valid label key", "name part"),
    ]],
    ["a bad selector operator is reported in the term", term({ labelSelector: { matchExpressions: [{ key: "app", operator: "Near", values: ["x"] }] }, topologyKey: "zone" }), [
      `${at}.labelSelector.matchExpressions[0].operator: Invalid value: "Near": not a valid selector operator`]],
    ["namespaces must be DNS labels, reported at 'namespace'", term({ labelSelector: {}, namespaces: ["Bad_NS"], topologyKey: "zone" }), [
      `${at}.namespace: Invalid value: "Bad_NS": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`]],
    ["matchLabelKeys need a labelSelector", term({ matchLabelKeys: ["app"], topologyKey: "zone" }), [`${at}.matchLabelKeys: Forbidden: must not be specified when labelSelector is not set`]],
    ["a key in both matchLabelKeys and mismatchLabelKeys", term({ labelSelector: {}, matchLabelKeys: ["app"], mismatchLabelKeys: ["app"], topologyKey: "zone" }), [
      `${at}.matchLabelKeys[0]: Invalid value: "app": exists in both matchLabelKeys and mismatchLabelKeys`]],
  ];
  for (const [name, affinity, want] of cases) it(name, () => expect(messages(validateCreate(podWith((s) => (s.affinity = affinity))))).toEqual(want));

  it("a weighted anti-affinity term needs a weight of 1-100", () => {
    const affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, podAffinityTerm: { labelSelector: {}, topologyKey: "zone" } }] } };
    expect(messages(validateCreate(podWith((s) => (s.affinity = affinity))))).toEqual(["spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: must be in the range 1-100"]);
  });
  it("a node field selector only knows metadata.name, and its values are node names", () => {
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: "metadata.uid", operator: "In", values: ["x"] }, { key: "metadata.name", operator: "In", values: ["Bad Name"] }] }] } } };
    expect(brief(validateCreate(podWith((s) => (s.affinity = affinity))))).toEqual([
      "FieldValueInvalid spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].key",
      "FieldValueInvalid spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[1].values[0]",
    ]);
  });
  it("preferred node terms may name label values that are not valid (they can be satisfied elsewhere)", () => {
    const affinity = { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: "k", operator: "In", values: ["not valid!"] }] } }] } };
    expect(validateCreate(podWith((s) => (s.affinity = affinity)))).toEqual([]);
  });
});

describe("validateTopologySpreadConstraints", () => {
  const tsc = (c: any) => ({ maxSkew: 1, topologyKey: "zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { app: "web" } }, ...c });
  const at = "spec.topologySpreadConstraints";
  const cases: [string, any[], string[]][] = [
    ["a constraint is valid", [tsc({})], []],
    ["maxSkew must be positive", [tsc({ maxSkew: 0 })], [`${at}[0].maxSkew: Invalid value: 0: must be greater than zero`]],
    ["topologyKey is required", [tsc({ topologyKey: "" })], [`${at}[0].topologyKey: Required value: can not be empty`]],
    ["whenUnsatisfiable must be known", [tsc({ whenUnsatisfiable: "Maybe" })], [`${at}[0].whenUnsatisfiable: Unsupported value: "Maybe": supported values: "DoNotSchedule", "ScheduleAnyway"`]],
    ["two constraints on one key and action repeat", [tsc({}), tsc({})], [`${at}[0].{topologyKey, whenUnsatisfiable}: Duplicate value: "{zone, DoNotSchedule}"`]],
    ["minDomains must be positive and only with DoNotSchedule", [tsc({ minDomains: 0, whenUnsatisfiable: "ScheduleAnyway" })], [
      `${at}[0].minDomains: Invalid value: 0: must be greater than zero`, `${at}[0].minDomains: Invalid value: 0: can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway`]],
    ["a node inclusion policy must be known", [tsc({ nodeAffinityPolicy: "Sometimes" })], [`${at}[0].nodeAffinityPolicy: Unsupported value: "Sometimes": supported values: "Honor", "Ignore"`]],
    ["a matchLabelKey already in the selector", [tsc({ matchLabelKeys: ["app"] })], [`${at}[0].matchLabelKeys[0]: Invalid value: "app": exists in both matchLabelKeys and labelSelector`]],
  ];
  for (const [name, constraints, want] of cases) it(name, () => expect(messages(validateCreate(podWith((s) => (s.topologySpreadConstraints = constraints))))).toEqual(want));
});

describe("container security contexts (ValidateSecurityContext) and the rest of the container rules", () => {
  const c0 = "spec.containers[0]";
  const cases: [string, (s: any) => void, string[]][] = [
    ["a negative container runAsUser", (s) => (s.containers[0].securityContext = { runAsUser: -1 }), [`${c0}.securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive`]],
    ["procMount Unmasked needs hostUsers false", (s) => (s.containers[0].securityContext = { procMount: "Unmasked" }), [`${c0}.securityContext.procMount: Invalid value: "Unmasked": \`hostUsers\` must be false to use \`Unmasked\``]],
    ["an unknown procMount", (s) => (s.containers[0].securityContext = { procMount: "Weird" }), [`${c0}.securityContext.procMount: Unsupported value: "Weird": supported values: "Default", "Unmasked"`]],
    ["a Localhost seccomp profile needs its file", (s) => (s.containers[0].securityContext = { seccompProfile: { type: "Localhost" } }), [`${c0}.securityContext.seccompProfile.localhostProfile: Required value: must be set when seccomp type is Localhost`]],
    ["a seccomp profile needs a type", (s) => (s.securityContext = { seccompProfile: {} }), ["spec.securityContext.seccompProfile.type: Required value: type is required when seccompProfile is set"]],
    ["an AppArmor Localhost profile must not be padded", (s) => (s.containers[0].securityContext = { appArmorProfile: { type: "Localhost", localhostProfile: " p " } }), [`${c0}.securityContext.appArmorProfile.localhostProfile: Invalid value: " p ": must not be padded with whitespace`]],
    ["hostUsers false forbids hostNetwork, hostPID and hostIPC", (s) => Object.assign(s, { hostUsers: false, hostNetwork: true, hostPID: true, hostIPC: true, containers: [{ ...s.containers[0] }] }), [
      "spec.hostNetwork: Forbidden: when `pod.Spec.HostUsers` is false", "spec.HostPID: Forbidden: when `pod.Spec.HostUsers` is false", "spec.HostIPC: Forbidden: when `pod.Spec.HostUsers` is false"]],
    ["a net sysctl with hostNetwork", (s) => Object.assign(s, { hostNetwork: true, securityContext: { sysctls: [{ name: "net.ipv4.ip_forward", value: "1" }] } }), [
      `spec.securityContext.sysctls[0].name: Invalid value: "net.ipv4.ip_forward": may not be specified when 'hostNetwork' is true`]],
    ["a sysctl name must be well formed", (s) => (s.securityContext = { sysctls: [{ name: "Bad", value: "1" }] }), [
      `spec.securityContext.sysctls[0].name: Invalid value: "Bad": must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$`]],
    ["a pod's image may not be padded with whitespace", (s) => (s.containers[0].image = " nginx"), [`${c0}.image: Invalid value: " nginx": must not have leading or trailing whitespace`]],
    ["an HTTP probe header name must be a token", (s) => (s.containers[0].readinessProbe = { httpGet: { path: "/", port: 80, scheme: "HTTP", httpHeaders: [{ name: "X_Forwarded_For", value: "x" }] }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 }), [
      `${c0}.readinessProbe.httpGet.httpHeaders: Invalid value: "X_Forwarded_For": a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')`]],
    ["a preStop sleep longer than the grace period", (s) => (s.containers[0].lifecycle = { preStop: { sleep: { seconds: 31 } } }), [`${c0}.lifecycle.preStop.sleep: Invalid value: 31: must be non-negative and less than terminationGracePeriodSeconds (30)`]],
    ["a zero-second preStop sleep is allowed", (s) => (s.containers[0].lifecycle = { preStop: { sleep: { seconds: 0 } } }), []],
    ["a resize policy must name cpu or memory once, with a known policy", (s) => (s.containers[0].resizePolicy = [{ resourceName: "cpu", restartPolicy: "NotRequired" }, { resourceName: "cpu", restartPolicy: "Restarrrt" }]), [
      `${c0}.resizePolicy[1]: Duplicate value: "cpu"`, `${c0}.resizePolicy: Unsupported value: "Restarrrt": supported values: "NotRequired", "RestartContainer"`]],
    ["with restartPolicy Never a resize must not restart the container", (s) => Object.assign(s, { restartPolicy: "Never", containers: [{ ...s.containers[0], resizePolicy: [{ resourceName: "memory", restartPolicy: "RestartContainer" }] }] }), [
      `${c0}.resizePolicy: Invalid value: "RestartContainer": must be 'NotRequired' when \`restartPolicy\` is 'Never'`]],
    ["two ports of one init container on one host port conflict", (s) => (s.initContainers = [{ ...s.containers[0], name: "i", ports: [port(80, 8080), port(81, 8080)] }]), [`spec.initContainers[0].ports[1].hostPort: Duplicate value: "TCP//8080"`]],
    ["init containers run one at a time, so they may share a host port", (s) => (s.initContainers = [{ ...s.containers[0], name: "i", ports: [port(80, 8080)] }, { ...s.containers[0], name: "j", ports: [port(80, 8080)] }]), []],
    ["a readiness gate must be a qualified name", (s) => (s.readinessGates = [{ conditionType: "invalid/condition/type" }]), ["FieldValueInvalid spec.readinessGates[0].conditionType"]],
    ["a repeated scheduling gate", (s) => (s.schedulingGates = [{ name: "a" }, { name: "a" }]), ['spec.schedulingGates[1]: Duplicate value: "a"']],
    ["an unknown OS", (s) => (s.os = { name: "plan9" }), ['spec.os: Unsupported value: "plan9": supported values: "linux", "windows"']],
    ["a linux pod may not carry windows options", (s) => Object.assign(s, { os: { name: "linux" }, securityContext: { windowsOptions: { runAsUserName: "u" } } }), ["spec.securityContext.windowsOptions: Forbidden: windows options cannot be set for a linux pod"]],
    ["an unknown preemptionPolicy lists Kubernetes' order", (s) => (s.preemptionPolicy = "Sometimes"), ['spec.preemptionPolicy: Unsupported value: "Sometimes": supported values: "PreemptLowerPriority", "Never"']],
    ["overhead is checked as container limits", (s) => (s.overhead = { disk: "1" }), ['spec.overhead.limits[disk]: Invalid value: "disk": must be a standard resource type or fully qualified', 'spec.overhead.limits[disk]: Invalid value: "disk": must be a standard resource for containers']],
  ];
  for (const [name, edit, want] of cases) {
    it(name, () => {
      const got = validateCreate(podWith(edit));
      expect(want[0]?.startsWith("FieldValue") ? brief(got) : messages(got)).toEqual(want);
    });
  }
});

describe("ValidatePodSpecificAnnotations", () => {
  const withAnnotations = (annotations: Record<string, string>, nodeName?: string) => podWith((s, p) => {
    p.metadata.annotations = annotations;
    if (nodeName) s.nodeName = nodeName;
  });
  it("a mirror pod must name its node", () => {
    expect(messages(validateCreate(withAnnotations({ "kubernetes.io/config.mirror": "x" })))).toEqual(['metadata.annotations[kubernetes.io/config.mirror]: Invalid value: "x": must set spec.nodeName if mirror pod annotation is set']);
    expect(validateCreate(withAnnotations({ "kubernetes.io/config.mirror": "x" }, "node-1"))).toEqual([]);
  });
  for (const cost of ["10", "-10", "0", "-007", "2147483647"]) it(`a deletion cost of ${cost} is a 32-bit integer`, () => expect(validateCreate(withAnnotations({ "controller.kubernetes.io/pod-deletion-cost": cost }))).toEqual([]));
  for (const cost of ["+10", "008", "2147483648", "1.5", "", "abc"]) {
    it(`a deletion cost of ${JSON.stringify(cost)} is not`, () => {
      expect(messages(validateCreate(withAnnotations({ "controller.kubernetes.io/pod-deletion-cost": cost })))).toEqual([`metadata.annotations[controller.kubernetes.io/pod-deletion-cost]: Invalid value: ${JSON.stringify(cost)}: must be a 32bit integer`]);
    });
  }
});

describe("seccomp and AppArmor annotations (ValidateSeccompPodAnnotations, ValidateAppArmorPodAnnotations)", () => {
  const withAnnotations = (annotations: Record<string, string>) => messages(validateCreate(podWith((_s, p) => (p.metadata.annotations = annotations))));
  it("accepts the known seccomp profiles", () => {
    expect(withAnnotations({ "seccomp.security.alpha.kubernetes.io/pod": "runtime/default", "container.seccomp.security.alpha.kubernetes.io/c": "localhost/profiles/a.json" })).toEqual([]);
  });
  it("refuses an unknown seccomp profile, at the annotation key after a dot", () => {
    expect(withAnnotations({ "seccomp.security.alpha.kubernetes.io/pod": "weird" })).toEqual(['metadata.annotations.seccomp.security.alpha.kubernetes.io/pod: Invalid value: "weird": must be a valid seccomp profile']);
  });
  it("refuses a localhost seccomp profile that climbs out", () => {
    expect(withAnnotations({ "container.seccomp.security.alpha.kubernetes.io/c": "localhost/../x" })).toEqual(["metadata.annotations.container.seccomp.security.alpha.kubernetes.io/c: Invalid value: \"../x\": must not contain '..'"]);
  });
  it("an AppArmor annotation must name a container and a known profile form", () => {
    expect(withAnnotations({ "container.apparmor.security.beta.kubernetes.io/nope": "enforce" })).toEqual([
      'metadata.annotations[container.apparmor.security.beta.kubernetes.io/nope]: Invalid value: "nope": container not found',
      'metadata.annotations[container.apparmor.security.beta.kubernetes.io/nope]: Invalid value: "enforce": invalid AppArmor profile name: "enforce"',
    ]);
    expect(withAnnotations({ "container.apparmor.security.beta.kubernetes.io/c": "localhost/p" })).toEqual([]);
  });
});

// TestValidatePodDNSConfigWithRelaxedSearchDomain: the rows with AllowRelaxedDNSSearchValidation on, as
// v1.35 serves it (the gate is GA); the rows with it off are left out.
describe("TestValidatePodDNSConfigWithRelaxedSearchDomain (featuregate enabled rows)", () => {
  const rows: [string, string, boolean][] = [
    ["beginswith underscore, contains underscore", "_sip._tcp.abc_d.example.com", false],
    ["contains underscore", "abc_d.example.com", false],
    ["is dot", ".", false],
    ["two dots", "..", true],
    ["underscore and dot", "_.", true],
    ["dash and dot", "-.", true],
    ["two underscore and dot", "__.", true],
    ["dot and two underscore", ".__", true],
    ["dot and underscore", "._", true],
    ["lot of underscores", "____________", true],
    ["a regular name", "example.com", false],
    ["unicode character", "☃.example.com", true],
  ];
  for (const [name, search, fails] of rows) {
    it(`${name}, featuregate enabled`, () => {
      const errs = validateCreate(podWith((s) => (s.dnsConfig = { searches: [search] }))).filter((e) => e.field.startsWith("spec.dnsConfig"));
      if (fails) expect(errs.length).toBeGreaterThan(0);
      else expect(errs).toEqual([]);
    });
  }
});
