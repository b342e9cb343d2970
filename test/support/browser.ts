/**
 * Headless Chromium for browser tests, with nothing installed by hand: the Chromium that the
 * `@sparticuz/chromium` package ships inside itself (unpacked into the OS temp folder on first use).
 * CHROMIUM_PATH points at another build (Debian's /usr/bin/chromium, say) when you prefer one.
 */
import sparticuz from "@sparticuz/chromium";
import { chromium, type Browser } from "playwright-core";

/** Flags that keep a headless Chromium from reaching the internet and work without a GPU. */
const FLAGS = [
  "--no-sandbox", "--no-first-run", "--disable-background-networking", "--disable-component-update",
  "--disable-sync", "--disable-quic", "--disable-gpu", "--use-gl=angle", "--use-angle=swiftshader",
  "--enable-unsafe-swiftshader", "--no-zygote",
];

export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH || (await sparticuz.executablePath());
  return chromium.launch({ executablePath, headless: true, args: FLAGS });
}
