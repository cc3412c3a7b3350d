import { describe, expect, it } from "vitest";
import { effectiveOwnership, formatStatus } from "./cassandra.js";

// What the docs' Cassandra tutorial shows `kubectl exec -it cassandra-0 -- nodetool status` print
// (tutorials/stateful-application/cassandra): Cassandra 3.11's columns, two spaces apart, Load
// padded to 9, Tokens to 11, Owns (effective) to 16, Host ID to 36.
const docs = [
  "Datacenter: DC1-K8Demo",
  "======================",
  "Status=Up/Down",
  "|/ State=Normal/Leaving/Joining/Moving",
  "--  Address     Load       Tokens       Owns (effective)  Host ID                               Rack",
  "UN  172.17.0.5  83.57 KiB  32           74.0%             e2dd09e6-d9d3-477e-96c5-45094c08db0f  Rack1-K8Demo",
  "UN  172.17.0.4  101.04 KiB  32           58.8%             f89d6835-3a42-4419-92b3-0e62cae1479c  Rack1-K8Demo",
  "UN  172.17.0.6  84.74 KiB  32           67.1%             a6a1e8c2-3dc5-4417-b1a0-26507af2aaad  Rack1-K8Demo",
];

const node = (address: string, hostId: string, loadKiB: number, tokens: number[]) => ({ address, hostId, loadKiB, tokens, dc: "DC1-K8Demo", rack: "Rack1-K8Demo" });

describe("nodetool status (gcr.io/google-samples/cassandra:v13)", () => {
  it("prints the docs' layout: header, then a row per node", () => {
    const nodes = [
      node("172.17.0.5", "e2dd09e6-d9d3-477e-96c5-45094c08db0f", 83.57, [0.1, 0.5]),
      node("172.17.0.4", "f89d6835-3a42-4419-92b3-0e62cae1479c", 101.04, [0.2, 0.6]),
      node("172.17.0.6", "a6a1e8c2-3dc5-4417-b1a0-26507af2aaad", 84.74, [0.3, 0.7]),
    ];
    const out = formatStatus(nodes, () => true).split("\n");
    expect(out.slice(0, 5)).toEqual(docs.slice(0, 5));
    // the same rows as the docs' but for Owns, which follows from these tokens, and Tokens (2 here)
    const shape = (l: string) => l.replace(/\d+\.\d%/, "P%").replace(/ 32 {10}/, " N  ").replace(/ 2 {11}/, " N  ");
    expect(out.slice(5, 8).map(shape)).toEqual(docs.slice(5).map(shape));
    expect(formatStatus([nodes[0]!], (a) => a !== "172.17.0.5").split("\n")[5]).toMatch(/^DN {2}172\.17\.0\.5 /);
  });

  it("effective ownership with replication factor 2: each range goes to its token's node and the next one clockwise", () => {
    // ranges (0.9-1.0]+(0-0.1] -> a,b ; (0.1,0.4] -> b,c ; (0.4,0.9] -> c,a
    const own = effectiveOwnership([node("a", "", 0, [0.1]), node("b", "", 0, [0.4]), node("c", "", 0, [0.9])]);
    expect(own.get("a")).toBeCloseTo(0.2 + 0.5);
    expect(own.get("b")).toBeCloseTo(0.2 + 0.3);
    expect(own.get("c")).toBeCloseTo(0.3 + 0.5);
    expect(effectiveOwnership([node("a", "", 0, [0.3, 0.8])]).get("a")).toBeCloseTo(1);
  });
});
