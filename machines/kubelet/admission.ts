// The kubelet's pod admission (HandlePodAdditions -> canAdmitPod): a pod new to the node passes each
// admit handler in turn, and the first refusal rejects it (rejectPod): a Warning event with the
// handler's reason and message, and the status Failed, that reason, "Pod was rejected: " + message.
// Modelled: the sysctl allowlist (pkg/kubelet/sysctl/allowlist.go), the kubelet's safe sysctls
// with no --allowed-unsafe-sysctls (a kind node's default).

import type { Pod } from "kubernetes-types/core/v1";
import { goQuote } from "../common/goquote.js";

export interface Rejection {
  reason: string;
  message: string;
}

/** pkg/kubelet/sysctl: ForbiddenReason */
export const sysctlForbiddenReason = "SysctlForbidden";

// SafeSysctlAllowlist (pkg/kubelet/sysctl/safe_sysctls.go) on a kernel new enough for each
// (kind's nodes run the host's kernel); every one is namespaced by IPC or Net.
const safeSysctls: ReadonlyMap<string, "IPC" | "Net"> = new Map([
  ["kernel.shm_rmid_forced", "IPC"],
  ["net.ipv4.ip_local_port_range", "Net"],
  ["net.ipv4.tcp_syncookies", "Net"],
  ["net.ipv4.ping_group_range", "Net"],
  ["net.ipv4.ip_unprivileged_port_start", "Net"],
  ["net.ipv4.ip_local_reserved_ports", "Net"],
  ["net.ipv4.tcp_keepalive_time", "Net"],
  ["net.ipv4.tcp_fin_timeout", "Net"],
  ["net.ipv4.tcp_keepalive_intvl", "Net"],
  ["net.ipv4.tcp_keepalive_probes", "Net"],
  ["net.ipv4.tcp_rmem", "Net"],
  ["net.ipv4.tcp_wmem", "Net"],
]);

/**
 * component-helpers' sysctl NormalizeName: a name whose first separator is '/' has '/' and '.'
 * swapped (net/ipv4/conf/eno2.100/rp_filter is net.ipv4.conf.eno2/100.rp_filter).
 */
export function normalizeSysctlName(name: string): string {
  const first = name.search(/[./]/);
  if (first === -1 || name[first] === ".") return name;
  return name.replace(/[./]/g, (ch) => (ch === "." ? "/" : "."));
}

/** patternAllowlist.validateSysctl: the error's text, or undefined when the sysctl is allowed. */
function validateSysctl(raw: string, hostNet: boolean, hostIPC: boolean): string | undefined {
  const name = normalizeSysctlName(raw);
  const ns = safeSysctls.get(name);
  if (ns === undefined) return `${goQuote(name)} not allowlisted`;
  if ((ns === "IPC" && hostIPC) || (ns === "Net" && hostNet)) return `${goQuote(name)} not allowed with host ${ns} enabled`;
  return undefined;
}

/** patternAllowlist.Admit: the first sysctl of the pod's securityContext that is not allowed rejects it. */
export function admitSysctls(pod: Pod): Rejection | undefined {
  const spec = pod.spec;
  const sysctls = spec?.securityContext?.sysctls ?? [];
  for (const s of sysctls) {
    const err = validateSysctl(s.name ?? "", spec?.hostNetwork === true, spec?.hostIPC === true);
    if (err !== undefined) return { reason: sysctlForbiddenReason, message: `forbidden sysctl: ${err}` };
  }
  return undefined;
}

/** canAdmitPod over the modelled admit handlers, in the kubelet's order. */
export function admitPod(pod: Pod): Rejection | undefined {
  return admitSysctls(pod);
}
