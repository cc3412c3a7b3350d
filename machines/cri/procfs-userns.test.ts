// /proc/PID/uid_map, gid_map and ns/user as Linux prints them (kernel/user_namespace.c uid_m_show's
// "%10u %10u %10u\n"; ns_get_name's "user:[inode]"; PROC_USER_INIT_INO 0xEFFFFFFD for the host's).
import { describe, expect, it } from "vitest";
import { procUserNamespace } from "./procfs.js";

describe("a container's user namespace files", () => {
  it("the host's namespace maps every id to itself and is the initial one", () => {
    expect(procUserNamespace(undefined)).toEqual({ idMap: "         0          0 4294967295\n", link: "user:[4026531837]" });
  });

  it("a pod's own namespace maps 0 to the kubelet's range (the page's 833617920) and has its own inode", () => {
    expect(procUserNamespace({ mapping: { hostId: 833617920, length: 65536 }, inode: 4026532999 })).toEqual({ idMap: "         0  833617920      65536\n", link: "user:[4026532999]" });
  });
});
