// SPDX-License-Identifier: LGPL-2.1-or-later
//
// tipring's web admin pages in a real browser: headless Chromium driven by
// Playwright, against a running tipringd (tests/test-webui-browser.c starts it,
// with Kamailio, and checks over D-Bus afterwards). A plain node script: each
// step is printed; the first failed check ends it with a message and a
// non-zero exit status (3: only the German check failed).
//
// Environment:
//   TIPRING_WEB_URL             http://127.0.0.1:PORT of the device's pages
//   TIPRING_WEB_ADMIN_PASSWORD, TIPRING_WEB_USER_PASSWORD
//   TIPRING_WEB_STEPS           "admin", "german" or "admin,german" (default)
//   TIPRING_WEB_SCREENSHOTS     where the PNGs go (default ./web-screenshots)
//   TIPRING_CHROMIUM            the browser (default /usr/bin/chromium)
//   TIPRINGCTL, TIPRING_DBUS_ADDRESS   tipringctl and tipringd's p2p address
//   TIPRING_SBC_TLS_PORT, TIPRING_SBC_CA   the SBC's TLS port and its CA
//   TIPRING_SBC_SERVER_NAME     the name in its certificate, line 1's TLS_Server_Name
//   TIPRING_SIP_PORT, TIPRING_SIP_PASSWORD, TIPRING_DISPLAY_NAME
//                               line 1's values as the harness set them

import { chromium } from 'playwright-core';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const env = process.env;
const BASE = need('TIPRING_WEB_URL');
const STEPS = (env.TIPRING_WEB_STEPS || 'admin,german').split(',');
const SHOTS = path.resolve(env.TIPRING_WEB_SCREENSHOTS || 'web-screenshots');
const CHROMIUM = env.TIPRING_CHROMIUM || '/usr/bin/chromium';
const ADMIN_PW = need('TIPRING_WEB_ADMIN_PASSWORD');
const USER_PW = need('TIPRING_WEB_USER_PASSWORD');
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const T0 = Date.now();

function need(name) {
  if (!env[name]) {
    console.log(`admin.mjs: ${name} is not set`);
    process.exit(2);
  }
  return env[name];
}

// --- reporting ---

class CheckFailed extends Error {}
class GermanFailed extends CheckFailed {}

let current = null; // the page a failure screenshot is taken of
const screenshots = [];

function log(text) {
  console.log(`[${String(Date.now() - T0).padStart(6)} ms] ${text}`);
}

function step(text) {
  log(`== ${text}`);
}

// something a person would notice that is not (yet) a failed check
function notice(text) {
  log(`NOTE: ${text}`);
}

function check(ok, text, Kind = CheckFailed) {
  if (!ok) throw new Kind(text);
  log(`ok: ${text}`);
}

