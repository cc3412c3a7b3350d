import { describe, it, expect } from "vitest";
import { normalizeImage, pullDurationMs, pullFailureMessage, resolveImage } from "./registry.js";

describe("normalizeImage", () => {
  const rows: Array<[string, string, { registry: string; repository: string; tag: string; ref: string; digest?: string }]> = [
    ["a short name gets docker.io, library/ and the latest tag", "nginx", { registry: "docker.io", repository: "library/nginx", tag: "latest", ref: "docker.io/library/nginx:latest" }],
    ["a short name with a tag keeps the tag", "busybox:1.36", { registry: "docker.io", repository: "library/busybox", tag: "1.36", ref: "docker.io/library/busybox:1.36" }],
    ["a fully qualified Docker Hub name is unchanged but for the tag", "docker.io/library/redis", { registry: "docker.io", repository: "library/redis", tag: "latest", ref: "docker.io/library/redis:latest" }],
    ["another registry keeps its path", "registry.k8s.io/e2e-test-images/agnhost:2.53", { registry: "registry.k8s.io", repository: "e2e-test-images/agnhost", tag: "2.53", ref: "registry.k8s.io/e2e-test-images/agnhost:2.53" }],
    ["a namespaced name is on Docker Hub", "myorg/app:v1", { registry: "docker.io", repository: "myorg/app", tag: "v1", ref: "docker.io/myorg/app:v1" }],
    ["a registry with a port is a registry, not a tag", "localhost:5000/app", { registry: "localhost:5000", repository: "app", tag: "latest", ref: "localhost:5000/app:latest" }],
    ["index.docker.io is canonicalised to docker.io", "index.docker.io/nginx:1.27", { registry: "docker.io", repository: "library/nginx", tag: "1.27", ref: "docker.io/library/nginx:1.27" }],
    ["a digest reference gets no default tag", `nginx@sha256:${"a".repeat(64)}`, { registry: "docker.io", repository: "library/nginx", tag: "", digest: `sha256:${"a".repeat(64)}`, ref: `docker.io/library/nginx@sha256:${"a".repeat(64)}` }],
  ];
  for (const [name, input, want] of rows) it(name, () => expect(normalizeImage(input)).toEqual(want));

  const invalid: Array<[string, string, string]> = [
    ["an upper-case name is rejected with the lowercase rule", "Nginx", `Failed to apply default image tag "Nginx": couldn't parse image name "Nginx": invalid reference format: repository name (library/Nginx) must be lowercase`],
    ["a name with spaces is rejected as an invalid format", "my app", `Failed to apply default image tag "my app": couldn't parse image name "my app": invalid reference format`],
    ["a trailing colon is an invalid format", "nginx:", `Failed to apply default image tag "nginx:": couldn't parse image name "nginx:": invalid reference format`],
    ["a double slash is an invalid format", "registry.hub.docker.com/library//nginx:latest", `Failed to apply default image tag "registry.hub.docker.com/library//nginx:latest": couldn't parse image name "registry.hub.docker.com/library//nginx:latest": invalid reference format`],
  ];
  for (const [name, input, message] of invalid) it(name, () => expect(() => normalizeImage(input)).toThrow(message));
});

