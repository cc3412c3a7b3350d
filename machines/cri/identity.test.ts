// processUser against containerd's CRI plugin (WithUser, WithAdditionalGIDs with its mergeGids,
// WithSupplementalGroups) and the expectations of Kubernetes' SupplementalGroupsPolicy e2e test
// (test/e2e/common/node/security_context.go: agnhost, runAsUser 1000, supplementalGroups [60000]).

import { describe, expect, it } from "vitest";
import { processUser, type ProcessUser, type UserRequest } from "./identity.js";

const busyboxPasswd = "root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\n";
const busyboxGroup = "root:x:0:\ndaemon:x:1:\nwheel:x:10:root\n";
// agnhost's Dockerfile adds user-defined-in-image (1000) and puts it in group-defined-in-image (50000)
const agnhostPasswd = `${busyboxPasswd}user-defined-in-image:x:1000:1000:Linux User,,,:/home/user-defined-in-image:/bin/sh\n`;
const agnhostGroup = `${busyboxGroup}user-defined-in-image:x:1000:\ngroup-defined-in-image:x:50000:user-defined-in-image\n`;

describe("processUser", () => {
  const rows: Array<[string, UserRequest | undefined, string | undefined, string | undefined, ProcessUser]> = [
    ["nothing asked: root, with the groups the image lists root in (busybox's wheel)", undefined, busyboxPasswd, busyboxGroup, { uid: 0, gid: 0, groups: [0, 10] }],
    ["an image with no passwd file: root and its own gid only", undefined, undefined, undefined, { uid: 0, gid: 0, groups: [0] }],
    ["the e2e test, Merge: the gid from the image's passwd, its group 50000, then 60000", { runAsUser: 1000, supplementalGroups: [60000], supplementalGroupsPolicy: "Merge" }, agnhostPasswd, agnhostGroup, { uid: 1000, gid: 1000, groups: [1000, 50000, 60000] }],
    ["the e2e test, policy unset: Merge", { runAsUser: 1000, supplementalGroups: [60000] }, agnhostPasswd, agnhostGroup, { uid: 1000, gid: 1000, groups: [1000, 50000, 60000] }],
    ["the e2e test, Strict: no group from the image", { runAsUser: 1000, supplementalGroups: [60000], supplementalGroupsPolicy: "Strict" }, agnhostPasswd, agnhostGroup, { uid: 1000, gid: 1000, groups: [1000, 60000] }],
    ["the docs' security-context-6 (Strict, runAsGroup 3000)", { runAsUser: 1000, runAsGroup: 3000, supplementalGroups: [4000], supplementalGroupsPolicy: "Strict" }, agnhostPasswd, agnhostGroup, { uid: 1000, gid: 3000, groups: [3000, 4000] }],
    ["the docs' security-context-5 (Merge): 50000 joins, sorted", { runAsUser: 1000, runAsGroup: 3000, supplementalGroups: [4000] }, agnhostPasswd, agnhostGroup, { uid: 1000, gid: 3000, groups: [3000, 4000, 50000] }],
    ["a uid the image does not know: gid 0 unless asked, no image group; fsGroup first is sorted in", { runAsUser: 1000, runAsGroup: 3000, supplementalGroups: [2000, 4000] }, busyboxPasswd, busyboxGroup, { uid: 1000, gid: 3000, groups: [2000, 3000, 4000] }],
    ["runAsUser alone, unknown to the image: gid 0", { runAsUser: 2000 }, busyboxPasswd, busyboxGroup, { uid: 2000, gid: 0, groups: [0] }],
    ["a group repeated in the request is kept once", { runAsUser: 0, supplementalGroups: [10, 10, 0] }, busyboxPasswd, busyboxGroup, { uid: 0, gid: 0, groups: [0, 10] }],
  ];
  for (const [name, req, passwd, group, want] of rows) it(name, () => expect(processUser(req, passwd, group)).toEqual(want));
});
