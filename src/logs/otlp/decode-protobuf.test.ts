// Protobuf decoding on messages written field by field with the field numbers and wire types
// of opentelemetry-proto, independently of the descriptor in schema.ts.
import protobuf from 'protobufjs/light.js';
import { describe, expect, it } from 'vitest';
import { decodeProtobuf, encodeProtobufResponse } from './decode-protobuf.js';

const VARINT = 0;
const I64 = 1;
const LEN = 2;
const I32 = 5;

/** A message built by `write`, which writes its fields onto a raw writer. */
function message(write: (w: protobuf.Writer) => void): Uint8Array {
  const w = protobuf.Writer.create();
  write(w);
  return w.finish();
}
/** Writes a length-delimited submessage as field `id`. */
const sub = (w: protobuf.Writer, id: number, bytes: Uint8Array) => w.uint32((id << 3) | LEN).bytes(bytes);
const str = (w: protobuf.Writer, id: number, s: string) => w.uint32((id << 3) | LEN).string(s);
const keyValue = (key: string, value: Uint8Array) => message((w) => (str(w, 1, key), sub(w, 2, value)));
const stringValue = (s: string) => message((w) => str(w, 1, s));

describe('decodeProtobuf', () => {
  it('decodes every field the mapping reads, with the numbers and wire types of the .proto files', () => {
    const anyValues = [
      message((w) => w.uint32((2 << 3) | VARINT).bool(true)),
      message((w) => w.uint32((3 << 3) | VARINT).int64('-9007199254740993')),
      message((w) => w.uint32((4 << 3) | I64).double(2.5)),
      message((w) => sub(w, 5, message((a) => (sub(a, 1, stringValue('x')), sub(a, 1, message(() => {})))))),
      message((w) => sub(w, 6, message((l) => sub(l, 1, keyValue('inner', stringValue('y')))))),
      message((w) => w.uint32((7 << 3) | LEN).bytes(Uint8Array.of(1, 2, 255))),
    ];
    const record = message((w) => {
      w.uint32((1 << 3) | I64).fixed64('1700000000123456789'); // time_unix_nano
      w.uint32((11 << 3) | I64).fixed64('1700000000999000000'); // observed_time_unix_nano
      w.uint32((2 << 3) | VARINT).int32(17); // severity_number
      str(w, 3, 'ERROR'); // severity_text
      sub(w, 5, stringValue('payment failed')); // body
      anyValues.forEach((v, i) => sub(w, 6, keyValue(`a${i}`, v))); // attributes
      w.uint32((7 << 3) | VARINT).uint32(3); // dropped_attributes_count
      w.uint32((8 << 3) | I32).fixed32(1); // flags
      w.uint32((9 << 3) | LEN).bytes(Buffer.from('5B8EFFF798038103D269B633813FC60C', 'hex')); // trace_id
      w.uint32((10 << 3) | LEN).bytes(Buffer.from('eee19b7ec3c1b174', 'hex')); // span_id
      str(w, 12, 'payment.failed'); // event_name
      str(w, 99, 'a field from a newer version: skipped');
    });
    const scopeLogs = message((w) => {
      sub(w, 1, message((s) => (str(s, 1, 'checkout'), str(s, 2, '1.0.0'), sub(s, 3, keyValue('k', stringValue('v')))))); // scope
      sub(w, 2, record); // log_records
      str(w, 3, 'https://opentelemetry.io/schemas/1.26.0'); // schema_url
    });
    const resourceLogs = message((w) => {
      sub(w, 1, message((r) => (sub(r, 1, keyValue('service.name', stringValue('shop'))), r.uint32((2 << 3) | VARINT).uint32(0))));
      sub(w, 2, scopeLogs);
      str(w, 3, 'https://opentelemetry.io/schemas/1.26.0');
    });
    const request = message((w) => sub(w, 1, resourceLogs));

    expect(decodeProtobuf(request)).toEqual({
      resourceLogs: [
        {
          resourceAttributes: [{ key: 'service.name', value: 'shop' }],
          scopeLogs: [
            {
              scopeName: 'checkout',
              logRecords: [
                {
                  timeUnixNano: 1700000000123456789n,
                  observedTimeUnixNano: 1700000000999000000n,
                  severityNumber: 17,
                  severityText: 'ERROR',
                  body: 'payment failed',
                  attributes: [
                    { key: 'a0', value: true },
                    { key: 'a1', value: -9007199254740993n },
                    { key: 'a2', value: 2.5 },
                    { key: 'a3', value: ['x', null] },
                    { key: 'a4', value: { kvlist: [{ key: 'inner', value: 'y' }] } },
                    { key: 'a5', value: Uint8Array.of(1, 2, 255) },
                  ],
                  traceId: '5b8efff798038103d269b633813fc60c',
                  spanId: 'eee19b7ec3c1b174',
                  eventName: 'payment.failed',
                },
              ],
            },
          ],
        },
      ],
    });
  });

  it('gives absent fields their proto3 defaults', () => {
    const request = message((w) => sub(w, 1, message((rl) => sub(rl, 2, message((sl) => sub(sl, 2, new Uint8Array()))))));
    expect(decodeProtobuf(request)).toEqual({
      resourceLogs: [
        {
          resourceAttributes: [],
          scopeLogs: [{ scopeName: '', logRecords: [{ timeUnixNano: 0n, observedTimeUnixNano: 0n, severityNumber: 0, severityText: '', body: null, attributes: [], traceId: '', spanId: '', eventName: '' }] }],
        },
      ],
    });
    expect(decodeProtobuf(new Uint8Array())).toEqual({ resourceLogs: [] });
  });

  const deep = Array.from({ length: 120 }).reduce<Uint8Array>((inner) => message((w) => sub(w, 5, message((a) => sub(a, 1, inner)))), stringValue('deep'));
  const bad: [string, Uint8Array, RegExp][] = [
    ['garbage', Buffer.from('\xff\xff\xff\xff not protobuf', 'latin1'), /invalid tag encoding/],
    ['a truncated submessage', Uint8Array.of(0x0a, 0x10, 0x0a), /index out of range/],
    ['an unterminated group', Uint8Array.of(0x0b), /index out of range/],
    ['values nested past 100 message levels', message((w) => sub(w, 1, message((rl) => sub(rl, 2, message((sl) => sub(sl, 2, message((r) => sub(r, 5, deep)))))))), /max depth exceeded/],
  ];
  it.each(bad)('refuses %s as request/invalid', (_label, bytes, detail) => {
    expect(() => decodeProtobuf(bytes)).toThrow(expect.objectContaining({ code: 'request/invalid', message: expect.stringMatching(/^the body is not an OTLP ExportLogsServiceRequest \(protobuf\): /) }));
    expect(() => decodeProtobuf(bytes)).toThrow(detail);
  });
});

describe('encodeProtobufResponse', () => {
  it('encodes partial_success {rejected_log_records=1, error_message=2} as field 1', () => {
    const bytes = encodeProtobufResponse(2, 'bad');
    expect(Buffer.from(bytes).toString('hex')).toBe(Buffer.from(message((w) => sub(w, 1, message((p) => (p.uint32((1 << 3) | VARINT).int64(2), str(p, 2, 'bad')))))).toString('hex'));
  });

  it('is empty on full success', () => {
    expect(encodeProtobufResponse(0, '')).toHaveLength(0);
  });
});
