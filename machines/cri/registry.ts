// The simulated image registry: reference normalisation as containerd/docker do it, a
// built-in catalogue of real images with their tags and sizes, and pull outcomes in the
// wording the kubelet reports. Pure: no network, no clock.

import { mutant } from "../common/mutation.js";
import { digestOf } from "../common/digest.js";

/** A parsed, canonical image reference. */
export interface NormalizedImage {
  registry: string; // "docker.io"
  repository: string; // "library/nginx" (path inside the registry)
  tag: string; // "latest" when neither tag nor digest was given, "" with a digest only
  digest?: string; // "sha256:<64 hex>"
  ref: string; // "docker.io/library/nginx:latest" or "docker.io/library/nginx@sha256:..."
}

/** How a container of this image behaves when it runs its default entrypoint. */
export type ImageKind =
  | "nginx" | "httpd" | "redis" | "postgres" | "mysql" | "memcached" | "shell"
  | "python" | "node" | "pause" | "agnhost" | "stress" | "hello-app" | "echoserver" | "bootcamp" | "serve-hostname" | "dnsutils" | "hpa-example" | "etcd" | "coredns" | "kube-proxy" | "exit0" | "zookeeper" | "cassandra" | "curl" | "artifact" | "generic";

/** The base image whose files (os-release, passwd, group) an image ships, where podflow knows them. */
export type ImageBase = "debian-buster" | "debian-bullseye" | "debian-bookworm" | "debian-trixie" | "busybox" | "ubuntu-noble" | "alpine-3.22";

/** Userland flavour of an image: decides error wording (busybox ash vs dash/bash + coreutils). */
export type Userland = "busybox" | "gnu" | "none";

/** A pulled image as the CRI's image store knows it. */
export interface ImageInfo {
  ref: string; // canonical reference
  name: string; // "docker.io/library/nginx"
  repoTags: string[];
  repoDigests: string[];
  imageID: string; // what containerStatus.imageID shows: "<name>@sha256:<hex>"
  id: string; // the image config digest: "sha256:<hex>"
  sizeBytes: number;
  entrypoint: string[];
  cmd: string[];
  env: Record<string, string>;
  kind: ImageKind;
  userland: Userland;
  version?: string; // the program version the image ships ("1.27.3" for nginx:1.27)
  base?: ImageBase; // the base image's files it ships; none known: only the program's own
  user?: string; // the config's User ("uid[:gid]" or a name); none: root
}

/** Why a pull failed, as the kubelet classifies it. */
export type PullFailure = {
  ok: false;
  reason: "ErrImagePull" | "InvalidImageName";
  message: string; // InvalidImageName: the kubelet's message; ErrImagePull: containerd's error text
  grpcCode?: "NotFound" | "Unknown"; // the CRI's gRPC status code, for ErrImagePull
};

/** A registry file given to the cluster: repository (any spelling) → its tags. */
export type ExtraRegistry = Record<string, string[] | { tags: string[]; sizeBytes?: number; entrypoint?: string[]; cmd?: string[] }>;

const defaultRegistry = "docker.io";
const officialPrefix = "library/";

// distribution/reference grammar, in its own terms.
const alnum = "[a-z0-9]+";
const separator = "(?:[._]|__|[-]+)";
const pathComponent = `${alnum}(?:${separator}${alnum})*`;
const domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const domainName = `${domainComponent}(?:\\.${domainComponent})*`;
const ipv6 = "\\[(?:[a-fA-F0-9:]+)\\]";
const domainAndPort = `(?:${domainName}|${ipv6})(?::[0-9]+)?`;
const tagPattern = "[\\w][\\w.-]{0,127}";
const digestPattern = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const referencePattern = new RegExp(
  `^((?:${domainAndPort}/)?${pathComponent}(?:/${pathComponent})*)(?::(${tagPattern}))?(?:@(${digestPattern}))?$`,
);
const hex64 = /^[a-f0-9]{64}$/;

/** Splits a familiar name into registry and remote path, as distribution/reference does. */
function splitDomain(name: string): [string, string] {
  const slash = name.indexOf("/");
  if (slash < 0) return [defaultRegistry, officialPrefix + name];
  const first = name.slice(0, slash);
  let rest = name.slice(slash + 1);
  let domain: string;
  if (first === "localhost" || /[.:]/.test(first) || first.toLowerCase() !== first) domain = first;
  else { domain = defaultRegistry; rest = name; }
  if (domain === "index.docker.io") domain = defaultRegistry;
  if (domain === defaultRegistry && (!rest.includes("/") || mutant("registry.namespaced-name-gets-library"))) rest = officialPrefix + rest;
  return [domain, rest];
}

/** The reference parse error in distribution/reference's words, or the parsed parts. */
function parseReference(image: string): { error: string } | { domain: string; path: string; tag?: string; digest?: string } {
  if (hex64.test(image)) return { error: `invalid repository name (${image}), cannot specify 64-byte hexadecimal strings` };
  const [domain, remainder] = splitDomain(image);
  const colon = remainder.indexOf(":");
  const remote = colon >= 0 ? remainder.slice(0, colon) : remainder;
  const at = remote.indexOf("@");
  const remoteName = at >= 0 ? remote.slice(0, at) : remote;
  if (remoteName.toLowerCase() !== remoteName) return { error: `invalid reference format: repository name (${remoteName}) must be lowercase` };
  const m = referencePattern.exec(`${domain}/${remainder}`);
  if (!m) return { error: image === "" ? "repository name must have at least one component" : "invalid reference format" };
  if (m[1]!.length > 255) return { error: "repository name must not be more than 255 characters" };
  const digest = m[3];
  if (digest?.startsWith("sha256:") && !hex64.test(digest.slice(7))) return { error: "invalid checksum digest length" };
  return { domain, path: m[1]!.slice(domain.length + 1), tag: m[2], digest };
}

