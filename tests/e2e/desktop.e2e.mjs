// The console end to end in a real browser (Debian's Chromium driven by playwright-core; no
// browser is ever downloaded) against a running hotline. Started by
// tests/integration/test_console_e2e.py, which also runs the phones (sipp):
//
//   node tests/e2e/desktop.e2e.mjs --base http://127.0.0.1:PORT --sync DIR --screenshots DIR \
//        --agent 1003 --password demo1003 --calls 13700137000=王秀英,13800138000=pick:张丽
//
// 1. The agent signs in, goes ready with the phone bar's state selector (the wallboard of a
//    supervisor, in a second browser context, shows the agent ready).
// 2. For each call: writes DIR/ready-N (the Python side then places call N through the IVR);
//    waits for the screen pop; checks the customer (a name, or the pick list of the customers
//    sharing the number, picks one and checks the choice survives a reload); waits for the
//    call to be answered, takes screenshots, hangs up with the desktop's button, fills in the
//    wrap-up (code + notes), saves it and finds it in the call history.
// 3. The wallboard's "answered today" went up by the number of calls; screenshots. The
//    supervisor forces the agent not ready, then logged out; the desktop follows.
// 4. An administrator (after the calls, so the edits cannot change them): users, the IVR flow
//    editor's errors, the recordings; then the live configuration pages with the values of
//    --admin-edits (JSON, defaults in ADMIN_EDITS): a queue's wrap-up and strategy saved with
//    the form, a refused ring timeout and out-of-order overflow rules shown beside their
//    fields; an agent's skills (a refused level, then a changed level and a new skill); the
//    business hours of a flow (one day's hours, a holiday) published as a new flow version.
//    --admin-only 1 runs only this part (no recordings: for a hotline without calls).
// Exits 0 when everything was seen, 1 (with the reason) otherwise.
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const require = createRequire(join(here, '..', '..', 'web', 'package.json'));
const { chromium } = require('playwright-core');

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// The administrator's edits of the configuration pages (test_console_e2e.py passes its own
// with --admin-edits and finds them in the database afterwards).
const ADMIN_EDITS = {
  queue: 'support', wrap_up_s: 7, strategy: 'round_robin', bad_ring_timeout_s: -5,
  agent: '1004', skills: { support: 5, billing: 3 },
  flow: 'demo_hotline', calendar: 'business_hours', day: 'sat', hours: '08:30-20:00', holiday: '2030-05-01..2030-05-03',
};

function parseArgs(argv) {
  const out = { agent: '1003', password: 'demo1003', supervisor: 'supervisor', supervisorPassword: 'demo-supervisor',
    calls: '13700137000=王秀英', screenshots: 'e2e-screenshots', sync: null, base: null, timeout: 60000,
    chromium: '/usr/bin/chromium', listenPhone: '', adminEdits: '{}', adminOnly: '' };
  for (let i = 2; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    out[key] = argv[i + 1];
  }
  if (!out.base) throw new Error('--base http://HOST:PORT is required');
  out.calls = out.calls.split(',').filter(Boolean).map((spec) => {
    const [number, expect] = spec.split('=');
    const pick = expect?.startsWith('pick:');
    return { number, name: pick ? expect.slice(5) : expect, pick };
  });
  out.timeout = Number(out.timeout);
  out.adminEdits = { ...ADMIN_EDITS, ...JSON.parse(out.adminEdits) };
  return out;
}

const args = parseArgs(process.argv);
const shots = resolve(args.screenshots);
mkdirSync(shots, { recursive: true });
const written = [];
let checks = 0;

function log(msg) {
  console.log(`[e2e ${new Date().toISOString().slice(11, 23)}] ${msg}`);
}
function pass(what) {
  checks++;
  console.log(`PASS ${what}`);
}
class Failure extends Error {}
function fail(what, detail = '') {
  throw new Failure(`${what}${detail ? `\n     ${detail}` : ''}`);
}

