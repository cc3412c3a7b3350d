// The outbox of one transition. Logic functions record what they want done here; the
// machine emits it as one `effects` event; the runtime performs it. Nothing here does I/O.

import type { Address, Effects, Outgoing, TimerRequest } from "../messages.js";

export class Fx {
  readonly sends: Outgoing[] = [];
  readonly timers: TimerRequest[] = [];
  readonly cancels: string[] = [];

  /** Queue a message to another actor. */
  send(to: Address, msg: { type: string; [k: string]: any }): void {
    this.sends.push({ to, msg });
  }

  /** Ask the runtime to deliver `event` back after `ms` (replacing a timer of the same key). */
  after(key: string, ms: number, event: { type: string; [k: string]: unknown }, background = false): void {
    this.timers.push({ key, ms: Math.max(0, ms), event, background });
  }

  /** Cancel a pending timer by key (no-op if none). */
  cancel(key: string): void {
    this.cancels.push(key);
  }

  get empty(): boolean {
    return this.sends.length === 0 && this.timers.length === 0 && this.cancels.length === 0;
  }

  /** The emitted form. */
  toEvent(): Effects {
    return { type: "effects", send: this.sends, timers: this.timers, cancel: this.cancels };
  }
}