/** Normalises an image reference as containerd does (`nginx` → `docker.io/library/nginx:latest`); throws on an invalid one. */
export function normalizeImage(image: string): NormalizedImage {
  const parsed = parseReference(image);
  if ("error" in parsed) throw new Error(invalidImageMessage(image, parsed.error));
  const name = `${parsed.domain}/${parsed.path}`;
  const tag = parsed.tag ?? (parsed.digest ? "" : "latest");
  const ref = parsed.digest ? `${name}${tag ? `:${tag}` : ""}@${parsed.digest}` : `${name}:${tag}`;
  return { registry: parsed.domain, repository: parsed.path, tag, ...(parsed.digest ? { digest: parsed.digest } : {}), ref };
}

/** The kubelet's InvalidImageName message (applyDefaultImageTag) for a reference that does not parse, or undefined. */
export function invalidImageNameMessage(image: string): string | undefined {
  const parsed = parseReference(image);
  return "error" in parsed ? invalidImageMessage(image, parsed.error) : undefined;
}

/** The kubelet's InvalidImageName message for a reference that does not parse. */
function invalidImageMessage(image: string, cause: string): string {
  return `Failed to apply default image tag "${image}": couldn't parse image name "${image}": ${cause}`;
}

// ---------------------------------------------------------------------------------
// Catalogue

interface CatalogueEntry {
  tags: (tag: string) => boolean; // which tags exist
  sizeBytes: (tag: string) => number; // compressed linux/amd64 size
  entrypoint: string[];
  cmd: string[];
  kind: ImageKind;
  userland: Userland;
  env?: Record<string, string>;
  version?: (tag: string) => string | undefined;
  /** the base image of the tag (its version as version() gives it) */
  base?: (tag: string, version: string | undefined) => ImageBase | undefined;
  /** the release's ENTRYPOINT, where it depends on it (else entrypoint) */
  entrypointOf?: (version: string | undefined) => string[];
  /** the tag's ENV, where it depends on the tag (else env) */
  envOf?: (tag: string, version: string | undefined) => Record<string, string>;
  /** the tag's USER (the image config's User), where it has one */
  userOf?: (tag: string) => string | undefined;
}

const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** Every "<minor>.<patch>" for the given [minor, lastPatch] pairs, plus the bare minors. */
function versions(prefix: string, minors: Array<[number, number]>): string[] {
  const out: string[] = [];
  for (const [minor, last] of minors) {
    out.push(`${prefix}${minor}`);
    for (let p = 0; p <= last; p++) out.push(`${prefix}${minor}.${p}`);
  }
  return out;
}

/** A tag predicate: base tags, each optionally followed by one of the suffixes. */
function tagSet(bases: string[], suffixes: string[] = [""], extra: string[] = []): (tag: string) => boolean {
  const set = new Set<string>(extra);
  for (const b of bases) for (const s of suffixes) set.add(b + s);
  return (tag) => set.has(tag);
}

/** Size by variant: alpine and slim variants are smaller than the default Debian-based one. */
function sizeBy(full: number, alpine: number, slim = full): (tag: string) => number {
  return (tag) => (tag.includes("alpine") ? alpine : tag.includes("slim") ? slim : full);
}

const nginxVersions = versions("1.", [[7, 12], [8, 1], [9, 15], [10, 3], [11, 13], [12, 2], [13, 12], [14, 2], [15, 12], [16, 1], [17, 10], [18, 0], [19, 10], [20, 2], [21, 6], [22, 1], [23, 4], [24, 0], [25, 5], [26, 3], [27, 5], [28, 0], [29, 3]]);
const nginxAliases = ["latest", "mainline", "stable", "1", "perl", "alpine", "alpine-perl", "alpine-slim", "bookworm", "trixie"];
const nginxSuffixes = ["", "-alpine", "-perl", "-alpine-perl", "-alpine-slim", "-bookworm", "-bookworm-perl", "-trixie"];

/**
 * docker-library/nginx added /docker-entrypoint.sh with the 1.19.0 and 1.18.0 images (2020); the
 * images of older releases (the docs' nginx:1.14.2, nginx:1.9.2) have no ENTRYPOINT, only CMD.
 */
function nginxEntrypoint(version: string | undefined): string[] {
  const minor = Number(/^1\.(\d+)\./.exec(version ?? "")?.[1] ?? 99);
  return minor < 18 ? [] : ["/docker-entrypoint.sh"];
}

/** The nginx release a tag points to ("mainline" → 1.29.3). */
function nginxVersion(tag: string): string {
  const base = tag.split("-")[0]!;
  if (/^1\.\d+\.\d+$/.test(base)) return base;
  if (base === "stable") return "1.28.0";
  const m = /^1\.(\d+)$/.exec(base);
  if (m) {
    const last = nginxVersions.filter((v) => v.startsWith(`1.${m[1]}.`)).pop();
    return last ?? "1.29.3";
  }
  return "1.29.3";
}

