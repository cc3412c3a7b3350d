// What `kubectl exec POD -- cat FILE` shows of the files images ship (the docs' tasks read them):
// Debian's /etc/os-release (base-files), /etc/passwd and /etc/group (base-passwd's masters, plus
// the account an image's Dockerfile adds), busybox's skeleton, nginx.org's package configuration,
// and the nginx entrypoint's IPv6 edit of default.conf. Expected texts are the real files'.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();

const pods = `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers: [{name: nginx, image: nginx}]
---
apiVersion: v1
kind: Pod
metadata: {name: web127}
spec:
  containers: [{name: nginx, image: "nginx:1.27"}]
---
apiVersion: v1
kind: Pod
metadata: {name: box}
spec:
  containers: [{name: box, image: busybox, command: [sleep, "3600"]}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: site}
data:
  default.conf: "server { listen 80; }\\n"
---
apiVersion: v1
kind: Pod
metadata: {name: custom}
spec:
  containers:
  - name: nginx
    image: nginx
    volumeMounts: [{name: conf, mountPath: /etc/nginx/conf.d}]
  volumes: [{name: conf, configMap: {name: site}}]
`;

const trixieOsRelease = `PRETTY_NAME="Debian GNU/Linux 13 (trixie)"
NAME="Debian GNU/Linux"
VERSION_ID="13"
VERSION="13 (trixie)"
VERSION_CODENAME=trixie
DEBIAN_VERSION_FULL=13.2
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
`;

const bookwormOsRelease = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
`;

describe.skipIf(!bin)("image files through kubectl exec", () => {
  let s: Served;
  const k = (args: string[]) => kubectl(bin!, s.kubeconfigPath, args);

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
    const file = join(mkdtempSync(join(tmpdir(), "podflow-imagefiles-")), "pods.yaml");
    writeFileSync(file, pods);
    await k(["apply", "-f", file]);
    const running = await until(async () => {
      const out = (await k(["get", "pods", "--no-headers"])).out;
      return ["web", "web127", "box", "custom"].every((n) => new RegExp(`^${n} +1/1 +Running`, "m").test(out)) ? out : undefined;
    }, 30_000);
    expect(running, "the pods should be Running").toBeTruthy();
  }, 60_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("nginx (1.29, on Debian trixie): /etc/os-release", async () => {
    expect((await k(["exec", "web", "--", "cat", "/etc/os-release"])).out).toBe(trixieOsRelease);
  });

  it("nginx:1.27 is on bookworm", async () => {
    expect((await k(["exec", "web127", "--", "cat", "/etc/os-release"])).out).toBe(bookwormOsRelease);
  });

  it("nginx's /etc/passwd: Debian's accounts, then the nginx user its Dockerfile adds", async () => {
    const out = (await k(["exec", "web", "--", "cat", "/etc/passwd"])).out;
    expect(out.split("\n").slice(0, 3)).toEqual(["root:x:0:0:root:/root:/bin/bash", "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin", "bin:x:2:2:bin:/bin:/usr/sbin/nologin"]);
    expect(out.endsWith("_apt:x:42:65534::/nonexistent:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\nnginx:x:101:101:nginx user:/nonexistent:/bin/false\n")).toBe(true);
    expect(out.split("\n")).toHaveLength(20);
    const group = (await k(["exec", "web", "--", "cat", "/etc/group"])).out;
    expect(group.endsWith("users:x:100:\nnogroup:x:65534:\nnginx:x:101:\n")).toBe(true);
  });

  it("busybox: its skeleton's passwd, and no os-release", async () => {
    expect((await k(["exec", "box", "--", "cat", "/etc/passwd"])).out).toBe(`root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
sync:x:4:100:sync:/bin:/bin/sync
mail:x:8:8:mail:/var/spool/mail:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
`);
    const r = await k(["exec", "box", "--", "cat", "/etc/os-release"]);
    expect(r.err).toContain("cat: can't open '/etc/os-release': No such file or directory");
  });

  it("nginx's configuration and pages as nginx.org's package ships them; the entrypoint enabled IPv6 in default.conf", async () => {
    const conf = (await k(["exec", "web", "--", "cat", "/etc/nginx/nginx.conf"])).out;
    expect(conf).toContain("\nuser  nginx;\nworker_processes  auto;\n\nerror_log  /var/log/nginx/error.log notice;\npid        /run/nginx.pid;\n");
    const site = (await k(["exec", "web", "--", "cat", "/etc/nginx/conf.d/default.conf"])).out;
    expect(site.startsWith("server {\n    listen       80;\n    listen  [::]:80;\n    server_name  localhost;\n")).toBe(true);
    expect((await k(["exec", "web", "--", "cat", "/usr/share/nginx/html/50x.html"])).out).toContain("<p><em>Faithfully yours, nginx.</em></p>");
    expect((await k(["logs", "web"])).out).toContain("10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf\n");
  });

  it("a configMap over conf.d is read-only: the entrypoint leaves it, and says so", async () => {
    expect((await k(["logs", "custom"])).out).toContain("10-listen-on-ipv6-by-default.sh: info: can not modify /etc/nginx/conf.d/default.conf (read-only file system?)\n");
    const r = await k(["exec", "custom", "--", "touch", "/etc/nginx/conf.d/x"]);
    expect(r.err).toContain("touch: cannot touch '/etc/nginx/conf.d/x': Read-only file system");
  });
});
