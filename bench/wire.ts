/**
 * Wire truth for bench:ttft: the TTFT that the loopback interface saw, taken from packet timestamps rather
 * than from either process. `tcpdump` captures the simulator's port while the measured run goes on; each
 * request is then found in the capture by its `traceparent` header (its span id is the client's chat span),
 * and its wire TTFT is the time from the packet that carried the request's last byte to the packet that
 * carried the first server-sent event with content, tool calls or reasoning (the event the client's TTFT
 * ends at, src/llm/stream.ts).
 *
 * On loopback a packet is stamped as the sending thread hands it to the device, and the receiving socket
 * has it microseconds later, so these stamps are what each process's stamps should come close to. Unlike
 * the simulator's own stamps, they see a request that waits in the socket while the simulator's HTTP thread
 * is busy elsewhere: that wait is real server intake, part of the TTFT a client gets. Both TTFTs are
 * differences on one machine's clock, so no clock needs mapping to another.
 *
 * The capture file is read here (pcap, nanosecond stamps, Ethernet framing, as `tcpdump -i lo` writes it):
 * its format is a 24-byte header and a 16-byte header per packet, and nothing else is parsed but IPv4/IPv6
 * and TCP headers. npm's `pcap-parser` reads only microsecond files and leaves those headers to its caller,
 * and `pcap` is a native libpcap binding, so neither is pulled in for it. Needs `tcpdump` and the right to capture (root or
 * CAP_NET_RAW); `scripts/install-tcpdump` installs it from Debian.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { stopChild, track } from './lib.js';

/** Bytes kept of each packet: request headers and the first events fit; big request bodies are cut. */
const SNAPLEN = 8192;

/** A running capture of one TCP port on loopback. */
export interface Capture {
  /** Stops the capture (tcpdump writes out its buffer) and gives how many packets the kernel dropped. */
  stop(): Promise<{ dropped: number }>;
}

/**
 * Why wire truth cannot be had here, or undefined when it can: `tcpdump` must run and may open loopback for
 * capture (`-d` opens the device and compiles a filter, then exits without capturing).
 */
export function wireUnavailable(): string | undefined {
  const r = spawnSync('tcpdump', ['-i', 'lo', '-d', 'tcp'], { encoding: 'utf8' });
  if (r.error)
    return `tcpdump not runnable (${(r.error as NodeJS.ErrnoException).code}); scripts/install-tcpdump`;
  if (r.status !== 0) return `tcpdump cannot capture on lo: ${r.stderr.trim().split('\n')[0]}`;
  return undefined;
}

/** Starts `tcpdump` on loopback for TCP `port`, writing to `file`; resolves once it is listening. */
export function startCapture(port: number, file: string): Promise<Capture> {
  const args = ['-i', 'lo', '-n', '-s', String(SNAPLEN), '-B', '65536', '--time-stamp-precision=nano'];
  const child: ChildProcess = track(
    spawn('tcpdump', [...args, '-w', file, `tcp port ${port}`], { stdio: ['ignore', 'ignore', 'pipe'] }),
  );
  let err = '';
  return new Promise((resolve, reject) => {
    const early = (code: number | null) =>
      reject(new Error(`tcpdump exited (${code}) before listening: ${err.trim()}`));
    child.once('exit', early);
    child.stderr!.on('data', (c: Buffer) => {
      const before = err;
      err += c.toString();
      if (!/listening on/.test(before) && /listening on/.test(err)) {
        child.off('exit', early);
        resolve({
          async stop() {
            // The kernel hands packets over in blocks, a partly filled one after tcpdump's 1 s timeout; a
            // block not yet handed over when tcpdump is stopped is lost without being counted as dropped.
            await new Promise((r) => setTimeout(r, 2000));
            await stopChild(child, 5000);
            const m = /(\d+) packets? dropped by kernel/.exec(err);
            if (!m) throw new Error(`tcpdump did not report its drops: ${err.trim()}`);
            return { dropped: Number(m[1]) };
          },
        });
      }
    });
  });
}

/** One TCP segment with data, as captured. */
interface Segment {
  /** Epoch ms (fractional) when the packet reached the interface. */
  at: number;
  /** The client's port (the connection, since the server's port is fixed). */
  clientPort: number;
  toServer: boolean;
  seq: number;
  /** Payload length on the wire, and the part of it that was captured. */
  length: number;
  data: Buffer;
}

/** Reads the TCP segments with data from a pcap file written by `tcpdump -i lo --time-stamp-precision=nano`. */
function readSegments(file: string, serverPort: number): Segment[] {
  const buf = readFileSync(file);
  const magic = buf.readUInt32LE(0);
  if (magic !== 0xa1b23c4d)
    throw new Error(`${file}: not a little-endian nanosecond pcap (magic ${magic.toString(16)})`);
  const linkType = buf.readUInt32LE(20);
  if (linkType !== 1) throw new Error(`${file}: link type ${linkType}, expected Ethernet (1) as on lo`);
  const out: Segment[] = [];
  for (let off = 24; off + 16 <= buf.length; ) {
    const at = buf.readUInt32LE(off) * 1e3 + buf.readUInt32LE(off + 4) / 1e6;
    const caplen = buf.readUInt32LE(off + 8);
    const pkt = buf.subarray(off + 16, off + 16 + caplen);
    off += 16 + caplen;
    const etherType = pkt.readUInt16BE(12);
    let ip = 14;
    let ipLength: number;
    if (etherType === 0x0800) {
      if (pkt[ip + 9] !== 6) continue;
      ipLength = pkt.readUInt16BE(ip + 2);
      const ihl = (pkt[ip]! & 0xf) * 4;
      ipLength -= ihl;
      ip += ihl;
    } else if (etherType === 0x86dd) {
      if (pkt[ip + 6] !== 6) continue;
      ipLength = pkt.readUInt16BE(ip + 4);
      ip += 40;
    } else continue;
    const src = pkt.readUInt16BE(ip);
    const dst = pkt.readUInt16BE(ip + 2);
    const tcpHeader = (pkt[ip + 12]! >> 4) * 4;
    const length = ipLength - tcpHeader;
    if (length <= 0) continue;
    const toServer = dst === serverPort;
    if (!toServer && src !== serverPort) continue;
    out.push({
      at,
      clientPort: toServer ? src : dst,
      toServer,
      seq: pkt.readUInt32BE(ip + 4),
      length,
      data: pkt.subarray(ip + tcpHeader),
    });
  }
  return out;
}

