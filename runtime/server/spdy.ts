// The server side of a SPDY/3.1 session, as much as port-forward uses (moby/spdystream, which
// client-go speaks): SYN_STREAM answered by SYN_REPLY, data frames with FIN half-closing a
// stream, RST_STREAM, PING echoed, GOAWAY. Header blocks are zlib streams with SPDY/3's preset
// dictionary, one compression context per direction for the whole session (node:zlib does the
// compression; frames are small enough to write by hand). No npm package keeps SPDY/3 alive, and
// kubectl tunnels it inside a WebSocket for port-forward, so this is the one framing written here.

import { createDeflate, createInflate, constants, type Deflate, type Inflate } from "node:zlib";

/** SPDY/3's header compression dictionary (1423 bytes, sha256 51d27341…407f02). */
export const headerDictionary = Buffer.from(
  "AAAAB29wdGlvbnMAAAAEaGVhZAAAAARwb3N0AAAAA3B1dAAAAAZkZWxldGUAAAAFdHJhY2UAAAAGYWNjZXB0AAAADmFjY2VwdC1jaGFyc2V0AAAAD2FjY2VwdC1lbmNvZGluZwAAAA9hY2NlcHQtbGFuZ3VhZ2UAAAANYWNjZXB0LXJhbmdlcwAAAANhZ2UAAAAFYWxsb3cAAAANYXV0aG9yaXphdGlvbgAAAA1jYWNoZS1jb250cm9sAAAACmNvbm5lY3Rpb24AAAAMY29udGVudC1iYXNlAAAAEGNvbnRlbnQtZW5jb2RpbmcAAAAQY29udGVudC1sYW5ndWFnZQAAAA5jb250ZW50LWxlbmd0aAAAABBjb250ZW50LWxvY2F0aW9uAAAAC2NvbnRlbnQtbWQ1AAAADWNvbnRlbnQtcmFuZ2UAAAAMY29udGVudC10eXBlAAAABGRhdGUAAAAEZXRhZwAAAAZleHBlY3QAAAAHZXhwaXJlcwAAAARmcm9tAAAABGhvc3QAAAAIaWYtbWF0Y2gAAAARaWYtbW9kaWZpZWQtc2luY2UAAAANaWYtbm9uZS1tYXRjaAAAAAhpZi1yYW5nZQAAABNpZi11bm1vZGlmaWVkLXNpbmNlAAAADWxhc3QtbW9kaWZpZWQAAAAIbG9jYXRpb24AAAAMbWF4LWZvcndhcmRzAAAABnByYWdtYQAAABJwcm94eS1hdXRoZW50aWNhdGUAAAATcHJveHktYXV0aG9yaXphdGlvbgAAAAVyYW5nZQAAAAdyZWZlcmVyAAAAC3JldHJ5LWFmdGVyAAAABnNlcnZlcgAAAAJ0ZQAAAAd0cmFpbGVyAAAAEXRyYW5zZmVyLWVuY29kaW5nAAAAB3VwZ3JhZGUAAAAKdXNlci1hZ2VudAAAAAR2YXJ5AAAAA3ZpYQAAAAd3YXJuaW5nAAAAEHd3dy1hdXRoZW50aWNhdGUAAAAGbWV0aG9kAAAAA2dldAAAAAZzdGF0dXMAAAAGMjAwIE9LAAAAB3ZlcnNpb24AAAAISFRUUC8xLjEAAAADdXJsAAAABnB1YmxpYwAAAApzZXQtY29va2llAAAACmtlZXAtYWxpdmUAAAAGb3JpZ2luMTAwMTAxMjAxMjAyMjA1MjA2MzAwMzAyMzAzMzA0MzA1MzA2MzA3NDAyNDA1NDA2NDA3NDA4NDA5NDEwNDExNDEyNDEzNDE0NDE1NDE2NDE3NTAyNTA0NTA1MjAzIE5vbi1BdXRob3JpdGF0aXZlIEluZm9ybWF0aW9uMjA0IE5vIENvbnRlbnQzMDEgTW92ZWQgUGVybWFuZW50bHk0MDAgQmFkIFJlcXVlc3Q0MDEgVW5hdXRob3JpemVkNDAzIEZvcmJpZGRlbjQwNCBOb3QgRm91bmQ1MDAgSW50ZXJuYWwgU2VydmVyIEVycm9yNTAxIE5vdCBJbXBsZW1lbnRlZDUwMyBTZXJ2aWNlIFVuYXZhaWxhYmxlSmFuIEZlYiBNYXIgQXByIE1heSBKdW4gSnVsIEF1ZyBTZXB0IE9jdCBOb3YgRGVjIDAwOjAwOjAwIE1vbiwgVHVlLCBXZWQsIFRodSwgRnJpLCBTYXQsIFN1biwgR01UY2h1bmtlZCx0ZXh0L2h0bWwsaW1hZ2UvcG5nLGltYWdlL2pwZyxpbWFnZS9naWYsYXBwbGljYXRpb24veG1sLGFwcGxpY2F0aW9uL3hodG1sK3htbCx0ZXh0L3BsYWluLHRleHQvamF2YXNjcmlwdCxwdWJsaWNwcml2YXRlbWF4LWFnZT1nemlwLGRlZmxhdGUsc2RjaGNoYXJzZXQ9dXRmLThjaGFyc2V0PWlzby04ODU5LTEsdXRmLSwqLGVucT0wLg==",
  "base64",
);

