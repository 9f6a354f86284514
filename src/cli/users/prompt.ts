/** Reading passwords: from a terminal without echo, or from standard input (--password-stdin). */
import { AppError } from '../../core/errors.js';

/** True when a person can be asked (standard input is a terminal). */
export function canPrompt(): boolean {
  return Boolean(process.stdin.isTTY);
}

/** Asks for a line with echo (a user name). */
export async function promptLine(question: string): Promise<string> {
  // Loaded here: readline is half a dozen of Node's modules that no other command needs.
  const { createInterface } = await import('node:readline');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await new Promise<string>((resolve) => rl.question(question, resolve));
  } finally {
    rl.close();
  }
}

/** Asks for a secret on the terminal without echoing it; Ctrl-C cancels. */
export async function promptSecret(question: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) throw new AppError('request/invalid', 'no terminal to ask for the password: use --password-stdin');
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise<string>((resolve, reject) => {
    let value = '';
    const finish = (err?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003' || (ch === '\u0004' && value === '')) return finish(new AppError('request/invalid', 'cancelled'));
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** All of standard input, less one trailing newline (what `echo "$PW" | wheelhouse login --password-stdin` sends). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > 64 * 1024) throw new AppError('request/invalid', 'standard input is too long for a password');
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** A new password: from standard input, or asked twice on the terminal. */
export async function newPassword(fromStdin: boolean, what = 'New password'): Promise<string> {
  if (fromStdin) return readStdin();
  const first = await promptSecret(`${what}: `);
  const again = await promptSecret(`${what} again: `);
  if (first !== again) throw new AppError('request/invalid', 'the two passwords differ');
  return first;
}
