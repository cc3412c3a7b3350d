// The Lease records the holders write: client-go's LeaderElectionRecord as LeaderElectionRecordToLeaseSpec
// puts it in a Lease (resourcelock/leaselock.go), the lease controller's Lease (component-helpers
// apimachinery/lease/controller.go newLease) with kube-apiserver's identity labels
// (controlplane/apiserver labelAPIServerHeartbeatFunc), and the name kube-apiserver's identity
// Lease gets from its host (genericapiserver NewConfig).

import { createHash } from "node:crypto";
import { mutant } from "../common/mutation.js";
import { rfc3339Micro } from "../common/time.js";

/** kube-controller-manager's and kube-scheduler's leader election: LeaseDuration, RenewDeadline, RetryPeriod. */
export const leaderElectionTimings = { leaseDurationSeconds: 15, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 } as const;
/** kube-apiserver's identity Lease: IdentityLeaseDurationSeconds and IdentityLeaseRenewIntervalPeriod. */
export const identityLeaseTimings = { leaseDurationSeconds: 3600, renewIntervalMs: 10_000 } as const;

/** The lock's record as client-go keeps it (times in ms). */
export interface ElectionRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime: number;
  renewTime: number;
  leaderTransitions: number;
}

/** LeaderElectionRecordToLeaseSpec: every field set, times as MicroTime. */
export function leaseSpecOf(r: ElectionRecord): Record<string, unknown> {
  return {
    holderIdentity: r.holderIdentity,
    leaseDurationSeconds: r.leaseDurationSeconds,
    acquireTime: rfc3339Micro(r.acquireTime),
    renewTime: rfc3339Micro(r.renewTime),
    leaseTransitions: r.leaderTransitions,
  };
}

/** LeaseSpecToLeaderElectionRecord: absent fields read as zero; times as ms (an unreadable one as 0). */
export function recordOf(spec: any): ElectionRecord {
  const time = (v: unknown) => {
    const ms = typeof v === "string" ? Date.parse(v) : Number.NaN;
    return Number.isFinite(ms) ? ms : 0;
  };
  const int = (v: unknown) => (typeof v === "number" && Number.isInteger(v) ? v : 0);
  return {
    holderIdentity: typeof spec?.holderIdentity === "string" ? spec.holderIdentity : "",
    leaseDurationSeconds: int(spec?.leaseDurationSeconds),
    acquireTime: time(spec?.acquireTime),
    renewTime: time(spec?.renewTime),
    leaderTransitions: int(spec?.leaseTransitions),
  };
}

/** What a holder knows of the lock: the record it last observed, and when it saw it change. */
export interface Observation {
  record?: ElectionRecord;
  at: number;
}

const sameRecord = (a: ElectionRecord | undefined, b: ElectionRecord) =>
  a !== undefined && a.holderIdentity === b.holderIdentity && a.leaseDurationSeconds === b.leaseDurationSeconds && a.acquireTime === b.acquireTime && a.renewTime === b.renewTime && a.leaderTransitions === b.leaderTransitions;

/**
 * tryAcquireOrRenew's slow path on the record it read (steps 3 and 4): a record that changed since
 * the last observation is observed now, and expiry counts from then (not from the record's
 * renewTime: two holders' clocks need not agree); a record held by another that has not expired is
 * left alone; otherwise the record to write, keeping the acquire time and transitions when this
 * holder leads, counting one more transition when it takes over.
 */
export function decide(read: ElectionRecord, seen: Observation, me: { identity: string; leaseDurationSeconds: number }, now: number): { observed: Observation; write?: ElectionRecord } {
  const observed = sameRecord(seen.record, read) ? seen : { record: read, at: now };
  const isLeader = observed.record?.holderIdentity === me.identity;
  // the mutant dates the lease by the holder's renewTime, not by when this candidate saw it change
  const expired = (mutant("leaderelection.expiry-from-renew-time") ? read.renewTime : observed.at) + read.leaseDurationSeconds * 1000 < now;
  if (read.holderIdentity !== "" && !expired && !isLeader) return { observed };
  return {
    observed,
    write: {
      holderIdentity: me.identity,
      leaseDurationSeconds: me.leaseDurationSeconds,
      acquireTime: isLeader ? read.acquireTime : now,
      renewTime: now,
      leaderTransitions: isLeader ? read.leaderTransitions : read.leaderTransitions + 1,
    },
  };
}

/** RFC 4648 base32 (standard alphabet), no padding: Go's base32.StdEncoding.WithPadding(NoPadding). */
function base32(bytes: Uint8Array): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let out = "";
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

/**
 * kube-apiserver's identity on a host: "apiserver-" and the lower-cased base32 of the first 16 bytes
 * of the SHA-256 of the hostname and "kube-apiserver", each prefixed by its 16-bit length (cryptobyte).
 */
export function apiServerIdentity(hostname: string): string {
  const field = (s: string) => {
    const b = Buffer.from(s, "utf8");
    const len = Buffer.alloc(2);
    len.writeUInt16BE(b.length);
    return Buffer.concat([len, b]);
  };
  const hash = createHash("sha256").update(Buffer.concat([field(hostname), field("kube-apiserver")])).digest();
  return `apiserver-${base32(hash.subarray(0, 16)).toLowerCase()}`;
}

/** The lease controller's newLease with kube-apiserver's post-process: its identity labels, renewed now. */
export function identityLease(base: any, name: string, holderIdentity: string, hostname: string, now: number): any {
  const metadata = base?.metadata ?? { name, namespace: "kube-system" };
  return {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    ...(base ?? {}),
    metadata: { ...metadata, labels: { ...(metadata.labels ?? {}), "apiserver.kubernetes.io/identity": "kube-apiserver", "kubernetes.io/hostname": hostname } },
    spec: { ...(base?.spec ?? { holderIdentity, leaseDurationSeconds: identityLeaseTimings.leaseDurationSeconds }), renewTime: rfc3339Micro(now) },
  };
}