export const frameType = { synStream: 1, synReply: 2, rstStream: 3, settings: 4, ping: 6, goAway: 7, headers: 8, windowUpdate: 9 } as const;
const flagFin = 0x01;
const version = 3;
/** The largest frame accepted: port-forward's data frames are 32 KiB at most. */
export const maxFrameBytes = 1024 * 1024;
/** The most header pairs (and bytes) a header block may unpack to. */
export const maxHeaderPairs = 64;
export const maxHeaderBytes = 64 * 1024;
/** Streams one session may have open at once. */
export const maxStreams = 1024;
/**
 * The most bytes a session holds for streams nobody reads yet (an error stream is never read): past
 * it the stream that overflowed is reset with FLOW_CONTROL_ERROR, as a sender past its window would
 * be. Go's spdystream holds them in its frame reader instead, stopping the connection's reads.
 */
export const maxUnreadBytes = 4 * 1024 * 1024;

export type Headers = Map<string, string>;

/** Encodes a header block (before compression): a count, then each name and value with its length. */
export function encodeHeaderBlock(h: Headers): Buffer {
  const parts: Buffer[] = [u32(h.size)];
  for (const [k, v] of h) {
    const kb = Buffer.from(k, "utf8");
    const vb = Buffer.from(v, "utf8");
    parts.push(u32(kb.length), kb, u32(vb.length), vb);
  }
  return Buffer.concat(parts);
}

/** Decodes an uncompressed header block; undefined when it is malformed or over the bounds. */
export function decodeHeaderBlock(b: Buffer): Headers | undefined {
  if (b.length < 4 || b.length > maxHeaderBytes) return undefined;
  const n = b.readUInt32BE(0);
  if (n > maxHeaderPairs) return undefined;
  const h: Headers = new Map();
  let off = 4;
  const take = (): string | undefined => {
    if (off + 4 > b.length) return undefined;
    const len = b.readUInt32BE(off);
    off += 4;
    if (off + len > b.length) return undefined;
    const s = b.subarray(off, off + len).toString("utf8");
    off += len;
    return s;
  };
  for (let i = 0; i < n; i++) {
    const k = take();
    const v = take();
    if (k === undefined || v === undefined) return undefined;
    // a repeated name joins its values with NUL, as SPDY carries them
    h.set(k.toLowerCase(), h.has(k.toLowerCase()) ? `${h.get(k.toLowerCase())}\0${v}` : v);
  }
  return h;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/** A control frame: C bit, version 3, type, flags, 24-bit length, data. */
export function controlFrame(type: number, flags: number, data: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(0x8000 | version, 0);
  h.writeUInt16BE(type, 2);
  h.writeUInt32BE(((flags & 0xff) << 24) | data.length, 4);
  return Buffer.concat([h, data]);
}

/** A data frame: stream id, flags, 24-bit length, data. */
export function dataFrame(streamId: number, data: Buffer, fin: boolean): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt32BE(streamId & 0x7fffffff, 0);
  h.writeUInt32BE(((fin ? flagFin : 0) << 24) | data.length, 4);
  return Buffer.concat([h, data]);
}

