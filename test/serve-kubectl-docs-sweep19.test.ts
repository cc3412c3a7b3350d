// Sweep 19 of the docs' task, tutorial, concept and reference pages (kubernetes/website
// content/en/docs/**), step by step with the real kubectl against `podflow serve`: each expectation
// is what the page shows, or what Kubernetes' source does where the page is silent. The verdicts
// are in test/fixtures/docs/TASKS.md.

import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();
const openssl = spawnSync("sh", ["-c", "command -v openssl"], { encoding: "utf8" }).stdout.trim() || undefined;

describe.skipIf(!bin)("podflow serve with the real kubectl: the docs' pages, sweep 19", () => {
  let s: Served;
  const k = (args: string[], input?: string, kubeconfig = s.kubeconfigPath) => kubectl(bin!, kubeconfig, args, input === undefined ? {} : { input });

  beforeAll(async () => {
    // fast enough that the simulated clock soon runs minutes ahead of the wall clock
    s = await serve({ nodes: 2, speed: 40 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it.skipIf(!openssl)("tasks/tls/certificate-issue-client-csr: the certificate the CSR gets authenticates myuser once the cluster's clock is past the wall clock's", { timeout: 120_000 }, async () => {
    // kube-controller-manager's signer backdates NotBefore by 5 minutes (certificates/authority):
    // let the simulated clock get further ahead than that, so the wall clock is before NotBefore
    const ahead = await until(async () => (s.cluster.now() - Date.now() > 7 * 60_000 ? true : undefined), 60_000, 500);
    expect(ahead).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), "sweep19-csr-"));
    const file = (f: string) => join(dir, f);
    execFileSync(openssl!, ["genrsa", "-out", file("myuser.key"), "3072"], { stdio: "ignore" });
    execFileSync(openssl!, ["req", "-new", "-key", file("myuser.key"), "-out", file("myuser.csr"), "-subj", "/CN=myuser"], { stdio: "ignore" });
    const request = readFileSync(file("myuser.csr")).toString("base64");
    const csr = `apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata:
  name: myuser
spec:
  request: ${request}
  signerName: kubernetes.io/kube-apiserver-client
  expirationSeconds: 86400  # one day
  usages:
  - client auth
`;
    expect((await k(["apply", "-f", "-"], csr)).out).toBe("certificatesigningrequest.certificates.k8s.io/myuser created\n");
    // printCertificateSigningRequest: REQUESTEDDURATION is HumanDuration(86400 s), 24h
    expect((await k(["get", "csr"])).out).toMatch(/^NAME +AGE +SIGNERNAME +REQUESTOR +REQUESTEDDURATION +CONDITION\nmyuser +\S+ +kubernetes\.io\/kube-apiserver-client +admin +24h +Pending\n$/);
    expect((await k(["certificate", "approve", "myuser"])).out).toBe("certificatesigningrequest.certificates.k8s.io/myuser approved\n");
    const issued = await until(async () => {
      const c = (await k(["get", "csr", "myuser", "-o", "jsonpath={.status.certificate}"])).out;
      return c === "" ? undefined : c;
    }, 30_000);
    expect(issued).toBeDefined();
    const crt = Buffer.from(issued!, "base64").toString("utf8");
    // the certificate is stamped with the cluster's time: not yet valid by the wall clock
    const notBefore = execFileSync(openssl!, ["x509", "-noout", "-startdate"], { input: crt, encoding: "utf8" }).trim().replace(/^notBefore=/, "");
    expect(new Date(notBefore).getTime()).toBeGreaterThan(Date.now());
    execFileSync("sh", ["-c", `cat > ${JSON.stringify(file("myuser.crt"))}`], { input: crt });

    // the page's kubeconfig steps, on a copy of the admin's
    const kc = file("kubeconfig");
    copyFileSync(s.kubeconfigPath, kc);
    const cluster = (await k(["config", "view", "-o", "jsonpath={.clusters[0].name}"], undefined, kc)).out;
    expect((await k(["config", "set-credentials", "myuser", `--client-key=${file("myuser.key")}`, `--client-certificate=${file("myuser.crt")}`, "--embed-certs=true"], undefined, kc)).out).toBe('User "myuser" set.\n');
    expect((await k(["config", "set-context", "myuser", `--cluster=${cluster}`, "--user=myuser"], undefined, kc)).out).toBe('Context "myuser" created.\n');
    // "You should see output confirming that you are myuser" (was 401 Unauthorized: OpenSSL judged NotBefore by the wall clock)
    const whoami = await k(["--context", "myuser", "auth", "whoami"], undefined, kc);
    expect([whoami.code, whoami.out]).toEqual([0, "ATTRIBUTE   VALUE\nUsername    myuser\nGroups      [system:authenticated]\n"]);
    const before = await k(["--context", "myuser", "get", "pods"], undefined, kc);
    expect(before.err).toBe('Error from server (Forbidden): pods is forbidden: User "myuser" cannot list resource "pods" in API group "" in the namespace "default"\n');
    expect((await k(["create", "role", "developer", "--verb=create", "--verb=get", "--verb=list", "--verb=update", "--verb=delete", "--resource=pods"])).out).toBe("role.rbac.authorization.k8s.io/developer created\n");
    expect((await k(["create", "rolebinding", "developer-binding-myuser", "--role=developer", "--user=myuser"])).out).toBe("rolebinding.rbac.authorization.k8s.io/developer-binding-myuser created\n");
    const after = await until(async () => {
      const r = await k(["--context", "myuser", "get", "pods"], undefined, kc);
      return r.code === 0 ? r : undefined;
    }, 20_000);
    expect(after?.err).toBe("No resources found in default namespace.\n");
  });

  it("reference/kubectl/generated/kubectl_exec: a command the image lacks is containerd's error, naming its exec id (32 random bytes in hex)", { timeout: 90_000 }, async () => {
    expect((await k(["run", "mypod", "--image=nginx"])).out).toBe("pod/mypod created\n");
    const running = await until(async () => ((await k(["get", "pod", "mypod", "-o", "jsonpath={.status.phase}"])).out === "Running" ? true : undefined), 60_000);
    expect(running).toBe(true);
    // the page's examples: `kubectl exec mypod -- date` answers; `time` is no program in nginx's image
    expect((await k(["exec", "mypod", "--", "date"])).out).toMatch(/^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d UTC \d{4}\n$/);
    // containerd execInternal: fmt.Errorf("failed to start exec %q: %w", execID, err), execID := util.GenerateID()
    const missing = await k(["exec", "mypod", "--", "time"]);
    expect(missing.err).toMatch(/^error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "[0-9a-f]{64}": OCI runtime exec failed: exec failed: unable to start container process: exec: "time": executable file not found in \$PATH: unknown\n$/);
  });

  it("busybox's sh answers command -v, type and which as ash and its which applet do (every applet linked into /bin)", { timeout: 90_000 }, async () => {
    expect((await k(["run", "bb", "--image=busybox:1.37", "--", "sleep", "3600"])).out).toBe("pod/bb created\n");
    const running = await until(async () => ((await k(["get", "pod", "bb", "-o", "jsonpath={.status.phase}"])).out === "Running" ? true : undefined), 60_000);
    expect(running).toBe(true);
    // was `sh: command: not found` and `sh: type: not found`; shell/ash.c describe_command, debianutils/which.c
    const r = await k(["exec", "bb", "--", "sh", "-c", "command -v wget; type ls echo cd trap if nosuch; echo $?"]);
    expect([r.out, r.err]).toEqual(["/bin/wget\nls is /bin/ls\necho is a shell builtin\ncd is a shell builtin\ntrap is a special shell builtin\nif is a shell keyword\nnosuch: not found\n127\n", ""]);
    const w = await k(["exec", "bb", "--", "which", "nslookup", "nosuch"]);
    expect([w.out, w.code]).toEqual(["/bin/nslookup\n", 1]);
  });
});
