import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publishedSchema } from './schema.js';
import { repoRoot, tempDir } from '../../testing/helpers.js';
import { ConfigError, loadConfig } from './index.js';

function write(text: string): string {
  const file = join(tempDir(), 'wheelhouse.yaml');
  writeFileSync(file, text);
  return file;
}

function errorsOf(text: string, env: Record<string, string> = {}): string[] {
  const file = write(text);
  try {
    loadConfig({ file, env });
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => i.replace(`${file}:`, ''));
    throw err;
  }
  return [];
}

describe('config loading', () => {
  it('loads the example fleet with defaults applied', () => {
    const config = loadConfig({ file: join(repoRoot, 'examples', 'wheelhouse.yaml'), env: {} });
    expect(config.hub).toMatchObject({ host: '127.0.0.1', port: 5004, sampleIntervalMs: 5000, bodyLimit: 1024 * 1024 });
    expect(config.services.map((s) => s.name)).toEqual(['catalog', 'api', 'worker']);
    const api = config.services[1]!;
    expect(api.dependsOn).toEqual(['catalog']);
    expect(api.cwd).toBe(join(repoRoot, 'examples'));
    expect(api.stop).toEqual({ signal: 'SIGTERM', graceMs: 5000 });
    expect(api.restart).toMatchObject({ policy: 'always', backoffMs: 100, stableAfterMs: 1000, crashLoopExits: 5, crashLoopWindowMs: 10_000, maxMemoryBytes: null, schedule: null });
    expect(config.services[0]!.restart.maxMemoryBytes).toBe(256 * 1024 * 1024);
    expect(api.health).toMatchObject({ probe: { kind: 'http', url: 'http://127.0.0.1:5011/health' }, intervalMs: 5000, timeoutMs: 2000, failures: 3 });
    expect(config.services[2]!.command).toEqual({ kind: 'argv', argv: ['node', 'services/worker.mjs'] });
  });

  it('reads a memory limit as bytes, and 0 as no limit', () => {
    const limitOf = (v: string) => loadConfig({ file: write(`services:\n  a: { command: x, restart: { max_memory: ${v} } }\n`) }).services[0]!.restart.maxMemoryBytes;
    expect(limitOf('512MB')).toBe(512 * 1024 * 1024);
    expect(limitOf('1.5GB')).toBe(1.5 * 1024 ** 3);
    expect(limitOf('0')).toBeNull();
  });

  it('lets flags and environment override the file', () => {
    const file = write('hub: { host: 0.0.0.0, port: 6000, data_dir: ./data }\n');
    const config = loadConfig({ file, overrides: { port: 7000, dataDir: '/tmp/elsewhere' } });
    expect(config.hub).toMatchObject({ host: '0.0.0.0', port: 7000, dataDir: '/tmp/elsewhere' });
    expect(loadConfig({ file }).hub.dataDir).toBe(join(file, '..', 'data'));
  });

  it('keeps history 90 days and the audit trail a year unless told otherwise', () => {
    expect(loadConfig({ file: null }).history).toEqual({ retentionMs: 90 * 86_400_000, auditRetentionMs: 365 * 86_400_000 });
    expect(loadConfig({ file: write('history: { retention: 14d, audit_retention: 0 }\n') }).history).toEqual({ retentionMs: 14 * 86_400_000, auditRetentionMs: 0 });
    expect(errorsOf('history:\n  retention: forever\n')).toEqual([expect.stringMatching(/^2:14: history\.retention: /)]);
    expect(errorsOf('history:\n  keep: 1d\n')).toEqual([expect.stringMatching(/^2:3: history\.keep: unknown property "keep"/)]);
  });

  it('runs with no file at all', () => {
    expect(loadConfig({ file: null }).services).toEqual([]);
  });

  it('resolves ${env:…} and ${file:…} references, and $${ as a literal', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'secret.txt'), 's3cret\n');
    const file = join(dir, 'wheelhouse.yaml');
    writeFileSync(file, 'services:\n  a:\n    command: run\n    env:\n      TOKEN: ${env:API_TOKEN}\n      KEY: ${file:secret.txt}\n      RAW: $${env:NOT_RESOLVED}\n');
    const env = loadConfig({ file, env: { API_TOKEN: 'tok' } }).services[0]!.env;
    expect(env).toEqual({ TOKEN: 'tok', KEY: 's3cret', RAW: '${env:NOT_RESOLVED}' });
  });
});