/** Runs a zlib stream on one block with a sync flush, in the stream's shared context. */
function flushThrough(z: Deflate | Inflate, block: Buffer, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    let size = 0;
    let failed = false;
    const onData = (d: Buffer) => {
      size += d.length;
      if (size > limit) failed = true;
      else out.push(d);
    };
    const onError = () => {
      failed = true;
      z.off("data", onData);
      resolve(undefined);
    };
    z.on("data", onData);
    z.once("error", onError);
    z.write(block);
    z.flush(constants.Z_SYNC_FLUSH, () => {
      z.off("data", onData);
      z.off("error", onError);
      resolve(failed ? undefined : Buffer.concat(out));
    });
  });
}

/** One SPDY stream the client opened. */
export interface SpdyStream {
  id: number;
  headers: Headers;
  /** the client's bytes; end when it half-closed */
  onData(f: (b: Buffer) => void): void;
  onEnd(f: () => void): void;
  write(b: Buffer): void;
  /** half-close our side (FIN) */
  end(): void;
  /** RST_STREAM: CANCEL (5) unless another status is given */
  reset(status?: number): void;
}

/** A SPDY server session over a byte channel (here a WebSocket's binary messages). */
export class SpdyServer {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly inflate = createInflate({ dictionary: headerDictionary });
  private readonly deflate = createDeflate({ dictionary: headerDictionary, level: 9 });
  private readonly streams = new Map<number, { s: SpdyStream; data?: (b: Buffer) => void; end?: () => void; pending: Buffer[]; ended: boolean; finSent: boolean }>();
  private work: Promise<void> = Promise.resolve();
  private closed = false;
  private lastStreamId = 0;
  /** bytes in the streams' pending lists, bounded by maxUnreadBytes */
  private unread = 0;

  constructor(private readonly send: (b: Buffer) => void, private readonly onStream: (s: SpdyStream) => void, private readonly onClose: () => void) {
    this.inflate.on("error", () => this.fail());
    this.deflate.on("error", () => this.fail());
  }

