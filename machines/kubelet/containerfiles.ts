// The files the kubelet makes for a container on the host and bind-mounts into it (makeMounts in
// kubelet_pods.go): the managed /etc/hosts (ensureHostsFile) and the termination-message file; and
// what it reads back when the container exits (getTerminationMessage, readLastStringFromContainerLogs).

import type { Container, Pod } from "kubernetes-types/core/v1";
import { mutant } from "../common/mutation.js";
import { nodeHostsFile } from "../common/nodehosts.js";

/** The cluster domain the kubelet is configured with (--cluster-domain). */
export const clusterDomain = "cluster.local";
const etcHostsPath = "/etc/hosts";
const managedHostsHeader = "# Kubernetes-managed hosts file.\n";
const managedHostsHeaderWithHostNetwork = "# Kubernetes-managed hosts file (host network).\n";

/** kubecontainer's limits on termination messages. */
export const maxContainerTerminationMessageLength = 1024 * 4;
export const maxContainerTerminationMessageLogLength = 1024 * 2;
export const maxContainerTerminationMessageLogLines = 80;
export const maxPodTerminationMessageLogLength = 1024 * 12;

/** truncatePodHostnameIfNeeded: at most 63 characters, without a trailing '-' or '.'. */
function truncateHostname(hostname: string): string {
  if (hostname.length <= 63) return hostname;
  return hostname.slice(0, 63).replace(/[-.]+$/, "");
}

/**
 * GeneratePodHostNameAndDomain: spec.hostname or the pod's name, and the domain
 * <subdomain>.<namespace>.svc.<cluster domain> when spec.subdomain is set. The sandbox gets it as
 * its hostname, and containerd sets HOSTNAME from it; a host-network pod's sandbox gets none, so
 * it has the node's hostname and the node's hosts file.
 */
export function podHostname(pod: Pod): { hostname: string; domain: string } {
  // hostnameOverride (HostnameOverride, beta and on in v1.35) is the hostname and the FQDN: no domain
  const override = (pod.spec as { hostnameOverride?: string } | undefined)?.hostnameOverride;
  if (override !== undefined) return { hostname: truncateHostname(override), domain: "" };
  const hostname = truncateHostname(pod.spec?.hostname || pod.metadata?.name || "");
  const sub = pod.spec?.subdomain;
  return { hostname, domain: sub ? `${sub}.${pod.metadata?.namespace ?? "default"}.svc.${clusterDomain}` : "" };
}

// the kernel's nodename field (struct utsname) holds 64 characters
const fqdnMaxLen = 64;

/**
 * GetNodenameForKernel (pkg/kubelet/util): with setHostnameAsFQDN and a subdomain the kernel's
 * hostname is the FQDN, which must fit the nodename field; the error is generatePodSandboxConfig's.
 */
export function nodenameForKernelError(pod: Pod): string | undefined {
  const { hostname, domain } = podHostname(pod);
  if (!domain || pod.spec?.setHostnameAsFQDN !== true) return undefined;
  const fqdn = `${hostname}.${domain}`;
  return fqdn.length > fqdnMaxLen ? `failed to construct FQDN from pod hostname and cluster domain, FQDN ${fqdn} is too long (${fqdnMaxLen} characters is the max, ${fqdn.length} characters requested)` : undefined;
}

/** The HOSTNAME the runtime sets: the pod's hostname, or its FQDN with setHostnameAsFQDN and a subdomain. */
export function hostnameEnv(pod: Pod): string {
  const { hostname, domain } = podHostname(pod);
  return pod.spec?.setHostnameAsFQDN && domain ? `${hostname}.${domain}` : hostname;
}

type HostAlias = NonNullable<NonNullable<Pod["spec"]>["hostAliases"]>[number];

/** hostsEntriesFromHostAliases: a blank line, a comment, then one line per IP with its names tab-separated. */
function hostAliasEntries(aliases: readonly HostAlias[]): string {
  if (aliases.length === 0) return "";
  return "\n# Entries added by HostAliases.\n" + aliases.map((a) => `${a.ip}\t${(a.hostnames ?? []).join("\t")}\n`).join("");
}

