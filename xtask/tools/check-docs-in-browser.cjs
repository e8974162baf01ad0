// Opens documentation pages in headless Chromium and checks that every operation's
// summary is visible, with every request that does not go to 127.0.0.1 blocked.
// Saves one screenshot of each operation. Run by `cargo xtask docs`:
//
//   node check-docs-in-browser.cjs CONFIG.json
//
// CONFIG.json: {
//   "chromium": "/usr/bin/chromium",
//   "userDataDir": "a fresh, empty directory",
//   "operations": [{"operationId": "echo_get", "summary": "Echo with no text", "tag": "Echo"}, ...],
//   "pages": [{"name": "redoc", "kind": "redoc" | "swagger-ui", "url": "file:///... or http://127.0.0.1:PORT/docs",
//              "screenshotDir": "target/docs/screenshots"}]
// }
//
// Exits with 0 when every check passes and 1 otherwise, after printing each failure.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

// Time allowed for the page to load and for each operation to show.
const TIMEOUT_MS = 10_000;

// Flags that keep Chromium from contacting any Google service on its own.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
  '--no-default-browser-check',
  '--metrics-recording-only',
  // Host names other than 127.0.0.1 do not resolve, so a request that escaped the
  // routing below still could not leave the machine.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

/** Returns whether the page may load `url`: the page's own file, inline data, or loopback. */
function isAllowed(url, pageUrl) {
  const parsed = new URL(url);
  switch (parsed.protocol) {
    case 'data:':
    case 'blob:':
    case 'about:':
      return true;
    case 'file:':
      return url.split('#')[0] === pageUrl.split('#')[0];
    case 'http:':
    case 'https:':
    case 'ws:':
      return parsed.hostname === '127.0.0.1';
    default:
      return false;
  }
}

/**
 * Brings the operation into view and returns the locator of its block: the operation's
 * heading in Redoc, which shows each tag's operations under a `#/tag/operationId` route,
 * and the collapsed operation in Swagger UI.
 */
async function showOperation(page, kind, operation) {
  if (kind === 'swagger-ui') {
    const block = page
      .locator('.opblock')
      .filter({ has: page.locator('.opblock-summary-description', { hasText: exactText(operation.summary) }) })
      .first();
    await block.waitFor({ state: 'visible', timeout: TIMEOUT_MS });
    await block.scrollIntoViewIfNeeded();
    await assertInViewport(block);
    return block;
  }

  // Redoc names a tag's route after the tag in lowercase, with dashes between words.
  const tagSlug = operation.tag.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  await page.evaluate((hash) => {
    window.location.hash = hash;
  }, `#/${tagSlug}/${operation.operationId}`);
  // Redoc's operation headings have no accessible name of their own, so they are matched
  // by their text.
  const heading = page.locator('h2', { hasText: exactText(operation.summary) }).first();
  await heading.waitFor({ state: 'visible', timeout: TIMEOUT_MS });
  await heading.evaluate((element) => element.scrollIntoView({ block: 'start' }));
  await assertInViewport(heading);
  return heading;
}

/** Throws unless the element's box lies inside the viewport. */
async function assertInViewport(locator) {
  const inside = await locator.evaluate((element) => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && box.top >= 0 && box.bottom <= window.innerHeight;
  });
  if (!inside) {
    throw new Error('the element is outside the viewport');
  }
}

function firstLine(error) {
  return String(error.message || error).split('\n')[0];
}

function exactText(text) {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

async function checkPage(context, config, pageConfig) {
  const failures = [];
  const blocked = [];
  const page = await context.newPage();
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (isAllowed(url, pageConfig.url)) {
      return route.continue();
    }
    blocked.push(url);
    return route.abort('blockedbyclient');
  });

  const consoleErrors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') {
      consoleErrors.push(message.text());
    }
  });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));

  await page.goto(pageConfig.url, { waitUntil: 'load', timeout: TIMEOUT_MS });
  fs.mkdirSync(pageConfig.screenshotDir, { recursive: true });

  for (const operation of config.operations) {
    try {
      const block = await showOperation(page, pageConfig.kind, operation);
      const file = path.join(pageConfig.screenshotDir, `${operation.operationId}.png`);
      if (pageConfig.kind === 'swagger-ui') {
        await block.screenshot({ path: file });
      } else {
        // The heading is at the top of the viewport, which shows the operation's
        // description, parameters and code samples.
        await page.screenshot({ path: file });
      }
    } catch (error) {
      failures.push(
        `${pageConfig.name}: summary of ${operation.operationId} ("${operation.summary}") is not visible: ${firstLine(error)}`,
      );
    }
  }

  for (const url of blocked) {
    failures.push(`${pageConfig.name}: blocked a request to ${url}; the page must load nothing but 127.0.0.1`);
  }
  for (const text of consoleErrors) {
    failures.push(`${pageConfig.name}: console error: ${text}`);
  }
  await page.close();
  console.log(`${pageConfig.name}: checked ${config.operations.length} operations at ${pageConfig.url}, screenshots in ${pageConfig.screenshotDir}`);
  return failures;
}

async function main() {
  const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  // Playwright takes the user data directory as an argument of launchPersistentContext
  // and rejects it among the args.
  const context = await chromium.launchPersistentContext(config.userDataDir, {
    executablePath: config.chromium,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1440, height: 1000 },
    serviceWorkers: 'block',
    timeout: TIMEOUT_MS,
  });
  let failures = [];
  try {
    for (const pageConfig of config.pages) {
      failures = failures.concat(await checkPage(context, config, pageConfig));
    }
  } finally {
    await context.close();
  }
  for (const failure of failures) {
    console.error(`error: ${failure}`);
  }
  process.exit(failures.length === 0 ? 0 : 1);
}

main().catch((error) => {
  console.error(`error: ${error.stack || error}`);
  process.exit(1);
});
