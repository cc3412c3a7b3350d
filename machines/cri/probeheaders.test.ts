// An HTTP probe's request headers, as pkg/probe/http's request builder sets them
// (http_test.go TestHTTPProbeChecker's header cases): User-Agent kube-probe/<major.minor> and
// Accept */* by default; a probe's own header of either name replaces the default.

import { describe, it, expect } from "vitest";
import { probeHeaders } from "./cri.logic.js";

const get = (h: readonly (readonly [string, string])[], name: string) => h.filter(([k]) => k === name).map(([, v]) => v);

describe("HTTP probe request headers", () => {
  it("with no httpHeaders: User-Agent kube-probe/1.35 and Accept */*", () => {
    const h = probeHeaders();
    expect(get(h, "user-agent")).toEqual(["kube-probe/1.35"]);
    expect(get(h, "accept")).toEqual(["*/*"]);
  });

  it("a probe's User-Agent or Accept header replaces the default, whatever its case", () => {
    const h = probeHeaders([["User-Agent", "foo/1.0"], ["ACCEPT", "text/html"]]);
    expect(get(h, "user-agent")).toEqual(["foo/1.0"]);
    expect(get(h, "accept")).toEqual(["text/html"]);
  });

  it("other headers are sent beside the defaults, Host among them", () => {
    const h = probeHeaders([["X-Muffins-Or-Cupcakes", "muffins"], ["Host", "example.com"]]);
    expect(get(h, "x-muffins-or-cupcakes")).toEqual(["muffins"]);
    expect(get(h, "host")).toEqual(["example.com"]);
    expect(get(h, "user-agent")).toEqual(["kube-probe/1.35"]);
  });

  it("an empty Accept of the probe's own sends no Accept at all", () => {
    const h = probeHeaders([["Accept", ""]]);
    expect(get(h, "accept")).toEqual([]);
    expect(get(h, "user-agent")).toEqual(["kube-probe/1.35"]);
  });
});