describe('config errors: every problem, with file:line:col and path', () => {
  it.each([
    ['unknown property with a hint', 'hub:\n  prot: 1\n', ['2:3: hub.prot: unknown property "prot" (did you mean "port"?)']],
    ['wrong type', 'hub:\n  port: "high"\n', ['2:9: hub.port: must be an integer, got "high"']],
    ['missing command', 'services:\n  api:\n    port: 5000\n', ['3:5: services.api: missing required property "command"']],
    ['bad enum', 'services:\n  a:\n    command: x\n    restart: { policy: sometimes }\n', ['4:24: services.a.restart.policy: invalid value "sometimes": must be one of always, on-failure, never']],
    ['bad duration', 'services:\n  a:\n    command: x\n    stop: { grace: soon }\n', [expect.stringMatching(/^4:20: services.a.stop.grace: invalid value "soon": expected a duration/)]],
    ['bad cron schedule', 'services:\n  a:\n    command: x\n    restart: { schedule: "99 * * * *" }\n', ['4:26: services.a.restart.schedule: invalid cron schedule "99 * * * *": Invalid value for minute: 99']],
    ['bad size', 'services:\n  a:\n    command: x\n    restart: { max_memory: lots }\n', [expect.stringMatching(/^4:28: services.a.restart.max_memory: invalid value "lots"/)]],
    ['bad service name', 'services:\n  My App:\n    command: x\n', ['2:3: services.My App: invalid service name "My App": use lower-case letters, digits, "-" and "_" (up to 63 characters)']],
    ['reserved name', 'services:\n  all:\n    command: x\n', ['2:3: services.all: "all" is reserved for commands on every service']],
    ['unknown dependency', 'services:\n  a:\n    command: x\n    depends_on: [b]\n', ['4:18: services.a.depends_on.0: unknown service "b"']],
    ['self dependency', 'services:\n  a:\n    command: x\n    depends_on: [a]\n', ['4:18: services.a.depends_on.0: a service cannot depend on itself']],
    ['cycle', 'services:\n  a:\n    command: x\n    depends_on: [b]\n  b:\n    command: y\n    depends_on: [a]\n', ['4:17: services.a.depends_on: dependency cycle: a -> b -> a']],
    ['two probes', 'services:\n  a:\n    command: x\n    health: { http: "http://x/h", tcp: "x:1" }\n', ['4:13: services.a.health: give exactly one probe: http, tcp or command (found http, tcp)']],
    ['duplicate port', 'services:\n  a: { command: x, port: 80 }\n  b: { command: y, port: 80 }\n', ['3:26: services.b.port: port 80 is also used by service "a"']],
    ['postgres without url', 'store: { kind: postgres }\n', ['1:8: store: kind postgres needs a url']],
    ['missing env reference', 'services:\n  a:\n    command: x\n    env: { K: "${env:MISSING}" }\n', ['4:15: services.a.env.K: environment variable MISSING is not set (referenced as ${env:MISSING})']],
    ['not a mapping', '- a\n- b\n', ['1:1: (root): the file must be a mapping (key: value) at the top level']],
  ])('%s', (_label, text, expected) => {
    expect(errorsOf(text)).toEqual(expected);
  });

  it('reports every problem at once, in file order', () => {
    const errors = errorsOf('hub:\n  port: -1\nservices:\n  a:\n    command: 5\n    cwdd: x\n');
    expect(errors).toHaveLength(3);
    expect(errors.map((e) => e.split(':').slice(0, 2).join(':'))).toEqual(['2:9', '5:14', '6:5']);
  });

  it('reports YAML syntax errors and duplicate keys with positions', () => {
    expect(errorsOf('services:\n  a:\n    command: [unclosed\n')[0]).toMatch(/^\d+:\d+: /);
    expect(errorsOf('hub:\n  port: 1\n  port: 2\n')[0]).toMatch(/^3:3: Map keys must be unique/);
  });

  it('names a missing file', () => {
    expect(() => loadConfig({ file: '/nonexistent/wheelhouse.yaml' })).toThrow(/\/nonexistent\/wheelhouse.yaml: file not found/);
  });
});

describe('published schema', () => {
  it('schema/wheelhouse.schema.json is up to date (regenerate with npm run schema)', () => {
    const committed = JSON.parse(readFileSync(join(repoRoot, 'schema', 'wheelhouse.schema.json'), 'utf8'));
    expect(committed).toEqual(publishedSchema());
  });
});