/** nodeHostsFileContent: a host-network pod's hosts file, the node's own under its header, then the hostAliases entries. */
export function nodeHostsFileContent(nodeHostsFile: string, hostAliases: readonly HostAlias[]): string {
  return managedHostsHeaderWithHostNetwork + nodeHostsFile + hostAliasEntries(hostAliases);
}

/** managedHostsFileContent: the localhost lines, each pod IP with its hostname (and FQDN), then the hostAliases entries. */
export function managedHostsFileContent(hostIPs: readonly string[], hostName: string, hostDomainName: string, hostAliases: readonly HostAlias[]): string {
  let out = managedHostsHeader + "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n";
  for (const ip of hostIPs) out += hostDomainName && !mutant("kubelet.hosts-file-without-fqdn") ? `${ip}\t${hostName}.${hostDomainName}\t${hostName}\n` : `${ip}\t${hostName}\n`;
  return out + hostAliasEntries(hostAliases);
}

/** The node a pod runs on: its name and InternalIPs (a dual-stack node's IPv6 one too). */
export interface NodeAddresses {
  name: string;
  hostIP: string;
  hostIPv6?: string;
}

/** The pod's /etc/hosts (ensureHostsFile): the node's file for a host-network pod, else the managed one. */
export function etcHostsContent(pod: Pod, podIPs: string[], node: NodeAddresses): string {
  const aliases = pod.spec?.hostAliases ?? [];
  if (pod.spec?.hostNetwork) return nodeHostsFileContent(nodeHostsFile(node.name, node.hostIPv6 === undefined ? [node.hostIP] : [node.hostIP, node.hostIPv6]), aliases);
  const { hostname, domain } = podHostname(pod);
  return managedHostsFileContent(podIPs, hostname, domain, aliases);
}

/**
 * The host files makeMounts bind-mounts into a container, container path -> content: /etc/hosts
 * once the pod has an IP and unless the container mounts its own there, and an empty file at
 * terminationMessagePath the container may write (any user: the kubelet makes it world-writable).
 */
export function containerFiles(pod: Pod, c: Container, podIPs: string[], node: NodeAddresses): Record<string, string> {
  const files: Record<string, string> = Object.create(null);
  const ownHosts = (c.volumeMounts ?? []).some((m) => m.mountPath === etcHostsPath);
  if (podIPs.length > 0 && !ownHosts) files[etcHostsPath] = etcHostsContent(pod, podIPs, node);
  if (c.terminationMessagePath) files[c.terminationMessagePath] = "";
  return { ...files };
}

/** The last n bytes of a UTF-8 text (tail.ReadAtMost, circbuf): a character cut in two is dropped. */
function lastBytes(text: string, n: number): string {
  const buf = Buffer.from(text, "utf8");
  return buf.length <= n ? text : buf.subarray(buf.length - n).toString("utf8").replace(/^\uFFFD/, "");
}

/**
 * What the kubelet adds to a finished container's message (kuberuntime getTerminationMessage): the
 * last 4 KiB of the termination-message file; with FallbackToLogsOnError, a failed container whose
 * file is empty gets the last 2 KiB of its last 80 log lines instead (never a successful one).
 */
export function terminationMessage(c: Container, exitCode: number, file: string | undefined, logTail: string[] | undefined): string {
  const fallback = c.terminationMessagePolicy === "FallbackToLogsOnError" && (exitCode !== 0 || mutant("kubelet.termination-log-fallback-on-success"));
  const fromFile = file === undefined ? "" : lastBytes(file, maxContainerTerminationMessageLength);
  if (fromFile !== "" || !fallback) return fromFile;
  // The lines are joined as the log holds them; the last one carries no newline (a podflow log keeps no partial marker).
  return lastBytes((logTail ?? []).slice(-maxContainerTerminationMessageLogLines).join("\n"), maxContainerTerminationMessageLogLength);
}

/** normalizeStatus: a pod's termination messages share 12 KiB evenly between its containers (the first bytes kept). */
export function truncatePodMessage(pod: Pod, message: string): string {
  const containers = (pod.spec?.containers?.length ?? 0) + (pod.spec?.initContainers?.length ?? 0);
  const limit = containers > 0 ? Math.floor(maxPodTerminationMessageLogLength / containers) : maxPodTerminationMessageLogLength;
  return message.length > limit ? message.slice(0, limit) : message;
}