  /** Bytes from the client. */
  receive(chunk: Buffer): void {
    if (this.closed) return;
    this.buffer = this.buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.buffer.length < 8) return;
      const length = this.buffer.readUInt32BE(4) & 0xffffff;
      if (length > maxFrameBytes) return this.fail();
      if (this.buffer.length < 8 + length) return;
      const frame = this.buffer.subarray(0, 8 + length);
      this.buffer = this.buffer.subarray(8 + length);
      // frames are handled in order: a header block's decompression is asynchronous
      this.work = this.work.then(() => this.handle(frame)).catch(() => this.fail());
    }
  }

  /** Ends the session: GOAWAY, then every stream is gone. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.send(controlFrame(frameType.goAway, 0, Buffer.concat([u32(this.lastStreamId), u32(0)])));
    this.finish();
  }

  private fail(): void {
    if (this.closed) return;
    this.closed = true;
    // GOAWAY with PROTOCOL_ERROR
    this.send(controlFrame(frameType.goAway, 0, Buffer.concat([u32(this.lastStreamId), u32(1)])));
    this.finish();
  }

  private finish(): void {
    for (const st of this.streams.values()) st.end?.();
    this.streams.clear();
    this.inflate.destroy();
    this.deflate.destroy();
    this.onClose();
  }

  private async handle(frame: Buffer): Promise<void> {
    if (this.closed) return;
    const control = (frame[0]! & 0x80) !== 0;
    const flags = frame[4]!;
    const data = frame.subarray(8);
    if (!control) {
      const id = frame.readUInt32BE(0) & 0x7fffffff;
      const st = this.streams.get(id);
      if (!st) return;
      if (data.length > 0 && !st.ended) {
        if (st.data) st.data(Buffer.from(data));
        else if (this.unread + data.length > maxUnreadBytes) return st.s.reset(7);
        else {
          st.pending.push(Buffer.from(data));
          this.unread += data.length;
        }
      }
      if (flags & flagFin) this.endFromClient(id);
      return;
    }
    if (frame.readUInt16BE(0) !== (0x8000 | version)) return this.fail();
    const type = frame.readUInt16BE(2);
    switch (type) {
      case frameType.synStream: {
        if (data.length < 10) return this.fail();
        const id = data.readUInt32BE(0) & 0x7fffffff;
        const raw = await flushThrough(this.inflate, data.subarray(10), maxHeaderBytes);
        const headers = raw && decodeHeaderBlock(raw);
        if (!headers) return this.fail();
        if (id === 0 || this.streams.has(id) || id <= this.lastStreamId || this.streams.size >= maxStreams) {
          // RST_STREAM: PROTOCOL_ERROR for a reused id, REFUSED_STREAM past the bound
          this.send(controlFrame(frameType.rstStream, 0, Buffer.concat([u32(id), u32(this.streams.size >= maxStreams ? 3 : 1)])));
          return;
        }
        this.lastStreamId = id;
        await this.open(id, headers, (flags & flagFin) !== 0);
        return;
      }
      case frameType.rstStream: {
        if (data.length < 8) return this.fail();
        const id = data.readUInt32BE(0) & 0x7fffffff;
        this.endFromClient(id);
        this.forget(id);
        return;
      }
      case frameType.ping:
        // the client's keep-alive: echoed as it came
        if (data.length === 4) this.send(controlFrame(frameType.ping, 0, Buffer.from(data)));
        return;
      case frameType.goAway:
        return this.close();
      case frameType.headers: {
        // decompressed to keep the shared context in step; nothing port-forward needs is in them
        const raw = data.length >= 4 ? await flushThrough(this.inflate, data.subarray(4), maxHeaderBytes) : undefined;
        if (!raw) return this.fail();
        return;
      }
      default:
        // SETTINGS, WINDOW_UPDATE and unknown types carry nothing this server acts on
        return;
    }
  }

  private async open(id: number, headers: Headers, fin: boolean): Promise<void> {
    const reply = await flushThrough(this.deflate, encodeHeaderBlock(new Map()), maxHeaderBytes);
    if (!reply || this.closed) return;
    const entry = { pending: [] as Buffer[], ended: false, finSent: false } as { s: SpdyStream; data?: (b: Buffer) => void; end?: () => void; pending: Buffer[]; ended: boolean; finSent: boolean };
    const self = this;
    entry.s = {
      id, headers,
      onData(f) {
        entry.data = f;
        for (const b of entry.pending.splice(0)) {
          self.unread -= b.length;
          f(b);
        }
      },
      onEnd(f) {
        entry.end = f;
        if (entry.ended) f();
      },
      write(b) {
        if (self.closed || entry.finSent) return;
        for (let off = 0; off < b.length; off += 32 * 1024) self.send(dataFrame(id, b.subarray(off, off + 32 * 1024), false));
      },
      end() {
        if (self.closed || entry.finSent) return;
        entry.finSent = true;
        self.send(dataFrame(id, Buffer.alloc(0), true));
        if (entry.ended) self.forget(id);
      },
      reset(status = 5) {
        if (self.closed) return;
        self.send(controlFrame(frameType.rstStream, 0, Buffer.concat([u32(id), u32(status)])));
        self.forget(id);
      },
    };
    this.streams.set(id, entry);
    this.send(controlFrame(frameType.synReply, 0, Buffer.concat([u32(id), reply])));
    if (fin) this.endFromClient(id);
    this.onStream(entry.s);
  }

  private endFromClient(id: number): void {
    const st = this.streams.get(id);
    if (!st || st.ended) return;
    st.ended = true;
    st.end?.();
    if (st.finSent) this.forget(id);
  }

  /** A stream gone from the session: what it held unread no longer counts. */
  private forget(id: number): void {
    const st = this.streams.get(id);
    if (!st) return;
    for (const b of st.pending.splice(0)) this.unread -= b.length;
    this.streams.delete(id);
  }
}
