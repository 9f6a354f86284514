/** Headless Chromium for end-to-end tests: Debian's chromium driven by playwright-core. */
import { chromium, type Browser } from 'playwright-core';

/** The Chromium binary from WHEELHOUSE_TEST_CHROMIUM, or undefined when browser tests are off. */
export const chromiumPath = process.env.WHEELHOUSE_TEST_CHROMIUM || undefined;

/** Launches headless Chromium with the flags this closed network needs (playwright gives it a fresh profile). */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
