// The real clients and engines that some tests drive are skipped on a machine without them; in CI
// (.ci/run installs them) a missing one is a failure here, so no such test is skipped unseen there.
import { describe, it, expect } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { findKubectl } from "./serve-helpers.js";

const found = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" }).status === 0;

describe.runIf(process.env.CI === "true")("in CI every real client and engine the tests drive is installed", () => {
  it("kubectl", () => expect(findKubectl()).toBeTruthy());
  it("chromium at /usr/bin/chromium (the live view's browser test)", () => expect(existsSync("/usr/bin/chromium")).toBe(true));
  it("etcd and etcdctl (the differential test, serve --etcd)", () => expect(found("etcd") && found("etcdctl")).toBe(true));
  it("Debian's python3 with the kubernetes client (and python3 on PATH for the pty helper)", () => {
    expect(spawnSync("/usr/bin/python3", ["-c", "import kubernetes"]).status).toBe(0);
    expect(found("python3")).toBe(true);
  });
});