function equal(actual, expected, text, Kind = CheckFailed) {
  if (actual !== expected)
    throw new Kind(`${text}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
  log(`ok: ${text} (${JSON.stringify(actual)})`);
}

async function shot(page, name) {
  const file = path.join(SHOTS, `${name}.png`);
  // the whole page in a window as tall as the page: a plain full-page
  // capture would draw the sticky tab bar and actions bar where the window
  // was, over the middle of the page
  const size = page.viewportSize();
  await page.evaluate(() => window.scrollTo(0, 0));
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: size.width, height: Math.max(size.height, Math.min(height, 16000)) });
  await page.screenshot({ path: file, fullPage: true });
  await page.setViewportSize(size);
  screenshots.push(file);
  log(`screenshot ${file}`);
}

// --- D-Bus, through tipringctl ---

const run = promisify(execFile);

async function ctl(...args) {
  const { stdout } = await run(need('TIPRINGCTL'), ['--address', need('TIPRING_DBUS_ADDRESS'), ...args]);
  return stdout;
}

async function stored(name) {
  const out = (await ctl('get', name)).trim();
  const prefix = `${name}=`;
  if (!out.startsWith(prefix)) throw new CheckFailed(`tipringctl get ${name} said ${JSON.stringify(out)}`);
  return out.slice(prefix.length);
}

async function storedEqual(name, expected, why) {
  equal(await stored(name), expected, `over D-Bus ${name} ${why}`);
}

// --- the browser ---

async function newContext(browser, options = {}) {
  const context = await browser.newContext({ baseURL: BASE, viewport: DESKTOP, locale: 'en-US', ...options });
  context.setDefaultTimeout(15000);
  // every document records what the live values were when it was parsed and
  // how they changed after, and carries a mark that a reload would lose
  await context.addInitScript(() => {
    window.__live = [];
    document.addEventListener('DOMContentLoaded', () => {
      const watched = Array.from(document.querySelectorAll('[data-live^="line1."], [data-live-show]'));
      const now = () => Math.round(performance.now());
      const value = (el) => (el.hasAttribute('data-live-show') ? (el.hidden ? 'hidden' : 'shown') : el.textContent);
      const key = (el) => el.getAttribute('data-live') || `show:${el.getAttribute('data-live-show')}`;
      watched.forEach((el) => window.__live.push({ t: now(), key: key(el), value: value(el), initial: true }));
      const observer = new MutationObserver((mutations) => {
        const seen = new Set();
        mutations.forEach((m) => {
          const el = m.target.nodeType === Node.TEXT_NODE ? m.target.parentElement : m.target;
          if (el && watched.includes(el) && !seen.has(el)) {
            seen.add(el);
            window.__live.push({ t: now(), key: key(el), value: value(el) });
          }
        });
      });
      watched.forEach((el) => observer.observe(el, { childList: true, characterData: true, subtree: true, attributes: true, attributeFilter: ['hidden'] }));
    });
  });
  return context;
}

function mainFrameNavigations(page) {
  const counter = { count: 0, urls: [] };
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) {
      counter.count++;
      counter.urls.push(frame.url());
    }
  });
  return counter;
}

// clicks SELECTOR, which submits a form, and returns the POST's response and
// the document's (they differ after a redirect)
async function submitVia(page, selector) {
  const post = page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest());
  const [doc] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
  return { post: await post, doc };
}

async function login(page, account, password, expectPath) {
  await page.goto('/login');
  await page.selectOption('select#account', account);
  await page.fill('input#password', password);
  const { post } = await submitVia(page, 'form.login button[type="submit"]');
  equal(post.status(), 303, `login as ${account}: POST /login answers`);
  equal(new URL(page.url()).pathname, expectPath, `login as ${account}: lands on`);
}

async function openTab(page, key) {
  await page.click(`nav.tabs a[data-tab="${key}"]`);
  check(await page.isVisible(`section.tab-panel[data-tab="${key}"]`), `tab ${key} is shown`);
  equal(await page.getAttribute(`nav.tabs a[data-tab="${key}"]`, 'aria-current'), 'page', `tab ${key} is marked current`);
}

async function liveText(page, key) {
  return (await page.textContent(`[data-live="${key}"]`)).trim();
}

// a fetch() from inside the page, as its own script could send it
async function pagePost(page, url, fields) {
  return page.evaluate(
    async ({ url, fields }) => {
      const r = await fetch(url, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual', credentials: 'same-origin' });
      return { status: r.status, type: r.type, text: r.type === 'opaqueredirect' ? '' : await r.text() };
    },
    { url, fields },
  );
}

function namePattern(name) {
  const n = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![A-Za-z0-9_])${n}(?![A-Za-z0-9_])`);
}

// --- the layout, measured ---

