// The release files base images ship, read as `cat /etc/os-release` in a container reads them.
import { describe, expect, it } from "vitest";
import { resolveImage } from "../registry.js";
import { createRootfs } from "./images.js";
import { startContainer } from "./index.js";
import { drive, recordingIO } from "./testkit.js";

function run(ref: string, script: string) {
  const found = resolveImage(ref);
  if (!found.ok) throw new Error(found.message);
  const io = recordingIO({}, createRootfs(found.image));
  const p = startContainer({ image: found.image, command: ["sh", "-c", script], env: {}, fs: io.fs }, io);
  drive(p.run, io);
  return { out: io.out, err: io.err };
}

describe("base images' release files", () => {
  // docker.io/library/ubuntu:24.04: `cat /etc/os-release` in the image as users print it
  it("ubuntu:24.04 has os-release (also in /usr/lib), lsb-release and debian_version", () => {
    const osRelease = ["PRETTY_NAME=\"Ubuntu 24.04.3 LTS\"", "NAME=\"Ubuntu\"", "VERSION_ID=\"24.04\"", "VERSION=\"24.04.3 LTS (Noble Numbat)\"",
      "VERSION_CODENAME=noble", "ID=ubuntu", "ID_LIKE=debian", "HOME_URL=\"https://www.ubuntu.com/\"", "SUPPORT_URL=\"https://help.ubuntu.com/\"",
      "BUG_REPORT_URL=\"https://bugs.launchpad.net/ubuntu/\"", "PRIVACY_POLICY_URL=\"https://www.ubuntu.com/legal/terms-and-policies/privacy-policy\"",
      "UBUNTU_CODENAME=noble", "LOGO=ubuntu-logo"];
    for (const ref of ["ubuntu:24.04", "ubuntu"]) {
      const r = run(ref, "cat /etc/os-release /usr/lib/os-release /etc/lsb-release /etc/debian_version");
      expect(r.out).toEqual([...osRelease, ...osRelease, "DISTRIB_ID=Ubuntu", "DISTRIB_RELEASE=24.04", "DISTRIB_CODENAME=noble",
        "DISTRIB_DESCRIPTION=\"Ubuntu 24.04.3 LTS\"", "trixie/sid"]);
      expect(r.err).toEqual([]);
    }
  });

  // aports main/alpine-base/APKBUILD's release(): VERSION_ID the package version, PRETTY_NAME and issue its major.minor
  it("alpine:3.22 has os-release, alpine-release and issue in /etc", () => {
    const r = run("alpine:3.22", "cat /etc/os-release /etc/alpine-release /etc/issue");
    expect(r.out).toEqual(["NAME=\"Alpine Linux\"", "ID=alpine", "VERSION_ID=3.22.1", "PRETTY_NAME=\"Alpine Linux v3.22\"",
      "HOME_URL=\"https://alpinelinux.org/\"", "BUG_REPORT_URL=\"https://gitlab.alpinelinux.org/alpine/aports/-/issues\"", "3.22.1",
      "Welcome to Alpine Linux 3.22", "Kernel \\r on an \\m (\\l)", ""]);
  });

  // docker-library/busybox builds from scratch: no os-release at all
  it("busybox has no os-release", () => {
    expect(run("busybox:1.36", "cat /etc/os-release").err).toEqual(["cat: can't open '/etc/os-release': No such file or directory"]);
  });
});
