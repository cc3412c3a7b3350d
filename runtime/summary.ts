// One-line summaries of messages for the trace and the sequence diagrams.

/** "create pods default/web-0", "201 Pod web-0", "ADDED Pod default/web-0", ... */
export function summarize(msg: any): string {
  switch (msg.type) {
    case "ApiRequest": {
      const where = [msg.namespace, msg.name].filter(Boolean).join("/");
      const sub = msg.subresource ? `/${msg.subresource}` : "";
      return `${msg.verb} ${msg.resource}${sub}${where ? " " + where : ""}`;
    }
    case "ApiResponse":
      return msg.ok ? `${msg.code} ${objectName(msg.object)}` : `${msg.code} ${msg.status?.reason ?? ""}`.trim();
    case "WatchEvent":
      return `${msg.eventType} ${objectName(msg.object)}`;
    case "Txn":
      return [...msg.success].map((o: any) => `${o.type} ${o.key}`).join(", ") || "txn";
    case "TxnResponse":
      return `${msg.succeeded ? "ok" : "compare failed"} rev ${msg.revision}`;
    case "WatchResponse":
      return msg.canceled ? `canceled: ${msg.error}` : msg.events.map((e: any) => `${e.type} ${e.kv.key}`).join(", ");
    case "Range":
      return `${msg.prefix ? "prefix " : ""}${msg.key}`;
    case "RangeResponse":
      return `${msg.kvs.length} kvs rev ${msg.revision}`;
    default: {
      const parts: string[] = [];
      for (const k of ["pod", "container", "name", "image", "ip", "sandboxId", "containerId", "reason", "key"]) {
        const v = msg[k];
        if (typeof v === "string" || typeof v === "number") parts.push(String(v));
      }
      return parts.join(" ");
    }
  }
}

function objectName(o: any): string {
  if (!o) return "";
  const m = o.metadata ?? {};
  const n = m.namespace ? `${m.namespace}/${m.name}` : (m.name ?? "");
  return `${o.kind ?? ""} ${n}`.trim();
}
