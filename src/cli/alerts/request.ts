/** The one call the shared HubClient does not make: DELETE (expiring a silence). */
import { answerError, unreachable } from '../client.js';
import type { HubAddress } from '../context.js';

/** DELETE `path` on the hub; resolves with the JSON answer, throws HubError / AppError like HubClient. */
export async function deleteJson<T>(address: HubAddress, path: string): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (address.token) headers.authorization = `Bearer ${address.token}`;
  let res: Response;
  try {
    res = await fetch(`${address.url}${path}`, { method: 'DELETE', headers });
  } catch (err) {
    throw unreachable(address, err);
  }
  const text = await res.text();
  if (!res.ok) throw answerError(address, res.status, text);
  return JSON.parse(text) as T;
}
