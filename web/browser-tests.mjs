// Browser tests of `passerelle serve`: Debian's chromium driven by playwright-core, with
// axe-core. Started by browser-tests.sh, which runs the servers:
//
//   node browser-tests.mjs BASE_URL TYPES_URL SCREENSHOT_DIR
//
// BASE_URL serves packs/gc-digital (the research journey); TYPES_URL serves
// web/fixtures/all-types, which asks one question of every type (integer and date included). Every request to a host other than
// the loopback is aborted. Prints one line per check, an axe summary, and the closing line
// "N passed, N failed"; exits non-zero on any failure.

import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';

const [base, typesBase, shotDir] = process.argv.slice(2);
if (!base || !typesBase || !shotDir) {
  console.error('usage: node browser-tests.mjs BASE_URL TYPES_URL SCREENSHOT_DIR');
  process.exit(2);
}
mkdirSync(shotDir, { recursive: true });
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const results = [];
const axeRuns = [];
const blocked = [];
let current = '';
function pass(name) { results.push({ name, ok: true }); console.log(`ok   ${name}`); }
function fail(name, why) { results.push({ name, ok: false, why }); console.log(`FAIL ${name}: ${why}`); }
function check(cond, name, why = 'assertion failed') { cond ? pass(name) : fail(name, why); return cond; }

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

function loopback(url) {
  try {
    const h = new URL(url).hostname;
    return h === '127.0.0.1' || h === 'localhost' || h === '[::1]' || h === '::1' || h.startsWith('127.');
  } catch { return url.startsWith('data:') || url.startsWith('blob:') || url.startsWith('about:'); }
}

async function newContext(js) {
  const ctx = await browser.newContext({ javaScriptEnabled: js, viewport: { width: 1280, height: 900 } });
  await ctx.route('**/*', (route) => {
    const u = route.request().url();
    if (loopback(u)) return route.continue();
    blocked.push(`${current}: ${u}`);
    return route.abort();
  });
  return ctx;
}

async function newPage(ctx) {
  const page = await ctx.newPage();
  page.cspViolations = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) page.cspViolations.push(m.text());
  });
  page.on('pageerror', (e) => page.cspViolations.push(`page error: ${e.message}`));
  return page;
}

async function ready(page, js) {
  if (!js) return;
  await page.waitForFunction(() => !!customElements.get('gcds-header') && !!customElements.get('gcds-footer'), null, { timeout: 10000 });
  await page.waitForFunction(() => {
    const h = document.querySelector('gcds-header');
    const f = document.querySelector('gcds-footer');
    return (!h || (h.shadowRoot && h.classList.contains('hydrated'))) && (!f || (f.shadowRoot && f.classList.contains('hydrated')));
  }, null, { timeout: 10000 });
}

// axe-core on the current page; records pages checked and violations.
async function axe(page, label, js) {
  await ready(page, js);
  let res;
  try {
    await page.evaluate(axeSource);
    res = await page.evaluate(() => window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    }));
  } catch (e) {
    fail(`axe ${label}`, `axe could not run: ${e.message}`);
    axeRuns.push({ label, violations: -1 });
    return;
  }
  const v = res.violations;
  axeRuns.push({ label, violations: v.length, passes: res.passes.length, incomplete: res.incomplete.length });
  if (v.length === 0) pass(`axe ${label} (0 violations, ${res.passes.length} passes)`);
  else fail(`axe ${label}`, v.map((x) => `${x.id}: ${x.nodes.length} node(s) e.g. ${x.nodes[0]?.target?.join(' ')}`).join('; '));
  if (page.cspViolations.length) fail(`no CSP violation on ${label}`, page.cspViolations.join(' | '));
}

// A full-width screenshot of the top of the page (at most 2,400 pixels high, to keep the
// files small enough to commit).
async function shot(page, name) {
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.screenshot({
    path: `${shotDir}/${name}.png`,
    fullPage: true,
    clip: { x: 0, y: 0, width: 1280, height: Math.min(height, 2400) },
  });
}

// Answers for the research journey (packs/gc-digital); anything else takes the first option.
const research = {
  recording: 'video', keeps_identifiers: 'true', audience: 'public', asks_opinions: 'false',
  method: ['usability_test', 'interview'], uses_program_records: 'false', admin_use: 'false',
  retrievable: 'true', notice_would_defeat: 'false', shares_outside: 'false',
  security_category: 'protected_b', institution_type: 'core', uses_research_vendor: 'false',
  payment: 'gift_card', indigenous_honorarium: 'false', payment_amount: '50', office_bilingual: 'yes',
  tools: [{ name: 'Lookback', hosting: 'vendor_outside' }],
};
const allTypes = {
  a_bool: 'true', b_enum: 'red', c_set: ['monday', 'friday'], d_integer: '12', e_money: '150.50',
  f_date: '2027-03-15', g_text: 'Pilot',
  h_tools: [{ name: 'Survey tool', hosted: 'abroad' }, { name: 'Lookback', hosted: 'canada' }],
};

