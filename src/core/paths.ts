/**
 * Where the package's own files are (the dashboard, the JSON Schema, worker scripts, the
 * command itself). Found the same way from the sources (tests), from the compiled modules in
 * dist/ and from the bundled command in dist/bin/, whose modules all sit at different
 * depths: the nearest folder above this module that holds Wheelhouse's package.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Manifest {
  name?: string;
  version?: string;
}

function findPackage(from: string): { root: string; manifest: Manifest } {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
      if (manifest.name === 'wheelhouse') return { root: dir, manifest };
    }
    if (dirname(dir) === dir) throw new Error(`Wheelhouse's package.json not found in ${from} or above`);
  }
}

const found = findPackage(dirname(fileURLToPath(import.meta.url)));

/** The installed package's folder (the checkout, or node_modules/wheelhouse). */
export const packageRoot: string = found.root;

/** The package's version (package.json). */
export const packageVersion: string = found.manifest.version ?? '0.0.0';

/** A file or folder inside the package, e.g. packagePath('schema', 'wheelhouse.schema.json'). */
export function packagePath(...parts: string[]): string {
  return join(packageRoot, ...parts);
}

/**
 * The `wheelhouse` command as built (one bundled file, see scripts/bundle-cli.js): what the
 * background daemon and the systemd unit run.
 */
export const commandPath: string = packagePath('dist', 'bin', 'wheelhouse.js');
