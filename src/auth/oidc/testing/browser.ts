/**
 * A browser made of fetch: a cookie jar per host, redirects followed by hand so each hop can
 * be inspected, and HTML forms read and submitted as a person would.
 */

/** One hop of a navigation. */
export interface Hop {
  url: string;
  status: number;
  location: string | null;
}

/** A cookie-keeping HTTP client. */
export class Browser {
  /** host → name → value. */
  readonly jar = new Map<string, Map<string, string>>();

  /** One request, no redirect followed; Set-Cookie is stored, Cookie is sent. */
  async request(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<Response> {
    const u = new URL(url);
    const headers: Record<string, string> = { accept: 'text/html,application/xhtml+xml', ...init.headers };
    const cookies = [...(this.jar.get(u.host) ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`).join('; ');
    if (cookies) headers.cookie = cookies;
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const res = await fetch(u, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) this.store(u.host, line);
    return res;
  }

  /** The cookie `name` this browser holds for `url`'s host. */
  cookie(url: string, name: string): string | undefined {
    return this.jar.get(new URL(url).host)?.get(name);
  }

  /** Sets a cookie as if the site had (to forge or tamper in tests). */
  setCookie(url: string, name: string, value: string): void {
    const host = new URL(url).host;
    if (!this.jar.has(host)) this.jar.set(host, new Map());
    this.jar.get(host)!.set(name, value);
  }

  /**
   * Follows redirects from `url` until a page answers (not 3xx) or the next Location starts
   * with `stopAt`; answers the hops and the last response (or the Location it stopped at).
   */
  async follow(url: string, stopAt?: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<{ hops: Hop[]; res: Response | null; stoppedAt: string | null }> {
    const hops: Hop[] = [];
    let next = url;
    let first = true;
    for (let i = 0; i < 20; i++) {
      const res = await this.request(next, first ? init : {});
      first = false;
      const location = res.headers.get('location');
      hops.push({ url: next, status: res.status, location });
      if (res.status < 300 || res.status >= 400 || !location) return { hops, res, stoppedAt: null };
      await res.arrayBuffer();
      next = new URL(location, next).href;
      if (stopAt && next.startsWith(stopAt)) return { hops, res: null, stoppedAt: next };
    }
    throw new Error(`too many redirects from ${url}`);
  }

  private store(host: string, line: string): void {
    const [pair, ...attrs] = line.split(';');
    const eq = pair!.indexOf('=');
    const name = pair!.slice(0, eq).trim();
    const value = pair!.slice(eq + 1).trim();
    if (!this.jar.has(host)) this.jar.set(host, new Map());
    const expired = attrs.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a)) || value === '';
    if (expired) this.jar.get(host)!.delete(name);
    else this.jar.get(host)!.set(name, value);
  }
}

/** The first form of an HTML page: where it posts and its hidden fields. */
export function readForm(html: string, base: string): { action: string; fields: Record<string, string> } {
  const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) throw new Error(`no form on the page:\n${html.slice(0, 500)}`);
  const fields: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input[^>]*type="hidden"[^>]*>/gi)) {
    const name = /name="([^"]+)"/.exec(input[0])?.[1];
    const value = /value="([^"]*)"/.exec(input[0])?.[1] ?? '';
    if (name) fields[name] = value;
  }
  return { action: new URL(form[1]!.replace(/&amp;/g, '&'), base).href, fields };
}

/**
 * Signs `login` in at the provider from the hub's login URL, through the provider's login and
 * consent pages; answers the callback URL the provider redirects to, not yet visited.
 */
export async function signInAtProvider(browser: Browser, loginUrl: string, login: string, callbackPrefix: string): Promise<string> {
  let step = await browser.follow(loginUrl, callbackPrefix);
  for (let i = 0; i < 4 && !step.stoppedAt; i++) {
    const page = step.res!;
    const url = step.hops[step.hops.length - 1]!.url;
    const html = await page.text();
    if (page.status !== 200) throw new Error(`the provider answered ${page.status} at ${url}: ${html.slice(0, 300)}`);
    const { action, fields } = readForm(html, url);
    const form = fields.prompt === 'login' ? { ...fields, login, password: 'any' } : fields;
    step = await browser.follow(action, callbackPrefix, { method: 'POST', form });
  }
  if (!step.stoppedAt) throw new Error('the provider never redirected back to the hub');
  return step.stoppedAt;
}
