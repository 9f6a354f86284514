/** What the browser downloads before the overview can render: index.html's scripts, preloads and styles, gzip-compressed. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface BundleSize {
  /** Initial JavaScript: the entry module and every module it preloads. */
  jsBytes: number;
  jsGzipBytes: number;
  cssBytes: number;
  cssGzipBytes: number;
  /** Every other script chunk (pages loaded on first visit). */
  lazyChunks: { file: string; gzipBytes: number }[];
  files: string[];
}

/** Measures the build in `webRoot` (dist/web). */
export function measureBundle(webRoot: string): BundleSize {
  const html = readFileSync(join(webRoot, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]!);
  const size: BundleSize = { jsBytes: 0, jsGzipBytes: 0, cssBytes: 0, cssGzipBytes: 0, lazyChunks: [], files: refs };
  for (const ref of refs) {
    const body = readFileSync(join(webRoot, ref));
    const gz = gzipSync(body, { level: 9 }).length;
    if (ref.endsWith('.js')) {
      size.jsBytes += body.length;
      size.jsGzipBytes += gz;
    } else if (ref.endsWith('.css')) {
      size.cssBytes += body.length;
      size.cssGzipBytes += gz;
    }
  }
  const initial = new Set(refs.map((r) => r.slice('assets/'.length)));
  const assets = readdirSync(join(webRoot, 'assets'));
  for (const file of assets) {
    if (!file.endsWith('.js') || initial.has(file)) continue;
    size.lazyChunks.push({ file, gzipBytes: gzipSync(readFileSync(join(webRoot, 'assets', file)), { level: 9 }).length });
  }
  return size;
}
