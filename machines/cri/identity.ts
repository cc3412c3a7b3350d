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

// Every container made reads its image's /etc/passwd and /etc/group (and the images are few): each
// text is parsed once, its entries shared (frozen) by every container of that image.
const parsedTexts = new Map<string, { passwd?: readonly PasswdEntry[]; group?: readonly GroupEntry[] }>();

function parsedOf(text: string): { passwd?: readonly PasswdEntry[]; group?: readonly GroupEntry[] } {
  let p = parsedTexts.get(text);
  if (p === undefined) {
    if (parsedTexts.size >= 256) parsedTexts.clear();
    parsedTexts.set(text, (p = {}));
  }
  return p;
}

/** parsePasswd, parsed once per text. */
function passwdEntries(text: string | undefined): readonly PasswdEntry[] {
  const p = parsedOf(text ?? "");
  return (p.passwd ??= Object.freeze(parsePasswd(text).map((e) => Object.freeze(e))));
}

/** parseGroup, parsed once per text. */
function groupEntries(text: string | undefined): readonly GroupEntry[] {
  const p = parsedOf(text ?? "");
  return (p.group ??= Object.freeze(parseGroup(text).map((e) => Object.freeze({ ...e, members: Object.freeze(e.members) }))));
}

/**
 * The process user: uid as asked; gid as asked, else the passwd entry's (WithUserID), else 0.
 * Groups: the primary gid, the image's groups listing the user by name (Merge only; a group named
 * as the user is not supplementary), the kubelet's groups; containerd's mergeGids dedups and sorts.
 */
export function processUser(req: UserRequest | undefined, passwd: string | undefined, group: string | undefined): ProcessUser {
  const uid = req?.runAsUser ?? 0;
  const entry = passwdEntries(passwd).find((e) => e.uid === uid);
  const gid = req?.runAsGroup ?? entry?.gid ?? 0;
  const fromImage = req?.supplementalGroupsPolicy === "Strict" || !entry ? [] : groupEntries(group).filter((g) => g.name !== entry.name && g.members.includes(entry.name)).map((g) => g.gid);
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
  return passwdEntries(text).find((e) => e.uid === uid)?.home ?? "/";
}
