import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium package; `CHROMIUM_PATH` points elsewhere. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The user agent of an ordinary desktop Chromium. Headless Chromium says `HeadlessChrome`, which
 * the ingest service rightly refuses as a bot; the tests play a real visitor.
 */
export const visitorUserAgent = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';

/**
 * Headless flags: quiet (no network of its own, no updates, no sync) and WebGL in software.
 * `--use-angle=swiftshader` with `--enable-unsafe-swiftshader` makes ANGLE render WebGL on the
 * CPU even though `--disable-gpu` turns the hardware path off.
 */
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
  `--user-agent=${visitorUserAgent}`,
];

/**
 * Real Chromium, each launch with a fresh profile (playwright makes a new temporary user-data
 * dir for every `launch`). Fails with a clear message when the machine lacks it: tests never skip.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`Chromium not found at ${chromiumPath}: run \`npm run setup\` (installs Debian's chromium), or set CHROMIUM_PATH.`);
  }
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
}
