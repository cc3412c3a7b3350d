import { describe, it, expect } from "vitest";
import { setup, assign, not, and, or, createMachine } from "xstate";
import { validateMermaid } from "./render.js";
import { machineToMermaid, machineEventTable, machineTree, machineAscii, machineDoc, machineStateTable } from "./statechart.js";

// A miniature pod lifecycle: named guards/actions, an `after` delay by name and in ms,
// a nested compound state, a parallel state with two regions, an eventless transition,
// a targetless transition and a final state.
const sample = setup({
  types: {} as { context: { restarts: number }; events: { type: "BIND" } | { type: "START" } | { type: "EXIT" } | { type: "PROBE" } | { type: "DELETE" } },
  guards: { nodeFits: () => true, isRestartable: () => true, probeOk: () => true },
  actions: { recordEvent: () => {}, bumpRestarts: assign({ restarts: ({ context }) => context.restarts + 1 }), killContainers: () => {} },
  delays: { podStartTimeout: 120_000 },
}).createMachine({
  id: "pod",
  description: "A pod from creation to deletion.",
  context: { restarts: 0 },
  initial: "Pending",
  on: { DELETE: { target: ".Terminating", description: "Graceful deletion from any state." } },
  states: {
    Pending: {
      description: "Accepted, not yet running.",
      initial: "Unscheduled",
      states: {
        Unscheduled: { on: { BIND: { target: "Scheduled", guard: "nodeFits", actions: "recordEvent", description: "The scheduler binds the pod." } } },
        Scheduled: { on: { START: "#pod.Running" }, after: { podStartTimeout: { target: "#pod.Failed", actions: "recordEvent" } } },
      },
    },
    Running: {
      type: "parallel",
      entry: "recordEvent",
      states: {
        app: {
          initial: "up",
          states: {
            up: { on: { EXIT: [{ target: "restarting", guard: "isRestartable", actions: "bumpRestarts" }, { target: "#pod.Failed" }] } },
            restarting: { after: { 10000: "up" } },
          },
        },
        probe: {
          initial: "unknown",
          states: {
            unknown: { always: { target: "ready", guard: not("probeOk") }, on: { PROBE: { actions: "recordEvent" } } },
            ready: {},
          },
        },
      },
    },
    Terminating: { exit: "killContainers", after: { 30000: "Succeeded" } },
    Failed: { type: "final" },
    Succeeded: { type: "final" },
  },
});

