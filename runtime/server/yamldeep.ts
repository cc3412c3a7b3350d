// YAML too deep for the yaml library on the main thread's stack: its composer recurses, and past
// about 800 nested collections it overflows, where go-yaml reads up to 10,000 levels. Such a text is
// composed in a worker thread with a large stack, synchronously (the caller blocks on an Atomics
// wait, as it would block parsing in place), and comes back as JSON text, which JSON.parse reads
// without recursion.

import { createRequire } from "node:module";
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";
import { goYamlProblem, goYamlTags } from "./yamlresolve.js";

/** A yaml library error as the worker sends it: what goYamlProblem and duplicateKeyErrors read. */
export interface DeepYamlError {
  code: string;
  message: string;
  pos: [number, number];
  linePos?: Array<{ line: number; col: number }>;
}

export interface DeepYamlResult {
  /** the first error of the lenient composition (repeated keys allowed), if any */
  error?: DeepYamlError;
  /** the first document as JSON text (absent with an error, or when there is no document) */
  json?: string;
  /** the first key that is a collection, as JSON of its value (go-yaml's "invalid map key") */
  collectionKey?: string;
  /** toJS refused the document: an alias bomb (true), or a merge key of no map ("merge") */
  aliasing?: boolean | "merge";
  /** what go-yaml or YAMLToJSON refuses that the yaml library composed (yamlresolve.ts' goYamlProblem) */
  problem?: string;
  /** the DUPLICATE_KEY errors of a strict composition */
  duplicates: DeepYamlError[];
}

/** Stack for the worker: the composer's frames for 10,000 levels (of go-yaml's bounds) and JSON.stringify's for the result. */
const workerStackMb = 256;
/** How long a caller waits for the worker before giving up (the body is at most 3 MiB). */
const waitMs = 60_000;

// The worker's source: CommonJS run with eval, so it needs no build step of its own (tests run the
// TypeScript sources); the yaml library is required by the absolute path this module resolves.
const workerSource = (yamlPath: string) => `
const { parentPort } = require("node:worker_threads");
const { parseAllDocuments } = require(${JSON.stringify(yamlPath)});
const goYamlTags = ${goYamlTags.toString()};
const goYamlProblem = ${goYamlProblem.toString()};
const options = { version: "1.1", customTags: goYamlTags };
const plain = (e) => ({ code: e.code, message: e.message, pos: e.pos, linePos: e.linePos });
// yamlkeys.ts' firstCollectionKey (go-yaml refuses a collection as a key; toJS would stringify it level by level)
function firstCollectionKey(root) {
  const isCollection = (n) => n !== null && typeof n === "object" && Array.isArray(n.items);
  const isPair = (n) => n !== null && typeof n === "object" && !Array.isArray(n.items) && "key" in n && "value" in n;
  const stack = [{ node: root }];
  while (stack.length > 0) {
    const top = stack.pop();
    if ("checkKey" in top) return top.checkKey;
    const n = top.node;
    const frames = [];
    if (isPair(n)) {
      if (isCollection(n.key)) frames.push({ node: n.key }, { checkKey: n.key });
      frames.push({ node: n.value });
    } else if (isCollection(n)) for (const item of n.items) frames.push({ node: item });
    for (let i = frames.length - 1; i >= 0; i--) stack.push(frames[i]);
  }
  return undefined;
}
parentPort.on("message", ({ text, port, flag }) => {
  const out = { duplicates: [] };
  try {
    const strict = parseAllDocuments(text, options)[0];
    if (strict && !Array.isArray(strict)) out.duplicates = strict.errors.filter((e) => e.code === "DUPLICATE_KEY").map(plain);
    const docs = parseAllDocuments(text, { uniqueKeys: false, ...options });
    const doc = Array.isArray(docs) ? docs[0] : docs;
    if (doc && doc.errors[0]) out.error = plain(doc.errors[0]);
    else if (doc && (out.collectionKey = firstCollectionKey(doc.contents)) !== undefined) out.collectionKey = JSON.stringify(out.collectionKey.toJS(doc));
    else if (doc && (out.problem = goYamlProblem(doc)) !== undefined) {}
    else if (doc) {
      let value;
      try { value = doc.toJS({ maxAliasCount: -1 }); } catch (e) { out.aliasing = /^Merge sources must be maps/.test(String(e && e.message)) ? "merge" : true; }
      if (!out.aliasing) out.problem = goYamlProblem(doc, value === undefined ? null : value);
      if (!out.aliasing && out.problem === undefined) out.json = JSON.stringify(value === undefined ? null : value, (_k, v) => (typeof v === "bigint" ? Number(v) : v));
    }
  } catch (e) {
    out.error = { code: "IMPOSSIBLE", message: String(e && e.message), pos: [0, 0] };
  }
  port.postMessage(out);
  port.close();
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

let worker: Worker | undefined;

function theWorker(): Worker {
  if (worker) return worker;
  const yamlPath = createRequire(import.meta.url).resolve("yaml");
  const w = new Worker(workerSource(yamlPath), { eval: true, resourceLimits: { stackSizeMb: workerStackMb } });
  // an idle worker keeps no process alive; one that died is made again at the next call
  w.unref();
  w.on("error", () => {
    if (worker === w) worker = undefined;
  });
  w.on("exit", () => {
    if (worker === w) worker = undefined;
  });
  worker = w;
  return w;
}

/** Composes a YAML text in the large-stack worker; undefined when the worker did not answer in time. */
export function composeDeepYaml(text: string): DeepYamlResult | undefined {
  const w = theWorker();
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  w.postMessage({ text, port: port2, flag }, [port2]);
  const waited = Atomics.wait(flag, 0, 0, waitMs);
  const got = receiveMessageOnPort(port1);
  port1.close();
  if (waited === "timed-out" || !got) {
    // a worker that hangs is replaced
    void w.terminate();
    if (worker === w) worker = undefined;
    return undefined;
  }
  return got.message as DeepYamlResult;
}

/** True when the yaml library gave up for its own call stack (it reports the RangeError as a document error). */
export function isStackOverflow(message: string | undefined): boolean {
  return message !== undefined && message.includes("Maximum call stack size exceeded");
}