// What kind of question the page shows.
async function questionKind(page) {
  return page.evaluate(() => {
    if (document.querySelector('input[name="action"][value="add"]')) return 'group';
    const main = document.querySelector('main');
    if (main.querySelector('input[type=checkbox]')) return 'set';
    if (main.querySelector('input[name$="-year"]')) return 'date';
    const radios = [...main.querySelectorAll('input[type=radio]')];
    if (radios.length) return radios.some((r) => r.value === 'true') ? 'bool' : 'enum';
    const t = main.querySelector('input.pw-input');
    if (t) return t.getAttribute('inputmode') === 'numeric' ? 'integer' : t.getAttribute('inputmode') === 'decimal' ? 'money' : 'text';
    return 'unknown';
  });
}

// Runs an action that submits a form or follows a link; resolves once the new page loaded.
async function navigating(page, action) {
  const nav = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 15000 });
  await action();
  await nav;
  await page.waitForLoadState('load');
}

function factOf(url) { return new URL(url).pathname.split('/').pop(); }

// Fills one field (by its id/name base) with mouse-free DOM actions that work with or without JS.
async function fill(page, name, value, kind) {
  if (kind === 'date') {
    const [y, m, d] = value.split('-');
    await page.fill(`[name="${name}-year"]`, y);
    await page.fill(`[name="${name}-month"]`, String(Number(m)));
    await page.fill(`[name="${name}-day"]`, String(Number(d)));
  } else if (kind === 'set') {
    for (const v of value) await page.check(`input[name="${name}"][value="${v}"]`);
  } else if (kind === 'bool' || kind === 'enum') {
    const sel = `input[name="${name}"][value="${value}"]`;
    if (await page.locator(sel).count()) await page.check(sel);
    else await page.check(`input[name="${name}"] >> nth=0`);
  } else {
    await page.fill(`[name="${name}"]`, value);
  }
}

async function fieldKind(page, name) {
  return page.evaluate((n) => {
    const el = document.querySelector(`[name="${n}"], [name="${n}-year"]`);
    if (!el) return 'none';
    if (el.name.endsWith('-year')) return 'date';
    if (el.type === 'checkbox') return 'set';
    if (el.type === 'radio') return [...document.querySelectorAll(`[name="${n}"]`)].some((r) => r.value === 'true') ? 'bool' : 'enum';
    return 'text';
  }, name);
}

// Answers the question on the page from `answers`; returns its kind.
async function answer(page, answers) {
  const fact = factOf(page.url());
  const kind = await questionKind(page);
  if (kind === 'group') {
    const items = answers[fact] || [];
    for (const item of items) {
      for (const [field, v] of Object.entries(item)) {
        const n = `${fact}-${field}`;
        await fill(page, n, v, await fieldKind(page, n));
      }
      await navigating(page, () => page.click('form.pw-add-form button[type=submit]'));
    }
    await navigating(page, () => page.click('form.pw-continue-form button[type=submit]'));
    return kind;
  }
  let v = answers[fact];
  if (v === undefined) {
    v = await page.evaluate((f) => {
      const r = document.querySelector(`input[name="${f}"]`);
      return r ? (r.type === 'checkbox' ? [r.value] : r.value) : '1';
    }, fact);
    if (kind === 'bool') v = 'false';
  }
  await fill(page, fact, v, kind);
  await navigating(page, () => page.click('main form button[type=submit] >> nth=-1'));
  return kind;
}

