// The live view's page: plain ES module, no build step. Batches arrive from /ui/api/events
// (Server-Sent Events read through fetch, so the token goes in a header); they are merged at once
// and drawn once per animation frame. The message list is virtualised (only the rows in view
// exist); node boxes use content-visibility, so thousands of pod cards cost little off screen.

const $ = (id) => document.getElementById(id);
const state = {
  token: "",
  kind: "",
  pods: new Map(), // uid -> card
  nodes: new Map(), // name -> card
  messages: [],
  invariants: [],
  faults: [],
  states: {},
  pace: { mode: "live", speed: 1 },
  t: 0,
  delivered: 0,
  selected: "",
  lanes: [],
  dirty: { pods: new Set(), nodes: false, all: true, messages: false, invariants: false },
};
const messagesMax = 5000;
// what the benchmark reads (bench/ui.ts): each render's time, and the wall time from a batch's sending to its drawing
const statsKept = 2000;
window.podflowStats = { renders: [], latencies: [], batches: 0 };
const unrendered = []; // sent times of the batches merged since the last frame
const rowHeight = 20;
const laneWidth = 84;
const timeWidth = 64;

// ---- token and requests ---------------------------------------------------------------------

function readToken() {
  const m = /(?:^#|&)token=([^&]*)/.exec(location.hash);
  if (m) {
    sessionStorage.setItem("podflow-token", decodeURIComponent(m[1]));
    history.replaceState(null, "", location.pathname + location.search);
  }
  return sessionStorage.getItem("podflow-token") ?? "";
}

function headers(extra = {}) {
  return state.token ? { Authorization: `Bearer ${state.token}`, ...extra } : extra;
}

async function api(path, body) {
  const init = body === undefined ? { headers: headers() } : { method: "POST", headers: headers({ "Content-Type": "application/json" }), body: JSON.stringify(body) };
  const res = await fetch(`api/${path}`, init);
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(json.message ?? `${res.status}`);
  return json;
}

function say(text) {
  $("result").textContent = text;
}

async function control(path, body) {
  try {
    const r = await api(path, body);
    say(`${path}: ${JSON.stringify(r.details ?? r)}`);
    return r;
  } catch (e) {
    say(`${path}: ${e.message}`);
    return undefined;
  }
}

// ---- the event stream ---------------------------------------------------------------------

async function follow() {
  for (;;) {
    let first = true;
    try {
      const res = await fetch("api/events", { headers: headers() });
      if (res.status === 401) {
        $("auth").hidden = false;
        return;
      }
      if (!res.ok || !res.body) throw new Error(`events: ${res.status}`);
      $("auth").hidden = true;
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buf = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
        let i;
        while ((i = buf.indexOf("\n\n")) >= 0) {
          const chunk = buf.slice(0, i);
          buf = buf.slice(i + 2);
          for (const line of chunk.split("\n")) {
            if (!line.startsWith("data: ")) continue;
            onBatch(JSON.parse(line.slice(6)), first);
            first = false;
          }
        }
      }
    } catch {
      // the server went away or the stream was ended: open it again
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function onBatch(b, reset) {
  if (reset) {
    state.pods.clear();
    state.nodes.clear();
    state.messages = [];
    state.faults = [];
    state.dirty.all = true;
  }
  state.t = b.t;
  state.delivered = b.delivered;
  state.pace = b.pace;
  if (b.nodes) {
    state.nodes = new Map(b.nodes.map((n) => [n.name, n]));
    state.dirty.nodes = true;
  }
  for (const p of b.pods ?? []) {
    state.pods.set(p.uid, p);
    state.dirty.pods.add(p.uid);
  }
  for (const uid of b.removed ?? []) {
    state.pods.delete(uid);
    state.dirty.pods.add(uid);
  }
  if (b.messages) {
    state.messages.push(...b.messages);
    if (state.messages.length > messagesMax) state.messages.splice(0, state.messages.length - messagesMax);
    state.dirty.messages = true;
  }
  if (b.invariants) {
    state.invariants = b.invariants;
    state.dirty.invariants = true;
  }
  if (b.faults) {
    state.faults.push(...b.faults);
    state.faults = state.faults.slice(-50);
    state.dirty.invariants = true;
  }
  if (b.states) state.states = b.states;
  if (b.total !== undefined) state.total = b.total;
  window.podflowStats.batches++;
  if (b.sent) unrendered.push(b.sent);
  schedule();
}

let frame = 0;
function schedule() {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    render();
  });
}

// ---- drawing ------------------------------------------------------------------------------

function render() {
  const started = performance.now();
  const d = state.dirty;
  renderHeader();
  if (d.all || d.nodes || d.pods.size > 0) renderCluster(d.all || d.nodes);
  if (d.all || d.messages) renderFlow();
  if (d.all || d.invariants) renderInvariants();
  if (state.selected && (d.all || d.messages || d.pods.has(state.selected))) refreshLifecycle();
  state.dirty = { pods: new Set(), nodes: false, all: false, messages: false, invariants: false };
  const st = window.podflowStats;
  const now = Date.now();
  for (const sent of unrendered.splice(0)) keep(st.latencies, now - sent);
  keep(st.renders, performance.now() - started);
}

function keep(list, v) {
  list.push(v);
  if (list.length > statsKept) list.shift();
}

function renderHeader() {
  const p = state.pace;
  $("play").classList.toggle("on", p.mode === "live");
  $("paced").classList.toggle("on", p.mode === "paced");
  $("pause").classList.toggle("on", p.mode === "paused");
  $("step").disabled = p.mode === "live";
  const total = state.total !== undefined ? ` of ${state.total} entries` : " delivered";
  $("clock").textContent = `t=${new Date(state.t).toISOString().slice(11, 23)}  ${state.delivered}${total}`;
}

const nodeEls = new Map(); // node name -> { box, pods }
const podEls = new Map(); // uid -> element

function nodeBox(name) {
  let n = nodeEls.get(name);
  if (!n) {
    const box = document.createElement("div");
    box.className = "node";
    box.dataset.node = name;
    const h = document.createElement("h3");
    h.append(document.createElement("span"), document.createElement("span"));
    const pods = document.createElement("div");
    pods.className = "pods";
    box.append(h, pods);
    n = { box, head: h, pods };
    nodeEls.set(name, n);
    $("nodes").append(box);
  }
  return n;
}

function renderCluster(nodesChanged) {
  if (nodesChanged) {
    const names = [...state.nodes.keys()].sort(byNatural);
    for (const name of names) {
      const n = nodeBox(name);
      const card = state.nodes.get(name);
      n.head.children[0].textContent = name;
      n.head.children[1].textContent = card.ready;
      n.box.className = `node ${card.ready}`;
    }
    for (const [name, n] of nodeEls) if (!state.nodes.has(name) && name !== "(unscheduled)") n.box.remove(), nodeEls.delete(name);
    fillNodeSelect(names);
  }
  const uids = state.dirty.all ? new Set([...podEls.keys(), ...state.pods.keys()]) : state.dirty.pods;
  for (const uid of uids) {
    const p = state.pods.get(uid);
    let el = podEls.get(uid);
    if (!p) {
      if (el) el.remove(), podEls.delete(uid);
      continue;
    }
    if (!el) {
      el = document.createElement("div");
      el.className = "pod";
      el.tabIndex = 0;
      el.dataset.uid = uid;
      el.append(document.createElement("b"), document.createElement("span"), document.createElement("br"), document.createElement("span"));
      podEls.set(uid, el);
    }
    const box = nodeBox(p.node || "(unscheduled)").pods;
    if (el.parentElement !== box) box.append(el);
    el.dataset.pod = `${p.namespace}/${p.name}`;
    el.dataset.phase = p.phase;
    el.dataset.status = p.status;
    el.classList.toggle("deleting", p.deleting);
    el.classList.toggle("selected", uid === state.selected);
    el.children[0].textContent = p.name;
    el.children[1].textContent = `${p.status} ${p.ready}`;
    el.children[3].textContent = `↻${p.restarts} ${p.ip}`;
    el.title = `${p.namespace}/${p.name}\nphase ${p.phase}, READY ${p.ready}, restarts ${p.restarts}, IP ${p.ip || "none"}${p.node ? `, on ${p.node}` : ""}`;
  }
  $("counts").textContent = `${state.nodes.size} nodes, ${state.pods.size} pods, ${[...state.pods.values()].filter((p) => p.phase === "Running").length} running`;
}

function byNatural(a, b) {
  return a.localeCompare(b, undefined, { numeric: true });
}

function fillNodeSelect(names) {
  const sel = $("node");
  if (sel.options.length === names.length) return;
  sel.replaceChildren(...names.map((n) => new Option(n, n)));
}

// ---- lifecycle charts -----------------------------------------------------------------------

const svgCache = new Map(); // chart -> Promise<string>
let lifecycleBusy = false;
let lifecycleAgain = false;

function chartSvg(chart) {
  let p = svgCache.get(chart);
  if (!p) {
    p = fetch(`api/charts/${chart}.svg`, { headers: headers() }).then((r) => (r.ok ? r.text() : ""));
    svgCache.set(chart, p);
  }
  return p;
}

async function refreshLifecycle() {
  if (lifecycleBusy) {
    lifecycleAgain = true;
    return;
  }
  lifecycleBusy = true;
  try {
    const uid = state.selected;
    const data = await api(`pod?uid=${encodeURIComponent(uid)}`).catch(() => undefined);
    if (uid === state.selected && data) await drawCharts(data);
  } finally {
    lifecycleBusy = false;
    if (lifecycleAgain) {
      lifecycleAgain = false;
      setTimeout(refreshLifecycle, 200);
    }
  }
}

const chartEls = new Map(); // key -> element

async function drawCharts(data) {
  const box = $("charts");
  const keys = new Set(data.charts.map((c) => c.key));
  for (const [k, el] of chartEls) if (!keys.has(k)) el.remove(), chartEls.delete(k);
  // new charts get their boxes at once and their drawings together (fetched in parallel, cached)
  const fresh = [];
  for (const c of data.charts) {
    if (chartEls.has(c.key)) continue;
    const el = document.createElement("div");
    el.className = "chart";
    el.dataset.chart = c.chart;
    el.dataset.key = c.key;
    const svg = document.createElement("div");
    svg.className = "svg";
    el.append(document.createElement("h4"), svg, document.createElement("ol"));
    chartEls.set(c.key, el);
    box.append(el);
    fresh.push(chartSvg(c.chart).then((text) => {
      const doc = new DOMParser().parseFromString(text, "image/svg+xml");
      if (doc.documentElement?.nodeName === "svg") svg.append(document.importNode(doc.documentElement, true));
    }));
  }
  await Promise.all(fresh);
  for (const c of data.charts) {
    const el = chartEls.get(c.key);
    if (!el) continue;
    el.dataset.state = c.state;
    el.classList.toggle("gone", c.gone);
    el.children[0].textContent = `${c.title}: ${c.state}${c.gone ? " (ended)" : ""}`;
    const svg = el.children[1];
    for (const g of svg.querySelectorAll(".active,.taken")) g.classList.remove("active", "taken");
    for (const id of c.active) for (const g of svg.querySelectorAll(`g.node[data-id="${CSS.escape(id)}"], g.subgraph[data-id="${CSS.escape(id)}"]`)) g.classList.add("active");
    for (const tr of c.transitions) {
      for (const from of tr.fromIds) for (const to of tr.toIds) {
        for (const e of svg.querySelectorAll(`polyline.edge[data-from="${CSS.escape(from)}"][data-to="${CSS.escape(to)}"], g.edge-label[data-from="${CSS.escape(from)}"][data-to="${CSS.escape(to)}"]`)) e.classList.add("taken");
      }
    }
    el.children[2].replaceChildren(...c.transitions.slice(-8).map((tr) => {
      const li = document.createElement("li");
      li.textContent = `t=${new Date(tr.t).toISOString().slice(11, 23)} ${tr.from} → ${tr.to} (${tr.actor})`;
      return li;
    }));
  }
}

function select(uid) {
  state.selected = uid;
  for (const el of document.querySelectorAll(".pod.selected")) el.classList.remove("selected");
  podEls.get(uid)?.classList.add("selected");
  const p = state.pods.get(uid);
  $("selected").textContent = p ? `${p.namespace}/${p.name}` : uid;
  $("deletePod").disabled = !p;
  for (const el of chartEls.values()) el.remove();
  chartEls.clear();
  if (uid) refreshLifecycle();
}

// ---- message flow -------------------------------------------------------------------------

// a pod's own path first (kubectl, the API server, etcd, the scheduler, its node's agents), the controllers after
const laneOrder = ["kubectl", "apiserver", "etcd", "scheduler", "kubelet", "cri", "cni", "replicaset-controller", "deployment-controller", "endpoints-controller", "endpointslice-controller", "kube-proxy", "coredns", "runtime"];

/** The lane of an address: a node's agents share one lane per kind (kubelet/node-3 -> kubelet). */
function laneOf(address) {
  const slash = address.indexOf("/");
  return slash < 0 ? address : address.slice(0, slash);
}

function laneRank(l) {
  const i = laneOrder.indexOf(l);
  return i < 0 ? laneOrder.length : i;
}

function visibleMessages() {
  const pod = $("podFilter").value.trim();
  const lane = $("laneFilter").value;
  if (!pod && !lane) return state.messages;
  return state.messages.filter((m) => (!pod || m.summary.includes(pod)) && (!lane || laneOf(m.from) === lane || laneOf(m.to) === lane));
}

let shown = [];
// the diagram follows its newest message until the reader scrolls up, and again once back at the bottom
let following = true;
function renderFlow() {
  const lanes = new Set(state.lanes);
  for (const m of state.messages) lanes.add(laneOf(m.from)), lanes.add(laneOf(m.to));
  if (lanes.size !== state.lanes.length) {
    state.lanes = [...lanes].sort((a, b) => laneRank(a) - laneRank(b) || a.localeCompare(b));
    $("lanes").replaceChildren(Object.assign(document.createElement("span"), { style: `width:${timeWidth}px`, textContent: "t" }), ...state.lanes.map((l) => Object.assign(document.createElement("span"), { style: `width:${laneWidth}px`, textContent: l, title: l })));
    const sel = $("laneFilter");
    const v = sel.value;
    sel.replaceChildren(new Option("every component", ""), ...state.lanes.map((l) => new Option(l, l)));
    sel.value = v;
  }
  const seq = $("seq");
  shown = visibleMessages();
  $("seqInner").style.height = `${shown.length * rowHeight}px`;
  $("seqInner").style.width = `${timeWidth + state.lanes.length * laneWidth}px`;
  $("flowCount").textContent = `${shown.length} shown, ${state.delivered} delivered`;
  if (following) seq.scrollTop = seq.scrollHeight;
  drawRows();
}

function drawRows() {
  const seq = $("seq");
  const first = Math.max(0, Math.floor(seq.scrollTop / rowHeight) - 5);
  const last = Math.min(shown.length, first + Math.ceil(seq.clientHeight / rowHeight) + 10);
  const x = (lane) => timeWidth + state.lanes.indexOf(lane) * laneWidth + laneWidth / 2;
  const rows = [];
  for (const [i, l] of state.lanes.entries()) {
    const line = document.createElement("div");
    line.className = "lane-line";
    line.style.left = `${timeWidth + i * laneWidth + laneWidth / 2}px`;
    rows.push(line);
  }
  for (let i = first; i < last; i++) {
    const m = shown[i];
    const row = document.createElement("div");
    row.className = i === shown.length - 1 ? "msg last" : "msg";
    row.style.top = `${i * rowHeight}px`;
    row.dataset.seq = m.seq;
    const a = x(laneOf(m.from));
    const b = x(laneOf(m.to));
    const lo = Math.min(a, b);
    const w = Math.max(Math.abs(b - a), 12);
    const t = document.createElement("span");
    t.className = "t";
    t.textContent = new Date(m.t).toISOString().slice(14, 23); // mm:ss.mmm of the simulated clock
    t.title = new Date(m.t).toISOString();
    const arrow = document.createElement("div");
    arrow.className = `arrow ${b >= a ? "right" : "left"}`;
    arrow.style.left = `${lo}px`;
    arrow.style.width = `${w}px`;
    const label = document.createElement("span");
    label.className = "label";
    label.style.left = `${lo + 2}px`;
    label.style.maxWidth = `${Math.max(w, laneWidth * 2)}px`;
    const where = [m.from, m.to].find((a) => a.includes("/"));
    label.textContent = `${m.type} ${m.summary}${where ? ` @${where.slice(where.indexOf("/") + 1)}` : ""}`;
    label.title = `#${m.seq} ${m.from} → ${m.to}: ${m.type} ${m.summary}`;
    row.append(t, arrow, label);
    rows.push(row);
  }
  $("seqInner").replaceChildren(...rows);
}

// ---- invariants ---------------------------------------------------------------------------

function renderInvariants() {
  const bad = state.invariants.filter((i) => i.status === "violated").length;
  $("invCount").textContent = state.invariants.length ? `${state.invariants.length - bad} hold, ${bad} violated` : "";
  $("invariants").replaceChildren(...state.invariants.map((inv) => {
    const li = document.createElement("li");
    li.className = inv.status;
    li.dataset.invariant = inv.name;
    li.textContent = inv.name;
    li.title = inv.description;
    for (const v of inv.violations.slice(0, 3)) {
      const c = document.createElement("code");
      c.textContent = `${v.message}\nat t=${v.t}, after ${v.delivered} deliveries\nreplay: ${v.replay}`;
      li.append(c);
    }
    return li;
  }));
  if (state.kind === "trace" && state.invariants.length === 0) {
    $("invariants").replaceChildren(...Object.entries(state.states).map(([a, s]) => {
      const li = document.createElement("li");
      li.textContent = `${a}: ${s}`;
      li.style.cursor = "pointer";
      li.addEventListener("click", () => select(a));
      return li;
    }));
    $("invCount").textContent = "(a recorded trace: the components' states; click one for its chart)";
  }
  $("faults").replaceChildren(...state.faults.map((f) => Object.assign(document.createElement("li"), { textContent: f })));
}

// ---- wiring -------------------------------------------------------------------------------

async function start() {
  state.token = readToken();
  const info = await api("info").catch(() => undefined);
  if (!info) {
    $("auth").hidden = false;
    return;
  }
  state.kind = info.kind;
  $("kind").textContent = info.kind === "trace" ? `recorded trace, ${info.entries} entries` : `live cluster, seed ${info.seed}`;
  if (info.kind === "trace") $("controls").hidden = true;
  $("component").replaceChildren(...(info.components ?? []).map((c) => new Option(c, c)));
  $("fault").replaceChildren(...(info.faults ?? []).map((f) => new Option(f, f)));
  if (info.kind === "live") {
    const examples = await api("examples").catch(() => []);
    for (const e of examples) $("example").append(new Option(e.name, e.text));
  }
  void follow();
}

$("example").addEventListener("change", () => ($("manifest").value = $("example").value));
$("apply").addEventListener("click", () => $("manifest").value.trim() && control("apply", { manifest: $("manifest").value }));
$("deletePod").addEventListener("click", () => {
  const p = state.pods.get(state.selected);
  if (p) control("delete", { namespace: p.namespace, name: p.name });
});
$("killNode").addEventListener("click", () => $("node").value && control("kill-node", { node: $("node").value }));
$("crash").addEventListener("click", () => $("component").value && control("crash", { component: $("component").value }));
$("inject").addEventListener("click", () => $("fault").value && control("fault", { fault: $("fault").value }));
$("play").addEventListener("click", () => control("pace", { mode: "live", speed: Number($("speed").value) || 1 }));
$("paced").addEventListener("click", () => control("pace", { mode: "paced", perSecond: Number($("perSecond").value) || 5 }));
$("pause").addEventListener("click", () => control("pace", { mode: "paused" }));
$("step").addEventListener("click", () => control("step", { count: 1 }));
$("podFilter").addEventListener("input", () => renderFlow());
$("laneFilter").addEventListener("change", () => renderFlow());
$("seq").addEventListener("scroll", () => {
  const seq = $("seq");
  following = seq.scrollTop + seq.clientHeight >= seq.scrollHeight - rowHeight * 2;
  drawRows();
}, { passive: true });
$("nodes").addEventListener("click", (e) => {
  const el = e.target.closest?.(".pod");
  if (el) select(el.dataset.uid);
});
$("useToken").addEventListener("click", () => {
  sessionStorage.setItem("podflow-token", $("token").value.trim());
  location.reload();
});
void start();
