import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandPath, packagePath, packageRoot, packageVersion } from './paths.js';

describe('package paths', () => {
  it('finds the package from the sources, with its version', () => {
    const manifest = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { name: string; version: string; bin: Record<string, string> };
    expect(manifest.name).toBe('wheelhouse');
    expect(packageVersion).toBe(manifest.version);
    expect(statSync(packagePath('schema', 'wheelhouse.schema.json')).isFile()).toBe(true);
    // The command the daemon and the systemd unit run is the one npm links as `wheelhouse`.
    expect(commandPath).toBe(join(packageRoot, manifest.bin.wheelhouse!));
  });

  it('the bundled command is executable and finds the same package from dist/bin', () => {
    expect(statSync(commandPath).mode & 0o111).not.toBe(0);
    expect(execFileSync(commandPath, ['--version'], { encoding: 'utf8' }).trim()).toBe(packageVersion);
    const schema = JSON.parse(execFileSync(commandPath, ['config', 'schema'], { encoding: 'utf8' })) as { $id: string };
    expect(schema).toEqual(JSON.parse(readFileSync(packagePath('schema', 'wheelhouse.schema.json'), 'utf8')));
  });
});