/** A request's times on the wire, epoch ms. */
export interface WireTimes {
  /** The packet that carried the request's last byte. */
  sentAt: number;
  /** The packet that carried the first event with content, tool calls or reasoning. */
  firstTokenAt: number;
}

/** A first-token event: a server-sent event whose first choice's delta carries something (stream.ts). */
function carriesToken(json: string): boolean {
  try {
    const d = (JSON.parse(json) as { choices?: { delta?: Record<string, unknown> }[] }).choices?.[0]?.delta;
    if (!d) return false;
    const calls = d.tool_calls as unknown[] | undefined;
    return Boolean(d.content || calls?.length || d.reasoning_content || d.reasoning);
  } catch {
    return false;
  }
}

/** One request on a connection, in progress or done. */
interface Exchange {
  spanId: string | undefined;
  /** Request body bytes still to come. */
  bodyLeft: number;
  sentAt: number | undefined;
  /** The response's captured bytes so far, and where each packet's bytes end in them. */
  text: string;
  ends: { end: number; at: number }[];
  /** A response packet was cut by the snap length before the first token was found. */
  cut: boolean;
  /** The response is an event stream (known from its headers). */
  stream: boolean;
  firstTokenAt: number | undefined;
}

/**
 * Wire times of every streamed request in a capture, by the span id in its `traceparent` (requests without
 * one, or whose headers were cut, are left out). `unreadable` counts streamed requests whose send or first
 * token could not be placed.
 */
export function wireTimes(
  file: string,
  serverPort: number,
): { times: Map<string, WireTimes>; unreadable: number } {
  const segments = readSegments(file, serverPort);
  const conns = new Map<number, { current?: Exchange; next: { toServer: number; toClient: number } }>();
  const done: Exchange[] = [];
  for (const s of segments) {
    const c = conns.get(s.clientPort) ?? { next: { toServer: -1, toClient: -1 } };
    conns.set(s.clientPort, c);
    // Retransmitted data (rare on loopback) is what the receiver already had: keep the first copy's time.
    const dir = s.toServer ? 'toServer' : 'toClient';
    if (c.next[dir] !== -1 && ((s.seq - c.next[dir]) | 0) < 0) continue;
    c.next[dir] = (s.seq + s.length) >>> 0;
    if (s.toServer) {
      const x = c.current;
      if (x && x.bodyLeft > 0) {
        x.bodyLeft -= s.length;
        if (x.bodyLeft <= 0) x.sentAt = s.at;
        continue;
      }
      // A new request on this connection (no pipelining: the previous one's response is complete).
      if (x) done.push(x);
      const head = s.data.toString('latin1');
      const headEnd = head.indexOf('\r\n\r\n');
      const headers = headEnd < 0 ? '' : head.slice(0, headEnd);
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(headers)?.[1] ?? 0);
      const parent = /\r\ntraceparent: *[0-9a-f]{2}-[0-9a-f]{32}-([0-9a-f]{16})-/i.exec(headers)?.[1];
      const bodyLeft = headEnd < 0 ? Number.POSITIVE_INFINITY : length - (s.length - (headEnd + 4));
      const next: Exchange = {
        spanId: parent,
        bodyLeft,
        sentAt: bodyLeft <= 0 ? s.at : undefined,
        text: '',
        ends: [],
        cut: false,
        stream: false,
        firstTokenAt: undefined,
      };
      c.current = next;
      continue;
    }
    const x = c.current;
    if (!x || x.firstTokenAt !== undefined || x.cut) continue;
    if (x.text === '') x.stream = /\r\ncontent-type: *text\/event-stream/i.test(s.data.toString('latin1'));
    x.text += s.data.toString('utf8');
    x.ends.push({ end: x.text.length, at: s.at });
    x.firstTokenAt = firstTokenIn(x);
    if (x.firstTokenAt === undefined && s.data.length < s.length) x.cut = true;
  }
  for (const c of conns.values()) if (c.current) done.push(c.current);
  const times = new Map<string, WireTimes>();
  let unreadable = 0;
  for (const x of done) {
    if (!x.spanId || !x.stream) continue;
    if (x.sentAt === undefined || x.firstTokenAt === undefined) unreadable++;
    else times.set(x.spanId, { sentAt: x.sentAt, firstTokenAt: x.firstTokenAt });
  }
  return { times, unreadable };
}

/** When the packet holding the end of the response's first token event arrived, if it has yet. */
function firstTokenIn(x: Exchange): number | undefined {
  const events = /data: (\{[^\n]*\})\n\n/g;
  for (let m = events.exec(x.text); m; m = events.exec(x.text)) {
    if (!carriesToken(m[1]!)) continue;
    const end = m.index + m[0].length;
    return x.ends.find((e) => e.end >= end)!.at;
  }
  return undefined;
}