// the Info tab's labels each on one line, long tokens broken only at their
// underscores, the cards flowing without holes
async function checkInfoLayout(page, what) {
  const found = await page.evaluate(() => {
    const panel = document.querySelector('section.tab-panel[data-tab="Info"]');
    const linesOf = (range) => new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
    const lines = (node) => {
      const range = document.createRange();
      range.selectNodeContents(node);
      return linesOf(range);
    };
    // the words of a text node (between blanks and <wbr>) that are not on one line
    const brokenWords = (node) => Array.from(node.textContent.matchAll(/\S+/g)).filter((m) => {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      return linesOf(range) > 1;
    }).map((m) => m[0]);
    const wrapped = Array.from(panel.querySelectorAll('dt')).filter((dt) => dt.offsetParent !== null && lines(dt) > 1).map((dt) => dt.textContent);
    const broken = Array.from(panel.querySelectorAll('dd')).filter((dd) => dd.offsetParent !== null)
      .flatMap((dd) => Array.from(dd.childNodes).filter((n) => n.nodeType === Node.TEXT_NODE).flatMap((n) => brokenWords(n).map((w) => `${dd.dataset.live || dd.textContent}: "${w}"`)));
    const cards = Array.from(panel.querySelectorAll('.cards > .card')).map((c) => {
      const r = c.getBoundingClientRect();
      return { id: c.querySelector('h2').textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    });
    const firstTop = Math.min(...cards.map((c) => c.top));
    const holes = [];
    cards.forEach((c) => {
      const above = cards.filter((o) => o !== c && o.bottom <= c.top + 1 && o.left < c.right - 1 && o.right > c.left + 1);
      const gap = above.length ? c.top - Math.max(...above.map((o) => o.bottom)) : c.top - firstTop;
      if (gap > 24) holes.push(`${c.id} (${Math.round(gap)}px below what is above it)`);
    });
    const columns = new Set(cards.map((c) => Math.round(c.left))).size;
    return { wrapped, broken, holes, columns, cards: cards.length };
  });
  log(`${what}: ${found.cards} cards in ${found.columns} columns`);
  equal(found.wrapped.join(', '), '', `${what}: no label of the Info tab wraps`);
  equal(found.broken.join(', '), '', `${what}: no value breaks inside a word (only after "_")`);
  equal(found.holes.join(', '), '', `${what}: the cards flow without holes`);
}

// the top and left of a selector's box
async function box(page, selector) {
  const b = await page.locator(selector).boundingBox();
  if (!b) throw new CheckFailed(`${selector} is not shown`);
  return b;
}

// --- a. admin: line 1 to TLS, seen live on the Info tab ---

async function adminToTls(browser) {
  const tlsPort = need('TIPRING_SBC_TLS_PORT');
  const ca = need('TIPRING_SBC_CA');
  const context = await newContext(browser);
  const page = (current = await context.newPage());
  const consoleErrors = [];
  // the refusals this script asks for are logged by Chromium as failed
  // loads; anything else on the console is an error of the pages
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (/^Failed to load resource: the server responded with a status of (401|403|422)\b/.test(m.text())) return;
    consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));

  step('a. admin login, advanced view, line 1 to TLS');
  await page.goto('/admin/');
  equal(new URL(page.url()).pathname, '/login', 'GET /admin/ without a session goes to');
  equal(await page.inputValue('select#account'), 'admin', 'the login page preselects');
  await shot(page, '01-login');

  // a wrong password first: 401 and a message, no session
  await page.fill('input#password', 'not-the-password');
  {
    const { post } = await submitVia(page, 'form.login button[type="submit"]');
    equal(post.status(), 401, 'a wrong admin password: POST /login answers');
    check(await page.isVisible('.notice.error'), `a wrong password shows ${JSON.stringify(await page.textContent('.notice.error'))}`);
  }
  await login(page, 'admin', ADMIN_PW, '/admin/');
  await Promise.all([page.waitForNavigation(), page.click('header nav.links a[href="/admin/advanced"]')]);
  equal(new URL(page.url()).pathname, '/admin/advanced', 'the header link opens the advanced view');

  await openTab(page, 'Line_1');
  const transport = 'select[name="SIP_Transport_1_"]';
  const proxy = 'input[name="Proxy_1_"]';
  equal(await page.inputValue(transport), 'UDP', 'line 1 transport before');
  await page.selectOption(transport, 'TLS');
  await page.fill(proxy, `127.0.0.1:${tlsPort}`);
  check(await page.locator('.field', { has: page.locator(proxy) }).evaluate((f) => f.classList.contains('changed')), 'a changed field is marked changed');
  await shot(page, '03-admin-line1');
  await openTab(page, 'System');
  await page.fill('input[name="Custom_CA_File"]', ca);

  const navs = mainFrameNavigations(page);
  const submitted = Date.now();
  const { post, doc } = await submitVia(page, '#submit-all');
  equal(post.status(), 303, 'Submit All Changes: the POST answers');
  const location = post.headers().location || '';
  check(/\?saved=3#tab-System$/.test(location), `it redirects to ${location} (3 changes, back on the System tab)`);
  equal(doc.status(), 200, 'the page after the redirect');
  check(new URL(page.url()).search === '', `the browser is on ${page.url()} (the script drops ?saved= so a reload does not repeat the notice)`);
  check(await page.isVisible('section.tab-panel[data-tab="System"]'), 'after the submit the page opens on the tab it came from');
  const applied = (await page.textContent('.notice.ok')).trim();
  check(/3/.test(applied), `the notice says ${JSON.stringify(applied)}`);
  await openTab(page, 'Info');
  const served = await doc.text();
  const servedState = /data-live="line1.state"[^>]*>([^<]*)</.exec(served)?.[1];
  const servedTransport = /data-live="line1.transport"[^>]*>([^<]*)</.exec(served)?.[1];
  log(`the page as served after the submit: line 1 ${JSON.stringify(servedState)} over ${JSON.stringify(servedTransport)}`);
  const landed = navs.count;
  await page.evaluate(() => { window.__tipringMark = 'no reload'; });

  // now, without reloading, the Info tab must follow the line over SSE
  await page.waitForFunction(
    () => {
      const t = (k) => (document.querySelector(`[data-live="${k}"]`)?.textContent || '').trim();
      return t('line1.state') === 'Registered' && t('line1.transport') === 'TLS' && t('line1.tls-state') === 'established' && /^TLS1\.[0-3]$/.test(t('line1.tls-version'));
    },
    null,
    { timeout: 20000 },
  );
  log(`line 1 shown registered over TLS ${Date.now() - submitted} ms after the click on Submit`);
  equal(await liveText(page, 'line1.state'), 'Registered', 'Info: line1.state');
  equal(await liveText(page, 'line1.transport'), 'TLS', 'Info: line1.transport');
  equal(await liveText(page, 'line1.tls-state'), 'established', 'Info: line1.tls-state');
  const version = await liveText(page, 'line1.tls-version');
  check(/^TLS1\.[23]$/.test(version), `Info: line1.tls-version is ${version}`);
  check(await page.isVisible('[data-live-show="line1.tls"]'), 'the TLS session block is shown');
  log(`TLS: ${await liveText(page, 'line1.tls-cipher')}, verified ${await liveText(page, 'line1.tls-verified')}, handshake ${await liveText(page, 'line1.tls-handshake')}, peer ${await liveText(page, 'line1.tls-peer')}`);
  const serverName = need('TIPRING_SBC_SERVER_NAME');
  equal(await liveText(page, 'line1.tls-verify-result'), `verified for ${serverName}`, 'Info: the admin reads whom the line verified');
  check((await liveText(page, 'line1.tls-peer')).includes(serverName), 'Info: the admin reads the peer subject');
  equal(await page.evaluate(() => document.body.dataset.live), 'connected', 'the page has its /events stream');
  equal(navs.count - landed, 0, 'no navigation since the redirect');
  equal(await page.evaluate(() => window.__tipringMark), 'no reload', 'the document is the one the redirect loaded');
  const changes = (await page.evaluate(() => window.__live)).filter((e) => !e.initial);
  log(`live updates seen on that page: ${changes.map((e) => `${e.key}=${JSON.stringify(e.value)} @${e.t}ms`).join(', ') || 'none (the served page was already final)'}`);

  // a change made over D-Bus shows up without a reload: line 1 off and on
  step('a. the Info tab follows D-Bus: line 1 disabled and enabled again');
  let t = Date.now();
  await ctl('set', 'Line_Enable_1_=no');
  await page.waitForFunction(() => document.querySelector('[data-live="line1.state"]').textContent.trim() === 'Disabled');
  log(`"Disabled" shown ${Date.now() - t} ms after tipringctl set Line_Enable_1_=no`);
  t = Date.now();
  await ctl('set', 'Line_Enable_1_=yes');
  await page.waitForFunction(
    () => {
      const t = (k) => (document.querySelector(`[data-live="${k}"]`)?.textContent || '').trim();
      return t('line1.state') === 'Registered' && t('line1.tls-state') === 'established';
    },
    null,
    { timeout: 20000 },
  );
  log(`"Registered" and TLS "established" shown again ${Date.now() - t} ms after Line_Enable_1_=yes`);
  const states = (await page.evaluate(() => window.__live)).filter((e) => !e.initial && e.key === 'line1.state').map((e) => e.value);
  log(`line1.state as the page showed it, in order: ${states.join(' → ')}`);
  check(states.includes('Disabled') && states.at(-1) === 'Registered', 'the state went through Disabled back to Registered live');
  equal(navs.count - landed, 0, 'still no navigation');
  equal(await page.evaluate(() => window.__tipringMark), 'no reload', 'still the same document');
  await checkInfoLayout(page, 'desktop Info');
  for (const label of ['Host Name', 'IP Address', 'Netmask', 'Default Gateway', 'DNS Servers', 'Current IP'])
    check(await page.locator('#system-information dt', { hasText: label }).count() === 1, `System Information has ${label}: ${JSON.stringify((await page.locator('#system-information .row', { hasText: label }).first().textContent()).replace(label, '').trim())}`);
  await shot(page, '02-admin-info-tls');
  check(consoleErrors.length === 0, `no script errors on the page (${consoleErrors.join('; ') || 'none'})`);
  return { context, page };
}

