/**
 * One HTTP exchange with Keycloak: a timeout, network failures turned into a clear 502, and
 * Keycloak's several error body shapes read into one message.
 */
import { KeycloakError } from './errors.js';

/** A finished exchange; the body is parsed JSON when Keycloak sent JSON, else the text. */
export interface KeycloakResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/** Sends one request; resolves with any HTTP status, rejects with `keycloak/unreachable` when no answer came. */
export async function send(url: URL, init: RequestInit, timeoutMs: number): Promise<KeycloakResponse> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new KeycloakError('keycloak/unreachable', `cannot reach Keycloak at ${url.origin}: ${networkReason(err, timeoutMs)}`);
  }
  const text = await res.text().catch(() => '');
  let body: unknown = text;
  if (text && (res.headers.get('content-type') ?? '').includes('json')) {
    try {
      body = JSON.parse(text);
    } catch {
      // A proxy's error page labelled as JSON: keep the text for the message.
    }
  }
  return { status: res.status, headers: res.headers, body };
}

function networkReason(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}

/**
 * The human part of a Keycloak error body. Keycloak answers `{"errorMessage": …}` (admin
 * validation, conflicts), `{"error": …, "error_description": …}` (OAuth and most exceptions),
 * or `{"field": …, "errorMessage": …, "params": […]}` (user profile validation).
 */
export function keycloakMessage(body: unknown): string {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const parts: string[] = [];
    if (typeof b.field === 'string') parts.push(`${b.field}:`);
    if (typeof b.errorMessage === 'string') parts.push(b.errorMessage);
    else if (typeof b.error_description === 'string') parts.push(b.error_description);
    else if (typeof b.error === 'string') parts.push(b.error);
    if (Array.isArray(b.errors) && parts.length === 0) {
      parts.push(b.errors.map((x) => keycloakMessage(x)).join('; '));
    }
    if (parts.length > 0) return parts.join(' ').slice(0, 500);
  }
  if (typeof body === 'string' && body.trim() && !body.trimStart().startsWith('<')) return body.trim().slice(0, 200);
  return '';
}
