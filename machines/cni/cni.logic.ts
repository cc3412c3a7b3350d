// The CNI plugin chain of one node (bridge + host-local IPAM): ADD reserves the next free
// address of the node's podCIDR for a sandbox, DEL frees it. Pure: state in, effects out.

import type { Fx } from "../common/effects.js";
import { ipFor, newIPAM, newIPAMv6, release, reserve, reserveV6, type IPAMState } from "./ipam.js";
import type { CniRequest } from "./messages.js";
import { mutant } from "../common/mutation.js";
import { isDraft, original } from "mutative";
import { cniNotInitialized } from "../messages.js";

/** Name of the network, as in /etc/cni/net.d/10-podflow.conflist. */
export const networkName = "podflow";

export interface CniContext {
  node: string;
  /** absent while the node has no podCIDR: no CNI config was written, nothing is served */
  podCIDR?: string;
  ipam?: IPAMState;
  /** a dual-stack node's IPv6 range (its second podCIDR): every ADD takes an address of each family */
  ipamV6?: IPAMState;
  /** adds and dels served, for the trace and the benchmarks */
  adds: number;
  dels: number;
}

export interface CniInput {
  node: string;
  /**
   * The node's podCIDR, from which kindnet writes the CNI config (/etc/cni/net.d). A node the
   * IPAM controller gave none has no config: the plugin is not initialized.
   */
  podCIDR?: string;
  /** a dual-stack node's IPv6 podCIDR (node.spec.podCIDRs[1]), host-local's second range */
  podCIDRv6?: string;
  /**
   * host-local's data dir (/var/lib/cni/networks/<network>) as the node finds it on boot: it is on
   * disk, so a reboot keeps every allocation and last_reserved_ip. Absent on a new node.
   */
  store?: IPAMState;
}

/** The CNI of a node's podCIDR, over host-local's store as it is on disk (empty on a new node); without a podCIDR, no config and no store. */
export function initialCni(input: CniInput): CniContext {
  if (input.podCIDR === undefined) return { node: input.node, adds: 0, dels: 0 };
  const v6 = input.podCIDRv6 === undefined ? {} : { ipamV6: newIPAMv6(input.podCIDRv6) };
  // an IPv6 cluster's node has one range, of that family (host-local's ranges: [[v6]])
  const ipam = input.store ?? (input.podCIDR.includes(":") ? newIPAMv6(input.podCIDR) : newIPAM(input.podCIDR));
  return { node: input.node, podCIDR: input.podCIDR, ipam, ...v6, adds: 0, dels: 0 };
}

/** Whether a CNI config exists (the node has a podCIDR). */
export function hasConfig(ctx: CniContext): boolean {
  return ctx.ipam !== undefined;
}

/** The plugin chain's error for a failed ADD, as libcni words it (the bridge plugin delegates to host-local). */
export function addFailureMessage(error: string): string {
  return `plugin type="bridge" name="${networkName}" failed (add): ${error}`;
}

/**
 * The store as the step found it: it is replaced whole, never changed in place, so it is read
 * from the draft's original (one proxy read per address otherwise).
 */
function ipamOf(ctx: CniContext): IPAMState | undefined {
  const s = ctx.ipam;
  return s !== undefined && isDraft(s) ? (original(s) as IPAMState) : s;
}

/** Serves ADD (idempotent for a sandbox that already holds an IP) or DEL (releasing nothing is fine). */
export function handleCni(ctx: CniContext, req: CniRequest, from: string, fx: Fx): void {
  if (req.type === "CniAdd") {
    ctx.adds++;
    const ipam = ipamOf(ctx);
    if (ipam === undefined) {
      fx.send(from, { type: "CniAddResult", id: req.id, sandboxId: req.sandboxId, ok: false, error: cniNotInitialized });
      return;
    }
    const ipamV6 = ctx.ipamV6 === undefined ? undefined : isDraft(ctx.ipamV6) ? (original(ctx.ipamV6) as IPAMState) : ctx.ipamV6;
    const held = ipFor(ipam, req.sandboxId);
    if (held) {
      // A retried ADD returns the same address rather than host-local's duplicate error.
      const heldV6 = ipamV6 === undefined ? undefined : ipFor(ipamV6, req.sandboxId);
      fx.send(from, { type: "CniAddResult", id: req.id, sandboxId: req.sandboxId, ok: true, ip: held, cidr: `${held}/${ctx.podCIDR!.split("/")[1]}`, gateway: ipam.gateway, ...(heldV6 ? { secondaryIP: heldV6 } : {}) });
      return;
    }
    const r = ipam.subnet.includes(":") ? reserveV6(ipam, req.sandboxId, 0) : reserve(ipam, req.sandboxId);
    // host-local takes one address per range, all or none
    const r6 = r.ok && ipamV6 !== undefined ? reserveV6(ipamV6, req.sandboxId) : undefined;
    if (r6 !== undefined && !r6.ok) {
      fx.send(from, { type: "CniAddResult", id: req.id, sandboxId: req.sandboxId, ok: false, error: addFailureMessage(r6.error) });
      return;
    }
    ctx.ipam = r.state;
    if (r6 !== undefined) ctx.ipamV6 = r6.state;
    if (r.ok) fx.send(from, { type: "CniAddResult", id: req.id, sandboxId: req.sandboxId, ok: true, ip: r.ip, cidr: r.cidr, gateway: r.gateway, ...(r6?.ok ? { secondaryIP: r6.ip } : {}) });
    else fx.send(from, { type: "CniAddResult", id: req.id, sandboxId: req.sandboxId, ok: false, error: addFailureMessage(r.error) });
    return;
  }
  ctx.dels++;
  const ipam = ipamOf(ctx);
  if (ipam !== undefined && !mutant("cni.del-keeps-address")) {
    const next = release(ipam, req.sandboxId);
    // nothing released: the context keeps its store (as assigning the same draft back did)
    if (next !== ipam) ctx.ipam = next;
    const v6 = ctx.ipamV6 === undefined ? undefined : isDraft(ctx.ipamV6) ? (original(ctx.ipamV6) as IPAMState) : ctx.ipamV6;
    const nextV6 = v6 === undefined ? undefined : release(v6, req.sandboxId);
    if (nextV6 !== v6) ctx.ipamV6 = nextV6;
  }
  fx.send(from, { type: "CniDelResult", id: req.id, sandboxId: req.sandboxId });
}

/** The IPs currently held, ip -> sandbox id (for invariants and tests). */
export function allocatedIPs(ctx: CniContext): Record<string, string> {
  return { ...ctx.ipam?.allocations, ...ctx.ipamV6?.allocations };
}
