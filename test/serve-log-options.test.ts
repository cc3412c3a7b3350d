// pods/log query parameters through a live `podflow serve`, as kube-apiserver reads them: the
// filter chain authorizes, GetResourceWithOptions decodes the options into PodLogOptions
// (Convert_url_Values_To_v1_PodLogOptions: strconv.ParseInt for the numbers, time.Parse(RFC3339)
// for sinceTime, Convert_Slice_string_To_bool for the flags) and answers a decoding error 400 with
// its text, then LogREST.Get validates them (422) before it looks the pod up.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { serve, raw, until, type Served } from "./serve-helpers.js";
import { parseRFC3339 } from "../runtime/server/gotime.js";

const pods = "/api/v1/namespaces/default/pods";

describe("pods/log options", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
    const c = await raw(s, "POST", pods, { token: s.cluster.adminToken, body: JSON.stringify({ metadata: { name: "lg" }, spec: { containers: [{ name: "c", image: "nginx" }] } }) });
    expect(c.code).toBe(201);
    const running = await until(async () => JSON.parse((await raw(s, "GET", `${pods}/lg`, { token: s.cluster.adminToken })).body).status?.containerStatuses?.[0]?.state?.running, 20_000);
    expect(running).toBeTruthy();
  }, 30_000);
  afterAll(async () => {
    await s.stop();
  });

  const log = (query: string, name = "lg", anonymous = false) => raw(s, "GET", `${pods}/${name}/log?${query}`, anonymous ? {} : { token: s.cluster.adminToken });
  const status = (r: { code: number; body: string }) => {
    const j = JSON.parse(r.body);
    return [r.code, j.reason, j.message];
  };

  it.each([
    ["tailLines=abc", 'strconv.ParseInt: parsing "abc": invalid syntax'],
    ["tailLines=", 'strconv.ParseInt: parsing "": invalid syntax'],
    ["limitBytes=1e3", 'strconv.ParseInt: parsing "1e3": invalid syntax'],
    ["tailLines=9223372036854775808", 'strconv.ParseInt: parsing "9223372036854775808": value out of range'],
    // the fields convert in PodLogOptions' order: sinceSeconds before tailLines
    ["tailLines=x&sinceSeconds=y", 'strconv.ParseInt: parsing "y": invalid syntax'],
    ["sinceTime=garbage", 'parsing time "garbage" as "2006-01-02T15:04:05Z07:00": cannot parse "garbage" as "2006"'],
    ["sinceTime=2020-01-01", 'parsing time "2020-01-01" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "T"'],
    ["sinceTime=2020-01-01T00:00:00", 'parsing time "2020-01-01T00:00:00" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00"'],
    ["sinceTime=2020-13-01T00:00:00Z", 'parsing time "2020-13-01T00:00:00Z": month out of range'],
    ["sinceTime=2021-02-29T00:00:00Z", 'parsing time "2021-02-29T00:00:00Z": day out of range'],
    ["sinceTime=2020-01-01T00:00:00Zjunk", 'parsing time "2020-01-01T00:00:00Zjunk": extra text: "junk"'],
  ])("%s is 400 with the decoder's error", async (query, message) => {
    expect(status(await log(query))).toEqual([400, "BadRequest", message]);
  });

  it("the options are decoded and validated before the pod is looked up, and only after authorization", async () => {
    expect(status(await log("tailLines=x", "absent"))).toEqual([400, "BadRequest", 'strconv.ParseInt: parsing "x": invalid syntax']);
    expect((await log("tailLines=-1", "absent")).code).toBe(422);
    expect((await log("tailLines=x", "absent", true)).code).toBe(403);
  });

  it("a flag is true unless absent, 0 or false, as Convert_Slice_string_To_bool reads it", async () => {
    const r = await log("timestamps=yes&tailLines=1");
    expect(r.code).toBe(200);
    expect(r.body).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z /);
    expect((await log("timestamps=FALSE&tailLines=1")).body).not.toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("sinceTime with an offset, or null (the zero time), reads as RFC 3339", async () => {
    expect((await log("sinceTime=2000-01-01T05:00:00%2B05:00&tailLines=1")).code).toBe(200);
    expect((await log("sinceTime=null&tailLines=1")).code).toBe(200);
    expect(parseRFC3339("2000-01-01T05:30:00+05:30")).toEqual({ ms: Date.UTC(2000, 0, 1) });
    expect(parseRFC3339("2000-01-01T00:00:00.25Z")).toEqual({ ms: Date.UTC(2000, 0, 1, 0, 0, 0, 250) });
    expect(parseRFC3339("2000-01-01T00:00:00+25:00")).toEqual({ error: 'parsing time "2000-01-01T00:00:00+25:00": time zone offset hour out of range' });
    expect(parseRFC3339("2000-01-01T00:00:00*05:00")).toEqual({ error: 'parsing time "2000-01-01T00:00:00*05:00" as "2006-01-02T15:04:05Z07:00": cannot parse "*05:00" as "Z07:00"' });
  });

  it("an unscheduled pod's log is 204 No Content with no body (LogLocation has no node to ask; StreamObject's nil stream), a wrong container still 400", async () => {
    const c = await raw(s, "POST", pods, { token: s.cluster.adminToken, body: JSON.stringify({ metadata: { name: "nowhere" }, spec: { nodeSelector: { "no-such": "node" }, containers: [{ name: "c", image: "nginx" }] } }) });
    expect(c.code).toBe(201);
    const r = await log("", "nowhere");
    expect([r.code, r.body]).toEqual([204, ""]);
    expect((await log("container=other", "nowhere")).code).toBe(400);
  });
});