// --- b, c. a refused submit, all or nothing; Undo All Changes ---

async function refusedSubmit(page) {
  const sipPort = need('TIPRING_SIP_PORT');
  const displayName = need('TIPRING_DISPLAY_NAME');
  step('b. an invalid SIP port is refused, with a valid change beside it');
  await page.goto('/admin/advanced#Line_1');
  check(await page.isVisible('section.tab-panel[data-tab="Line_1"]'), 'the #Line_1 address opens the Line 1 tab');
  equal(await page.inputValue('input[name="SIP_Port_1_"]'), sipPort, 'SIP_Port_1_ in the form before');
  await page.fill('input[name="SIP_Port_1_"]', '99999');
  await page.fill('input[name="Display_Name_1_"]', 'Changed In Browser');
  await openTab(page, 'SIP');
  await page.fill('input[name="Reg_Retry_Long_Intvl"]', '600');

  for (const bad of ['99999', 'abc']) {
    if (bad !== '99999') {
      await openTab(page, 'Line_1');
      await page.fill('input[name="SIP_Port_1_"]', bad);
    }
    const { post, doc } = await submitVia(page, '#submit-all');
    equal(post.status(), 422, `SIP_Port_1_=${bad}: the POST answers`);
    check(doc === post || doc.url() === post.url(), `no redirect: the answer to the POST is the page (${doc.status()})`);
    const field = page.locator('.field', { has: page.locator('#f-SIP_Port_1_') });
    check(await field.evaluate((f) => f.classList.contains('invalid')), 'its .field has the class invalid');
    equal(await page.getAttribute('#f-SIP_Port_1_', 'aria-invalid'), 'true', 'the input has aria-invalid');
    equal(await page.getAttribute('#f-SIP_Port_1_', 'aria-describedby'), 'e-SIP_Port_1_', 'aria-describedby names the reason');
    const reason = (await field.locator('p.reason').textContent()).trim();
    equal(reason, 'The device expects an integer from 1 to 65535.', 'the reason under the field, without the internal name');
    // the neighbours stay in line with the refused field
    const refusedLabel = await box(page, 'label[for="f-SIP_Port_1_"]');
    for (const neighbour of ['SIP_Transport_1_', 'TLS_Minimum_Version_1_']) {
      const b = await box(page, `label[for="f-${neighbour}"]`);
      check(Math.abs(b.y - refusedLabel.y) <= 2, `the label of ${neighbour} is in line with SIP Port's (${Math.round(b.y)} / ${Math.round(refusedLabel.y)} px)`);
    }
    equal(await page.inputValue('input[name="SIP_Port_1_"]'), bad, 'the typed value is still in the input');
    equal(await page.inputValue('input[name="Display_Name_1_"]'), 'Changed In Browser', 'the valid typed value beside it too');
    equal(await page.inputValue('input[name="Reg_Retry_Long_Intvl"]'), '600', 'and the one on the SIP tab');
    check(await page.isVisible('section.tab-panel[data-tab="Line_1"]'), 'the Line 1 tab, the field\'s, is shown');
    check(!(await page.isVisible('section.tab-panel[data-tab="Info"]')), 'the Info tab is not');
    check(await page.locator('nav.tabs a[data-tab="Line_1"]').evaluate((a) => a.classList.contains('has-error')), 'the Line 1 tab link is marked has-error');
    check(await field.isVisible(), 'the marked field is visible');
    log(`the notice: ${JSON.stringify((await page.textContent('.notice.error')).trim())}`);
    const pending = await page.$$eval('[data-stored]', (els) => els.filter((el) => el.value !== el.dataset.stored).map((el) => `${el.name}${el.closest('.field').classList.contains('changed') ? '' : ' (not marked changed)'}`));
    log(`fields of the refused page that differ from the device: ${pending.join(', ')}`);
    if (pending.some((p) => p.endsWith('(not marked changed)')))
      notice('after a refused submit the typed values that differ from the device are not marked changed (tipring.js marks only on input events)');
    if (bad === '99999') await shot(page, '04-refused-submit');
    await storedEqual('SIP_Port_1_', sipPort, 'unchanged');
    await storedEqual('Display_Name_1_', displayName, 'unchanged (all or nothing)');
    await storedEqual('Reg_Retry_Long_Intvl', '1200', 'unchanged (all or nothing, another tab)');
  }

  // a wide field's input starts where the first column's inputs do
  for (const [wide, normal] of [['Mini_Certificate_1_', 'Display_Name_1_'], ['Dial_Plan_1_', 'Enable_IP_Dialing_1_']]) {
    const w = await box(page, `#f-${wide}`);
    const n = await box(page, `#f-${normal}`);
    check(Math.abs(w.x - n.x) <= 1, `the wide ${wide} starts at ${Math.round(w.x)} px, as ${normal} (${Math.round(n.x)} px)`);
  }

  step('c. Undo All Changes restores the stored values');
  await page.click('#undo-all');
  equal(await page.inputValue('input[name="SIP_Port_1_"]'), sipPort, 'SIP_Port_1_ after Undo');
  equal(await page.inputValue('input[name="Display_Name_1_"]'), displayName, 'Display_Name_1_ after Undo');
  equal(await page.inputValue('input[name="Reg_Retry_Long_Intvl"]'), '1200', 'Reg_Retry_Long_Intvl after Undo');
  equal(await page.locator('.field.invalid').count(), 0, 'no field is marked invalid after Undo');
  equal(await page.locator('p.reason').count(), 0, 'no reason is left after Undo');
  equal(await page.locator('.field.changed').count(), 0, 'no field is marked changed after Undo');
  equal(await page.locator('nav.tabs a.has-error').count(), 0, 'no tab is marked has-error after Undo');
  equal(await page.locator('[aria-invalid="true"]').count(), 0, 'no aria-invalid after Undo');

  // on a fresh page too, and a reload shows what the device holds
  await page.goto('/admin/advanced#Line_1');
  equal(await page.inputValue('input[name="SIP_Port_1_"]'), sipPort, 'a fresh page shows the stored SIP_Port_1_');
  equal(await page.inputValue('input[name="Display_Name_1_"]'), displayName, 'and the stored Display_Name_1_');
  const proxyBefore = await page.inputValue('input[name="Proxy_1_"]');
  await page.fill('input[name="Proxy_1_"]', 'typo.example');
  await page.selectOption('select[name="SIP_Transport_1_"]', 'TCP');
  equal(await page.locator('.field.changed').count(), 2, 'two fields marked changed');
  await page.click('#undo-all');
  equal(await page.inputValue('input[name="Proxy_1_"]'), proxyBefore, 'Undo restores Proxy_1_');
  equal(await page.inputValue('select[name="SIP_Transport_1_"]'), 'TLS', 'Undo restores SIP_Transport_1_');
  equal(await page.locator('.field.changed').count(), 0, 'no field marked changed after Undo');
}

