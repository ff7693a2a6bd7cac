// Drives `budgetnote serve`'s live preview in headless Chromium and prints one JSON object on
// stdout: for each step, whether the page reloaded by itself after the file was saved and then
// showed every expected text (and none of the absent ones), the page's text when it did not, the
// console errors, failed requests and error responses seen, the page's PDF link, and a screenshot.
//
// Usage: node serve.mjs <page-url> <file> <steps.json> <screenshot-dir>
// steps.json: [{ "name": "...", "write": "<the file's new text>", "expect": ["..."],
//                "absent": ["..."] }, ...]; a step without "write" only waits for its texts.
// CHROMIUM overrides the browser (default /usr/bin/chromium); STEP_TIMEOUT_MS the time a step
// may take (default 90000).
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import puppeteer from "puppeteer-core";

const [url, file, stepsFile, shotDir] = process.argv.slice(2);
if (!url || !file || !stepsFile || !shotDir) {
  console.error("usage: node serve.mjs <page-url> <file> <steps.json> <screenshot-dir>");
  process.exit(2);
}
const steps = JSON.parse(readFileSync(stepsFile, "utf8"));
const timeout = Number(process.env.STEP_TIMEOUT_MS || 90000);
mkdirSync(shotDir, { recursive: true });

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  // Root in a container has no user namespace for Chromium's sandbox; no background traffic.
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
const results = [];
const consoleErrors = [];
const failedRequests = [];
const badResponses = [];
let pdfLink = null;
try {
  const tab = await browser.newPage();
  await tab.setViewport({ width: 1100, height: 900, deviceScaleFactor: 1 });
  tab.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  tab.on("response", (r) => {
    if (r.status() >= 400) badResponses.push(`${r.url()}: ${r.status()}`);
  });
  tab.on("requestfailed", (r) => {
    // A poll cut short by the page's own reload is not a failure.
    if (!r.url().includes("/__budgetnote/version")) {
      failedRequests.push(`${r.url()}: ${r.failure()?.errorText}`);
    }
  });
  await tab.goto(url, { waitUntil: "load", timeout });
  for (const step of steps) {
    const started = Date.now();
    // A mark on the page as it is now: gone once the page has reloaded itself.
    await tab.evaluate(() => {
      window.__budgetnoteMark = true;
    });
    if (typeof step.write === "string") {
      writeFileSync(file, step.write);
    }
    let state = { marked: true, text: "" };
    let ok = false;
    while (Date.now() - started < timeout) {
      try {
        state = await tab.evaluate(() => ({
          marked: window.__budgetnoteMark === true,
          text: document.body ? document.body.innerText : "",
        }));
      } catch (_) {
        // The page is reloading: its context went away mid-question.
      }
      const reloaded = typeof step.write !== "string" || !state.marked;
      const shows = (step.expect || []).every((t) => state.text.includes(t));
      const hides = (step.absent || []).every((t) => !state.text.includes(t));
      if (reloaded && shows && hides) {
        ok = true;
        break;
      }
      await sleep(250);
    }
    // Let the page settle (fonts, layout) before the screenshot.
    await sleep(300);
    const shot = path.join(shotDir, `serve-${step.name}.png`);
    try {
      await tab.screenshot({ path: shot, fullPage: true });
    } catch (_) {
      // A reload during the screenshot: the step's result stands without it.
    }
    results.push({
      name: step.name,
      ok,
      reloaded: !state.marked,
      ms: Date.now() - started,
      text: ok ? "" : state.text.slice(0, 6000),
      screenshot: shot,
    });
    if (!ok) break;
  }
  pdfLink = await tab.evaluate(() => {
    const a = document.querySelector('.bn-bar a[href$=".pdf"]');
    return a ? a.getAttribute("href") : null;
  });
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify({ results, consoleErrors, failedRequests, badResponses, pdfLink }) + "\n");
