// Loads budgetnote's HTML pages in headless Chromium and prints one JSON object on stdout:
// per page and width, the axe-core violations, whether the document scrolls horizontally
// (scrollWidth > clientWidth), and the screenshot written.
//
// Usage: node check.mjs <out-dir> <screenshot-dir> <page.html>...  (pages relative to out-dir)
// CHROMIUM overrides the browser (default /usr/bin/chromium).
import { readFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import puppeteer from "puppeteer-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const [outDir, shotDir, ...pages] = process.argv.slice(2);
if (!outDir || !shotDir || pages.length === 0) {
  console.error("usage: node check.mjs <out-dir> <screenshot-dir> <page.html>...");
  process.exit(2);
}
mkdirSync(shotDir, { recursive: true });

const WIDTHS = [375, 1280];
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  // Root in a container has no user namespace for Chromium's sandbox.
  // The machine's network is closed: no background connections.
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--font-render-hinting=none",
  ],
});
const version = await browser.version();
const results = [];
try {
  for (const page of pages) {
    for (const width of WIDTHS) {
      const tab = await browser.newPage();
      await tab.setJavaScriptEnabled(true);
      await tab.setViewport({ width, height: 800, deviceScaleFactor: 1, isMobile: width < 600 });
      const requests = [];
      tab.on("requestfailed", (r) => requests.push(`${r.url()}: ${r.failure()?.errorText}`));
      await tab.goto(pathToFileURL(path.resolve(outDir, page)).href, { waitUntil: "load" });
      // What failed while the page loaded (axe's own later fetch of file:// stylesheets fails
      // by design and is not the page's fault).
      const failedRequests = [...requests];
      await tab.addScriptTag({ content: axeSource });
      const axe = await tab.evaluate(async () => {
        // Every WCAG 2.x A/AA rule and axe's best practices.
        const r = await window.axe.run(document, {
          runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
        });
        return [r.passes.length, r.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          targets: v.nodes.map((n) => n.target.join(" ")).slice(0, 5),
        }))];
      });
      const size = await tab.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
        // budgetnote.css loaded: it gives <main> a maximum width.
        stylesheet: getComputedStyle(document.querySelector("main")).maxWidth !== "none",
      }));
      const shot = path.join(shotDir, `${page.replace(/[\/\\]/g, "__").replace(/\.html$/, "")}-${width}.png`);
      await tab.screenshot({ path: shot, fullPage: true });
      results.push({ page, width, axePasses: axe[0], violations: axe[1], ...size, failedRequests, screenshot: shot });
      await tab.close();
    }
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify({ chromium: version, results }) + "\n");