describe("resolveImage", () => {
  const failures: Array<[string, string, { reason: string; message: string; grpcCode?: string }]> = [
    ["a misspelt official image does not exist", "ngnix", { reason: "ErrImagePull", grpcCode: "Unknown", message: `failed to pull and unpack image "docker.io/library/ngnix:latest": failed to resolve reference "docker.io/library/ngnix:latest": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed` }],
    ["an unlisted tag of a catalogued image is not found", "nginx:1.999", { reason: "ErrImagePull", grpcCode: "NotFound", message: `failed to pull and unpack image "docker.io/library/nginx:1.999": failed to resolve reference "docker.io/library/nginx:1.999": docker.io/library/nginx:1.999: not found` }],
    ["the docs' deliberately broken nginx:1.161 is not found", "nginx:1.161", { reason: "ErrImagePull", grpcCode: "NotFound", message: `failed to pull and unpack image "docker.io/library/nginx:1.161": failed to resolve reference "docker.io/library/nginx:1.161": docker.io/library/nginx:1.161: not found` }],
    ["an unknown pause tag is not found", "registry.k8s.io/pause:9.9", { reason: "ErrImagePull", grpcCode: "NotFound", message: `failed to pull and unpack image "registry.k8s.io/pause:9.9": failed to resolve reference "registry.k8s.io/pause:9.9": registry.k8s.io/pause:9.9: not found` }],
    ["an invalid name is InvalidImageName, not a pull error", "BUSYBOX", { reason: "InvalidImageName", message: `Failed to apply default image tag "BUSYBOX": couldn't parse image name "BUSYBOX": invalid reference format: repository name (library/BUSYBOX) must be lowercase` }],
    ["the docs' non-existing-repo/non-existing-image does not exist", "non-existing-repo/non-existing-image:example", { reason: "ErrImagePull", grpcCode: "Unknown", message: `failed to pull and unpack image "docker.io/non-existing-repo/non-existing-image:example": failed to resolve reference "docker.io/non-existing-repo/non-existing-image:example": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed` }],
  ];
  for (const [name, input, want] of failures) it(name, () => expect(resolveImage(input)).toEqual({ ok: false, ...want }));

  const successes: Array<[string, string, string]> = [
    ["nginx resolves to latest", "nginx", "docker.io/library/nginx:latest"],
    ["the docs' nginx:1.14.2 exists", "nginx:1.14.2", "docker.io/library/nginx:1.14.2"],
    ["nginx:1.27-alpine exists", "nginx:1.27-alpine", "docker.io/library/nginx:1.27-alpine"],
    ["busybox:1.36 exists", "busybox:1.36", "docker.io/library/busybox:1.36"],
    ["the docs' busybox:1.28 exists", "busybox:1.28", "docker.io/library/busybox:1.28"],
    ["the docs' perl:5.34.0 exists", "perl:5.34.0", "docker.io/library/perl:5.34.0"],
    ["the pause image exists", "registry.k8s.io/pause:3.10", "registry.k8s.io/pause:3.10"],
    // the StatefulSet tutorial's staged update patches this tag in (Kubernetes' test-cmd IMAGE_STATEFULSET_R1)
    ["the docs' nginx-slim:0.7 exists", "registry.k8s.io/nginx-slim:0.7", "registry.k8s.io/nginx-slim:0.7"],
    ["agnhost 2.53 exists", "registry.k8s.io/e2e-test-images/agnhost:2.53", "registry.k8s.io/e2e-test-images/agnhost:2.53"],
    ["an image in another namespace is assumed to exist", "myorg/app:v1", "docker.io/myorg/app:v1"],
    ["an image in another registry is assumed to exist", "us-docker.pkg.dev/proj/repo/app:abc", "us-docker.pkg.dev/proj/repo/app:abc"],
    ["an official image known by name accepts any tag", "mongo:7.0", "docker.io/library/mongo:7.0"],
  ];
  for (const [name, input, ref] of successes) {
    it(name, () => {
      const r = resolveImage(input);
      expect(r.ok && r.image.ref).toBe(ref);
    });
  }

  // docker-library's library/mysql: "8.0.x, 8.0" on the 8.0 line, "8.4.x, 8.4, 8" and lts on the LTS line, "9.x.y, 9, innovation, latest" on the newest
  it("a mysql tag names its release: mysql:8.0 (the WordPress tutorial's) is the newest 8.0, not the latest", () => {
    const v = (ref: string) => { const r = resolveImage(ref); return r.ok ? r.image.version : r.message; };
    expect([v("mysql:8.0"), v("mysql:8"), v("mysql:5.7"), v("mysql:5"), v("mysql:lts"), v("mysql:innovation"), v("mysql"), v("mysql:8.0.36"), v("mysql:8.4-oracle")])
      .toEqual(["8.0.44", "8.4.7", "5.7.44", "5.7.44", "8.4.7", "9.5.0", "9.5.0", "8.0.36", "8.4.7"]);
  });

  it("a redis tag names its release: a major or minor line is its newest (docker-library/redis tags)", () => {
    const v = (ref: string) => { const r = resolveImage(ref); return r.ok ? r.image.version : undefined; };
    expect([v("redis:5"), v("redis:6"), v("redis:7.2"), v("redis:6.0.9"), v("redis:7-alpine"), v("redis")]).toEqual(["5.0.14", "6.2.20", "7.2.11", "6.0.9", "7.4.6", "8.2.3"]);
  });

  it("a registry file that lists a repository makes its unlisted tags fail", () => {
    const extra = { "myorg/app": ["v1", "v2"] };
    expect(resolveImage("myorg/app:v2", extra).ok).toBe(true);
    expect(resolveImage("docker.io/myorg/app:v3", extra)).toMatchObject({ ok: false, reason: "ErrImagePull", grpcCode: "NotFound" });
  });

  it("the image ID is the repository digest, stable per reference and 64 hex digits", () => {
    const a = resolveImage("nginx:1.27");
    const b = resolveImage("docker.io/library/nginx:1.27");
    const c = resolveImage("nginx:1.28");
    if (!a.ok || !b.ok || !c.ok) throw new Error("expected pulls to succeed");
    expect(a.image.imageID).toMatch(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    expect(a.image.imageID).toBe(b.image.imageID);
    expect(a.image.imageID).not.toBe(c.image.imageID);
    expect(a.image.repoTags).toEqual(["docker.io/library/nginx:1.27"]);
    expect(a.image.repoDigests).toEqual([a.image.imageID]);
  });

  it("the image carries its entrypoint and cmd", () => {
    const r = resolveImage("nginx:1.27");
    expect(r.ok && [r.image.entrypoint, r.image.cmd, r.image.version]).toEqual([["/docker-entrypoint.sh"], ["nginx", "-g", "daemon off;"], "1.27.5"]);
  });

  it("nginx images older than 1.18 have no ENTRYPOINT (docker-library/nginx added docker-entrypoint.sh in 2020)", () => {
    const ep = (ref: string) => { const r = resolveImage(ref); return r.ok ? r.image.entrypoint : undefined; };
    expect([ep("nginx:1.9.2"), ep("nginx:1.14.2"), ep("nginx:1.17.10"), ep("nginx:1.18.0"), ep("nginx:1.19"), ep("nginx")]).toEqual([[], [], [], ["/docker-entrypoint.sh"], ["/docker-entrypoint.sh"], ["/docker-entrypoint.sh"]]);
  });

  it("the kubelet's message wraps containerd's in the gRPC status", () => {
    const r = resolveImage("nginx:1.999");
    if (r.ok) throw new Error("expected a failure");
    expect(pullFailureMessage("nginx:1.999", r)).toBe(`Failed to pull image "nginx:1.999": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:1.999": failed to resolve reference "docker.io/library/nginx:1.999": docker.io/library/nginx:1.999: not found`);
  });
});

describe("pullDurationMs", () => {
  it("is a fixed 300 ms plus 50 MB/s, so nginx takes about 1.7 s and busybox about a third of a second", () => {
    const nginx = resolveImage("nginx:1.27");
    const busybox = resolveImage("busybox:1.36");
    if (!nginx.ok || !busybox.ok) throw new Error("expected pulls to succeed");
    expect(pullDurationMs(nginx.image)).toBe(300 + Math.round(nginx.image.sizeBytes / 50_000));
    expect(pullDurationMs(nginx.image)).toBeGreaterThan(1000);
    expect(pullDurationMs(busybox.image)).toBeLessThan(400);
  });
});

describe("the base an image ships the files of", () => {
  // docker-nginx's debian Dockerfiles: FROM debian:<release>-slim by version; the alpine variants are not Debian
  const rows: Array<[string, string | undefined]> = [
    ["nginx", "debian-trixie"], ["nginx:1.29.1", "debian-trixie"], ["nginx:1.29.0", "debian-bookworm"], ["nginx:1.28.0", "debian-bookworm"],
    ["nginx:1.27", "debian-bookworm"], ["nginx:1.25.1", "debian-bookworm"], ["nginx:1.25.0", "debian-bullseye"],
    ["nginx:1.21.3", "debian-bullseye"], ["nginx:1.21.2", "debian-buster"], ["nginx:1.20.1", "debian-bullseye"], ["nginx:1.14.2", "debian-buster"],
    ["nginx:1.29-bookworm", "debian-bookworm"], ["nginx:alpine", undefined], ["nginx:1.27-alpine", undefined],
    ["debian:12", "debian-bookworm"], ["debian:bookworm-slim", "debian-bookworm"], ["debian", "debian-trixie"], ["debian:11", "debian-bullseye"],
    ["busybox", "busybox"], ["busybox:1.36", "busybox"], ["registry.k8s.io/e2e-test-images/busybox:1.37.0-1", "busybox"], ["alpine", "alpine-3.22"],
    // 3.22.1 is the newest alpine and 24.04 the ubuntu whose files are modelled; older tags have none
    ["alpine:3.22", "alpine-3.22"], ["alpine:3.21", undefined], ["ubuntu", "ubuntu-noble"], ["ubuntu:noble", "ubuntu-noble"], ["ubuntu:22.04", undefined],
  ];
  for (const [image, base] of rows) {
    it(`${image}: ${base ?? "none modelled"}`, () => {
      const r = resolveImage(normalizeImage(image).ref);
      if (!r.ok) throw new Error(r.message);
      expect(r.image.base).toBe(base);
    });
  }
});

describe("the nginx image's ENV", () => {
  // docker-nginx's mainline/debian/Dockerfile for 1.29.3 and 1.27.x: ENV after the base's PATH
  const path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  it("nginx (1.29.3): NGINX_VERSION, NJS_VERSION, NJS_RELEASE, PKG_RELEASE, DYNPKG_RELEASE in the Dockerfile's order", () => {
    const r = resolveImage("docker.io/library/nginx:latest");
    if (!r.ok) throw new Error(r.message);
    expect(Object.entries(r.image.env)).toEqual([["PATH", path], ["NGINX_VERSION", "1.29.3"], ["NJS_VERSION", "0.9.4"], ["NJS_RELEASE", "1~trixie"], ["PKG_RELEASE", "1~trixie"], ["DYNPKG_RELEASE", "1~trixie"]]);
  });
  it("nginx:1.25.1 had no NJS_RELEASE or DYNPKG_RELEASE yet; an alpine tag keeps PATH only here", () => {
    const r = resolveImage("docker.io/library/nginx:1.25.1");
    const a = resolveImage("docker.io/library/nginx:1.27-alpine");
    if (!r.ok || !a.ok) throw new Error("pull");
    expect(r.image.env).toEqual({ PATH: path, NGINX_VERSION: "1.25.1", NJS_VERSION: "0.8.0", PKG_RELEASE: "1~bookworm" });
    expect(a.image.env).toEqual({ PATH: path });
  });
});