// --- d. the user's pages and what a user may not do ---

async function userPages(browser, adminPage) {
  const sipPassword = need('TIPRING_SIP_PASSWORD');
  step('d. the user account');
  // what the user may not see, from the admin's profile: ua="na"
  const exported = await adminPage.request.get('/admin/config.xml');
  equal(exported.status(), 200, 'the admin downloads /admin/config.xml');
  const adminXml = await exported.text();
  const na = Array.from(adminXml.matchAll(/<([A-Za-z0-9_-]+) ua="na"/g), (m) => m[1]);
  check(['Password_1_', 'Admin_Passwd', 'Proxy_1_'].every((n) => na.includes(n)), `${na.length} parameters are na, Password_1_, Admin_Passwd and Proxy_1_ among them`);
  const proxyStored = await stored('Proxy_1_');
  const serverName = need('TIPRING_SBC_SERVER_NAME');
  // what names the line's peer: the proxy (Proxy_1_ is na) and the name its
  // certificate was verified for; none of it may reach the user
  const secrets = [proxyStored, serverName];
  check(/^127\.0\.0\.1:\d+$/.test(proxyStored), `Proxy_1_ is ${proxyStored}`);
  const leaks = (text) => secrets.filter((x) => text.includes(x));

  const context = await newContext(browser);
  const page = (current = await context.newPage());
  await login(page, 'user', USER_PW, '/');
  const pages = {};
  for (const p of ['/', '/advanced']) {
    const response = await page.goto(p);
    equal(response.status(), 200, `GET ${p} as the user`);
    pages[p] = { served: await response.text(), dom: await page.content() };
    const named = na.filter((n) => namePattern(n).test(pages[p].served) || namePattern(n).test(pages[p].dom));
    equal(named.join(' '), '', `no na parameter named anywhere in ${p}`);
    await page.waitForFunction(() => document.body.dataset.live === 'connected');
    const live = await page.content();
    equal(leaks(pages[p].served).concat(leaks(live)).join(' '), '', `${p} (as served and as the live values left it) names no peer (${secrets.join(', ')})`);
    check(!(await page.isVisible('nav.tabs a[data-tab="Provisioning"]')), `${p} has no Provisioning tab`);
  }
  const status = await page.request.get('/status.json');
  equal(status.status(), 200, 'the user GETs /status.json');
  const statusText = await status.text();
  equal(leaks(statusText).join(' '), '', '/status.json names no peer');
  const values = JSON.parse(statusText);
  equal(values['line1.state'], 'Registered', 'the user reads the state');
  equal(values['line1.tls-state'], 'established', 'and the TLS state');
  equal(values['line1.tls-verify-result'], 'verified', 'and that it is verified, without the name');
  equal(values['line1.tls-peer'], 'not shown to this account', 'the peer subject is not shown');
  const snapshot = await page.evaluate(() => new Promise((resolve, reject) => {
    const events = new EventSource('/events');
    events.onmessage = (e) => { events.close(); resolve(e.data); };
    setTimeout(() => { events.close(); reject(new Error('no event in 5 s')); }, 5000);
  }));
  check(snapshot.includes('line1.tls-verify-result'), 'an /events snapshot came');
  equal(leaks(snapshot).join(' '), '', 'the /events snapshot names no peer');
  const adminStatus = await (await adminPage.request.get('/status.json')).text();
  check(adminStatus.includes(`verified for ${serverName}`), `the admin's /status.json still names ${serverName}`);
  await page.goto('/');
  equal(await liveText(page, 'line1.tls-verify-result'), 'verified', 'the user\'s Info tab: Verify Result');
  await checkInfoLayout(page, 'the user\'s Info');
  await shot(page, '05-user');

  // a change the user may make works (the control of what follows)
  const tabs = await page.$$eval('nav.tabs a[data-tab]', (as) => as.map((a) => a.dataset.tab));
  log(`the user's tabs: ${tabs.join(' ')}`);
  await openTab(page, 'User_1');
  await page.fill('input[name="Cfwd_All_Dest_1_"]', '5550100');
  await shot(page, '06-user-tab');
  const { post } = await submitVia(page, '#submit-all');
  equal(post.status(), 303, 'the user submits Cfwd_All_Dest_1_: the POST answers');
  check(/\?saved=1#tab-User_1$/.test(post.headers().location || ''), `it redirects to ${post.headers().location}`);
  await storedEqual('Cfwd_All_Dest_1_', '5550100', 'as the user set it');

  // forged: the page's own token, na parameters beside an rw one
  const csrf = await page.inputValue('form#config input[name="csrf"]');
  check(csrf.length >= 32, 'the user page carries a form token');
  const forged = await pagePost(page, '/', { csrf, Proxy_1_: 'evil.example:5061', Password_1_: 'stolen', Cfwd_Busy_Dest_1_: '5550199' });
  equal(forged.status, 403, 'a forged user POST of Proxy_1_ and Password_1_ answers');
  check(/Proxy_1_/.test(forged.text) && /Password_1_/.test(forged.text), 'the refusal names them');
  await storedEqual('Proxy_1_', proxyStored, 'unchanged');
  await storedEqual('Cfwd_Busy_Dest_1_', '', 'unchanged (all or nothing)');
  const adminAfter = await (await adminPage.request.get('/admin/config.xml')).text();
  check(adminAfter.includes(`<Password_1_ ua="na">${sipPassword}</Password_1_>`), 'Password_1_ unchanged, as the admin profile shows');
  check(adminAfter.includes(`<Proxy_1_ ua="na">${proxyStored}</Proxy_1_>`), 'Proxy_1_ unchanged, as the admin profile shows');
  // the same to the admin's page: not even a form
  const toAdmin = await pagePost(page, '/admin/advanced', { csrf, Proxy_1_: 'evil.example:5061' });
  check(toAdmin.status === 0 && toAdmin.type === 'opaqueredirect', `a user POST to /admin/advanced is redirected (${toAdmin.type})`);
  await storedEqual('Proxy_1_', proxyStored, 'still unchanged');

  const adminProfile = await page.request.get('/admin/config.xml', { maxRedirects: 0 });
  equal(adminProfile.status(), 303, 'the user GETs /admin/config.xml');
  const toLogin = new URL(adminProfile.headers().location || '', BASE);
  check(toLogin.pathname === '/login' && toLogin.searchParams.get('account') === 'admin', `it redirects to the admin login: ${toLogin.pathname}${toLogin.search}`);
  const userProfile = await page.request.get('/config.xml');
  equal(userProfile.status(), 200, 'the user GETs /config.xml');
  const userXml = await userProfile.text();
  const tags = Array.from(userXml.matchAll(/<([A-Za-z0-9_-]+) ua="/g), (m) => m[1]);
  equal(tags.filter((n) => na.includes(n)).join(' '), '', `/config.xml (${tags.length} parameters) has no na parameter`);
  check(/<User_Password ua="rw"\/>/.test(userXml), 'User_Password is there without its value');
  check(!userXml.includes(sipPassword), 'no SIP password in it');
  await context.close();
}

// --- e. no form token, no change ---

async function csrf(page) {
  step('e. POSTs without a valid form token');
  const displayName = need('TIPRING_DISPLAY_NAME');
  await page.goto('/admin/advanced');
  const token = await page.inputValue('form#config input[name="csrf"]');
  const none = await pagePost(page, '/admin/advanced', { Display_Name_1_: 'no token' });
  equal(none.status, 403, 'an admin POST without csrf answers');
  check(/token/.test(none.text), 'the refusal speaks of the token');
  const wrong = await pagePost(page, '/admin/advanced', { csrf: token.replace(/.$/, (c) => (c === '0' ? '1' : '0')), Display_Name_1_: 'wrong token' });
  equal(wrong.status, 403, 'an admin POST with a wrong token answers');
  const empty = await pagePost(page, '/admin/advanced', { csrf: '', Display_Name_1_: 'empty token' });
  equal(empty.status, 403, 'an admin POST with an empty token answers');
  // the right token from another site (the session cookie is the admin's)
  const cross = await page.context().request.post('/admin/advanced', {
    form: { csrf: token, Display_Name_1_: 'cross site' },
    headers: { Origin: 'http://evil.example', 'Sec-Fetch-Site': 'cross-site' },
    maxRedirects: 0,
  });
  equal(cross.status(), 403, 'the right token with a foreign Origin answers');
  await storedEqual('Display_Name_1_', displayName, 'unchanged');
  // and the session is still good: the real form still works
  const ok = await pagePost(page, '/admin/advanced', { csrf: token, Display_Name_1_: displayName });
  check(ok.status === 0 && ok.type === 'opaqueredirect', 'the same POST with the page\'s token is accepted (redirect)');
}

// --- f. the phone ---

async function phone(browser) {
  step('f. the admin pages on a phone (390x844)');
  const context = await newContext(browser, { viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const page = (current = await context.newPage());
  await login(page, 'admin', ADMIN_PW, '/admin/');
  await page.goto('/admin/advanced');
  await page.waitForFunction(() => document.querySelector('[data-live="line1.tls-state"]').textContent.trim() === 'established');
  const overflow = async () => page.evaluate(() => {
    const wide = [];
    document.querySelectorAll('body *').forEach((el) => {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > document.documentElement.clientWidth + 1 && !el.closest('nav.tabs ul')) wide.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : ''} (${Math.round(r.right)}px)`);
    });
    return { scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth, wide: wide.slice(0, 8) };
  });
  let o = await overflow();
  log(`phone, Info: page ${o.scrollWidth}px wide in a ${o.clientWidth}px viewport${o.wide.length ? '; too wide: ' + o.wide.join(', ') : ''}`);
  await checkInfoLayout(page, 'phone Info');
  await shot(page, '07-phone-info');
  await openTab(page, 'Line_1');
  o = await overflow();
  log(`phone, Line 1: page ${o.scrollWidth}px wide in a ${o.clientWidth}px viewport${o.wide.length ? '; too wide: ' + o.wide.join(', ') : ''}`);
  await shot(page, '08-phone-line1');
  await context.close();
}

// --- g. German ---

async function german(browser) {
  step('g. a browser asking for de-DE');
  const context = await newContext(browser, { locale: 'de-DE' });
  const page = (current = await context.newPage());
  await page.goto('/login');
  equal(await page.getAttribute('html', 'lang'), 'de', 'the login page\'s lang', GermanFailed);
  const button = (await page.textContent('form.login button[type="submit"]')).trim();
  check(button !== 'Log in', `the login button reads ${JSON.stringify(button)}, not "Log in"`, GermanFailed);
  await shot(page, '09-de-login');
  await login(page, 'admin', ADMIN_PW, '/admin/');
  const submit = (await page.textContent('#submit-all')).trim();
  check(submit !== 'Submit All Changes', `the submit button reads ${JSON.stringify(submit)}, not "Submit All Changes"`, GermanFailed);
  const undo = (await page.textContent('#undo-all')).trim();
  check(undo !== 'Undo All Changes', `the undo button reads ${JSON.stringify(undo)}`, GermanFailed);
  const heading = (await page.textContent('section.tab-panel[data-tab="Info"] h2')).trim();
  check(heading !== 'Product Information', `the Info tab's first heading reads ${JSON.stringify(heading)}`, GermanFailed);
  await openTab(page, 'System');
  await shot(page, '10-de-admin-system');
  await context.close();
}

// --- main ---

async function main() {
  fs.mkdirSync(SHOTS, { recursive: true });
  log(`Chromium ${CHROMIUM} against ${BASE}; steps ${STEPS.join(',')}`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox'] });
  log(`browser ${browser.version()} up`);
  let failure = null;
  try {
    if (STEPS.includes('admin')) {
      const { page } = await adminToTls(browser);
      await refusedSubmit(page);
      await userPages(browser, page);
      current = page;
      await csrf(page);
      await phone(browser);
    }
    if (STEPS.includes('german')) await german(browser);
  } catch (e) {
    failure = e;
    if (current && !current.isClosed()) {
      try {
        log(`the page at the failure: ${current.url()}`);
        await shot(current, 'failure');
      } catch (e2) {
        log(`no failure screenshot: ${e2.message}`);
      }
    }
  } finally {
    await browser.close();
  }
  if (failure) throw failure;
  log(`screenshots:\n${screenshots.map((f) => '  ' + f).join('\n')}`);
  log('all checks passed');
}

const watchdog = setTimeout(() => {
  console.log('admin.mjs: FAILED: still running after 80 s');
  process.exit(1);
}, 80000);

process.exitCode = 0;
main()
  .catch(async (e) => {
    console.log(`admin.mjs: FAILED: ${e instanceof CheckFailed ? e.message : e.stack}`);
    if (screenshots.length) log(`screenshots so far:\n${screenshots.map((f) => '  ' + f).join('\n')}`);
    process.exitCode = e instanceof GermanFailed ? 3 : 1;
  })
  .finally(() => clearTimeout(watchdog));
