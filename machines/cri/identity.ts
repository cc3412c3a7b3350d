// The identity a container's processes run with, as containerd's CRI plugin builds it into the
// OCI spec's process.user from the kubelet's LinuxContainerSecurityContext and the image's
// /etc/passwd and /etc/group (oci.WithUser, WithAdditionalGIDs, ensureAdditionalGids,
// WithSupplementalGroups; CRI ContainerStatus.user reports it).

import type { ProcessUser, UserRequest } from "./messages.js";

export type { ProcessUser, UserRequest };

interface PasswdEntry { name: string; uid: number; gid: number; home: string }
interface GroupEntry { name: string; gid: number; members: readonly string[] }

/** /etc/passwd's entries (name:x:uid:gid:...); malformed lines are skipped, as libcontainer/user does. */
export function parsePasswd(text: string | undefined): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of (text ?? "").split("\n")) {
    const f = line.split(":");
    if (f.length < 4 || !/^\d+$/.test(f[2]!) || !/^\d+$/.test(f[3]!)) continue;
    out.push({ name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), home: f[5] ?? "" });
  }
  return out;
}

/** /etc/group's entries (name:x:gid:member,member). */
export function parseGroup(text: string | undefined): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of (text ?? "").split("\n")) {
    const f = line.split(":");
    if (f.length < 3 || !/^\d+$/.test(f[2]!)) continue;
    out.push({ name: f[0]!, gid: Number(f[2]), members: (f[3] ?? "").split(",").filter((m) => m !== "") });
  }
  return out;
}

/**
 * The process user: uid as asked; gid as asked, else the passwd entry's (WithUserID), else 0.
 * Groups: the primary gid, the image's groups listing the user by name (Merge only; a group named
 * as the user is not supplementary), the kubelet's groups; containerd's mergeGids dedups and sorts.
 */
export function processUser(req: UserRequest | undefined, passwd: string | undefined, group: string | undefined): ProcessUser {
  const uid = req?.runAsUser ?? 0;
  const entry = parsePasswd(passwd).find((e) => e.uid === uid);
  const gid = req?.runAsGroup ?? entry?.gid ?? 0;
  const fromImage = req?.supplementalGroupsPolicy === "Strict" || !entry ? [] : parseGroup(group).filter((g) => g.name !== entry.name && g.members.includes(entry.name)).map((g) => g.gid);
  const groups = [...new Set([gid, ...fromImage, ...(req?.supplementalGroups ?? [])])].sort((a, b) => a - b);
  return { uid, gid, groups };
}

/**
 * HOME as runc sets it for a process whose env has none (setupUser; prepareEnv in later releases):
 * the home of the passwd entry with the process's uid, "/" when none names it. An image whose files
 * podflow does not model is taken to name root /root, as the real ones do.
 */
export function runtimeHome(uid: number, passwd: string | undefined): string {
  const text = passwd ?? (uid === 0 ? "root:x:0:0:root:/root:/bin/sh\n" : "");
  return parsePasswd(text).find((e) => e.uid === uid)?.home ?? "/";
}