/** Waits for a DOM condition; fails the test with `what` when it does not happen. */
async function expectVisible(page, selector, what, timeout = args.timeout) {
  try {
    await page.locator(selector).first().waitFor({ state: 'visible', timeout });
  } catch {
    fail(what, `no visible ${selector} after ${timeout} ms`);
  }
  pass(what);
}
async function expectText(page, selector, text, what, timeout = args.timeout) {
  try {
    await page.waitForFunction(
      ([sel, txt]) => [...document.querySelectorAll(sel)].some((el) => el.textContent.includes(txt)),
      [selector, text], { timeout, polling: 200 });
  } catch {
    const seen = await page.locator(selector).allTextContents().catch(() => []);
    fail(what, `${selector} never contained "${text}"; seen: ${JSON.stringify(seen).slice(0, 400)}`);
  }
  pass(what);
}
async function expectAttr(page, selector, attr, value, what, timeout = args.timeout) {
  try {
    await page.waitForFunction(
      ([sel, a, v]) => [...document.querySelectorAll(sel)].some((el) => el.getAttribute(a) === v),
      [selector, attr, value], { timeout, polling: 200 });
  } catch {
    const seen = await page.locator(selector).evaluateAll((els, a) => els.map((e) => e.getAttribute(a)), attr).catch(() => []);
    fail(what, `${selector}[${attr}] never became "${value}"; seen: ${JSON.stringify(seen)}`);
  }
  pass(what);
}
async function shot(page, name) {
  const path = join(shots, name);
  await page.screenshot({ path, fullPage: true });
  written.push(path);
  log(`screenshot ${path}`);
}

async function login(page, username, password) {
  await page.goto(args.base + '/', { waitUntil: 'domcontentloaded' });
  await expectVisible(page, '[data-testid=login-username]', `the console's sign-in page loads for ${username}`);
  await page.fill('[data-testid=login-username]', username);
  await page.fill('[data-testid=login-password]', password);
  await page.click('[data-testid=login-submit]');
  await expectVisible(page, '[data-testid=who]', `${username} is signed in`, 15000);
  await expectAttr(page, '[data-testid=connection]', 'data-state', 'open', `${username}'s event WebSocket is connected`, 15000);
}

async function answeredToday(page) {
  const v = await page.locator('[data-testid=kpi-answered]').getAttribute('data-value');
  return Number(v || 0);
}