// Runs an interview from the start page to the results page.
async function journey({ js, lang, url, answers, journeyId, label, screenshots, axeEach, switchAt }) {
  current = label;
  const ctx = await newContext(js);
  const page = await newPage(ctx);
  const kinds = new Set();
  try {
    await page.goto(`${url}/${lang}`);
    if (screenshots) { await ready(page, js); await shot(page, `${lang}-start`); }
    if (axeEach) await axe(page, `${label} start page`, js);
    const form = page.locator(`form:has(input[name="journey"][value="${journeyId}"])`);
    await Promise.all([page.waitForURL(/\/(interview|entrevue)\//), form.locator('button').click()]);
    let steps = 0;
    let switched = false;
    while (/\/(interview|entrevue)\//.test(page.url()) && steps < 40) {
      steps += 1;
      const kind = await questionKind(page);
      if (axeEach && !kinds.has(kind)) await axe(page, `${label} question (${kind})`, js);
      if (screenshots && steps === 2) { await ready(page, js); await shot(page, `${lang}-question`); }
      kinds.add(kind);
      if (switchAt && steps === switchAt && !switched) {
        switched = true;
        await languageSwitch(page, js, lang, label);
      }
      await answer(page, answers);
    }
    check(/check-answers|verifier-reponses/.test(page.url()), `${label}: reaches check your answers after ${steps} questions`, page.url());
    if (screenshots) { await ready(page, js); await shot(page, `${lang}-check-answers`); }
    if (axeEach) await axe(page, `${label} check answers`, js);
    // Change an answer from "check your answers", then come back.
    const change = page.locator('.pw-summary-action a').first();
    await Promise.all([page.waitForURL(/change=1/), change.click()]);
    check(/change=1/.test(page.url()), `${label}: change link opens the question`);
    await answer(page, answers);
    check(/check-answers|verifier-reponses/.test(page.url()), `${label}: after a change, back to check your answers`, page.url());
    await Promise.all([page.waitForURL(/results|resultats/), page.click('main form button[type=submit]')]);
    check(/\/(results|resultats)\/[0-9a-f]{32}$/.test(page.url()), `${label}: results have a permanent link`, page.url());
    const obligations = await page.locator('.pw-obligations > li').count();
    check(obligations > 0, `${label}: results list obligations (${obligations})`);
    const phases = await page.locator('main section h2[id^="phase-"]').allTextContents();
    check(phases.length > 0, `${label}: obligations grouped by phase (${phases.join(' / ')})`);
    await page.locator('details.pw-details summary').first().click();
    check(await page.locator('details.pw-details[open] .pw-explain').count() > 0, `${label}: "why this applies" opens`);
    if (screenshots) { await ready(page, js); await shot(page, `${lang}-results`); }
    if (axeEach) await axe(page, `${label} results`, js);
    const json = await page.request.get(new URL(await page.locator('a[download]').getAttribute('href'), page.url()).href);
    const body = await json.json();
    check(json.ok() && body.verdict && Array.isArray(body.verdict.obligations), `${label}: JSON download has the verdict`);
    return { kinds, resultsUrl: page.url() };
  } catch (e) {
    fail(`${label}`, e.stack || String(e));
    return { kinds, resultsUrl: null };
  } finally {
    await ctx.close();
  }
}

// Switches language mid-interview and checks the step and the answers are kept.
async function languageSwitch(page, js, lang, label) {
  const before = new URL(page.url());
  const fact = factOf(page.url());
  const backHref = await page.locator('a.pw-back').getAttribute('href');
  // With JavaScript the toggle is GCDS's (in the header's shadow DOM); without, the fallback link.
  const toggle = js ? page.locator('gcds-lang-toggle a') : page.locator('a.pw-fallback-lang');
  await Promise.all([page.waitForURL((u) => u.pathname !== before.pathname), toggle.click()]);
  const after = new URL(page.url());
  const other = lang === 'en' ? 'fr' : 'en';
  check(after.pathname.startsWith(`/${other}/`) && factOf(page.url()) === fact,
    `${label}: language toggle keeps the step (${before.pathname} -> ${after.pathname})`);
  check(await page.locator('html').getAttribute('lang') === other, `${label}: page language is ${other} after the toggle`);
  // The previous question, in the other language, still shows the answer given.
  const prevFact = backHref.split('/').pop();
  const prev = `${after.origin}${after.pathname.replace(/[^/]+$/, prevFact)}`;
  await page.goto(prev);
  const answered = await page.evaluate(() => !!document.querySelector('main input:checked') ||
    [...document.querySelectorAll('main input.pw-input')].some((i) => i.value !== ''));
  check(answered, `${label}: previous answer kept after switching language`);
  // Switch back and go on.
  await page.goto(before.href);
}

// Keyboard only: Tab to each control, Space/arrows to choose, Enter to submit.
async function keyboardRun() {
  const label = 'keyboard-only interview (en, JS on)';
  current = label;
  const ctx = await newContext(true);
  const page = await newPage(ctx);
  const active = () => page.evaluate(() => {
    let a = document.activeElement;
    while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
    if (!a) return null;
    const root = a.getRootNode();
    const text = ((a.textContent || '').trim() || (root.host ? root.host.textContent : '') || '').trim().slice(0, 60);
    return { tag: a.tagName, type: a.type || '', name: a.name || '', value: a.value || '', text, cls: String(a.className || '') };
  });
  async function tabTo(pred, what, max = 80) {
    for (let i = 0; i < max; i += 1) {
      await page.keyboard.press('Tab');
      const a = await active();
      if (a && pred(a)) return a;
    }
    throw new Error(`could not reach ${what} with Tab`);
  }
  try {
    await page.goto(`${base}/en`);
    await ready(page, true);
    await page.keyboard.press('Tab');
    const first = await active();
    check(first && /skip to main content/i.test(first.text), `${label}: first Tab stop is the skip link`, JSON.stringify(first));
    await tabTo((a) => a.tag === 'BUTTON' && /start now/i.test(a.text), 'the Start button');
    await Promise.all([page.waitForURL(/\/interview\/[0-9a-f]{32}\/[a-z_]+$/), page.keyboard.press('Enter')]);
    let steps = 0;
    while (/\/interview\//.test(page.url()) && steps < 40) {
      steps += 1;
      await ready(page, true);
      const fact = factOf(page.url());
      const kind = await questionKind(page);
      const want = research[fact];
      if (kind === 'group') {
        for (const item of want || []) {
          for (const [field, v] of Object.entries(item)) {
            const n = `${fact}-${field}`;
            const a = await tabTo((x) => x.name === n, n);
            if (a.type === 'radio') {
              // Arrow keys move the selection within the group.
              for (let i = 0; i < 10 && (await active()).value !== v; i += 1) await page.keyboard.press('ArrowDown');
            } else await page.keyboard.type(v);
          }
          await tabTo((x) => x.tag === 'BUTTON' && /^add/i.test(x.text), 'Add');
          await navigating(page, () => page.keyboard.press('Enter'));
          await ready(page, true);
        }
        await tabTo((x) => x.tag === 'BUTTON' && /continue/i.test(x.text) && true, 'Continue', 120);
        await navigating(page, () => page.keyboard.press('Enter'));
        continue;
      }
      const a = await tabTo((x) => x.name === fact || x.name === `${fact}-year`, fact);
      if (kind === 'bool' || kind === 'enum') {
        const v = want === undefined ? (kind === 'bool' ? 'false' : a.value) : want;
        if (a.value !== v || !(await page.evaluate(() => document.activeElement.checked))) {
          await page.keyboard.press('Space');
          for (let i = 0; i < 10 && (await active()).value !== v; i += 1) await page.keyboard.press('ArrowDown');
        }
      } else if (kind === 'set') {
        const vals = want || [a.value];
        for (let i = 0; i < 20; i += 1) {
          const x = await active();
          if (x.name !== fact) break;
          const checked = await page.evaluate(() => document.activeElement.checked);
          if (vals.includes(x.value) !== checked) await page.keyboard.press('Space');
          await page.keyboard.press('Tab');
        }
      } else {
        await page.keyboard.press('Control+A');
        await page.keyboard.type(want || '1');
      }
      await tabTo((x) => x.tag === 'BUTTON' && /continue/i.test(x.text), 'Continue');
      await navigating(page, () => page.keyboard.press('Enter'));
    }
    check(/check-answers/.test(page.url()), `${label}: reached check your answers with the keyboard in ${steps} steps`, page.url());
    await ready(page, true);
    await tabTo((x) => x.tag === 'BUTTON' && /see what applies/i.test(x.text), 'See what applies', 200);
    await Promise.all([page.waitForURL(/\/results\//), page.keyboard.press('Enter')]);
    check(/\/results\//.test(page.url()), `${label}: reached the results with the keyboard`);
    await ready(page, true);
    await tabTo((x) => x.tag === 'SUMMARY', 'a "why this applies" summary', 200);
    await page.keyboard.press('Enter');
    check(await page.locator('details[open]').count() > 0, `${label}: Enter opens "why this applies"`);
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    check(outline !== 'none', `${label}: focus is visible (outline ${outline})`);
  } catch (e) {
    fail(label, e.stack || String(e));
  } finally {
    await ctx.close();
  }
}

// Every other page type, in both languages, JS on (axe) and the HTTP status.
async function pages(resultsEn) {
  current = 'pages';
  const ctx = await newContext(true);
  const page = await newPage(ctx);
  try {
    const rules = await (await page.request.get(`${base}/api/v1/rules`)).json();
    const myths = await (await page.request.get(`${base}/api/v1/myths`)).json();
    const insts = await (await page.request.get(`${base}/api/v1/instruments`)).json();
    const rule = rules.rules.find((r) => r.kind !== 'exception').id;
    const myth = myths.myths[0].id;
    const inst = insts.instruments.find((i) => i.provisions.length > 0).id;
    const list = [
      ['splash', '/', 200],
      ['rules index', '/en/rules', 200], ['rules index', '/fr/regles', 200],
      ['rule', `/en/rules/${rule}`, 200], ['rule', `/fr/regles/${rule}`, 200],
      ['myths index', '/en/myths', 200], ['myths index', '/fr/mythes', 200],
      ['myth', `/en/myths/${myth}`, 200], ['myth', `/fr/mythes/${myth}`, 200],
      ['instruments index', '/en/instruments', 200], ['instruments index', '/fr/instruments', 200],
      ['instrument', `/en/instruments/${inst}`, 200], ['instrument', `/fr/instruments/${inst}`, 200],
      ['404 page', '/en/no-such-page', 404], ['404 page', '/fr/pas-de-page', 404],
      ['404 interview', '/en/interview/00000000000000000000000000000000', 404],
    ];
    for (const [what, path, status] of list) {
      const r = await page.goto(`${base}${path}`);
      check(r.status() === status, `${what} ${path} answers ${status}`, `got ${r.status()}`);
      await axe(page, `${what} ${path}`, true);
    }
    if (resultsEn) {
      const fr = resultsEn.replace('/en/results/', '/fr/resultats/');
      const r = await page.goto(fr);
      check(r.status() === 200, 'the permanent link works in French');
    }
    // A 400 page: a question posted without an answer (error summary linked to the field).
    await page.goto(`${base}/en`);
    await Promise.all([page.waitForURL(/\/interview\//), page.click('form:has(input[value="plan-user-research"]) button')]);
    const qurl = page.url();
    const [resp] = await Promise.all([page.waitForResponse((x) => x.request().method() === 'POST'), page.click('main form button[type=submit] >> nth=-1')]);
    check(resp.status() === 400, 'a question sent without an answer answers 400', `got ${resp.status()}`);
    const link = await page.locator('.pw-error-summary a').first().getAttribute('href');
    check(link && (await page.locator(link).count()) === 1, 'the error summary links to the field', link);
    check((await page.title()).startsWith('Error:'), 'the page title starts with "Error:"');
    await axe(page, 'question with an error (400)', true);
    // A 413 page: a form far over the limit, in French.
    await page.goto(qurl.replace('/en/interview/', '/fr/entrevue/'));
    const [big] = await Promise.all([
      page.waitForResponse((x) => x.request().method() === 'POST'),
      page.evaluate(() => {
        const f = document.querySelector('main form');
        const i = document.createElement('input');
        i.type = 'hidden'; i.name = 'x'; i.value = 'x'.repeat(400 * 1024);
        f.appendChild(i);
        f.submit();
      }),
    ]);
    await page.waitForLoadState();
    check(big.status() === 413, 'a huge form answers 413', `got ${big.status()}`);
    check(await page.locator('html').getAttribute('lang') === 'fr', 'the 413 page is in French');
    await axe(page, '413 page (fr)', true);
  } catch (e) {
    fail('pages', e.stack || String(e));
  } finally {
    await ctx.close();
  }
}

// The facts only documents need (packs/gc-digital/documents.md), by field name.
const docFacts = {
  institution_name: 'Example Department', institution_name_fr: 'Ministère exemple',
  study_title: 'Testing the booking page', study_title_fr: 'Essai de la page de réservation',
  study_purpose: 'We want to learn whether people can book without help.',
  study_purpose_fr: 'Nous voulons savoir si les gens peuvent réserver sans aide.',
  legal_authority: 'the Example Department Act, section 4',
  legal_authority_fr: 'la Loi sur le ministère exemple, article 4',
  contact_email: 'research@example.invalid',
};

// The "Documents" section of a research result: the files of a ready document (language,
// type and size in each link; each one downloads), the questions a document still needs
// (links to the fields of the document's page), that page (error summary, then a new result
// with the document ready), and the HTML document itself (its own CSP, axe).
async function documentsRun({ js, lang, resultsUrl, label, screenshots }) {
  current = label;
  if (!resultsUrl) { fail(label, 'no results page to start from'); return; }
  const ctx = await newContext(js);
  const page = await newPage(ctx);
  try {
    await page.goto(resultsUrl);
    check(await page.locator('section[aria-labelledby="documents"]').count() === 1, `${label}: the results page has a Documents section`);
    const report = page.locator('#doc-results-report a[hreflang]');
    const nReport = await report.count();
    check(nReport === 6, `${label}: the results report (nothing to answer) has 6 download links`, `${nReport}`);
    for (let i = 0; i < nReport; i += 1) {
      const a = report.nth(i);
      const href = await a.getAttribute('href');
      const hl = await a.getAttribute('hreflang');
      const type = await a.getAttribute('type');
      const text = (await a.innerText()).trim();
      const file = href.split('/').pop();
      check(hl === await a.getAttribute('lang') && file.startsWith(`${hl}.`) && /(PDF|HTML|Markdown), \d+\u00a0(KB|Ko)$/.test(text),
        `${label}: link ${file} has lang/hreflang ${hl}, its type and size ("${text.split(', ').slice(-2).join(', ')}")`, text);
      const res = await page.request.get(new URL(href, page.url()).href);
      const body = await res.body();
      const ctype = res.headers()['content-type'] || '';
      const disp = res.headers()['content-disposition'] || '';
      check(res.ok() && ctype.split(';')[0] === type.split(';')[0] && body.length > 0
        && (type !== 'application/pdf' || body.subarray(0, 4).toString() === '%PDF')
        && (type.startsWith('text/html') ? disp.startsWith('inline') : disp.startsWith('attachment')),
      `${label}: ${file} downloads (${ctype}, ${disp.split(';')[0]}, ${body.length} bytes)`);
    }
    const missing = page.locator('#doc-privacy-notice .pw-document-questions a');
    const n = await missing.count();
    check(n >= 5, `${label}: the privacy notice lists the questions to answer first (${n})`);
    await navigating(page, () => missing.first().click());
    const anchor = new URL(page.url()).hash;
    check(anchor.length > 1 && await page.locator(anchor).count() === 1, `${label}: a question link opens the document's page at its field (${anchor})`);
    check(await page.locator('html').getAttribute('lang') === lang, `${label}: the document's page is in ${lang}`);
    if (screenshots) { await ready(page, js); await shot(page, `${lang}-document-page`); }
    // axe needs scripts: it runs in the JS-on passes (the same pages).
    if (js) await axe(page, `${label} document page`, js);
    const [resp] = await Promise.all([
      page.waitForResponse((x) => x.request().method() === 'POST'),
      page.click('main form button[type=submit] >> nth=0'),
    ]);
    await page.waitForLoadState('load');
    check(resp.status() === 400, `${label}: the document's page sent empty answers 400`, `got ${resp.status()}`);
    const link = await page.locator('.pw-error-summary a').first().getAttribute('href');
    check(link && await page.locator(link).count() === 1, `${label}: the error summary links to the field`, link);
    // axe needs scripts: it runs in the JS-on passes (the same pages).
    if (js) await axe(page, `${label} document page with errors (400)`, js);
    const names = await page.$$eval('main form input.pw-input', (els) => els.map((e) => e.name));
    for (const name of names) await page.fill(`[name="${name}"]`, docFacts[name] || 'x');
    await Promise.all([page.waitForURL(/#doc-privacy-notice$/), page.click('main form button[type=submit] >> nth=0')]);
    const after = new URL(page.url());
    check(after.pathname !== new URL(resultsUrl).pathname, `${label}: the answers are saved in a new result (${after.pathname})`);
    const files = page.locator('#doc-privacy-notice a[hreflang]');
    check(await files.count() === 6, `${label}: the privacy notice is now ready in both languages`, `${await files.count()}`);
    // axe needs scripts: it runs in the JS-on passes (the same pages).
    if (js) await axe(page, `${label} results with documents`, js);
    const pdfHref = await page.locator(`#doc-privacy-notice a[hreflang="${lang}"][type="application/pdf"]`).getAttribute('href');
    const pdf = await page.request.get(new URL(pdfHref, page.url()).href);
    check(pdf.ok() && (await pdf.body()).subarray(0, 4).toString() === '%PDF', `${label}: the privacy notice PDF downloads`);
    const htmlHref = await page.locator(`#doc-privacy-notice a[hreflang="${lang}"][type^="text/html"]`).getAttribute('href');
    await page.goto(new URL(htmlHref, page.url()).href);
    const title = lang === 'fr' ? 'Essai de la page de réservation' : 'Testing the booking page';
    check(await page.locator('html').getAttribute('lang') === lang && (await page.locator('h1').innerText()).includes(title),
      `${label}: the HTML privacy notice opens in the browser, in ${lang}, with the study's name`);
    check(await page.evaluate(() => getComputedStyle(document.querySelector('h1')).borderBottomStyle) === 'solid',
      `${label}: the HTML document's own stylesheet applies under its CSP`);
    // The served document is sandboxed (its CSP has `sandbox`, no scripts): axe cannot run in
    // it, so axe checks the same HTML loaded into a plain page.
    const docHtml = await (await page.request.get(new URL(htmlHref, resultsUrl).href)).text();
    if (js) {
      const plain = await newPage(ctx);
      await plain.setContent(docHtml, { waitUntil: 'load' });
      await axe(plain, `${label} HTML privacy notice`, false);
      await plain.close();
    }
  } catch (e) {
    fail(label, e.stack || String(e));
  } finally {
    await ctx.close();
  }
}

// Keyboard only: from the results, the "answer these questions" link, the fields, the
// button, then a download link of the document now ready.
async function documentsKeyboard(resultsUrl) {
  const label = 'documents with the keyboard (en, JS on)';
  current = label;
  if (!resultsUrl) { fail(label, 'no results page to start from'); return; }
  const ctx = await newContext(true);
  const page = await newPage(ctx);
  const active = () => page.evaluate(() => {
    const a = document.activeElement;
    return a ? { tag: a.tagName, name: a.name || '', href: a.getAttribute('href') || '', text: (a.textContent || '').trim().slice(0, 80) } : null;
  });
  async function tabTo(pred, what, max = 400) {
    for (let i = 0; i < max; i += 1) {
      await page.keyboard.press('Tab');
      const a = await active();
      if (a && pred(a)) return a;
    }
    throw new Error(`could not reach ${what} with Tab`);
  }
  try {
    await page.goto(resultsUrl);
    await ready(page, true);
    await tabTo((a) => a.tag === 'A' && /\/documents\/privacy-notice$/.test(a.href), 'the privacy notice\'s "Answer these questions" link');
    await navigating(page, () => page.keyboard.press('Enter'));
    await ready(page, true);
    check(/\/documents\/privacy-notice$/.test(new URL(page.url()).pathname), `${label}: Enter opens the document's page`);
    const names = await page.$$eval('main form input.pw-input', (els) => els.map((e) => e.name));
    for (const name of names) {
      await tabTo((a) => a.name === name, name);
      await page.keyboard.type(docFacts[name] || 'x');
    }
    await tabTo((a) => a.tag === 'BUTTON' && /save and produce/i.test(a.text), 'the Save button');
    await Promise.all([page.waitForURL(/#doc-privacy-notice$/), page.keyboard.press('Enter')]);
    await ready(page, true);
    check(await page.locator('#doc-privacy-notice a[hreflang]').count() === 6, `${label}: the document is ready after a keyboard-only form`);
    const a = await tabTo((x) => x.tag === 'A' && /\/documents\/privacy-notice\/en\.pdf$/.test(x.href), 'the English PDF link');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    check(a && outline !== 'none', `${label}: the download link takes the focus, visibly (outline ${outline})`);
  } catch (e) {
    fail(label, e.stack || String(e));
  } finally {
    await ctx.close();
  }
}

// The case log: sign in (policy specialist), save a result as a situation through the
// screening of personal information, find it in the list and by search, read it in both
// languages; an administrator's pages; anonymous reading. axe on every page (JS on); the
// same save with JavaScript off.
const password = process.env.PASSERELLE_PASSWORD || '';
async function signIn(page, lang, user) {
  await page.goto(`${base}/${lang}/${lang === 'fr' ? 'connexion' : 'sign-in'}`);
  await page.fill('[name="username"]', user);
  await page.fill('[name="password"]', password);
  await navigating(page, () => page.click('main form button[type=submit]'));
}
async function caseLog({ js, resultsUrl, label }) {
  current = label;
  if (!resultsUrl || !password) { fail(label, 'no results page or no PASSERELLE_PASSWORD'); return; }
  const rid = resultsUrl.split('/').pop();
  const ctx = await newContext(js);
  const page = await newPage(ctx);
  try {
    const r0 = await page.goto(`${base}/en/sign-in`);
    check(r0.status() === 200, `${label}: the sign-in page answers 200`);
    if (js) await axe(page, `${label} sign-in page`, js);
    await page.fill('[name="username"]', 'sami');
    await page.fill('[name="password"]', 'not the password');
    await navigating(page, () => page.click('main form button[type=submit]'));
    check(await page.locator('.pw-error-summary').count() === 1, `${label}: a wrong password shows the error summary`);
    if (js) await axe(page, `${label} sign-in with an error`, js);
    await signIn(page, 'en', 'sami');
    check(!/sign-in/.test(new URL(page.url()).pathname), `${label}: signed in (now at ${new URL(page.url()).pathname})`);
    await page.goto(`${base}/en/cases/new?result=${rid}`);
    check(await page.locator('main form textarea[name="narrative"]').count() === 1, `${label}: the save form opens from a result`);
    if (js) await axe(page, `${label} save a situation`, js);
    const title = `Booking page test ${js ? 'with' : 'without'} JavaScript`;
    await page.fill('[name="title"]', title);
    await page.fill('[name="narrative"]', 'A remote usability test of the booking page. Questions went to jo@example.ca before the sessions.');
    await navigating(page, () => page.click('main form button[type=submit]'));
    const findings = page.locator('fieldset.pw-finding');
    check(await findings.count() >= 1, `${label}: the e-mail address is found before saving (${await findings.count()} finding)`);
    check(await page.locator('.pw-error-summary a[href^="#pi-"]').count() >= 1, `${label}: the error summary links to the finding`);
    if (js) await axe(page, `${label} save with a finding`, js);
    await page.check('fieldset.pw-finding input[value="remove"]');
    await navigating(page, () => page.click('main form button[type=submit]'));
    const casePath = new URL(page.url()).pathname;
    check(/^\/en\/cases\/[0-9a-f]+$/.test(casePath), `${label}: saved, the situation's page opens (${casePath})`);
    const body = await page.locator('main').innerText();
    check(body.includes(title) && !body.includes('jo@example.ca'), `${label}: the page shows the title and not the removed address`);
    if (js) await axe(page, `${label} a situation`, js);
    await page.goto(`${base}/en/cases?q=${encodeURIComponent('booking usability')}`);
    check((await page.locator('main').innerText()).includes(title), `${label}: search finds it`);
    if (js) await axe(page, `${label} case list with a search`, js);
    const fr = casePath.replace('/en/cases/', '/fr/cas/');
    const rf = await page.goto(`${base}${fr}`);
    check(rf.status() === 200 && await page.locator('html').getAttribute('lang') === 'fr', `${label}: the situation in French (${fr})`);
    if (js) await axe(page, `${label} a situation (fr)`, js);
    await page.goto(`${base}${casePath}/edit`);
    check(await page.locator('main form [name="title"]').inputValue() === title, `${label}: the edit form has the saved title`);
    if (js) await axe(page, `${label} edit a situation`, js);
    // Anonymous: a draft is not there.
    const anon = await newContext(js);
    const ap = await newPage(anon);
    const ra = await ap.goto(`${base}${casePath}`);
    check(ra.status() === 404, `${label}: an anonymous visitor cannot read the draft`, `got ${ra.status()}`);
    await ap.goto(`${base}/fr/cas`);
    if (js) await axe(ap, `${label} case list (fr, anonymous)`, js);
    await anon.close();
    if (js) {
      const admin = await newContext(js);
      const adp = await newPage(admin);
      await signIn(adp, 'fr', 'ada');
      for (const path of ['/fr/admin/utilisateurs', '/fr/admin/journal', '/en/admin/users', '/en/admin/audit']) {
        const r = await adp.goto(`${base}${path}`);
        check(r.status() === 200, `${label}: ${path} answers 200 to an administrator`);
        await axe(adp, `${label} ${path}`, js);
      }
      check(/sami/i.test(await adp.locator('main').innerText()), `${label}: the audit trail names who saved the situation`);
      await admin.close();
    }
  } catch (e) {
    fail(label, e.stack || String(e));
  } finally {
    await ctx.close();
  }
}

const t0 = Date.now();
const en = await journey({ js: true, lang: 'en', url: base, answers: research, journeyId: 'plan-user-research', label: 'research journey (en, JS on)', screenshots: true, axeEach: true, switchAt: 3 });
const fr = await journey({ js: true, lang: 'fr', url: base, answers: research, journeyId: 'plan-user-research', label: 'research journey (fr, JS on)', screenshots: true, axeEach: true, switchAt: 3 });
await journey({ js: false, lang: 'en', url: base, answers: research, journeyId: 'plan-user-research', label: 'research journey (en, JS off)', switchAt: 3 });
await journey({ js: false, lang: 'fr', url: base, answers: research, journeyId: 'plan-user-research', label: 'research journey (fr, JS off)', switchAt: 3 });
const ty = await journey({ js: true, lang: 'en', url: typesBase, answers: allTypes, journeyId: 'every-type', label: 'every question type (en, JS on)', axeEach: true });
const tyfr = await journey({ js: true, lang: 'fr', url: typesBase, answers: allTypes, journeyId: 'every-type', label: 'every question type (fr, JS on)', axeEach: true });
await journey({ js: false, lang: 'fr', url: typesBase, answers: allTypes, journeyId: 'every-type', label: 'every question type (fr, JS off)' });
for (const k of ['bool', 'enum', 'set', 'integer', 'money', 'date', 'text', 'group']) {
  check(ty.kinds.has(k) && tyfr.kinds.has(k), `question type ${k} seen and checked by axe in both languages`, `seen: ${[...ty.kinds].join(', ')}`);
}
await keyboardRun();
await pages(en.resultsUrl);
await documentsKeyboard(en.resultsUrl);
await documentsRun({ js: true, lang: 'en', resultsUrl: en.resultsUrl, label: 'documents (en, JS on)', screenshots: true });
await documentsRun({ js: false, lang: 'fr', resultsUrl: fr.resultsUrl, label: 'documents (fr, JS off)' });
await documentsRun({ js: true, lang: 'fr', resultsUrl: fr.resultsUrl, label: 'documents (fr, JS on)', screenshots: true });
await caseLog({ js: true, resultsUrl: en.resultsUrl, label: 'case log (JS on)' });
await caseLog({ js: false, resultsUrl: en.resultsUrl, label: 'case log (JS off)' });
await browser.close();

check(blocked.length === 0 || blocked.every((b) => !/passerelle|127\.0\.0\.1/.test(b)), 'no request left the loopback (aborted: ' + blocked.length + ')');
if (blocked.length) console.log('aborted non-loopback requests:\n  ' + blocked.join('\n  '));
const pagesChecked = axeRuns.length;
const violations = axeRuns.reduce((n, r) => n + Math.max(0, r.violations), 0);
console.log('');
console.log(`axe-core ${JSON.parse(readFileSync(require.resolve('axe-core/package.json'), 'utf8')).version}: ${pagesChecked} pages checked, ${violations} violations`);
const failed = results.filter((r) => !r.ok).length;
console.log(`browser tests took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
