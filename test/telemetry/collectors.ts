/**
 * Stand-in OTLP trace receivers on loopback, one per protocol: OTLP/HTTP with JSON or protobuf bodies, and
 * OTLP/gRPC (a @grpc/grpc-js server, the library the gRPC exporter itself uses). Protobuf bodies are decoded
 * with protobufjs against the few fields of the OTLP trace schema the tests read.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { spansOfRequest } from '../../src/export/spool-reader.js';
import type { OtlpProtocol } from '../../src/telemetry/env.js';

/** A span as a receiver got it. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  resource: Record<string, unknown>;
}

/** A running receiver: its base URL, what it got, and how to stop it. */
export interface Receiver {
  url: string;
  spans: ReceivedSpan[];
  close(): Promise<void>;
}

// Field numbers from opentelemetry/proto/{collector/trace,trace,resource,common}/v1/*.proto.
const SCHEMA = `
syntax = "proto3";
message AnyValue { oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4; } }
message KeyValue { string key = 1; AnyValue value = 2; }
message Resource { repeated KeyValue attributes = 1; }
message Span { bytes trace_id = 1; bytes span_id = 2; bytes parent_span_id = 4; string name = 5; }
message ScopeSpans { repeated Span spans = 2; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
`;
const Request = protobuf.parse(SCHEMA, { keepCase: false }).root.lookupType('ExportTraceServiceRequest');

interface PbValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number;
  doubleValue?: number;
}
interface PbRequest {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value?: PbValue }[] };
    scopeSpans?: { spans?: { traceId: Buffer; spanId: Buffer; parentSpanId?: Buffer; name: string }[] }[];
  }[];
}

/** The spans of a protobuf `ExportTraceServiceRequest`. */
export function decodeProtobuf(body: Uint8Array): ReceivedSpan[] {
  const req = Request.toObject(Request.decode(body), { longs: Number }) as PbRequest;
  return (req.resourceSpans ?? []).flatMap((rs) => {
    const resource = Object.fromEntries(
      (rs.resource?.attributes ?? []).map((a) => [
        a.key,
        a.value?.stringValue ?? a.value?.intValue ?? a.value?.boolValue ?? a.value?.doubleValue,
      ]),
    );
    return (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((s) => ({
        traceId: Buffer.from(s.traceId).toString('hex'),
        spanId: Buffer.from(s.spanId).toString('hex'),
        parentSpanId: s.parentSpanId?.length ? Buffer.from(s.parentSpanId).toString('hex') : undefined,
        name: s.name,
        resource,
      })),
    );
  });
}

/** An OTLP/HTTP receiver for JSON or protobuf bodies on /v1/traces (other paths get 200 and are ignored). */
async function httpReceiver(json: boolean): Promise<Receiver> {
  const spans: ReceivedSpan[] = [];
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const body = Buffer.concat(parts);
      if (req.url === '/v1/traces') {
        spans.push(...(json ? spansOfRequest(JSON.parse(body.toString('utf8'))) : decodeProtobuf(body)));
      }
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
      res.end(json ? '{}' : '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, spans, close: () => new Promise((r) => server.close(() => r())) };
}

/**
 * An OTLP/gRPC receiver: the TraceService's Export method with raw-bytes (de)serialisers (an empty
 * response is a valid `ExportTraceServiceResponse`). `status`, when given, is returned instead of success.
 */
export async function grpcReceiver(status?: grpc.status): Promise<Receiver> {
  const spans: ReceivedSpan[] = [];
  const server = new grpc.Server();
  const raw = (b: Buffer) => b;
  server.addService(
    {
      Export: {
        path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
        requestStream: false,
        responseStream: false,
        requestSerialize: raw,
        requestDeserialize: raw,
        responseSerialize: raw,
        responseDeserialize: raw,
      },
    },
    {
      Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, done: grpc.sendUnaryData<Buffer>) => {
        if (status !== undefined) return done({ code: status, details: 'refused by the test' });
        spans.push(...decodeProtobuf(call.request));
        done(null, Buffer.alloc(0));
      },
    },
  );
  const port = await new Promise<number>((ok, fail) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? fail(err) : ok(p),
    ),
  );
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    close: () => new Promise((r) => server.tryShutdown(() => r())),
  };
}

/** A receiver for `protocol`. */
export function receiver(protocol: OtlpProtocol): Promise<Receiver> {
  return protocol === 'grpc' ? grpcReceiver() : httpReceiver(protocol === 'http/json');
}

/** Runs `fn` with `vars` set in process.env (undefined unsets), restoring the previous values after. */
export async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (v: Record<string, string | undefined>) => {
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined) delete process.env[k];
      else process.env[k] = x;
    }
  };
  apply(vars);
  try {
    return await fn();
  } finally {
    apply(before);
  }
}
