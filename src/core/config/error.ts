/** The error of an invalid configuration (no YAML here: the CLI loads this without the parser). */
import { AppError } from '../errors.js';

/** Thrown for an invalid file; `issues` are formatted `file:line:col: path: message`, sorted by position. */
export class ConfigError extends AppError {
  constructor(readonly issues: string[]) {
    super('config/invalid', `invalid configuration:\n${issues.join('\n')}`, { issues });
  }
}
