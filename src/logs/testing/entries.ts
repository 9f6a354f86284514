/** Tests' view of the log store: every stored entry of a filter, oldest first, through the JSON export. */
import type { LogFilter } from '../../store/index.js';
import type { LogEntry, LogService } from '../index.js';

export async function allEntries(logs: LogService, filter: LogFilter): Promise<LogEntry[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of logs.export(filter, 'json')) chunks.push(chunk);
  return (JSON.parse(Buffer.concat(chunks).toString()) as LogEntry[]).reverse();
}
