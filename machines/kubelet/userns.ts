// The kubelet's user namespace manager (pkg/kubelet/userns, v1.35): a pod with hostUsers: false gets
// 65536 host ids of its own, mapped from container id 0, for uids and gids alike. Without a "kubelet"
// entry in /etc/subuid the kubelet's range is every id from 65536 up (getKubeletMappings' default),
// cut into 65535 slots; AllocationBitmap's random scan picks one (a random slot, then the first free
// from there), here drawn from the pod's uid so a seeded run repeats it.
import type { Pod } from "kubernetes-types/core/v1";
import { digestOf } from "../common/digest.js";

/** kubeletconfig's default idsPerPod, the length of every pod's mapping */
export const userNsLength = 65536;
/** getKubeletMappings' defaults: the first id and the number of ids the kubelet may hand out */
const firstId = 2 ** 16;
const rangeLength = 2 ** 32 - firstId;
const slots = rangeLength / userNsLength;

/** What the kubelet sends the runtime for a pod's user namespace (NamespaceMode POD, one uid and one gid mapping). */
export interface UserNamespaceMapping {
  readonly hostId: number;
  readonly length: number;
}

/** Whether the pod asks for a user namespace of its own (spec.hostUsers false; absent or true is the host's). */
export const wantsUserNamespace = (pod: Pod): boolean => pod.spec?.hostUsers === false;

/**
 * allocateOne: the first host id of a free slot, (slot + off) * 65536 with off = 1, starting at the
 * pod's random slot; undefined when every slot is taken ("could not find an empty slot").
 */
export function allocateUserNamespace(podUid: string, used: ReadonlySet<number>): number | undefined {
  const start = Number.parseInt(digestOf(`userns/${podUid}`).slice(0, 8), 16) % slots;
  for (let i = 0; i < slots; i++) {
    const hostId = (((start + i) % slots) + firstId / userNsLength) * userNsLength;
    if (!used.has(hostId)) return hostId;
  }
  return undefined;
}
