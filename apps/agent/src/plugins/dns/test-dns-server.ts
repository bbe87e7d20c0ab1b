/**
 * Test helper: a tiny authoritative DNS server on 127.0.0.1 UDP with a minimal DNS message
 * decoder (RFC 1035 §4.1: header and question) and encoder (A, AAAA, CNAME, MX, TXT answers,
 * NXDOMAIN, SERVFAIL). Enough for node:dns pointed at it with setServers(); not used by the plugin.
 */
import { createSocket, type Socket } from "node:dgram";
import { isIPv4 } from "node:net";

export type ZoneType = "A" | "AAAA" | "CNAME" | "MX" | "TXT";
export interface ZoneEntry {
  A?: string[];
  AAAA?: string[];
  CNAME?: string[];
  /** `10 mail.example.com` */
  MX?: string[];
  TXT?: string[];
  /** Answer SERVFAIL for this name. */
  servfail?: boolean;
  /** Answer this many milliseconds late. */
  delayMs?: number;
}

const TYPE_CODES: Record<ZoneType, number> = { A: 1, CNAME: 5, MX: 15, TXT: 16, AAAA: 28 };
const TYPE_NAMES = new Map(Object.entries(TYPE_CODES).map(([name, code]) => [code, name as ZoneType]));

export interface DecodedQuery {
  id: number;
  flags: number;
  name: string;
  type: number;
  qclass: number;
  /** Bytes of the question section, echoed back in the reply. */
  question: Buffer;
}

export function decodeQuery(message: Buffer): DecodedQuery {
  if (message.length < 12) throw new Error("message shorter than a DNS header");
  const id = message.readUInt16BE(0);
  const flags = message.readUInt16BE(2);
  if (message.readUInt16BE(4) !== 1) throw new Error("expected exactly one question");
  const labels: string[] = [];
  let pos = 12;
  for (;;) {
    const length = message[pos];
    if (length === undefined) throw new Error("truncated name");
    pos += 1;
    if (length === 0) break;
    if (length > 63) throw new Error("compressed or oversized label in a question");
    labels.push(message.subarray(pos, pos + length).toString("ascii"));
    pos += length;
  }
  const type = message.readUInt16BE(pos);
  const qclass = message.readUInt16BE(pos + 2);
  return { id, flags, name: labels.join("."), type, qclass, question: message.subarray(12, pos + 4) };
}

function encodeName(name: string): Buffer {
  const parts = name.replace(/\.$/, "").split(".").filter(Boolean);
  return Buffer.concat([
    ...parts.map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label, "ascii")])),
    Buffer.from([0]),
  ]);
}

function ipv6Bytes(address: string): Buffer {
  const [head = "", tail] = address.split("::");
  const h = head ? head.split(":") : [];
  const t = tail !== undefined && tail !== "" ? tail.split(":") : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  const out = Buffer.alloc(16);
  for (const [i, group] of groups.entries()) out.writeUInt16BE(Number.parseInt(group, 16), i * 2);
  return out;
}

function rdata(type: ZoneType, value: string): Buffer {
  switch (type) {
    case "A":
      if (!isIPv4(value)) throw new Error(`bad A value ${value}`);
      return Buffer.from(value.split(".").map(Number));
    case "AAAA":
      return ipv6Bytes(value);
    case "CNAME":
      return encodeName(value);
    case "MX": {
      const [priority = "0", exchange = ""] = value.split(/\s+/);
      const pref = Buffer.alloc(2);
      pref.writeUInt16BE(Number(priority));
      return Buffer.concat([pref, encodeName(exchange)]);
    }
    case "TXT": {
      const bytes = Buffer.from(value, "utf8");
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length || i === 0; i += 255) {
        const chunk = bytes.subarray(i, i + 255);
        chunks.push(Buffer.from([chunk.length]), chunk);
      }
      return Buffer.concat(chunks);
    }
  }
}

/** The reply to a decoded query from a zone: answers, NODATA, NXDOMAIN (rcode 3) or SERVFAIL (2). */
export function encodeReply(query: DecodedQuery, zone: Record<string, ZoneEntry>): Buffer {
  const entry = zone[query.name.toLowerCase()];
  const typeName = TYPE_NAMES.get(query.type);
  const values = entry && typeName ? (entry[typeName] ?? []) : [];
  const rcode = !entry ? 3 : entry.servfail ? 2 : 0;
  const answers = rcode === 0 && typeName ? values.map((v) => answer(query.type, rdata(typeName, v))) : [];
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.id, 0);
  // QR, opcode copied, AA, RD copied, RA, rcode.
  header.writeUInt16BE(0x8000 | (query.flags & 0x7800) | 0x0400 | (query.flags & 0x0100) | 0x0080 | rcode, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  return Buffer.concat([header, query.question, ...answers]);
}

function answer(type: number, data: Buffer): Buffer {
  const fixed = Buffer.alloc(12);
  fixed.writeUInt16BE(0xc00c, 0); // pointer to the question's name
  fixed.writeUInt16BE(type, 2);
  fixed.writeUInt16BE(1, 4); // class IN
  fixed.writeUInt32BE(60, 6); // TTL
  fixed.writeUInt16BE(data.length, 10);
  return Buffer.concat([fixed, data]);
}

export interface TestDnsServer {
  /** `127.0.0.1:<port>`, for the plugin's `server` option. */
  address: string;
  zone: Record<string, ZoneEntry>;
  queries: { name: string; type: ZoneType | number }[];
  close(): Promise<void>;
}

export async function startTestDnsServer(zone: Record<string, ZoneEntry>): Promise<TestDnsServer> {
  const socket: Socket = createSocket("udp4");
  const server: TestDnsServer = {
    address: "",
    zone,
    queries: [],
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
  socket.on("message", (message, remote) => {
    let query: DecodedQuery;
    try {
      query = decodeQuery(message);
    } catch {
      return;
    }
    server.queries.push({ name: query.name, type: TYPE_NAMES.get(query.type) ?? query.type });
    const reply = encodeReply(query, server.zone);
    const delay = server.zone[query.name.toLowerCase()]?.delayMs ?? 0;
    setTimeout(() => {
      try {
        socket.send(reply, remote.port, remote.address);
      } catch {
        // closed meanwhile
      }
    }, delay);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  server.address = `127.0.0.1:${socket.address().port}`;
  return server;
}
