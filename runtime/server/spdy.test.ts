// The SPDY/3.1 server session port-forward uses, driven by a client written here from the SPDY/3
// draft's frame layout (node:zlib compresses with the draft's dictionary), and hostile frames.

import { describe, it, expect } from "vitest";
import { createHash } from "node:crypto";
import { createDeflate, deflateSync, inflateSync, constants } from "node:zlib";
import { controlFrame, dataFrame, decodeHeaderBlock, encodeHeaderBlock, frameType, headerDictionary, maxFrameBytes, maxUnreadBytes, SpdyServer, type SpdyStream } from "./spdy.js";

/** A client header block: count, then length-prefixed names and values, compressed with the dictionary. */
function clientHeaders(pairs: [string, string][]): Buffer {
  const raw = encodeHeaderBlock(new Map(pairs));
  return deflateSync(raw, { dictionary: headerDictionary, finishFlush: constants.Z_SYNC_FLUSH });
}

/** A client's compression context: one deflate stream for the session, sync-flushed after each block (as Go's zlib writer). */
function clientContext() {
  const z = createDeflate({ dictionary: headerDictionary });
  return (pairs: [string, string][]): Promise<Buffer> =>
    new Promise((resolve) => {
      const out: Buffer[] = [];
      const onData = (d: Buffer) => out.push(d);
      z.on("data", onData);
      z.write(encodeHeaderBlock(new Map(pairs)));
      z.flush(constants.Z_SYNC_FLUSH, () => {
        z.off("data", onData);
        resolve(Buffer.concat(out));
      });
    });
}

function synStream(id: number, block: Buffer, fin = false): Buffer {
  const head = Buffer.alloc(10);
  head.writeUInt32BE(id, 0);
  return controlFrame(frameType.synStream, fin ? 1 : 0, Buffer.concat([head, block]));
}

/** A server with everything it sends and every stream it opens recorded. */
function session() {
  const sent: Buffer[] = [];
  const streams: SpdyStream[] = [];
  let closed = false;
  const server = new SpdyServer((b) => sent.push(b), (st) => streams.push(st), () => (closed = true));
  // zlib inflates on the thread pool: wait until what the server sent, opened and closed has been
  // still for two looks (a fixed pause failed on a machine loaded fifteen times over)
  const settle = async () => {
    let last = "";
    for (let still = 0, i = 0; still < 2 && i < 200; i++) {
      await new Promise((r) => setTimeout(r, 25));
      const now = `${sent.length}/${streams.length}/${closed}`;
      still = now === last ? still + 1 : 0;
      last = now;
    }
  };
  return { server, sent, streams, closed: () => closed, settle };
}

function typeOf(frame: Buffer): number | "data" {
  return (frame[0]! & 0x80) !== 0 ? frame.readUInt16BE(2) : "data";
}

