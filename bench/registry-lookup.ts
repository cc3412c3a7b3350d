// A bench pair for the resource lookups every request makes: the built-in table's (resourceFor)
// against the registry's (resourceIn: built-ins first, then the established CRDs' resources), on a
// watch cache that holds CRDs. Run: node dist/bench/registry-lookup.js
// Timings are printed, never asserted (bench/, not a test).

import { OrderedMap } from "immutable";
import { resourceFor } from "../machines/apiserver/resources.js";
import { resourceIn } from "../machines/apiserver/crds.js";

const crd = (i: number) => ({
  metadata: { name: `things${i}.example.com` },
  spec: { group: "example.com", scope: "Namespaced", names: { plural: `things${i}`, kind: `Thing${i}` }, versions: [{ name: "v1", served: true, storage: true }] },
  status: { acceptedNames: { plural: `things${i}`, kind: `Thing${i}`, listKind: `Thing${i}List` }, conditions: [{ type: "Established", status: "True" }] },
});
const crds = OrderedMap(Array.from({ length: 50 }, (_, i) => [`/registry/apiextensions.k8s.io/customresourcedefinitions/things${i}.example.com`, crd(i)] as [string, unknown]));
const cache = { byKind: OrderedMap<string, OrderedMap<string, any>>([["CustomResourceDefinition", crds as OrderedMap<string, any>]]) };
const asked: [string, string][] = [["", "pods"], ["apps", "deployments"], ["", "configmaps"], ["coordination.k8s.io", "leases"], ["", "nodes"]];
const n = 2_000_000;

function time(label: string, f: (g: string, r: string) => unknown): void {
  let hits = 0;
  for (let i = 0; i < n / 10; i++) if (f(...asked[i % asked.length]!)) hits++; // warm-up
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) if (f(...asked[i % asked.length]!)) hits++;
  const ns = Number(process.hrtime.bigint() - t) / n;
  console.log(`${label.padEnd(44)} ${ns.toFixed(1)} ns/lookup (${hits} hits)`);
}

time("built-in, static table (resourceFor)", resourceFor);
time("built-in, registry with 50 CRDs (resourceIn)", (g, r) => resourceIn(cache, g, r));
time("custom, registry with 50 CRDs (resourceIn)", (_g, _r) => resourceIn(cache, "example.com", "things7"));
