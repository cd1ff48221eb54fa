// The console over HTTPS in a real browser (Debian's Chromium driven by playwright-core; the
// self-signed certificate accepted with ignoreHTTPSErrors). Started by
// tests/integration/test_https.py against a hotline with `tls: {https_port, http_redirect}`:
//
//   node tests/e2e/https.e2e.mjs --plain http://127.0.0.1:HTTP --https https://127.0.0.1:HTTPS \
//        --username supervisor --password demo-supervisor
//
// The browser opens the plain-HTTP address and must land on HTTPS (308), sign in, and get its
// CTI WebSocket connected over wss://; the session cookie is Secure and HttpOnly.
// Exits 0 when everything was seen, 1 (with the reason) otherwise.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const require = createRequire(join(here, '..', '..', 'web', 'package.json'));
const { chromium } = require('playwright-core');

const args = { chromium: '/usr/bin/chromium', timeout: '20000' };
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const timeout = Number(args.timeout);

function pass(what) {
  console.log(`PASS ${what}`);
}
function fail(what, detail = '') {
  console.log(`FAIL ${what}${detail ? `\n     ${detail}` : ''}`);
  process.exitCode = 1;
}

const browser = await chromium.launch({
  executablePath: args.chromium, headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  const sockets = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  await page.goto(args.plain + '/', { waitUntil: 'domcontentloaded' });
  if (page.url().startsWith(args.https + '/')) pass(`plain HTTP redirected the browser to ${page.url()}`);
  else fail('the browser lands on HTTPS', page.url());
  try {
    await page.locator('[data-testid=login-username]').waitFor({ state: 'visible', timeout });
    pass("the console's sign-in page loads over HTTPS");
    await page.fill('[data-testid=login-username]', args.username);
    await page.fill('[data-testid=login-password]', args.password);
    await page.click('[data-testid=login-submit]');
    await page.locator('[data-testid=who]').waitFor({ state: 'visible', timeout });
    pass(`${args.username} is signed in over HTTPS`);
    await page.waitForFunction(
      () => document.querySelector('[data-testid=connection]')?.getAttribute('data-state') === 'open',
      null, { timeout, polling: 200 });
    pass('the CTI WebSocket is connected');
  } catch (e) {
    fail('sign-in and CTI socket over HTTPS', String(e).split('\n')[0]);
  }
  if (sockets.some((url) => url.startsWith('wss://'))) pass(`over wss:// (${sockets.join(', ')})`);
  else fail('the CTI socket uses wss://', JSON.stringify(sockets));
  const cookie = (await context.cookies()).find((c) => c.name === 'hotline_session');
  if (cookie && cookie.secure && cookie.httpOnly) pass('the session cookie is Secure and HttpOnly');
  else fail('the session cookie is Secure and HttpOnly', JSON.stringify(cookie));
} finally {
  await browser.close();
}