describe("SPDY/3.1 for port-forward", () => {
  it("the header dictionary is SPDY/3's: 1423 bytes, ending with enq=0.", () => {
    expect(headerDictionary.length).toBe(1423);
    expect(headerDictionary.subarray(-6).toString()).toBe("enq=0.");
    expect(createHash("sha256").update(headerDictionary).digest("hex")).toBe("51d27341373f923f3cd88e1eb7162aeaa3723d7585ff2399201dc06498407f02");
  });

  it("a stream's SYN_STREAM is answered with a SYN_REPLY; its data and FIN reach the stream; PING is echoed", async () => {
    const t = session();
    t.server.receive(synStream(1, clientHeaders([["streamtype", "data"], ["port", "80"], ["requestid", "0"]])));
    await t.settle();
    expect(t.streams).toHaveLength(1);
    expect([...t.streams[0]!.headers]).toEqual([["streamtype", "data"], ["port", "80"], ["requestid", "0"]]);
    const reply = t.sent[0]!;
    expect(typeOf(reply)).toBe(frameType.synReply);
    expect(reply.readUInt32BE(8)).toBe(1);
    // the reply's header block: zero pairs, in the server's own compression context
    const block = inflateSync(reply.subarray(12), { dictionary: headerDictionary, finishFlush: constants.Z_SYNC_FLUSH });
    expect(decodeHeaderBlock(block)).toEqual(new Map());
    const got: string[] = [];
    let ended = false;
    t.streams[0]!.onData((b) => got.push(b.toString()));
    t.streams[0]!.onEnd(() => (ended = true));
    // one chunk holding two frames, then a frame split over two chunks
    const two = Buffer.concat([dataFrame(1, Buffer.from("GET / "), false), dataFrame(1, Buffer.from("HTTP/1.1\r\n"), false)]);
    t.server.receive(two);
    const last = dataFrame(1, Buffer.from("\r\n"), true);
    t.server.receive(last.subarray(0, 5));
    t.server.receive(last.subarray(5));
    const ping = controlFrame(frameType.ping, 0, Buffer.from([0, 0, 0, 7]));
    t.server.receive(ping);
    await t.settle();
    expect(got.join("")).toBe("GET / HTTP/1.1\r\n\r\n");
    expect(ended).toBe(true);
    expect(t.sent.at(-1)).toEqual(ping);
    t.streams[0]!.write(Buffer.from("HTTP/1.1 200 OK\r\n"));
    t.streams[0]!.end();
    expect(t.sent.at(-2)).toEqual(dataFrame(1, Buffer.from("HTTP/1.1 200 OK\r\n"), false));
    expect(t.sent.at(-1)).toEqual(dataFrame(1, Buffer.alloc(0), true));
  });

  it("the client's compression context carries over from one header block to the next", async () => {
    const t = session();
    const block = clientContext();
    t.server.receive(synStream(1, await block([["streamtype", "error"], ["port", "80"], ["requestid", "0"]])));
    t.server.receive(synStream(3, await block([["streamtype", "data"], ["port", "80"], ["requestid", "0"]])));
    await t.settle();
    expect(t.streams.map((x) => x.headers.get("streamtype"))).toEqual(["error", "data"]);
    expect(t.closed()).toBe(false);
  });

  it("a frame longer than the bound ends the session with GOAWAY PROTOCOL_ERROR", async () => {
    const t = session();
    const h = Buffer.alloc(8);
    h.writeUInt32BE(1, 0);
    h.writeUInt32BE(maxFrameBytes + 1, 4);
    t.server.receive(h);
    await t.settle();
    expect(typeOf(t.sent[0]!)).toBe(frameType.goAway);
    expect(t.sent[0]!.readUInt32BE(12)).toBe(1);
    expect(t.closed()).toBe(true);
    // nothing more is read once closed
    t.server.receive(synStream(1, clientHeaders([["streamtype", "data"]])));
    await t.settle();
    expect(t.streams).toHaveLength(0);
  });

  it("a header block that does not inflate, or claims too many pairs, ends the session", async () => {
    for (const block of [Buffer.from("not zlib at all"), clientHeaders([]).subarray(0, 3)]) {
      const t = session();
      t.server.receive(synStream(1, block));
      await t.settle();
      expect(t.closed()).toBe(true);
      expect(typeOf(t.sent.at(-1)!)).toBe(frameType.goAway);
    }
    const huge = Buffer.alloc(4);
    huge.writeUInt32BE(0x7fffffff);
    expect(decodeHeaderBlock(huge)).toBeUndefined();
    const t = session();
    t.server.receive(synStream(1, deflateSync(huge, { dictionary: headerDictionary, finishFlush: constants.Z_SYNC_FLUSH })));
    await t.settle();
    expect(t.closed()).toBe(true);
  });

  it("a stream id used again is refused with RST_STREAM; a wrong version ends the session", async () => {
    const t = session();
    const block = clientContext();
    t.server.receive(synStream(3, await block([["streamtype", "data"]])));
    t.server.receive(synStream(3, await block([["streamtype", "error"]])));
    t.server.receive(synStream(1, await block([["streamtype", "error"]])));
    await t.settle();
    expect(t.streams).toHaveLength(1);
    expect(t.sent.filter((f) => typeOf(f) === frameType.rstStream)).toHaveLength(2);
    const v2 = controlFrame(frameType.ping, 0, Buffer.from([0, 0, 0, 1]));
    v2.writeUInt16BE(0x8002, 0);
    t.server.receive(v2);
    await t.settle();
    expect(t.closed()).toBe(true);
  });

  // Nobody reads an error stream (the kubelet only writes it): data a client sends there waited in
  // the stream's pending list without bound, so one tunnel could take the server's heap.
  it("data nobody reads is held up to maxUnreadBytes for the whole session; past it the stream is reset with FLOW_CONTROL_ERROR", async () => {
    const t = session();
    const block = clientContext();
    t.server.receive(synStream(1, await block([["streamtype", "error"], ["port", "80"], ["requestid", "0"]])));
    t.server.receive(synStream(3, await block([["streamtype", "error"], ["port", "80"], ["requestid", "1"]])));
    await t.settle();
    const chunk = Buffer.alloc(32 * 1024, 120);
    // 3 MiB on stream 1 fits; 2 MiB more on stream 3 passes the 4 MiB the session holds
    for (let i = 0; i < 96; i++) t.server.receive(dataFrame(1, chunk, false));
    for (let i = 0; i < 64; i++) t.server.receive(dataFrame(3, chunk, false));
    await t.settle();
    expect(maxUnreadBytes).toBe(4 * 1024 * 1024);
    const resets = t.sent.filter((f) => typeOf(f) === frameType.rstStream).map((f) => [f.readUInt32BE(8), f.readUInt32BE(12)]);
    expect(resets).toEqual([[3, 7]]);
    expect(t.closed()).toBe(false);
    // what stream 1 held is still there for a reader; once read, the session holds room again
    let got = 0;
    t.streams[0]!.onData((b) => (got += b.length));
    expect(got).toBe(96 * chunk.length);
    t.server.receive(synStream(5, await block([["streamtype", "error"], ["port", "80"], ["requestid", "2"]])));
    await t.settle();
    for (let i = 0; i < 100; i++) t.server.receive(dataFrame(5, chunk, false));
    await t.settle();
    expect(t.sent.filter((f) => typeOf(f) === frameType.rstStream)).toHaveLength(1);
  });
});
