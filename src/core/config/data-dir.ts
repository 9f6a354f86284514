/** Where the hub keeps its data unless the file or a flag says otherwise. */
import { homedir } from 'node:os';
import { resolve } from 'node:path';

/** The default data directory when neither the file nor a flag names one. */
export function defaultDataDir(): string {
  return resolve(homedir(), '.wheelhouse');
}
