/** Terminal output: colors only on a TTY without NO_COLOR, JSON when asked. */

const useColor = Boolean(process.stdout.isTTY) && process.env.NO_COLOR === undefined;

const codes = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90, bold: 1 } as const;

/** Wraps text in an ANSI color when colors are on. */
export function paint(color: keyof typeof codes, text: string): string {
  return useColor ? `\u001b[${codes[color]}m${text}\u001b[0m` : text;
}

/** Colors a service status or health word by what it means. */
export function paintState(word: string): string {
  if (['running', 'healthy', 'started', 'ready'].includes(word)) return paint('green', word);
  if (['errored', 'unhealthy', 'failed'].includes(word)) return paint('red', word);
  if (['starting', 'stopping', 'backoff', 'unknown'].includes(word)) return paint('yellow', word);
  return paint('gray', word);
}

/** Prints a value as indented JSON. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * `wheelhouse status | head` closes the pipe before everything is written: stop quietly, as
 * other Unix tools do, instead of dying with an EPIPE stack trace. Returns the undo (the hub
 * keeps its own crash handling).
 */
export function quietOnClosedPipe(): () => void {
  const onError = (err: NodeJS.ErrnoException): void => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  };
  process.stdout.on('error', onError);
  return () => process.stdout.off('error', onError);
}

/** Prints one line. */
export function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}
