// `podflow view TRACE`: a trace recorded by `podflow simulate --trace` played back in the live
// view's page: the messages grow as the cursor moves (live at the recorded simulated times times
// a speed, paced at so many entries per second, or paused and stepped one message at a time),
// and each component's state is drawn on its chart as the trace's state entries say.

import type { TraceEntry } from "../runtime/docs/trace-types.js";
import type { Pace } from "../runtime/cluster.js";
import { ApiError, clientError } from "../runtime/manifests.js";
import * as S from "../machines/apiserver/status.js";
import { activeIds, charts } from "./charts.js";
import type { Batch, MessageRow } from "./live.js";
import { messagesPerBatch, stateText } from "./live.js";
import type { Action, Backend } from "./server.js";

/** Entries a trace may hold (a bound on what a file makes the server keep). */
export const traceEntriesMax = 2_000_000;

/** The trace's entries, or a ClientError naming the first line that is not one. */
export function parseTrace(text: string): TraceEntry[] {
  const out: TraceEntry[] = [];
  let line = 0;
  for (const raw of text.split("\n")) {
    line++;
    if (raw.trim() === "") continue;
    let e: any;
    try {
      e = JSON.parse(raw);
    } catch {
      throw clientError(`line ${line} of the trace is not JSON`);
    }
    if (e === null || typeof e !== "object" || typeof e.kind !== "string" || typeof e.t !== "number" || typeof e.seq !== "number") throw clientError(`line ${line} of the trace is not a trace entry (kind, seq, t)`);
    if (out.length >= traceEntriesMax) throw clientError(`the trace has more than ${traceEntriesMax} entries`);
    out.push(e as TraceEntry);
  }
  return out;
}

/** The chart of an actor's address (kubelet/node-1 -> kubelet), when the live view draws it. */
function chartOf(address: string): string | undefined {
  const name = address.split("/")[0]!;
  return charts.has(name) ? name : undefined;
}

export function traceBackend(text: string, tickMs = 100): Backend & { close(): void } {
  const entries = parseTrace(text);
  let cursor = 0;
  let pace: Pace = { mode: "paused" };
  const states = new Map<string, string>();
  const listeners = new Set<(b: Batch) => void>();
  let pending: MessageRow[] = [];
  let faults: string[] = [];
  const nodes = [...new Set(entries.flatMap((e) => (e.kind === "deliver" ? [e.from, e.to] : [])).filter((a) => a.startsWith("kubelet/")).map((a) => a.slice("kubelet/".length)))].sort();
  const t0 = entries[0]?.t ?? 0;
  let simNow = t0;

  const advance = (e: TraceEntry) => {
    if (e.kind === "deliver") pending.push({ seq: e.seq, t: e.t, from: e.from, to: e.to, type: e.type, summary: e.summary });
    else if (e.kind === "state") states.set(e.actor, e.value);
    else if (e.kind === "fault") faults.push(`t=${e.t} ${e.fault}: ${e.detail}`);
    simNow = e.t;
  };
  /** Moves to just past the next delivery (the state entries it caused come with it). */
  const stepOne = (): boolean => {
    if (cursor >= entries.length) return false;
    let delivered = false;
    while (cursor < entries.length) {
      const e = entries[cursor]!;
      if (e.kind === "deliver" && delivered) break;
      advance(e);
      cursor++;
      if (e.kind === "deliver") delivered = true;
    }
    return true;
  };
  const batch = (all: boolean): Batch => {
    const b: Batch = { t: simNow, delivered: cursor, pace, nodes: nodes.map((name) => ({ name, ready: states.get(`kubelet/${name}`) ?? "" })) };
    const rows = pending.length > messagesPerBatch ? pending.slice(-messagesPerBatch) : pending;
    if (rows.length > 0) b.messages = rows;
    if (pending.length > rows.length) b.skipped = pending.length - rows.length;
    if (faults.length > 0 || all) b.faults = faults.slice(-50);
    b.states = Object.fromEntries(states);
    b.total = entries.length;
    return b;
  };
  const flush = () => {
    if (listeners.size === 0 && pending.length === 0) return;
    const b = batch(false);
    pending = [];
    faults = [];
    for (const l of listeners) l(b);
  };
  let carry = 0;
  const timer = setInterval(() => {
    if (pace.mode === "paced") {
      carry += (pace.perSecond * tickMs) / 1000;
      while (carry >= 1 && stepOne()) carry--;
    } else if (pace.mode === "live") {
      const until = simNow + pace.speed * tickMs;
      while (cursor < entries.length && entries[cursor]!.t <= until) stepOne();
      simNow = Math.max(simNow, Math.min(until, entries[entries.length - 1]?.t ?? until));
    }
    flush();
  }, tickMs);

  return {
    kind: "trace",
    snapshot: () => {
      const b = batch(true);
      return b;
    },
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    get subscribers() {
      return listeners.size;
    },
    lifecycles(address: string) {
      const chart = chartOf(address);
      const value = states.get(address);
      if (!chart || value === undefined) return undefined;
      const v = value.startsWith("{") ? JSON.parse(value) : value;
      return { component: address, charts: [{ key: address, chart, title: address, gone: false, state: stateText(v), active: activeIds(chart, v), transitions: [] }] };
    },
    info: () => ({ entries: entries.length, nodes, components: [...new Set(entries.flatMap((e) => (e.kind === "state" ? [e.actor] : [])))].sort() }),
    close: () => clearInterval(timer),
    async control(a: Action): Promise<unknown> {
      if (a.action === "pace") {
        pace = a.pace;
        carry = 0;
        flush();
        return { pace };
      }
      if (a.action === "step") {
        let n = 0;
        while (n < a.count && stepOne()) n++;
        flush();
        return { stepped: n, cursor };
      }
      throw new ApiError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "a recorded trace is read-only: only pace and step apply", reason: "MethodNotAllowed", details: {}, code: 405 });
    },
  };
}
