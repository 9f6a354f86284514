// OTLP JSON decoding: the encoding's rules (hex ids, int64 as strings or numbers, enums as
// numbers or names, base64 bytes), and refusals that name the field at fault.
import { describe, expect, it } from 'vitest';
import { decodeJson } from './decode-json.js';

/** A request with one record. */
const withRecord = (record: unknown) => ({ resourceLogs: [{ scopeLogs: [{ logRecords: [record] }] }] });
const recordOf = (body: unknown) => decodeJson(body).resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!;

describe('decodeJson', () => {
  it('decodes what the OpenTelemetry JSON exporter sends', () => {
    const body = {
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop' } }, { key: 'process.pid', value: { intValue: 4242 } }], droppedAttributesCount: 0 },
          scopeLogs: [
            {
              scope: { name: 'checkout', version: '1.0.0' },
              logRecords: [
                {
                  timeUnixNano: '1700000000123456789',
                  observedTimeUnixNano: 1700000000999000000,
                  severityNumber: 13,
                  severityText: 'WARN',
                  body: { stringValue: 'retrying' },
                  attributes: [
                    { key: 'b', value: { boolValue: false } },
                    { key: 'i', value: { intValue: '-9007199254740993' } },
                    { key: 'd', value: { doubleValue: 'NaN' } },
                    { key: 'arr', value: { arrayValue: { values: [{ stringValue: 'x' }, {}] } } },
                    { key: 'kv', value: { kvlistValue: { values: [{ key: 'inner', value: { doubleValue: 1.5 } }] } } },
                    { key: 'bytes', value: { bytesValue: 'AQL/' } },
                    { key: 'empty' },
                  ],
                  droppedAttributesCount: 0,
                  flags: 1,
                  traceId: '5B8EFFF798038103D269B633813FC60C',
                  spanId: 'eee19b7ec3c1b174',
                  eventName: 'retry',
                  somethingNew: { ignored: true },
                },
              ],
              schemaUrl: '',
            },
          ],
        },
      ],
    };
    const req = decodeJson(body);
    expect(req.resourceLogs[0]!.resourceAttributes).toEqual([
      { key: 'service.name', value: 'shop' },
      { key: 'process.pid', value: 4242n },
    ]);
    expect(req.resourceLogs[0]!.scopeLogs[0]!.scopeName).toBe('checkout');
    const r = req.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!;
    expect(r).toMatchObject({
      timeUnixNano: 1700000000123456789n,
      // A JSON number holds nanoseconds only to the nearest double: off by far less than a millisecond.
      observedTimeUnixNano: BigInt(1700000000999000000),
      severityNumber: 13,
      severityText: 'WARN',
      body: 'retrying',
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
      eventName: 'retry',
    });
    expect(r.attributes).toEqual([
      { key: 'b', value: false },
      { key: 'i', value: -9007199254740993n },
      { key: 'd', value: NaN },
      { key: 'arr', value: ['x', null] },
      { key: 'kv', value: { kvlist: [{ key: 'inner', value: 1.5 }] } },
      { key: 'bytes', value: Uint8Array.of(1, 2, 255) },
      { key: 'empty', value: null },
    ]);
  });

  it('treats absent and null fields as their defaults', () => {
    expect(decodeJson({})).toEqual({ resourceLogs: [] });
    expect(decodeJson({ resourceLogs: [{ resource: null, scopeLogs: [{ scope: null, logRecords: [{ body: null, traceId: null }] }] }] })).toEqual({
      resourceLogs: [
        {
          resourceAttributes: [],
          scopeLogs: [{ scopeName: '', logRecords: [{ timeUnixNano: 0n, observedTimeUnixNano: 0n, severityNumber: 0, severityText: '', body: null, attributes: [], traceId: '', spanId: '', eventName: '' }] }],
        },
      ],
    });
  });

  it('accepts severity numbers by enum name, and counts unknown names as unspecified', () => {
    expect(recordOf(withRecord({ severityNumber: 'SEVERITY_NUMBER_FATAL2' })).severityNumber).toBe(22);
    expect(recordOf(withRecord({ severityNumber: 'LOUD' })).severityNumber).toBe(0);
    expect(recordOf(withRecord({ severityNumber: 99 })).severityNumber).toBe(99);
  });

  const deep = Array.from({ length: 70 }).reduce<unknown>((inner) => ({ arrayValue: { values: [inner] } }), { stringValue: 'deep' });
  const bad: [string, unknown, RegExp][] = [
    ['a body that is not an object', [], /^invalid OTLP JSON: the body must be a JSON object$/],
    ['resourceLogs not an array', { resourceLogs: { a: 1 } }, /resourceLogs must be an array/],
    ['a resource that is not an object', { resourceLogs: [{ resource: 'x' }] }, /resourceLogs\[0\]\.resource must be a JSON object/],
    ['attributes not an array', { resourceLogs: [{ resource: { attributes: {} } }] }, /resourceLogs\[0\]\.resource\.attributes must be an array/],
    ['a record that is not an object', withRecord(42), /logRecords\[0\] must be a JSON object/],
    ['a timestamp that is not a number', withRecord({ timeUnixNano: 'soon' }), /logRecords\[0\]\.timeUnixNano must be a non-negative 64-bit integer/],
    ['a negative timestamp', withRecord({ timeUnixNano: -1 }), /timeUnixNano must be a non-negative/],
    ['a timestamp past 64 bits', withRecord({ timeUnixNano: '18446744073709551616' }), /timeUnixNano must be/],
    ['a fractional severity', withRecord({ severityNumber: 9.5 }), /severityNumber must be a SeverityNumber/],
    ['a numeric severity text', withRecord({ severityText: 9 }), /severityText must be a string/],
    ['an id that is not a string', withRecord({ traceId: 123 }), /traceId must be a string/],
    ['an attribute key that is not a string', withRecord({ attributes: [{ key: 1, value: {} }] }), /attributes\[0\]\.key must be a string/],
    ['an AnyValue with two values', withRecord({ body: { stringValue: 'a', intValue: 1 } }), /body sets stringValue and intValue; an AnyValue holds one value/],
    ['a boolValue that is a string', withRecord({ body: { boolValue: 'yes' } }), /body\.boolValue must be true or false/],
    ['an intValue out of range', withRecord({ body: { intValue: '9223372036854775808' } }), /body\.intValue must be a 64-bit integer/],
    ['a doubleValue that is not a number', withRecord({ body: { doubleValue: 'lots' } }), /body\.doubleValue must be a number/],
    ['bytesValue that is not base64', withRecord({ body: { bytesValue: '***' } }), /body\.bytesValue must be a base64 string/],
    ['arrayValue.values not an array', withRecord({ body: { arrayValue: { values: 'x' } } }), /body\.arrayValue\.values must be an array/],
    ['values nested past the limit', withRecord({ body: deep }), /values nest deeper than 32 levels/],
    // Nested paths are built only for the message: each must still name the exact place.
    ['an attribute that is not an object', withRecord({ attributes: [{ key: 'a', value: {} }, 7] }), /: resourceLogs\[0\]\.scopeLogs\[0\]\.logRecords\[0\]\.attributes\[1\] must be a JSON object$/],
    ['an attribute stringValue that is a number', withRecord({ attributes: [{ key: 'a', value: { stringValue: 5 } }] }), /: resourceLogs\[0\]\.scopeLogs\[0\]\.logRecords\[0\]\.attributes\[0\]\.value\.stringValue must be a string$/],
    [
      'a bad intValue deep inside arrays and lists',
      withRecord({ attributes: [{ key: 'ok', value: { intValue: 1 } }, { key: 'x', value: { arrayValue: { values: [{ boolValue: true }, { kvlistValue: { values: [{ key: 'n', value: { intValue: 'many' } }] } }] } } }] }),
      /: resourceLogs\[0\]\.scopeLogs\[0\]\.logRecords\[0\]\.attributes\[1\]\.value\.arrayValue\.values\[1\]\.kvlistValue\.values\[0\]\.value\.intValue must be a 64-bit integer/,
    ],
    ['a kvlist entry key that is not a string', withRecord({ body: { kvlistValue: { values: [{ key: [], value: null }] } } }), /: resourceLogs\[0\]\.scopeLogs\[0\]\.logRecords\[0\]\.body\.kvlistValue\.values\[0\]\.key must be a string$/],
    ['an arrayValue that is not an object', withRecord({ body: { arrayValue: 3 } }), /logRecords\[0\]\.body\.arrayValue must be a JSON object$/],
  ];
  it.each(bad)('refuses %s, naming the field', (_label, body, message) => {
    expect(() => decodeJson(body)).toThrow(expect.objectContaining({ code: 'request/invalid' }));
    expect(() => decodeJson(body)).toThrow(message);
  });
});