async function main() {
  log(`Chromium ${args.chromium}, console ${args.base}`);
  if (!existsSync(args.chromium)) fail(`Chromium at ${args.chromium}`, 'not installed');
  const browser = await chromium.launch({ executablePath: args.chromium, headless: true, args: CHROMIUM_ARGS });
  const errors = [];
  const pages = [];
  try {
    const viewport = { width: 1440, height: 900 };
    if (args.adminOnly) {
      await adminChecks(browser, viewport, errors, pages);
      if (errors.length) fail('no script errors in the pages', errors.join('\n'));
      pass('no script errors in the pages');
      return;
    }
    const agentCtx = await browser.newContext({ viewport, locale: 'zh-CN' });
    const supCtx = await browser.newContext({ viewport, locale: 'en-US' });
    const desk = await agentCtx.newPage();
    const board = await supCtx.newPage();
    pages.push(['desktop', desk], ['wallboard', board]);
    for (const [who, page] of [['agent', desk], ['supervisor', board]]) {
      page.on('pageerror', (e) => errors.push(`${who}: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() !== 'error') return;
        log(`${who} console: ${m.text()}`);
        // The server's Content-Security-Policy must not break the console (no inline script
        // or style): a refusal is an error of the page.
        if (/Content Security Policy/i.test(m.text())) errors.push(`${who}: ${m.text()}`);
      });
    }

    // --- sign in: the agent lands on the desktop, the supervisor on the wallboard
    await login(desk, args.agent, args.password);
    await expectVisible(desk, '[data-testid=phonebar]', 'the agent sees the phone bar');
    await login(board, args.supervisor, args.supervisorPassword);
    await expectVisible(board, '[data-testid=wallboard]', 'the supervisor sees the wallboard');
    await expectVisible(board, `[data-testid=agent-tile][data-agent="${args.agent}"]`, `the wallboard shows agent ${args.agent}`);
    await expectVisible(board, '[data-testid=queue-row]', 'the wallboard lists the queues');
    await expectAttr(board, '[data-testid=kpi-answered]', 'data-value', await board.locator('[data-testid=kpi-answered]').getAttribute('data-value'), 'the wallboard shows answered today');
    const answered0 = await answeredToday(board);
    log(`answered today before the calls: ${answered0}`);

    // --- language switch (zh-CN <-> en) on the desktop
    const navBefore = await desk.locator('[data-testid=nav-desktop]').textContent();
    await desk.click('[data-testid=lang-switch]');
    await desk.waitForFunction((before) => document.querySelector('[data-testid=nav-desktop]')?.textContent !== before, navBefore, { timeout: 5000 })
      .catch(() => fail('the language switch changes the labels'));
    const navAfter = await desk.locator('[data-testid=nav-desktop]').textContent();
    if (!['坐席工作台', 'Agent desktop'].includes(navAfter) || navAfter === navBefore) fail('the language switch changes the labels', `${navBefore} -> ${navAfter}`);
    pass(`the language switch changes the labels (${navBefore} → ${navAfter})`);
    if (navAfter !== '坐席工作台') await desk.click('[data-testid=lang-switch]');  // the desktop in Chinese

    // --- ready through the state selector
    await desk.selectOption('[data-testid=state-select]', 'ready');
    await expectAttr(desk, '[data-testid=agent-state]', 'data-state', 'ready', 'the phone bar shows the agent ready');
    await expectAttr(board, `[data-testid=agent-tile][data-agent="${args.agent}"]`, 'data-state', 'ready', 'the wallboard shows the agent ready (live)');

    let previousCall = null;
    for (let i = 0; i < args.calls.length; i++) {
      const call = args.calls[i];
      const n = i + 1;
      log(`call ${n}: from ${call.number}, expecting ${call.pick ? `a pick list, then ${call.name}` : call.name}`);
      await expectAttr(desk, '[data-testid=agent-state]', 'data-state', 'ready', `call ${n}: the agent is ready before the call`);
      if (args.sync) writeFileSync(join(args.sync, `ready-${n}`), call.number);

      // Screen pop of a new call from this number.
      try {
        await desk.waitForFunction(
          ([prev, number]) => {
            const pop = document.querySelector('[data-testid=screenpop]');
            return pop && pop.dataset.callId !== prev && pop.querySelector('[data-testid=pop-caller]')?.textContent.includes(number);
          },
          [previousCall, call.number], { timeout: 90000, polling: 200 });
      } catch {
        fail(`call ${n}: a screen pop for ${call.number} appears`, await desk.locator('main').innerText().catch(() => ''));
      }
      const callId = await desk.locator('[data-testid=screenpop]').getAttribute('data-call-id');
      previousCall = callId;
      pass(`call ${n}: screen pop for ${call.number} (call ${callId})`);
      const queue = (await desk.locator('[data-testid=pop-queue]').textContent()).trim();
      if (!queue || queue === '–') fail(`call ${n}: the screen pop names the queue`, queue);
      pass(`call ${n}: the screen pop names the queue (${queue})`);
      await expectText(desk, '[data-testid=pop-ivr-path]', '›', `call ${n}: the screen pop shows the IVR path`);

      if (call.pick) {
        await expectVisible(desk, '[data-testid=customer-pick-list]', `call ${n}: several customers share ${call.number}: the pick list is shown`, 15000);
        const names = await desk.locator('[data-testid=customer-pick]').allTextContents();
        if (names.length < 2) fail(`call ${n}: the pick list offers every matching customer`, JSON.stringify(names));
        pass(`call ${n}: the pick list offers ${names.length} customers: ${names.join(' | ')}`);
        const choice = desk.locator('[data-testid=customer-pick]', { hasText: call.name });
        if ((await choice.count()) !== 1) fail(`call ${n}: ${call.name} is in the pick list`, JSON.stringify(names));
        await choice.click();
        await expectText(desk, '[data-testid=customer-name]', call.name, `call ${n}: the picked customer ${call.name} is shown`, 15000);
        await desk.reload({ waitUntil: 'domcontentloaded' });
        await expectText(desk, '[data-testid=customer-name]', call.name, `call ${n}: after a reload the pick (${call.name}) is remembered for the call`, 15000);
        if (await desk.locator('[data-testid=customer-pick-list]').count()) fail(`call ${n}: no pick list after the reload`);
        await expectAttr(desk, '[data-testid=connection]', 'data-state', 'open', `call ${n}: the WebSocket reconnected after the reload`, 15000);
      } else {
        await expectText(desk, '[data-testid=customer-name]', call.name, `call ${n}: the screen pop shows the customer ${call.name}`, 15000);
      }
      await expectVisible(desk, '[data-testid=customer-contacts] h4', `call ${n}: the customer's last contacts are shown`, 15000);

      await expectAttr(desk, '[data-testid=screenpop]', 'data-status', 'talking', `call ${n}: the call is answered (call.answered)`);
      await expectAttr(desk, '[data-testid=agent-state]', 'data-state', 'on_call', `call ${n}: the phone bar shows on call`, 15000);
      await expectAttr(board, `[data-testid=agent-tile][data-agent="${args.agent}"]`, 'data-state', 'on_call', `call ${n}: the wallboard shows the agent on call`, 15000);
      await shot(desk, `desktop-screen-pop-${n}.png`);
      if (n === 1) {
        await shot(board, 'wallboard-on-call.png');
        // Silent monitor: the supervisor's extension (--listen-phone) rings and listens.
        const tile = board.locator(`[data-testid=agent-tile][data-agent="${args.agent}"]`);
        if (args.listenPhone) await board.fill('[data-testid=my-phone]', args.listenPhone);
        await tile.locator('[data-testid=listen]').click();
        const kind = args.listenPhone ? '.toast-ok' : '.toast';
        await expectVisible(board, `[data-testid=toasts] ${kind}`, `call ${n}: "listen" on the wallboard: the supervisor's phone ${args.listenPhone} is rung to listen`, 10000);
        log(`listen: ${await board.locator('[data-testid=toasts] .toast').last().textContent()}`);
        await board.waitForTimeout(2000);  // the phone answers and listens before the hang-up
      }

      // Hang up from the desktop (WebSocket command "hangup").
      await desk.click('[data-testid=cmd-hangup]');
      await expectAttr(desk, '[data-testid=screenpop]', 'data-status', 'ended', `call ${n}: the desktop's hang-up button ends the call`, 20000);
      await expectVisible(desk, `[data-testid=wrapup][data-call-id="${callId}"]`, `call ${n}: the wrap-up form opens`, 10000);
      const notes = `e2e 第${n}通 — customer ${call.name}`;
      await desk.selectOption('[data-testid=wrapup-code]', n % 2 ? 'resolved' : 'follow_up');
      await desk.fill('[data-testid=wrapup-notes]', notes);
      await shot(desk, `desktop-wrapup-${n}.png`);
      await desk.click('[data-testid=wrapup-save]');
      try {
        await desk.locator(`[data-testid=wrapup][data-call-id="${callId}"]`).waitFor({ state: 'detached', timeout: 10000 });
      } catch {
        fail(`call ${n}: the wrap-up is saved`, await desk.locator('[data-testid=wrapup-status]').textContent().catch(() => ''));
      }
      pass(`call ${n}: the wrap-up is saved`);
      await expectText(desk, `[data-testid=history-row][data-call-id="${callId}"]`, notes, `call ${n}: the agent's call history shows the call with its notes`, 15000);

      // The record as the API has it.
      const reply = await desk.request.get(`${args.base}/api/v1/calls?agent=${args.agent}&limit=5`);
      const body = await reply.json();
      const rows = Array.isArray(body) ? body : body.calls;
      const row = rows.find((r) => String(r.id) === String(callId));
      if (!row || row.notes !== notes || !row.wrapup_code) fail(`call ${n}: GET /calls has the wrap-up code and notes`, JSON.stringify(row));
      pass(`call ${n}: the call record has wrap-up code ${row.wrapup_code} and the notes`);
    }

    // --- the wallboard counted the calls (snapshots every 2 s)
    try {
      await board.waitForFunction((min) => Number(document.querySelector('[data-testid=kpi-answered]')?.dataset.value || 0) >= min,
        answered0 + args.calls.length, { timeout: 60000, polling: 250 });
    } catch {
      fail('the wallboard counts the answered calls', `answered today ${await answeredToday(board)}, expected ${answered0 + args.calls.length}`);
    }
    pass(`the wallboard's answered today went from ${answered0} to ${await answeredToday(board)}`);
    await board.waitForTimeout(2500);  // one more snapshot: the charts have drawn
    await shot(board, 'wallboard.png');
    await shot(desk, 'desktop-history.png');

    // --- the supervisor forces the agent not ready, then logs the agent out
    await expectAttr(desk, '[data-testid=agent-state]', 'data-state', 'ready', 'the agent is ready again after the wrap-up', 15000);
    const tile = board.locator(`[data-testid=agent-tile][data-agent="${args.agent}"]`);
    await tile.locator('[data-testid=force-not-ready]').click();
    await expectAttr(desk, '[data-testid=agent-state]', 'data-state', 'not_ready', 'the wallboard forces the agent not ready: the desktop shows it', 15000);
    await expectAttr(board, `[data-testid=agent-tile][data-agent="${args.agent}"]`, 'data-state', 'not_ready', 'the wallboard shows the agent not ready');
    await tile.locator('[data-testid=force-logout]').click();
    await expectAttr(desk, '[data-testid=agent-state]', 'data-state', 'logged_out', 'the wallboard logs the agent out: the desktop shows it', 15000);
    if (!args.skipAdmin) await adminChecks(browser, viewport, errors, pages);
    if (errors.length) fail('no script errors in the pages', errors.join('\n'));
    pass('no script errors in the pages');
  } catch (e) {
    for (const [name, page] of pages) await shot(page, `failure-${name}.png`).catch(() => {});
    throw e;
  } finally {
    await browser.close();
  }
}

/** Administration: users (create, delete), the IVR flow editor (a 422 shown at its line and
 *  node), the recordings of the calls just made (playable WAV, download link). */
async function adminChecks(browser, viewport, errors, pages) {
  const ctx = await browser.newContext({ viewport, locale: 'en-US' });
  const page = await ctx.newPage();
  pages.push(['admin', page]);
  page.on('pageerror', (e) => errors.push(`admin: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) errors.push(`admin: ${m.text()}`);
  });
  page.on('dialog', (d) => d.accept());
  await login(page, args.admin ?? 'admin', args.adminPassword ?? 'demo-admin');
  await expectVisible(page, '[data-testid=user-row]', 'the admin sees the users');
  const before = await page.locator('[data-testid=user-row]').count();
  await page.fill('[data-testid=user-name]', 'e2e.supervisor');
  await page.fill('[data-testid=user-password]', 'e2e-secret-1');
  await page.selectOption('[data-testid=user-role]', 'supervisor');
  await page.click('form.inline-form button[type=submit]');
  await expectText(page, '[data-testid=user-row]', 'e2e.supervisor', 'the admin creates a user');
  await page.locator('[data-testid=user-row]', { hasText: 'e2e.supervisor' }).locator('button').click();
  try {
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=user-row]').length === n, before, { timeout: 10000 });
  } catch {
    fail('the admin deletes the user');
  }
  pass('the admin deletes the user');

  await page.goto(`${args.base}/#/admin/flows`);
  await page.waitForFunction(() => (document.querySelector('[data-testid=flow-yaml]')?.value ?? '').includes('nodes:'), null, { timeout: 15000 })
    .catch(() => fail('the IVR flow editor loads the demo flow'));
  pass('the IVR flow editor loads the demo flow');
  const yaml = await page.locator('[data-testid=flow-yaml]').inputValue();
  const lines = yaml.split('\n');
  const bad = lines.findIndex((l) => /^\s+type: menu\s*$/.test(l));
  if (bad < 0) fail('the demo flow has a menu node to break');
  lines[bad] = lines[bad].replace('menu', 'no_such_type');
  await page.locator('[data-testid=flow-yaml]').fill(lines.join('\n'));
  await page.click('[data-testid=flow-save]');
  await expectAttr(page, '[data-testid=flow-error]', 'data-line', String(bad + 1), `an invalid flow is refused and the error is shown at line ${bad + 1}`, 15000);
  const node = await page.locator('[data-testid=flow-error]').getAttribute('data-node');
  if (!node) fail('the flow error names the node');
  await expectVisible(page, `.gutter [data-line="${bad + 1}"].bad`, `the line number ${bad + 1} is marked in the editor (node ${node})`, 5000);
  await shot(page, 'admin-flow-error.png');
  if (!args.adminOnly) await recordingChecks(page);
  await configChecks(page, args.adminEdits);
  await ctx.close();
}

/** The recordings of the calls just made: a playable WAV and a download link. */
async function recordingChecks(page) {
  await page.goto(`${args.base}/#/admin/recordings`);
  await expectVisible(page, '[data-testid=recording-row]', 'the recordings list shows the calls');
  const src = await page.locator('[data-testid=recording-audio]').first().getAttribute('src');
  const audio = await page.request.get(args.base + src);
  const type = audio.headers()['content-type'] || '';
  const bytes = (await audio.body()).subarray(0, 4).toString();
  if (audio.status() !== 200 || !type.includes('wav') || bytes !== 'RIFF') fail('a recording plays (its <audio> source is a WAV)', `${audio.status()} ${type} ${bytes}`);
  pass(`a recording plays: ${src} is a WAV`);
  await page.locator('[data-testid=recording-audio]').first().evaluate((el) => el.play().catch(() => {}));
  const ready = await page.locator('[data-testid=recording-audio]').first().evaluate((el) => new Promise((ok) => {
    if (el.readyState >= 1) ok(el.duration);
    el.addEventListener('loadedmetadata', () => ok(el.duration));
    el.addEventListener('error', () => ok(-1));
    setTimeout(() => ok(-2), 8000);
  }));
  if (!(ready > 0)) fail('the browser loads the recording in its player', `duration ${ready}`);
  pass(`the browser's player loaded the recording (${ready.toFixed(1)} s)`);
  const download = await page.locator('[data-testid=recording-download]').first().getAttribute('download');
  if (!download) fail('the recording has a download link');
  pass(`the recording has a download link (${download})`);
  await shot(page, 'admin-recordings.png');
}

/** Waits for a green toast containing `text` (the pages confirm a save with one). */
async function expectSaved(page, text, what) {
  await expectText(page, '[data-testid=toasts] .toast-ok', text, what, 10000);
}

/** The live configuration pages, clicked through their tabs as an administrator would. */
async function configChecks(page, edits) {
  // --- queues: change the wrap-up and the strategy, save
  const q = edits.queue;
  const row = `[data-testid=queue-config-row][data-queue="${q}"]`;
  await page.click('[data-testid=tab-queues]');
  await expectVisible(page, row, `the queues page lists the ${q} queue`, 15000);
  const cell = (field) => page.locator(`${row} [data-field=${field}]`).getAttribute('data-value');
  const ringBefore = await cell('ring_timeout_s');
  await page.click(`[data-testid=queue-edit-${q}]`);
  await expectVisible(page, `[data-testid=queue-form][data-queue="${q}"]`, `${q} opens in the queue form`, 10000);
  await page.fill('[data-testid=queue-wrap_up_s]', String(edits.wrap_up_s));
  await page.selectOption('[data-testid=queue-strategy]', edits.strategy);
  await shot(page, 'admin-queues.png');
  await page.click('[data-testid=queue-save]');
  await expectSaved(page, q, `saving ${q} is confirmed`);
  await expectAttr(page, `${row} [data-field=wrap_up_s]`, 'data-value', String(edits.wrap_up_s), `the queues list shows ${q}'s new wrap-up (${edits.wrap_up_s} s)`, 10000);
  await expectAttr(page, `${row} [data-field=strategy]`, 'data-value', edits.strategy, `the queues list shows ${q}'s new strategy (${edits.strategy})`, 10000);

  // --- the server refuses a negative ring timeout and overflow rules out of order: each
  // message beside its field, nothing saved
  await page.click(`[data-testid=queue-edit-${q}]`);
  await expectVisible(page, `[data-testid=queue-form][data-queue="${q}"]`, `${q} opens in the queue form again`, 10000);
  const wrapShown = await page.locator('[data-testid=queue-wrap_up_s]').inputValue();
  if (wrapShown !== String(edits.wrap_up_s)) fail(`the form shows the saved wrap-up of ${q}`, `${wrapShown}`);
  pass(`the form shows the saved wrap-up of ${q} (${wrapShown})`);
  await page.fill('[data-testid=queue-ring_timeout_s]', String(edits.bad_ring_timeout_s));
  const rules = await page.locator('[data-testid=overflow-rules] .rule').count();
  await page.click('[data-testid=rule-add]');
  await page.click('[data-testid=rule-add]');
  await page.locator('[data-testid=rule-after]').nth(rules).fill('60');
  await page.locator('[data-testid=rule-after]').nth(rules + 1).fill('30');
  await page.click('[data-testid=queue-save]');
  await expectText(page, '[data-testid=queue-form] [data-error-for=ring_timeout_s]', 'ring_timeout_s must be from 1 to 600',
    `a ring timeout of ${edits.bad_ring_timeout_s} s is refused: the server's message is shown beside the field`, 10000);
  const after = `overflow[${rules + 1}].after_s`;
  await expectText(page, `[data-testid=overflow-rules] .rule:nth-child(${rules + 2}) [data-error-for="${after}"]`, 'in order',
    `overflow rules out of order are refused: the message is shown in the rule's row (${after})`, 5000);
  await shot(page, 'admin-queue-error.png');
  await expectVisible(page, `[data-testid=queue-form][data-queue="${q}"]`, 'the refused form stays open with its values', 1000);
  await page.click('[data-testid=tab-queues]');  // leave the form unsaved
  await expectAttr(page, `${row} [data-field=ring_timeout_s]`, 'data-value', ringBefore, `the refused edit changed nothing (ring timeout still ${ringBefore} s)`, 10000);

  // --- agents' skills: a level out of range is refused, then a changed level and a new skill
  const agent = edits.agent;
  await page.click('[data-testid=tab-agents]');
  await expectVisible(page, `[data-testid=agent-row][data-agent="${agent}"]`, `the agents page lists agent ${agent}`, 15000);
  await page.click(`[data-testid=skills-edit-${agent}]`);
  await expectVisible(page, `[data-testid=skills-form][data-agent="${agent}"]`, `agent ${agent}'s skills open in the form`, 10000);
  const skillIndex = (skill) => page.locator('[data-testid=agent-skills-name]').evaluateAll((els, s) => els.findIndex((el) => el.value === s), skill);
  const [first, ...others] = Object.entries(edits.skills);
  if ((await skillIndex(first[0])) < 0) fail(`agent ${agent} has skill ${first[0]} to change`);
  await page.locator('[data-testid=agent-skills-level]').nth(await skillIndex(first[0])).fill('150');
  await page.click('[data-testid=skills-save]');
  await expectText(page, `[data-testid=skills-form] [data-error-for="skills.${first[0]}"]`, 'must be from 0 to 100',
    `a skill level of 150 is refused: the message is shown beside skill ${first[0]}`, 10000);
  for (const [skill, level] of [first, ...others]) {
    let i = await skillIndex(skill);
    if (i < 0) {
      await page.click('[data-testid=agent-skills-add]');
      i = (await page.locator('[data-testid=agent-skills-name]').count()) - 1;
      await page.locator('[data-testid=agent-skills-name]').nth(i).fill(skill);
    }
    await page.locator('[data-testid=agent-skills-level]').nth(i).fill(String(level));
  }
  await shot(page, 'admin-skills.png');
  await page.click('[data-testid=skills-save]');
  await expectSaved(page, agent, `saving agent ${agent}'s skills is confirmed`);
  for (const [skill, level] of Object.entries(edits.skills)) {
    await expectText(page, `[data-testid=agent-row][data-agent="${agent}"] [data-field=skills]`, `${skill}: ${level}`,
      `the agents list shows ${agent}'s ${skill} at level ${level}`, 10000);
  }

  // --- business hours: one day's hours and a holiday, published as a new version of the flow
  const cal = edits.calendar;
  const day = (what) => `[data-testid=hours-${cal}-${edits.day}-${what}]`;
  await page.click('[data-testid=tab-hours]');
  await expectVisible(page, `[data-testid=calendar-${cal}]`, `the business hours page shows calendar ${cal}`, 15000);
  if ((await page.locator('[data-testid=hours-flow]').inputValue()) !== edits.flow) await page.selectOption('[data-testid=hours-flow]', edits.flow);
  await expectAttr(page, '[data-testid=hours-form]', 'data-flow', edits.flow, `the business hours of flow ${edits.flow} are shown`, 10000);
  const version = Number(await page.locator('[data-testid=hours-version]').getAttribute('data-version'));
  const [opens, closes] = edits.hours.split('-');
  const [from, to] = edits.holiday.split('..');
  await page.check(day('open'));
  await page.fill(day('from'), opens);
  await page.fill(day('to'), closes);
  const holidays = await page.locator(`[data-testid=holidays-${cal}] .holiday`).count();
  await page.click(`[data-testid=holiday-add-${cal}]`);
  await page.locator(`[data-testid=holidays-${cal}] [data-testid=holiday-from]`).nth(holidays).fill(from);
  if (to) await page.locator(`[data-testid=holidays-${cal}] [data-testid=holiday-to]`).nth(holidays).fill(to);
  await page.click('[data-testid=hours-save]');
  await expectSaved(page, `version ${version + 1}`, `saving the business hours publishes version ${version + 1} of ${edits.flow}`);
  await expectAttr(page, '[data-testid=hours-version]', 'data-version', String(version + 1), `the page shows version ${version + 1} of ${edits.flow} in use`, 10000);
  const shown = await page.evaluate(([c, d]) => ({
    opens: document.querySelector(`[data-testid=hours-${c}-${d}-from]`)?.value,
    closes: document.querySelector(`[data-testid=hours-${c}-${d}-to]`)?.value,
    holidays: [...document.querySelectorAll(`[data-testid=holidays-${c}] .holiday`)].map((row) =>
      [...row.querySelectorAll('input')].map((i) => i.value).filter(Boolean).join('..')),
  }), [cal, edits.day]);
  if (shown.opens !== opens || shown.closes !== closes) fail(`version ${version + 1} has ${edits.day} ${edits.hours}`, JSON.stringify(shown));
  pass(`version ${version + 1} has ${edits.day} ${edits.hours}`);
  if (!shown.holidays.includes(edits.holiday)) fail(`version ${version + 1} has the holiday ${edits.holiday}`, JSON.stringify(shown.holidays));
  pass(`version ${version + 1} has the holiday ${edits.holiday} (${shown.holidays.length} holidays)`);
  await shot(page, 'admin-hours.png');
}

try {
  await main();
  console.log(`e2e: ${checks} checks passed`);
  console.log('screenshots:');
  for (const p of written) console.log(`  ${p}`);
  process.exit(0);
} catch (e) {
  console.log(`FAIL ${e instanceof Failure ? e.message : e.stack}`);
  if (written.length) console.log(`screenshots so far:\n  ${written.join('\n  ')}`);
  process.exit(1);
}
