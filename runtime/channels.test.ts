// Each watch is a stream of its own (client-go opens one HTTP/2 stream per watch): its events stay
// in order, but they do not queue behind the responses to the same client, nor behind another
// watch's events. A partition holds every stream of the pair, those it opens meanwhile too.

import { describe, it, expect } from "vitest";
import { Runtime } from "./runtime.js";

const event = (watchId: number, n: number) => ({ type: "WatchEvent", watchId, eventType: "MODIFIED", object: { kind: "Pod", metadata: { name: `p${n}` } } });
const response = (id: number) => ({ type: "ApiResponse", id, ok: true, code: 200 });

function setUp(): { rt: Runtime; got: string[] } {
  const rt = new Runtime({ seed: 1, trace: false });
  const got: string[] = [];
  rt.external("client", (msg) => got.push(msg.type === "WatchEvent" ? `w${msg.watchId}:${msg.object.metadata.name}` : `r${msg.id}`));
  return { rt, got };
}

/** Delivers the head of the channel with this key. */
function deliver(rt: Runtime, key: string): void {
  const i = rt.readyKeys().indexOf(key);
  expect(i).toBeGreaterThanOrEqual(0);
  rt.choose = () => i;
  rt.step();
  rt.choose = undefined;
}

describe("watch streams", () => {
  it("a response sent after a watch event can arrive first: they are two ready channels", () => {
    const { rt, got } = setUp();
    rt.post("apiserver", "client", event(1, 1));
    rt.post("apiserver", "client", response(9));
    expect(rt.readyKeys().sort()).toEqual(["apiserver>client", "apiserver>client#watch:1"]);
    deliver(rt, "apiserver>client");
    deliver(rt, "apiserver>client#watch:1");
    expect(got).toEqual(["r9", "w1:p1"]);
  });

  it("two watches of one client are independent, and each keeps its own order", () => {
    const { rt, got } = setUp();
    rt.post("apiserver", "client", event(1, 1));
    rt.post("apiserver", "client", event(1, 2));
    rt.post("apiserver", "client", event(2, 3));
    deliver(rt, "apiserver>client#watch:2");
    deliver(rt, "apiserver>client#watch:1");
    deliver(rt, "apiserver>client#watch:1");
    expect(got).toEqual(["w2:p3", "w1:p1", "w1:p2"]);
  });

  it("a clogged pair holds its responses and every stream, one opened during the clog too, until it ends", () => {
    const { rt, got } = setUp();
    rt.post("apiserver", "client", event(1, 1));
    rt.clog("apiserver", "client", 1000);
    rt.post("apiserver", "client", response(9));
    rt.post("apiserver", "client", event(2, 2));
    expect(rt.hasReady).toBe(false);
    rt.advance(999);
    expect(got).toEqual([]);
    rt.advance(1);
    rt.drainMessages();
    expect([...got].sort()).toEqual(["r9", "w1:p1", "w2:p2"]);
  });

  it("a held stream delays only itself", () => {
    const { rt, got } = setUp();
    rt.hold("apiserver", "client", event(1, 1), 500);
    rt.post("apiserver", "client", event(1, 2));
    rt.post("apiserver", "client", response(9));
    rt.drainMessages();
    expect(got).toEqual(["r9"]);
    rt.advance(500);
    expect(got).toEqual(["r9", "w1:p1", "w1:p2"]);
  });
});
