// The contract between a simulated container process and the CRI that drives it.
import type { FileSystem } from "./memfs.js";
import type { ProcessUser } from "../identity.js";
import type { SrvRecord } from "../messages.js";

export type { SrvRecord };

/** What a process asks of the world; the CRI performs it in simulated time and resumes the generator. */
export type Effect =
  | { type: "sleep"; ms: number }
  | { type: "wait" } // blocks until the container is killed (a server, tail -f, sleep infinity)
  /**
   * a GET; headers: the ones the client sends besides Host (which the URL gives), lower-cased;
   * timeoutMs: how long the client waits for the connection (wget -T), the resolver's when unset
   */
  | { type: "http"; url: string; headers?: readonly (readonly [string, string])[]; timeoutMs?: number; tls?: TlsOptions }
  /** nslookup's query: A unless -type asks for SRV */
  | { type: "dns"; name: string; qtype?: "SRV" | "PTR" }
  | { type: "allocate"; bytes: number }
  /** keep `cores` cores busy from now on (stress --cpu) */
  | { type: "burn"; cores: number }
  /**
   * kill(2) every process of the container named `name` (killall, nginx -s), or the one with that
   * pid (the shell's kill; 1 is the main process): signal 0 only asks whether one lives
   */
  | { type: "signal"; name: string; pid?: number; signal: number }
  /** `read` waiting on a pipe with nothing in it yet; only a pipeline run side by side answers it (its writer writes or ends) */
  | { type: "input"; pipe: Pipe }
  /** the shell's trap builtin: the signals it now runs a command for (the runtime delivers them to it instead of ignoring them) */
  | { type: "trap"; signals: readonly number[] }
  /** the pid of a process the shell forked for a background job ($!): the namespace's next */
  | { type: "fork" }
  /** ps reading /proc: the processes of the caller's pid namespace, itself included (args: its own argv) */
  | { type: "ps"; args: readonly string[]; pipeline?: { readonly argvs: readonly (readonly string[])[]; readonly index: number } }
  /** what sysinfo(2) and sched_getaffinity(2) tell a process: the node's, since neither is namespaced (nproc, free) */
  | { type: "sysinfo" }
  /** one ICMP echo request to an address (ping): its reply, or none within timeoutMs */
  | { type: "ping"; ip: string; timeoutMs: number };

/** A pipe between two commands of a pipeline: the writer appends to buf and closes it when it ends, `read` takes lines off its front. */
export interface Pipe {
  buf: string;
  closed: boolean;
  /** the reading end has ended: the writer's next write gets SIGPIPE */
  readerGone: boolean;
}

/**
 * The answer to an http effect: a response, or a connection failure. peer: the address and port
 * the connection went to once the name was resolved (busybox wget's "Connecting to host (peer)").
 */
export type HttpResult =
  | { type: "http"; status: number; body?: string; peer?: string }
  | { type: "http"; error: "bad address" | "connection refused" | "timeout"; address?: string; peer?: string }
  /** the TLS handshake failed: the peer's certificate did not verify against the CAs the client trusts (the verifier's words) */
  | { type: "http"; error: "tls"; tlsError: string; peer?: string };

/**
 * How an https client verifies the server: the CA bundle it was given (curl --cacert), none meaning
 * the image's system bundle (which no cluster CA is in), or no verification at all (curl -k).
 */
export interface TlsOptions {
  ca?: string;
  insecure?: boolean;
}

/**
 * The answer to a dns effect: the resolver used and the records found (none: NXDOMAIN). An SRV
 * query's records are in srv; noData: the name exists but has no record of the type asked.
 */
export type DnsResult = { type: "dns"; server: string; fqdn?: string; addresses: string[]; /** the AAAA answer's */ addresses6?: string[]; cnames?: [string, string][]; srv?: SrvRecord[]; noData?: true; /** a PTR question's names */ ptr?: string[]; /** no answer came within the resolver's timeout */ timedOut?: true };


/** The answer to a signal effect: whether a process by that name (or pid) was there to take it; denied: it was, and kill(2) said EPERM (another user's, the sender not root). */
export type SignalResult = { type: "signal"; matched: boolean; denied?: true };

/** A process as /proc shows it: its pid in the caller's namespace, its uid, its command line. */
export interface ProcRow {
  readonly pid: number;
  readonly uid: number;
  readonly argv: readonly string[];
}

/** The answer to a ps effect: the namespace's processes, by pid. */
export type PsResult = { type: "ps"; rows: readonly ProcRow[]; /** the caller's own pid among them (pgrep never matches itself) */ self?: number };

/**
 * The answer to a sysinfo effect: the node's CPUs (a container's affinity mask holds them all: no
 * cpuset without the static CPU manager) and its RAM, all of it and what the node's processes use.
 */
export type SysinfoResult = {
  type: "sysinfo"; cpus: number; memTotalBytes: number; memUsedBytes: number;
  /** statfs(2) of the node's root disk (a container's overlay, emptyDirs, hostPaths): its size and what the pulled images take of it */
  diskBytes?: number; diskUsedBytes?: number;
};

/** The answer to a ping effect: the echo reply (its sender's TTL as it arrived), or none in time. */
export type PingResult = { type: "ping"; reply: true; ttl: number } | { type: "ping"; reply: false };

/** A signal the process traps arrived while it slept or waited: the answer to that sleep or wait. */
export type InterruptResult = { type: "interrupt"; signal: number };

/** The answer to a fork effect: the pid the process table gave. */
export type ForkResult = { type: "fork"; pid: number };

/** What the CRI passes back when it resumes a process (undefined after sleep or allocate). */
export type EffectResult = HttpResult | DnsResult | SignalResult | PsResult | InterruptResult | ForkResult | SysinfoResult | PingResult | undefined;

/** The process's view of its container. */
export interface ProcessIO {
  now(): number; // ms since epoch, simulated
  stdout(line: string): void;
  stderr(line: string): void;
  fs: FileSystem;
  env: Record<string, string>;
  /** the process's uid, gid and groups (id, whoami); absent: root with no other group */
  user?: ProcessUser;
}

/** A request arriving at a port the process listens on (probes, Services, kubectl port-forward). */
export type ListenerRequest =
  /** headers: the request's, Host first, when the client is a program that sends them (wget, curl) */
  | { kind: "http"; path: string; now: number; remoteAddr?: string; userAgent?: string; headers?: readonly (readonly [string, string])[]; /** absent: GET */ method?: string }
  | { kind: "tcp" }
  | { kind: "grpc"; service?: string };

/** A port handler: an HTTP response (with the CPU answering it cost, if any), or for tcp/grpc whether the connection (or health check) succeeds. */
export type Listener = (req: ListenerRequest) => { status: number; body?: string; cpuNanos?: number } | boolean;

/** A running container process. */
export interface Process {
  run: Generator<Effect, number, EffectResult>;
  listeners: Map<number, Listener>;
  /** Set when the runtime cannot start the process at all (containerd's StartError message); run then returns 128. */
  startError?: string;
}

/** Thrown inside a program to end the process with a status (exit, `agnhost netexec /exit`). */
export class ExitSignal {
  constructor(readonly code: number) {}
}
