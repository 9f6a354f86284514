// How `wheelhouse logs` prints entries: the seed's layout, level colors, escaping, times.
import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../logs/index.js';
import { formatEntry, formatJsonLine, formatTime, pythonJson, type Painter } from './format.js';

const entry = (over: Partial<LogEntry> = {}): LogEntry => ({
  id: 1, timestamp: '2024-11-22T10:30:00.000Z', service_name: 'codex', level: 'INFO', message: 'Company synced from PSA',
  context: null, trace_id: null, user_id: null, hostname: null, process_id: null, source: 'http', ...over,
});
const tags: Painter = (color, text) => `<${color}>${text}</${color}>`;
const plain: Painter = (_c, text) => text;

describe('formatEntry', () => {
  it('prints one line for a bare entry', () => {
    expect(formatEntry(entry(), { utc: true, paint: plain })).toBe('2024-11-22 10:30:00 [INFO] codex: Company synced from PSA\n');
  });

  it('adds context, trace and user lines, then a blank line, as the seed does', () => {
    const e = entry({ level: 'ERROR', message: 'API call failed', context: { url: '/api/data', error: 'Connection timeout' }, trace_id: 'req-abc123', user_id: 'admin@example.com' });
    expect(formatEntry(e, { utc: true, paint: plain })).toBe(
      '2024-11-22 10:30:00 [ERROR] codex: API call failed\n  Context: {"url": "/api/data", "error": "Connection timeout"}\n  Trace ID: req-abc123\n  User: admin@example.com\n\n',
    );
  });

  it('indents the further lines of a stack trace', () => {
    const e = entry({ message: 'boom\r\nError: x\n    at f (a.js:1:1)\n\n' });
    expect(formatEntry(e, { utc: true, paint: plain })).toBe('2024-11-22 10:30:00 [INFO] codex: boom\n    Error: x\n        at f (a.js:1:1)\n\n');
  });

  it.each([
    ['DEBUG', '<gray>[DEBUG]</gray>'],
    ['INFO', '<green>[INFO]</green>'],
    ['WARNING', '<yellow>[WARNING]</yellow>'],
    ['ERROR', '<red>[ERROR]</red>'],
    ['CRITICAL', '<bold><red>[CRITICAL]</red></bold>'],
  ] as const)('colors %s', (level, tag) => {
    expect(formatEntry(entry({ level }), { utc: true, paint: tags })).toContain(` ${tag} codex:`);
  });

  it('writes control characters out instead of sending them to the terminal', () => {
    const e = entry({ message: 'red \u001b[31mtext\u0007', trace_id: 'a\rb' });
    expect(formatEntry(e, { utc: true, paint: plain })).toBe('2024-11-22 10:30:00 [INFO] codex: red \\x1b[31mtext\\x07\n  Trace ID: a\\x0db\n\n');
  });
});

describe('formatting helpers', () => {
  it('prints NDJSON lines', () => {
    expect(JSON.parse(formatJsonLine(entry()))).toEqual(entry());
    expect(formatJsonLine(entry()).split('\n')).toHaveLength(2);
  });

  it('formats contexts like Python json.dumps', () => {
    expect(pythonJson({ a: 1, b: [true, null, 'x'], c: { d: {} }, e: [] })).toBe('{"a": 1, "b": [true, null, "x"], "c": {"d": {}}, "e": []}');
  });

  it('prints UTC or local time, and leaves a non-time alone', () => {
    expect(formatTime('2024-11-22T10:30:05.900Z', true)).toBe('2024-11-22 10:30:05');
    const local = new Date('2024-11-22T10:30:05Z');
    expect(formatTime(local.toISOString(), false)).toBe(`${local.getFullYear()}-11-${String(local.getDate()).padStart(2, '0')} ${String(local.getHours()).padStart(2, '0')}:${String(local.getMinutes()).padStart(2, '0')}:05`);
    expect(formatTime('garbage', false)).toBe('garbage');
  });
});