describe("machineToMermaid", () => {
  it("renders nested, parallel, delayed, eventless and cross-level transitions as stateDiagram-v2", () => {
    expect(machineToMermaid(sample)).toBe(`stateDiagram-v2
  state "Pending" as Pending {
    state "Unscheduled" as Pending_Unscheduled
    state "Scheduled" as Pending_Scheduled
    [*] --> Pending_Unscheduled
    Pending_Unscheduled --> Pending_Scheduled : BIND [nodeFits]
  }
  state "Running" as Running {
    state "app" as Running_app {
      state "up" as Running_app_up
      state "restarting" as Running_app_restarting
      [*] --> Running_app_up
      Running_app_up --> Running_app_restarting : EXIT [isRestartable]
      Running_app_restarting --> Running_app_up : after 10000ms
    }
    --
    state "probe" as Running_probe {
      state "unknown" as Running_probe_unknown
      state "ready" as Running_probe_ready
      [*] --> Running_probe_unknown
      Running_probe_unknown --> Running_probe_unknown : PROBE
      Running_probe_unknown --> Running_probe_ready : always [!probeOk]
    }
  }
  state "Terminating" as Terminating
  state "Failed" as Failed
  state "Succeeded" as Succeeded
  [*] --> Pending
  Failed --> [*]
  Succeeded --> [*]
  Pending_Scheduled --> Running : START
  Pending_Scheduled --> Failed : after podStartTimeout
  Running_app_up --> Failed : EXIT
  Terminating --> Succeeded : after 30000ms
`);
  });

  it("is deterministic: the same machine always yields the same text", () => {
    expect(machineToMermaid(sample)).toBe(machineToMermaid(sample));
  });

  it("passes the validator, which both checks the grammar and renders it with beautiful-mermaid", () => {
    expect(validateMermaid(machineToMermaid(sample))).toEqual({ ok: true });
  });

  const escaping = [
    {
      name: "state keys with spaces and dashes become safe ids but keep their label",
      machine: createMachine({ initial: "pod ready", states: { "pod ready": { on: { GO: "image-pull" } }, "image-pull": {} } }),
      expected: ['state "pod ready" as pod_ready', 'state "image-pull" as image_pull', "pod_ready --> image_pull : GO"],
    },
    {
      name: "a state named like a Mermaid keyword gets a prefixed id",
      machine: createMachine({ initial: "end", states: { end: { on: { X: "note" } }, note: {} } }),
      expected: ['state "end" as s_end', 'state "note" as s_note', "s_end --> s_note : X"],
    },
    {
      name: "two paths that escape to the same id are told apart by a numeric suffix",
      machine: createMachine({ initial: "a_b", states: { a_b: {}, a: { initial: "b", states: { b: {} } } } }),
      expected: ['state "a_b" as a_b', 'state "b" as a_b_2'],
    },
    {
      name: "a targetless transition and an explicit self-transition are both drawn as self loops",
      machine: createMachine({ initial: "a", states: { a: { on: { TICK: { actions: [] }, RESET: { target: "a", reenter: true } } } } }),
      expected: ["a --> a : TICK", "a --> a : RESET"],
    },
    {
      name: "a guard built from and/or/not is shown composed, an inline guard as inline",
      machine: createMachine({
        initial: "a",
        states: { a: { on: { X: { target: "b", guard: and(["fits", or(["ready", not("cordoned")])]) }, Y: { target: "b", guard: () => true } } }, b: {} },
      }),
      expected: ["a --> b : X [fits && (ready || !cordoned)]", "a --> b : Y [inline]"],
    },
    {
      name: "labels lose characters that would end a Mermaid statement or open an entity",
      machine: createMachine({ initial: "a", states: { a: { on: { "A;B#<c>": "b" } }, b: {} } }),
      expected: ["a --> b : A,Bno.‹c›"],
    },
  ];
  for (const row of escaping) {
    it(row.name, () => {
      const src = machineToMermaid(row.machine);
      for (const line of row.expected) expect(src.split("\n").map((l) => l.trim())).toContain(line);
      expect(validateMermaid(src)).toEqual({ ok: true });
    });
  }
});

describe("machineEventTable", () => {
  it("lists one row per transition, sorted by trigger, with guards, actions, targets and descriptions", () => {
    expect(machineEventTable(sample, { START: "The kubelet starts the pod sandbox.", BIND: "overridden by the transition's own description" })).toBe(
      `| Event | From | To | Guard | Actions | Description |
| --- | --- | --- | --- | --- | --- |
| \`BIND\` | Pending.Unscheduled | Pending.Scheduled | \`nodeFits\` | recordEvent | The scheduler binds the pod. |
| \`DELETE\` | (any state) | Terminating |  |  | Graceful deletion from any state. |
| \`EXIT\` | Running.app.up | Running.app.restarting | \`isRestartable\` | bumpRestarts |  |
| \`EXIT\` | Running.app.up | Failed |  |  |  |
| \`PROBE\` | Running.probe.unknown | (internal) |  | recordEvent |  |
| \`START\` | Pending.Scheduled | Running |  |  | The kubelet starts the pod sandbox. |
| \`after 10000ms\` | Running.app.restarting | Running.app.up |  |  |  |
| \`after 30000ms\` | Terminating | Succeeded |  |  |  |
| \`after podStartTimeout\` | Pending.Scheduled | Failed |  | recordEvent |  |
| \`always\` | Running.probe.unknown | Running.probe.ready | \`!probeOk\` |  |  |
`,
    );
  });

  it("merges identical transitions from several states into one row", () => {
    const m = createMachine({ initial: "a", states: { a: { on: { STOP: "c" } }, b: { on: { STOP: "c" } }, c: {} } });
    expect(machineEventTable(m).split("\n")[2]).toBe("| `STOP` | a, b | c |  |  |  |");
  });

  it("marks a re-entering self-transition apart from an internal one", () => {
    const m = createMachine({ initial: "a", states: { a: { on: { TICK: { actions: [] }, RESET: { target: "a", reenter: true } } } } });
    const rows = machineEventTable(m).split("\n");
    expect(rows).toContain("| `RESET` | a | a (re-enter) |  |  |  |");
    expect(rows).toContain("| `TICK` | a | (internal) |  |  |  |");
  });

  it("escapes pipes inside cells", () => {
    const m = createMachine({ initial: "a", states: { a: { on: { X: { target: "b", description: "either | or" } } }, b: {} } });
    expect(machineEventTable(m)).toContain("either \\| or");
  });
});

