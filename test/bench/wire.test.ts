import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { wireTimes } from '../../bench/wire.js';

const SERVER = 8000;

/** One captured packet: when (ms after epoch second 1000), which way, TCP sequence number, payload. */
interface Packet {
  ms: number;
  client: number;
  toServer: boolean;
  seq: number;
  payload: string;
  /** Bytes of the payload kept in the capture (as a snap length cuts it); all by default. */
  keep?: number;
}

/** A pcap file as `tcpdump -i lo --time-stamp-precision=nano -w` writes one: Ethernet, IPv4, TCP. */
function pcap(packets: Packet[]): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b23c4d, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262144, 16);
  header.writeUInt32LE(1, 20);
  const parts = [header];
  for (const p of packets) {
    const payload = Buffer.from(p.payload, 'utf8');
    const frame = Buffer.alloc(14 + 20 + 20 + payload.length);
    frame.writeUInt16BE(0x0800, 12);
    frame[14] = 0x45;
    frame.writeUInt16BE(20 + 20 + payload.length, 16);
    frame[23] = 6;
    const [src, dst] = p.toServer ? [p.client, SERVER] : [SERVER, p.client];
    frame.writeUInt16BE(src, 34);
    frame.writeUInt16BE(dst, 36);
    frame.writeUInt32BE(p.seq >>> 0, 38);
    frame[46] = 5 << 4;
    payload.copy(frame, 54);
    const kept = frame.subarray(0, 54 + (p.keep ?? payload.length));
    const record = Buffer.alloc(16);
    const ns = Math.round(p.ms * 1e6);
    record.writeUInt32LE(1000 + Math.floor(ns / 1e9), 0);
    record.writeUInt32LE(ns % 1e9, 4);
    record.writeUInt32LE(kept.length, 8);
    record.writeUInt32LE(frame.length, 12);
    parts.push(record, kept);
  }
  return Buffer.concat(parts);
}

const span = (c: string) => c.repeat(16);
const request = (spanId: string, bodyLength: number) =>
  `POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: ${bodyLength}\r\n` +
  `traceparent: 00-${'1'.repeat(32)}-${spanId}-01\r\n\r\n`;
const streamHead = 'HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n';
const event = (delta: object) => {
  const e = `data: ${JSON.stringify({ id: 'x', choices: [{ index: 0, delta }] })}\n\n`;
  return `${Buffer.byteLength(e).toString(16)}\r\n${e}\r\n`;
};

/** Lays out packets one after another in each direction of each connection, numbering their bytes. */
function sequence(list: Omit<Packet, 'seq'>[]): Packet[] {
  const next = new Map<string, number>();
  return list.map((p) => {
    const key = `${p.client}${p.toServer}`;
    const seq = next.get(key) ?? 1000;
    next.set(key, seq + Buffer.byteLength(p.payload));
    return { ...p, seq };
  });
}

describe('wire truth from a loopback capture (bench/wire.ts)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tau2-wire-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, packets: Packet[]) => {
    const path = join(dir, name);
    writeFileSync(path, pcap(packets));
    return path;
  };

  it('times a request from its last body byte to the first event that carries a token', () => {
    const body = 'b'.repeat(100);
    const packets = sequence([
      // Connection 1, request a: headers and 40 body bytes, then the other 60 bytes 2 ms later.
      { ms: 0, client: 50001, toServer: true, payload: request(span('a'), 100) + body.slice(0, 40) },
      { ms: 2, client: 50001, toServer: true, payload: body.slice(40) },
      // Its response: a role-only event first (no token), then the first content event.
      {
        ms: 10,
        client: 50001,
        toServer: false,
        payload: streamHead + event({ role: 'assistant', content: '' }),
      },
      { ms: 20, client: 50001, toServer: false, payload: event({ content: 'Hi' }) },
      { ms: 30, client: 50001, toServer: false, payload: `${event({ content: ' there' })}0\r\n\r\n` },
      // Connection 1, request b (keep-alive), whose first token is a tool call.
      { ms: 100, client: 50001, toServer: true, payload: request(span('b'), 4) + 'body' },
      {
        ms: 150,
        client: 50001,
        toServer: false,
        payload: streamHead + event({ tool_calls: [{ index: 0 }] }),
      },
      // Connection 2: a response that is not a stream has no first token and is left out.
      { ms: 200, client: 50002, toServer: true, payload: request(span('c'), 2) + '{}' },
      {
        ms: 210,
        client: 50002,
        toServer: false,
        payload: 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n{}',
      },
      // Connection 3: a stream whose first packet was cut before its first token: unreadable.
      { ms: 300, client: 50003, toServer: true, payload: request(span('d'), 2) + '{}' },
      {
        ms: 310,
        client: 50003,
        toServer: false,
        payload: streamHead + event({ content: 'cut off' }),
        keep: streamHead.length + 8,
      },
    ]);
    // A retransmission of request b, 1 ms later, is not a request of its own.
    packets.splice(6, 0, { ...packets[5]!, ms: 101 });
    const { times, unreadable } = wireTimes(file('mixed.pcap', packets), SERVER);
    const ms = (t: number) => Math.round((t - 1_000_000) * 1000) / 1000;
    const a = times.get(span('a'));
    assert.deepEqual(a && [ms(a.sentAt), ms(a.firstTokenAt)], [2, 20]);
    const b = times.get(span('b'));
    assert.deepEqual(b && [ms(b.sentAt), ms(b.firstTokenAt)], [100, 150]);
    assert.deepEqual([...times.keys()].sort(), [span('a'), span('b')]);
    assert.equal(unreadable, 1);
  });

  it('refuses a file that is not a nanosecond pcap, naming it', () => {
    const path = join(dir, 'micro.pcap');
    const bytes = pcap([]);
    bytes.writeUInt32LE(0xa1b2c3d4, 0);
    writeFileSync(path, bytes);
    assert.throws(() => wireTimes(path, SERVER), new RegExp(`${path}: not a little-endian nanosecond pcap`));
  });
});