/** Compares dotted versions numerically. */
function versionAtLeast(v: string, min: string): boolean {
  const a = v.split(".").map(Number);
  const b = min.split(".").map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

/**
 * The Debian an nginx image is built on (docker-nginx's debian Dockerfiles): trixie from 1.29.1 and
 * 1.28.1, bookworm from 1.25.1, bullseye from 1.20.1 (1.21.3 on mainline), buster before; the
 * -bookworm and -trixie tags name theirs; the alpine ones are not Debian.
 */
function nginxBase(tag: string, version: string | undefined): ImageBase | undefined {
  if (tag.includes("alpine")) return undefined;
  if (tag.includes("bookworm")) return "debian-bookworm";
  if (tag.includes("trixie")) return "debian-trixie";
  const v = version ?? "1.29.3";
  if (versionAtLeast(v, "1.29.1") || (versionAtLeast(v, "1.28.1") && !versionAtLeast(v, "1.29.0"))) return "debian-trixie";
  if (versionAtLeast(v, "1.25.1")) return "debian-bookworm";
  if (versionAtLeast(v, "1.21.3") || (versionAtLeast(v, "1.20.1") && !versionAtLeast(v, "1.21.0"))) return "debian-bullseye";
  return "debian-buster";
}

// docker-nginx's debian Dockerfiles' ENV after the base's PATH, by version (the last build of each), from 1.25.1
const nginxEnvByVersion: Record<string, string> = {
  "1.25.1": "NJS_VERSION=0.8.0 PKG_RELEASE=1~bookworm", "1.25.2": "NJS_VERSION=0.8.0 PKG_RELEASE=1~bookworm",
  "1.25.3": "NJS_VERSION=0.8.2 PKG_RELEASE=1~bookworm", "1.25.4": "NJS_VERSION=0.8.3 PKG_RELEASE=1~bookworm",
  "1.25.5": "NJS_VERSION=0.8.4 NJS_RELEASE=3~bookworm PKG_RELEASE=1~bookworm", "1.26.0": "NJS_VERSION=0.8.4 NJS_RELEASE=2~bookworm PKG_RELEASE=1~bookworm",
  "1.26.1": "NJS_VERSION=0.8.4 NJS_RELEASE=2~bookworm PKG_RELEASE=2~bookworm",
  "1.26.2": "NJS_VERSION=0.8.8 NJS_RELEASE=1~bookworm PKG_RELEASE=1~bookworm DYNPKG_RELEASE=2~bookworm",
  "1.26.3": "NJS_VERSION=0.8.9 NJS_RELEASE=1~bookworm PKG_RELEASE=1~bookworm DYNPKG_RELEASE=2~bookworm",
  "1.27.0": "NJS_VERSION=0.8.4 NJS_RELEASE=2~bookworm PKG_RELEASE=2~bookworm",
  "1.27.1": "NJS_VERSION=0.8.5 NJS_RELEASE=1~bookworm PKG_RELEASE=1~bookworm DYNPKG_RELEASE=2~bookworm",
  "1.27.2": "NJS_VERSION=0.8.6 NJS_RELEASE=1~bookworm PKG_RELEASE=1~bookworm DYNPKG_RELEASE=1~bookworm",
  "1.27.3": "NJS_VERSION=0.8.8 NJS_RELEASE=1~bookworm PKG_RELEASE=1~bookworm DYNPKG_RELEASE=1~bookworm",
  "1.27.4": "NJS_VERSION=0.8.9 NJS_RELEASE=1~bookworm PKG_RELEASE=1~bookworm DYNPKG_RELEASE=1~bookworm",
  "1.27.5": "NJS_VERSION=0.8.10 NJS_RELEASE=1~bookworm PKG_RELEASE=1~bookworm DYNPKG_RELEASE=1~bookworm",
  "1.28.0": "NJS_VERSION=0.8.10 NJS_RELEASE=1~bookworm PKG_RELEASE=1~bookworm DYNPKG_RELEASE=1~bookworm",
  "1.29.0": "NJS_VERSION=0.9.0 NJS_RELEASE=1~bookworm PKG_RELEASE=1~bookworm DYNPKG_RELEASE=1~bookworm",
  "1.29.1": "NJS_VERSION=0.9.1 NJS_RELEASE=1~trixie PKG_RELEASE=1~trixie DYNPKG_RELEASE=1~trixie",
  "1.29.2": "NJS_VERSION=0.9.3 NJS_RELEASE=1~trixie PKG_RELEASE=1~trixie DYNPKG_RELEASE=1~trixie",
  "1.29.3": "NJS_VERSION=0.9.4 NJS_RELEASE=1~trixie PKG_RELEASE=1~trixie DYNPKG_RELEASE=1~trixie",
};

/** The nginx image's ENV: PATH, then NGINX_VERSION and its packages' releases (the Debian images whose Dockerfiles podflow read). */
function nginxEnv(tag: string, version: string | undefined): Record<string, string> {
  const known = version !== undefined && Object.hasOwn(nginxEnvByVersion, version) ? nginxEnvByVersion[version]! : undefined;
  const release = known?.match(/~(\w+)/)?.[1];
  if (!known || tag.includes("alpine") || nginxBase(tag, version) !== `debian-${release}`) return { PATH: defaultPath };
  return { PATH: defaultPath, NGINX_VERSION: version!, ...Object.fromEntries(known.split(" ").map((kv) => kv.split("=") as [string, string])) };
}

/** Kubernetes' own busybox (registry.k8s.io/busybox, once gcr.io/google_containers/busybox). */
const k8sBusyboxEntry: CatalogueEntry = {
  tags: tagSet(["1.24", "1.27", "1.27.2", "latest"]), sizeBytes: () => 1_144_547,
  entrypoint: [], cmd: ["sh"], kind: "shell", userland: "busybox", env: { PATH: defaultPath },
};

/** echoserver (test/images/echoserver): Ubuntu with nginx and its Lua module; run.sh starts nginx. */
const echoserverEntry: CatalogueEntry = {
  tags: tagSet(["1.4", "1.10"]), sizeBytes: () => 46_000_000, entrypoint: [], cmd: ["/usr/local/bin/run.sh"], kind: "echoserver", userland: "gnu",
  env: { PATH: defaultPath },
};

/** The tutorial's kubernetes-bootcamp image (a node:6.3.1 image, Debian jessie: a GNU userland). */
function bootcampEntry(tags: string[]): CatalogueEntry {
  return {
    tags: tagSet(tags), sizeBytes: () => 83_000_000, entrypoint: [], cmd: ["/bin/sh", "-c", "node server.js"], kind: "bootcamp", userland: "gnu",
    env: { PATH: defaultPath, NPM_CONFIG_LOGLEVEL: "info", NODE_VERSION: "6.3.1" },
  };
}

/** The Debian release a debian image tag names (forky, testing and sid left out). */
function debianBase(tag: string): ImageBase | undefined {
  const t = tag.replace(/-slim$/, "");
  if (/^(11|bullseye)(\.|$)/.test(t)) return "debian-bullseye";
  if (/^(12|bookworm|oldstable)(\.|$)/.test(t)) return "debian-bookworm";
  if (/^(13|trixie|stable|latest)(\.|$)/.test(t)) return "debian-trixie";
  return undefined;
}

/** The ubuntu tags podflow knows the files of: 24.04 (noble), which latest names. */
const ubuntuBase = (tag: string): ImageBase | undefined => (["24.04", "noble", "latest"].includes(tag) ? "ubuntu-noble" : undefined);

/** The alpine tags of 3.22.1, the newest release podflow models (latest and 3 name it). */
const alpineBase = (tag: string): ImageBase | undefined => (["3.22", "3.22.1", "latest", "3"].includes(tag) ? "alpine-3.22" : undefined);

const busyboxVersions = versions("1.", [[24, 2], [25, 1], [26, 2], [27, 2], [28, 4], [29, 3], [30, 1], [31, 1], [32, 1], [33, 1], [34, 1], [35, 0], [36, 1], [37, 0]]);
const redisVersions = [...versions("5.", [[0, 14]]), ...versions("6.", [[0, 20], [2, 20]]), ...versions("7.", [[0, 15], [2, 11], [4, 6]]), ...versions("8.", [[0, 4], [2, 3]]), "5", "6", "7", "8"];
/** The redis release a tag names: itself, else the newest of its major or minor line ("5" is 5.0.14), else the latest. */
function redisVersion(tag: string): string {
  const t = tag.replace(/-(alpine|bookworm)$/, "");
  if (/^\d+\.\d+\.\d+$/.test(t)) return t;
  const line = redisVersions.filter((v) => v.startsWith(`${t}.`) && /^\d+\.\d+\.\d+$/.test(v));
  return line.length > 0 && /^\d+(\.\d+)?$/.test(t) ? line[line.length - 1]! : "8.2.3";
}
const postgresVersions = [...versions("", [[12, 22], [13, 22], [14, 19], [15, 14], [16, 10], [17, 6], [18, 0]]).filter((v) => v.includes(".") || Number(v) >= 12)];
const alpineVersions = versions("3.", [[16, 9], [17, 10], [18, 12], [19, 8], [20, 7], [21, 4], [22, 1]]);
const debianTags = ["11", "12", "13", "bullseye", "bookworm", "trixie", "stable", "oldstable", "testing", "sid", "unstable", "latest"];
const ubuntuTags = ["18.04", "20.04", "22.04", "24.04", "24.10", "25.04", "25.10", "bionic", "focal", "jammy", "noble", "oracular", "plucky", "questing", "devel", "rolling", "latest"];
const pythonVersions = versions("3.", [[8, 20], [9, 24], [10, 19], [11, 14], [12, 12], [13, 9], [14, 0]]);
const nodeVersions = ["16", "18", "20", "22", "24", "25", "lts", "current", ...versions("20.", [[19, 5]]), ...versions("22.", [[20, 0]]), ...versions("24.", [[11, 1]])];
const golangVersions = versions("1.", [[21, 13], [22, 12], [23, 12], [24, 9], [25, 3]]);
const mysqlVersions = [...versions("5.", [[6, 51], [7, 44]]), ...versions("8.", [[0, 44], [4, 7]]), ...versions("9.", [[4, 0], [5, 0]]), "5", "8", "9", "lts", "innovation"];
/**
 * The mysql release a tag names (docker-library's stackbrew tags: "X.Y.Z, X.Y" per line, the major
 * on its newest line, lts on the LTS line, innovation and latest on the newest): itself, else the
 * newest of its line.
 */
function mysqlVersion(tag: string): string {
  const t = tag.replace(/-(oracle|debian)$/, "");
  if (/^\d+\.\d+\.\d+$/.test(t)) return t;
  const line = t === "lts" ? "8.4" : t;
  const released = mysqlVersions.filter((v) => v.startsWith(`${line}.`) && /^\d+\.\d+\.\d+$/.test(v));
  return released.length > 0 && /^\d+(\.\d+)?$/.test(line) ? released[released.length - 1]! : "9.5.0";
}
const memcachedVersions = [...versions("1.", [[5, 22], [6, 39]]), "1"];
const perlVersions = [...versions("5.", [[34, 3], [36, 3], [38, 5], [40, 3], [42, 0]]), "5"];
const httpdVersions = [...versions("2.", [[2, 34], [4, 65]]), "2"];

const shellEnv = { PATH: defaultPath };

/** The Docker Official Images the catalogue knows tag by tag, keyed by "docker.io/library/<name>". */
const officialCatalogue: Record<string, CatalogueEntry> = {
  nginx: {
    tags: tagSet([...nginxVersions, "latest", "mainline", "stable", "1"], nginxSuffixes, nginxAliases),
    sizeBytes: sizeBy(72_223_946, 21_504_517, 72_223_946),
    entrypoint: ["/docker-entrypoint.sh"], cmd: ["nginx", "-g", "daemon off;"], kind: "nginx", userland: "gnu",
    env: { PATH: defaultPath }, version: nginxVersion, base: nginxBase, envOf: nginxEnv, entrypointOf: nginxEntrypoint,
  },
  busybox: {
    tags: tagSet([...busyboxVersions, "latest", "stable", "1"], ["", "-glibc", "-musl", "-uclibc"], ["glibc", "musl", "uclibc"]),
    sizeBytes: () => 2_155_813, entrypoint: [], cmd: ["sh"], kind: "shell", userland: "busybox",
    env: { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" }, base: () => "busybox",
  },
  alpine: {
    tags: tagSet([...alpineVersions, "latest", "edge", "3"]), sizeBytes: () => 3_653_068,
    entrypoint: [], cmd: ["/bin/sh"], kind: "shell", userland: "busybox", env: shellEnv, base: alpineBase,
  },
  // Alpine with GNU bash as its command (docker-library/bash); busybox's other utilities
  bash: {
    tags: tagSet(["latest", "5", "5.2", "5.3", "5.2.37", "5.3.3", "4", "4.4", "4.4.23"], ["", "-alpine3.22"], ["devel"]),
    sizeBytes: () => 6_441_210, entrypoint: [], cmd: ["bash"], kind: "shell", userland: "gnu", env: shellEnv,
  },
  ubuntu: { tags: tagSet(ubuntuTags), sizeBytes: () => 29_723_147, entrypoint: [], cmd: ["/bin/bash"], kind: "shell", userland: "gnu", env: shellEnv, base: ubuntuBase },
  debian: {
    tags: tagSet(debianTags, ["", "-slim"], ["12.11", "12.12", "13.1", "13.2", "12.11-slim", "13.1-slim"]),
    sizeBytes: sizeBy(48_494_272, 48_494_272, 28_227_259), entrypoint: [], cmd: ["bash"], kind: "shell", userland: "gnu", env: shellEnv,
    base: debianBase,
  },
  redis: {
    tags: tagSet([...redisVersions, "latest"], ["", "-alpine", "-bookworm"], ["alpine", "bookworm"]),
    sizeBytes: sizeBy(45_117_423, 17_182_090), entrypoint: ["docker-entrypoint.sh"], cmd: ["redis-server"], kind: "redis", userland: "gnu",
    env: shellEnv, version: redisVersion,
  },
  httpd: {
    tags: tagSet([...httpdVersions, "latest"], ["", "-alpine", "-bookworm", "-trixie"], ["alpine", "bookworm", "trixie"]),
    sizeBytes: sizeBy(45_237_121, 22_390_034), entrypoint: [], cmd: ["httpd-foreground"], kind: "httpd", userland: "gnu",
    env: { PATH: `/usr/local/apache2/bin:${defaultPath}`, HTTPD_PREFIX: "/usr/local/apache2" },
    version: (t) => (/^2\.\d+\.\d+/.exec(t)?.[0] ?? "2.4.65"),
  },
  postgres: {
    tags: tagSet([...postgresVersions, "latest"], ["", "-alpine", "-bookworm", "-trixie"], ["alpine", "bookworm", "trixie"]),
    sizeBytes: sizeBy(158_453_891, 108_512_334), entrypoint: ["docker-entrypoint.sh"], cmd: ["postgres"], kind: "postgres", userland: "gnu",
    env: { PATH: `/usr/lib/postgresql/18/bin:${defaultPath}`, PGDATA: "/var/lib/postgresql/18/docker" },
  },
  mysql: {
    tags: tagSet([...mysqlVersions, "latest"], ["", "-oracle", "-debian"], ["oracle", "debian"]),
    sizeBytes: () => 233_912_318, entrypoint: ["docker-entrypoint.sh"], cmd: ["mysqld"], kind: "mysql", userland: "gnu", env: shellEnv,
    version: mysqlVersion,
  },
  memcached: {
    tags: tagSet([...memcachedVersions, "latest"], ["", "-alpine", "-bookworm"], ["alpine", "bookworm"]),
    sizeBytes: sizeBy(32_470_216, 6_013_287), entrypoint: ["docker-entrypoint.sh"], cmd: ["memcached"], kind: "memcached", userland: "gnu", env: shellEnv,
  },
  python: {
    tags: tagSet([...pythonVersions, "latest", "3"], ["", "-slim", "-alpine", "-bookworm", "-slim-bookworm", "-trixie", "-slim-trixie"], ["slim", "alpine", "bookworm", "trixie"]),
    sizeBytes: sizeBy(412_330_121, 17_937_018, 43_213_002), entrypoint: [], cmd: ["python3"], kind: "python", userland: "gnu", env: shellEnv,
  },
  node: {
    tags: tagSet([...nodeVersions, "latest"], ["", "-slim", "-alpine", "-bookworm", "-bookworm-slim", "-trixie"], ["slim", "alpine", "bookworm", "lts-alpine", "lts-slim"]),
    sizeBytes: sizeBy(398_541_288, 56_218_003, 76_904_120), entrypoint: ["docker-entrypoint.sh"], cmd: ["node"], kind: "node", userland: "gnu", env: shellEnv,
  },
  golang: {
    tags: tagSet([...golangVersions, "latest", "1"], ["", "-alpine", "-bookworm", "-trixie"], ["alpine", "bookworm", "trixie"]),
    sizeBytes: sizeBy(293_005_122, 78_132_876), entrypoint: [], cmd: ["bash"], kind: "shell", userland: "gnu",
    env: { PATH: `/go/bin:/usr/local/go/bin:${defaultPath}`, GOPATH: "/go" },
  },
  perl: {
    tags: tagSet([...perlVersions, "latest"], ["", "-slim", "-bookworm", "-slim-bookworm", "-threaded"], ["slim", "bookworm", "threaded"]),
    sizeBytes: sizeBy(338_102_554, 338_102_554, 40_772_619), entrypoint: [], cmd: ["perl5.40.3", "-de0"], kind: "exit0", userland: "gnu", env: shellEnv,
  },
  "hello-world": { tags: tagSet(["latest", "linux", "nanoserver"]), sizeBytes: () => 2_380, entrypoint: [], cmd: ["/hello"], kind: "exit0", userland: "none" },
};

/** Docker Official Images known by name only: any tag is accepted. */
const otherOfficialImages = [
  "adminer", "aerospike", "almalinux", "amazoncorretto", "amazonlinux", "arangodb", "bash", "bonita", "buildpack-deps",
  "caddy", "cassandra", "centos", "chronograf", "clickhouse", "clojure", "composer", "couchbase", "couchdb", "crate", "dart",
  "docker", "drupal", "eclipse-mosquitto", "eclipse-temurin", "elasticsearch", "elixir", "emqx", "erlang", "fedora", "flink",
  "fluentd", "gcc", "ghost", "gradle", "groovy", "haproxy", "haskell", "ibmjava", "influxdb", "jetty", "joomla", "jruby",
  "julia", "kapacitor", "kibana", "kong", "krakend", "liquibase", "logstash", "mariadb", "matomo", "maven", "mediawiki",
  "mongo", "mongo-express", "mono", "nats", "neo4j", "nextcloud", "odoo", "open-liberty", "openjdk", "oraclelinux", "percona",
  "photon", "php", "phpmyadmin", "postfixadmin", "pypy", "r-base", "rabbitmq", "redmine", "registry", "rethinkdb",
  "rockylinux", "ruby", "rust", "sapmachine", "solr", "sonarqube", "storm", "swift", "telegraf", "tomcat", "tomee",
  "traefik", "unit", "varnish", "wordpress", "xwiki", "yourls", "znc", "zookeeper",
];

/** Known repositories outside Docker Hub's library, with their tags. */
const otherCatalogue: Record<string, CatalogueEntry> = {
  // CRI-O's test artifact, the docs' image volume (tasks/configure-pod-container/image-volumes):
  // dir/file holding "1" and file holding "2" (each 2 bytes, cri-o test/image-volume.bats); no
  // program. Its size is approximate (a one-layer image of two 2-byte files).
  "quay.io/crio/artifact": { tags: tagSet(["v1", "v2"]), sizeBytes: () => 270, entrypoint: [], cmd: [], kind: "artifact", userland: "none" },
  "registry.k8s.io/pause": {
    tags: tagSet(["3.1", "3.2", "3.5", "3.6", "3.7", "3.8", "3.9", "3.10", "3.10.1", "latest"]), sizeBytes: () => 320_368,
    entrypoint: ["/pause"], cmd: [], kind: "pause", userland: "none",
    // build/pause's Dockerfile runs it as a non-root user since 3.5 (USER 65535:65535)
    userOf: (tag) => (["3.1", "3.2"].includes(tag) ? undefined : "65535:65535"),
  },
  "registry.k8s.io/e2e-test-images/agnhost": {
    tags: tagSet(["2.32", "2.33", "2.36", "2.39", "2.40", "2.43", "2.45", "2.47", "2.50", "2.51", "2.52", "2.53", "2.54", "2.55", "2.56"]),
    sizeBytes: () => 51_705_327, entrypoint: ["/agnhost"], cmd: ["pause"], kind: "agnhost", userland: "busybox", env: shellEnv, base: () => "busybox",
  },
  "registry.k8s.io/e2e-test-images/busybox": {
    tags: tagSet(["1.29-1", "1.29-2", "1.29-4", "1.36.1-1", "1.37.0-1"]), sizeBytes: () => 2_242_186,
    entrypoint: [], cmd: ["sh"], kind: "shell", userland: "busybox", env: shellEnv, base: () => "busybox",
  },
  // The docs' DNS debugging pod (admin/dns/dnsutils.yaml): Debian jessie with BIND's dnsutils
  // (nslookup, dig, host) installed (test/images/jessie-dnsutils); Kubernetes' e2e tests use 1.7.
  "registry.k8s.io/e2e-test-images/jessie-dnsutils": {
    tags: tagSet(["1.0", "1.2", "1.3", "1.4", "1.5", "1.7"]), sizeBytes: () => 112_000_000,
    entrypoint: [], cmd: ["bash"], kind: "dnsutils", userland: "gnu", env: shellEnv,
  },
  // The ZooKeeper ensemble of the docs' tutorial (application/zookeeper/zookeeper.yaml): Ubuntu with
  // ZooKeeper 3.4.10 and the start-zookeeper and zookeeper-ready scripts of kubernetes/contrib.
  "registry.k8s.io/kubernetes-zookeeper": {
    tags: tagSet(["1.0-3.4.10"]), sizeBytes: () => 274_617_138,
    entrypoint: [], cmd: ["start-zookeeper"], kind: "zookeeper", userland: "gnu", env: shellEnv,
  },
  // The Cassandra ring of the docs' tutorial (application/cassandra/cassandra-statefulset.yaml):
  // debian-base with OpenJDK 8, Cassandra 3.11, run.sh and ready-probe.sh (kubernetes/examples
  // cassandra/image); its CMD runs run.sh under dumb-init, which podflow leaves out.
  "gcr.io/google-samples/cassandra": {
    tags: tagSet(["v13"]), sizeBytes: () => 238_435_678,
    entrypoint: [], cmd: ["/run.sh"], kind: "cassandra", userland: "gnu", env: shellEnv,
  },
  // The busybox the Kubernetes docs' probe examples use (pods/probe/exec-liveness.yaml), under the
  // names older pages give it too (k8s.gcr.io and gcr.io/google_containers: the same images)
  "registry.k8s.io/busybox": k8sBusyboxEntry,
  "k8s.gcr.io/busybox": k8sBusyboxEntry,
  "gcr.io/google_containers/busybox": k8sBusyboxEntry,
  "registry.k8s.io/e2e-test-images/nginx": {
    tags: tagSet(["1.14-2", "1.14-4", "1.15-2", "1.15-4"]), sizeBytes: () => 6_978_233,
    entrypoint: [], cmd: ["nginx", "-g", "daemon off;"], kind: "nginx", userland: "busybox", env: shellEnv,
    version: (t) => (t.startsWith("1.15") ? "1.15.12" : "1.14.2"),
  },
  // The nginx the docs' StatefulSet examples run (application/web/web.yaml, the StatefulSet basics tutorial;
  // its staged update patches in 0.7, the tag Kubernetes' own test-cmd uses as IMAGE_STATEFULSET_R1).
  "registry.k8s.io/nginx-slim": {
    tags: tagSet(["0.7", "0.8", "0.9", "0.21", "0.24", "0.26", "0.27"]), sizeBytes: () => 19_641_122,
    entrypoint: [], cmd: ["nginx", "-g", "daemon off;"], kind: "nginx", userland: "gnu", env: shellEnv,
  },
  "docker.io/polinux/stress": {
    tags: tagSet(["latest", "1.0.4"]), sizeBytes: () => 4_041_410, entrypoint: [], cmd: ["stress", "--help"], kind: "stress", userland: "busybox", env: shellEnv,
  },
  // The docs' CPU resource exercise (pods/resource/cpu-request-limit.yaml): `-cpus N` keeps N cores busy.
  "docker.io/vish/stress": {
    tags: tagSet(["latest"]), sizeBytes: () => 2_227_000, entrypoint: ["/stress"], cmd: [], kind: "stress", userland: "none",
  },
  // The HorizontalPodAutoscaler walkthrough's php-apache: an index.php that burns CPU and prints "OK!".
  "registry.k8s.io/hpa-example": {
    tags: tagSet(["latest"]), sizeBytes: () => 168_512_000, entrypoint: ["docker-php-entrypoint"], cmd: ["apache2-foreground"], kind: "hpa-example", userland: "gnu",
  },
  // The docs' gRPC liveness example runs etcd 3.5.1-0; kubeadm's releases use the others.
  "registry.k8s.io/etcd": {
    tags: tagSet(["3.5.1-0", "3.5.6-0", "3.5.9-0", "3.5.10-0", "3.5.12-0", "3.5.15-0", "3.5.16-0", "3.5.21-0", "3.6.4-0"]), sizeBytes: () => 56_909_194,
    entrypoint: [], cmd: ["/usr/local/bin/etcd"], kind: "etcd", userland: "none",
  },
  // kubeadm's CoreDNS addon (constants.CoreDNSVersion of each release): /coredns on a distroless base.
  "registry.k8s.io/coredns/coredns": {
    tags: tagSet(["v1.11.1", "v1.11.3", "v1.12.0", "v1.12.1", "v1.13.1"]), sizeBytes: () => 22_384_805, entrypoint: ["/coredns"], cmd: [], kind: "coredns", userland: "none",
  },
  // kubeadm's kube-proxy addon: the release's kube-proxy on a distroless iptables base.
  "registry.k8s.io/kube-proxy": {
    tags: tagSet(["v1.33.0", "v1.34.0", "v1.35.0"]), sizeBytes: () => 30_400_000, entrypoint: [], cmd: ["/usr/local/bin/kube-proxy"], kind: "kube-proxy", userland: "none",
  },
  "gcr.io/google-samples/hello-app": {
    tags: tagSet(["1.0", "2.0"]), sizeBytes: () => 10_412_019, entrypoint: ["/hello-app"], cmd: [], kind: "hello-app", userland: "busybox",
  },
  // source-ip's echo app: 1.4 runs nginx itself, 1.10 a run.sh that starts it (Ubuntu-based)
  "registry.k8s.io/echoserver": echoserverEntry,
  "k8s.gcr.io/echoserver": echoserverEntry,
  "gcr.io/google_containers/echoserver": echoserverEntry,
  // debug-service's hostnames Deployment: test/images/serve_hostname (busybox plus /serve_hostname)
  "registry.k8s.io/serve_hostname": {
    tags: tagSet(["latest"]), sizeBytes: () => 2_500_000, entrypoint: ["/serve_hostname"], cmd: [], kind: "serve-hostname", userland: "busybox",
    env: shellEnv, base: () => "busybox",
  },
  // kubernetes-basics' app: node:6.3.1 with server.js (CMD node server.js); its v2 prints v=2
  "gcr.io/google-samples/kubernetes-bootcamp": bootcampEntry(["v1"]),
  "docker.io/jocatalin/kubernetes-bootcamp": bootcampEntry(["v1", "v2"]),
  // curl's own image (curl/curl-container): Alpine's busybox with curl; /entrypoint.sh runs curl
  // with the arguments unless the first names a program (`-- sh` gives a shell)
  "docker.io/curlimages/curl": {
    tags: () => true, sizeBytes: () => 22_000_000, entrypoint: ["/entrypoint.sh"], cmd: ["curl"], kind: "curl", userland: "busybox", env: shellEnv,
  },
  "us-docker.pkg.dev/google-samples/containers/gke/hello-app": {
    tags: tagSet(["1.0", "2.0"]), sizeBytes: () => 10_412_019, entrypoint: ["/hello-app"], cmd: [], kind: "hello-app", userland: "busybox",
  },
};

/** The entry for an image outside the catalogue: a long-running program of unknown shape. */
const genericEntry: CatalogueEntry = {
  tags: () => true, sizeBytes: () => 25_000_000, entrypoint: [], cmd: [], kind: "generic", userland: "none",
};

/** The name-only entry for an official image: a generic program, moderately sized. */
const officialGenericEntry: CatalogueEntry = { ...genericEntry, sizeBytes: () => 80_000_000, env: shellEnv };

/** Looks up an extra registry file's entry for a repository, whatever spelling its key uses. */
function extraEntry(name: string, extra: ExtraRegistry | undefined): CatalogueEntry | undefined {
  if (!extra) return undefined;
  for (const [key, value] of Object.entries(extra)) {
    let keyName: string;
    try { keyName = stripTag(normalizeImage(key)); } catch { continue; }
    if (keyName !== name) continue;
    const spec = Array.isArray(value) ? { tags: value } : value;
    const set = new Set(spec.tags);
    return {
      tags: (t) => set.has(t), sizeBytes: () => spec.sizeBytes ?? genericEntry.sizeBytes(""),
      entrypoint: spec.entrypoint ?? [], cmd: spec.cmd ?? [], kind: "generic", userland: "none",
    };
  }
  return undefined;
}

/** "docker.io/library/nginx" from a normalised reference. */
function stripTag(n: NormalizedImage): string {
  return `${n.registry}/${n.repository}`;
}

type Lookup = { entry: CatalogueEntry; tagsKnown: boolean } | undefined;

/** The catalogue entry for a repository, or undefined when the repository does not exist. */
/**
 * Repositories outside the catalogue that do not exist, though their namespace is not an official
 * image's: the docs name them to show a failing pull (controllers/job-pod-failure-policy-config-issue.yaml).
 */
const missingRepositories: ReadonlySet<string> = new Set(["docker.io/non-existing-repo/non-existing-image"]);

function lookup(n: NormalizedImage, extra: ExtraRegistry | undefined): Lookup {
  const name = stripTag(n);
  if (missingRepositories.has(name)) return undefined;
  const fromFile = extraEntry(name, extra);
  if (fromFile) return { entry: fromFile, tagsKnown: true };
  // The repository name comes from a pod spec: only the catalogue's own entries are images.
  const known = Object.hasOwn(otherCatalogue, name) ? otherCatalogue[name] : undefined;
  if (known) return { entry: known, tagsKnown: true };
  if (n.registry === defaultRegistry && n.repository.startsWith(officialPrefix)) {
    const short = n.repository.slice(officialPrefix.length);
    const official = Object.hasOwn(officialCatalogue, short) ? officialCatalogue[short] : undefined;
    if (official) return { entry: official, tagsKnown: true };
    return otherOfficialImages.includes(short) ? { entry: officialGenericEntry, tagsKnown: false } : undefined;
  }
  return { entry: genericEntry, tagsKnown: false };
}

// ---------------------------------------------------------------------------------
// Pull

/** Containerd's pull error for a reference, in the words the CRI returns. */
function pullError(ref: string, cause: string, grpcCode: "NotFound" | "Unknown"): PullFailure {
  return {
    ok: false, reason: "ErrImagePull", grpcCode,
    message: `failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${cause}`,
  };
}

/** Resolves an image reference against the catalogue (and an optional registry file): the pulled image, or why the pull fails. */
export function resolveImage(image: string, extraRegistry?: ExtraRegistry): { ok: true; image: ImageInfo } | PullFailure {
  let n: NormalizedImage;
  try { n = normalizeImage(image); } catch (e) {
    return { ok: false, reason: "InvalidImageName", message: (e as Error).message };
  }
  const found = lookup(n, extraRegistry);
  if (!found) return pullError(n.ref, "pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed", "Unknown");
  if (found.tagsKnown && n.tag !== "" && !found.entry.tags(n.tag)) return pullError(n.ref, `${n.ref}: not found`, "NotFound");
  return { ok: true, image: imageInfo(n, found.entry) };
}

/** Builds the image store's record for a resolved reference. */
function imageInfo(n: NormalizedImage, entry: CatalogueEntry): ImageInfo {
  const name = stripTag(n);
  const digest = n.digest ?? `sha256:${digestOf(n.ref)}`;
  const version = entry.version?.(n.tag || "latest");
  const base = entry.base?.(n.tag || "latest", version);
  const user = entry.userOf?.(n.tag || "latest");
  return {
    ref: n.ref, name,
    repoTags: n.tag ? [`${name}:${n.tag}`] : [],
    repoDigests: [`${name}@${digest}`],
    imageID: `${name}@${digest}`,
    id: `sha256:${digestOf(`config:${n.ref}`)}`,
    sizeBytes: entry.sizeBytes(n.tag),
    entrypoint: [...(entry.entrypointOf?.(version) ?? entry.entrypoint)], cmd: [...entry.cmd], env: { ...(entry.envOf?.(n.tag || "latest", version) ?? entry.env ?? {}) },
    // an -alpine variant of a Debian-based image has Alpine's busybox userland (ash, killall, nslookup)
    kind: entry.kind, userland: entry.userland === "gnu" && /(^|-)alpine/.test(n.tag) ? "busybox" : entry.userland,
    ...(version ? { version } : {}),
    ...(base ? { base } : {}),
    ...(user ? { user } : {}),
  };
}

/** The kubelet's container-status message for a failed pull: `Failed to pull image "X": rpc error: ...`. */
export function pullFailureMessage(image: string, failure: PullFailure): string {
  if (failure.reason === "InvalidImageName") return failure.message;
  return `Failed to pull image "${image}": rpc error: code = ${failure.grpcCode ?? "Unknown"} desc = ${failure.message}`;
}

/** Simulated pull time in ms: a fixed 300 ms round trip plus 50 MB/s of download. */
export function pullDurationMs(image: ImageInfo): number {
  return 300 + Math.round(image.sizeBytes / 50_000);
}