describe("machineStateTable", () => {
  it("lists each state with its type, own entry/exit actions (not XState's delay bookkeeping) and description", () => {
    const rows = machineStateTable(sample).split("\n");
    expect(rows).toContain("| Pending | compound, initial |  |  |  | Accepted, not yet running. |");
    expect(rows).toContain("| Running | parallel | recordEvent |  |  |  |");
    expect(rows).toContain("| Terminating | atomic |  | killContainers |  |  |");
    expect(rows).toContain("| Failed | final |  |  |  |  |");
  });
});

describe("machineDoc", () => {
  it("builds the page: title, the machine's description, the mermaid block, both tables, and an SVG", () => {
    const doc = machineDoc("pod", sample, { title: "Pod lifecycle" });
    expect(doc.markdown.startsWith("# Pod lifecycle\n")).toBe(true);
    expect(doc.markdown).toContain("\nA pod from creation to deletion.\n");
    expect(doc.markdown).toContain("```mermaid\n" + machineToMermaid(sample) + "```");
    expect(doc.markdown).toContain("![pod statechart](pod.svg)");
    expect(doc.markdown).toContain(machineEventTable(sample));
    expect(doc.markdown).toContain(machineStateTable(sample));
    expect(doc.svg.startsWith("<svg")).toBe(true);
    expect(doc.svg).toContain(">Unscheduled</text>");
    expect(doc.svg).toContain(">BIND [nodeFits]</text>");
  });

  it("omits the image link when svgHref is null and renders the same SVG every time", () => {
    const a = machineDoc("pod", sample, { svgHref: null });
    expect(a.markdown).not.toContain("![");
    expect(machineDoc("pod", sample, { svgHref: null }).svg).toBe(a.svg);
  });
});

describe("machineAscii", () => {
  it("prints a nested machine as an indented tree of states and transitions", () => {
    expect(machineAscii(sample)).toBe(`pod (compound) -- A pod from creation to deletion.
    - DELETE -> Terminating
  Pending (initial, compound) -- Accepted, not yet running.
    Unscheduled (initial)
        - BIND [nodeFits] -> Pending.Scheduled / recordEvent
    Scheduled
        - START -> Running
        - after podStartTimeout -> Failed / recordEvent
  Running (parallel)
    app (compound)
      up (initial)
          - EXIT [isRestartable] -> Running.app.restarting / bumpRestarts
          - EXIT -> Failed
      restarting
          - after 10000ms -> Running.app.up
    probe (compound)
      unknown (initial)
          - PROBE -> (internal) / recordEvent
          - always [!probeOk] -> Running.probe.ready
      ready
  Terminating
      - after 30000ms -> Succeeded
  Failed (final)
  Succeeded (final)
`);
  });

  it("draws a box diagram with beautiful-mermaid when asked for style diagram", () => {
    const flat = createMachine({ initial: "Pending", states: { Pending: { on: { RUN: "Running" } }, Running: { on: { STOP: "Succeeded" } }, Succeeded: { type: "final" } } });
    const art = machineAscii(flat, { style: "diagram" });
    for (const word of ["Pending", "Running", "Succeeded", "RUN", "STOP"]) expect(art).toContain(word);
    expect(art).toMatch(/[┌╭]/);
    expect(machineAscii(flat)).toBe(machineTree(flat));
  });
});
