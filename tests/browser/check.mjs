#!/usr/bin/env node
// Opens every page of a built golive site in headless Chromium, the way a reader's
// browser would, and fails on what a reader would stumble on. Run by tests/browser.rs.
//
//   node check.mjs --site PUBLIC_DIR --out OUT_DIR [--no-pages] [--pdf PAGE ...] [--offline PAGE ...] [--search PAGE QUERY ...] [--screenshots DIR PAGE ...]
//
// The site is served on 127.0.0.1 (a random port). For every .html page:
// - at 1280 px: console errors, uncaught exceptions, failed requests, requests to
//   any other host (blocked and counted), and axe-core violations of WCAG 2 A/AA
//   rules with serious or critical impact;
// - at 390 px: horizontal scrolling.
// Each --pdf page is printed to OUT_DIR/<name>-a4.pdf and -letter.pdf (print media).
// With --screenshots, the listed pages are shot at 1280 and 390 px into DIR.
// Each --offline page (a war-room pack) is opened from disk (file://) with the
// network off and every request but the file itself aborted and counted as a
// problem, console errors too; it is shot into OUT_DIR/<name>-offline.png and
// printed to OUT_DIR/<name>-offline-a4.pdf and -letter.pdf with its own @page
// margins.
// Each --search PAGE QUERY opens PAGE from disk (file://), types QUERY into the
// header's search box, submits it, waits for search.html to say how many results
// it found, and writes what a reader sees (the status and, per result, its
// title, link, context, snippet and marked words) to OUT_DIR/search.json.
// Writes OUT_DIR/report.json; exits 1 if any page fails, 2 on a usage or setup error.

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const args = process.argv.slice(2);
const opt = { pdf: [], offline: [], search: [], shots: [], shotDir: null, pages: true };
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--site') opt.site = path.resolve(args[++i]);
  else if (a === '--out') opt.out = path.resolve(args[++i]);
  else if (a === '--pdf') opt.pdf.push(args[++i]);
  else if (a === '--offline') opt.offline.push(args[++i]);
  else if (a === '--search') { opt.search.push([args[i + 1], args[i + 2]]); i += 2; }
  else if (a === '--no-pages') opt.pages = false;
  else if (a === '--screenshots') {
    opt.shotDir = path.resolve(args[++i]);
    while (i + 1 < args.length && !args[i + 1].startsWith('--')) opt.shots.push(args[++i]);
  } else {
    console.error(`check.mjs: unknown argument ${a}`);
    process.exit(2);
  }
}
if (!opt.site || !opt.out) {
  console.error('usage: node check.mjs --site PUBLIC_DIR --out OUT_DIR [--pdf PAGE ...] [--screenshots DIR PAGE ...]');
  process.exit(2);
}
fs.mkdirSync(opt.out, { recursive: true });

// ---------------------------------------------------------------- serve
const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.json': 'application/json', '.eml': 'message/rfc822', '.txt': 'text/plain; charset=utf-8' };
const server = http.createServer((req, res) => {
  const url = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  let file = path.join(opt.site, url);
  if (!file.startsWith(opt.site)) { res.writeHead(403).end(); return; }
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
  if (!fs.existsSync(file)) { res.writeHead(404).end('not found'); return; }
  res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const base = `http://127.0.0.1:${server.address().port}/`;

// ---------------------------------------------------------------- pages
const pages = [];
(function walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full);
    else if (entry.name.endsWith('.html')) pages.push(path.relative(opt.site, full).split(path.sep).join('/'));
  }
})(opt.site);
pages.sort();

// playwright gives every launch a fresh, empty profile (--user-data-dir) of its own.
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

/** A fresh page that records every problem a reader's browser would show. */
async function open(context, problems) {
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`uncaught exception: ${e.message}`));
  page.on('requestfailed', (r) => {
    if (new URL(r.url()).host === new URL(base).host) problems.push(`failed request: ${r.url()} (${r.failure()?.errorText})`);
  });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  await page.route('**/*', (route) => {
    const host = new URL(route.request().url()).host;
    if (host === new URL(base).host) return route.continue();
    problems.push(`request to another host: ${route.request().url()}`);
    return route.abort();
  });
  return page;
}

const report = [];
const desktop = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true });
for (const name of opt.pages ? pages : []) {
  const problems = [];
  const page = await open(desktop, problems);
  const response = await page.goto(base + name, { waitUntil: 'load' });
  if (!response || response.status() !== 200) problems.push(`navigation: HTTP ${response?.status()}`);
  await page.addScriptTag({ content: AXE_SOURCE });
  const axe = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  for (const v of axe.filter((v) => v.impact === 'serious' || v.impact === 'critical')) {
    problems.push(`axe ${v.impact}: ${v.id} (${v.help}) at ${v.nodes.join(' | ')}`);
  }
  await page.close();

  const narrow = await open(phone, problems);
  await narrow.goto(base + name, { waitUntil: 'load' });
  const width = await narrow.evaluate(() => document.documentElement.scrollWidth);
  if (width > 391) problems.push(`horizontal scrolling at 390 px (content is ${width} px wide)`);
  await narrow.close();

  report.push({ page: name, problems, minor_axe: axe.filter((v) => v.impact !== 'serious' && v.impact !== 'critical').map((v) => v.id) });
  console.log(`${problems.length ? 'FAIL' : 'ok  '} ${name}${problems.map((p) => `\n       ${p}`).join('')}`);
}

// ---------------------------------------------------------------- print
for (const name of opt.pdf) {
  const problems = [];
  const page = await open(desktop, problems);
  await page.goto(base + name, { waitUntil: 'load' });
  await page.emulateMedia({ media: 'print' });
  const stem = name.replace(/[/.]/g, '_');
  for (const format of ['A4', 'Letter']) {
    await page.pdf({ path: path.join(opt.out, `${stem}-${format.toLowerCase()}.pdf`), format, margin: { top: '12mm', bottom: '12mm', left: '12mm', right: '12mm' } });
  }
  await page.close();
  if (problems.length) report.push({ page: `print ${name}`, problems });
}

// ---------------------------------------------------------------- offline
if (opt.offline.length) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, offline: true });
  for (const name of opt.offline) {
    const problems = [];
    const file = 'file://' + path.join(opt.site, name);
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`uncaught exception: ${e.message}`));
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url === file) return route.continue();
      problems.push(`request while offline: ${url}`);
      return route.abort();
    });
    const response = await page.goto(file, { waitUntil: 'load' });
    if (!response) problems.push('the file did not load');
    const stem = name.replace(/[/.]/g, '_');
    await page.screenshot({ path: path.join(opt.out, `${stem}-offline.png`), fullPage: false });
    await page.emulateMedia({ media: 'print' });
    for (const format of ['A4', 'Letter']) {
      await page.pdf({ path: path.join(opt.out, `${stem}-offline-${format.toLowerCase()}.pdf`), format, preferCSSPageSize: false });
    }
    await page.close();
    report.push({ page: `offline ${name}`, problems });
    console.log(`${problems.length ? 'FAIL' : 'ok  '} offline ${name}${problems.map((p) => `\n       ${p}`).join('')}`);
  }
  await context.close();
}

// ---------------------------------------------------------------- search
if (opt.search.length) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const found = [];
  for (const [start, query] of opt.search) {
    const problems = [];
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`uncaught exception: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`failed request: ${r.url()}`));
    await page.goto('file://' + path.join(opt.site, start), { waitUntil: 'load' });
    await page.fill('header #golive-search-q', query);
    await Promise.all([page.waitForURL(/search\.html\?q=/), page.press('header #golive-search-q', 'Enter')]);
    await page.waitForFunction(() => / results? for /.test(document.getElementById('golive-search-status').textContent), null, { timeout: 30000 });
    const seen = await page.evaluate(() => ({
      url: window.location.href,
      box: document.getElementById('golive-search-q').value,
      status: document.getElementById('golive-search-status').textContent,
      live: document.getElementById('golive-search-status').getAttribute('aria-live'),
      results: Array.from(document.querySelectorAll('#golive-search-results li')).map((li) => ({
        title: li.querySelector('.result-title').innerText,
        href: li.querySelector('.result-title').href,
        context: li.querySelector('.result-context').innerText,
        snippet: li.querySelector('.snippet').innerText,
        marks: Array.from(li.querySelectorAll('mark')).map((m) => m.innerText),
      })),
      more: !document.getElementById('golive-search-more').hidden,
    }));
    found.push({ start, query, problems, ...seen });
    await page.close();
    report.push({ page: `search ${query}`, problems });
    console.log(`${problems.length ? 'FAIL' : 'ok  '} search ${JSON.stringify(query)} from ${start}: ${seen.status}${problems.map((p) => `\n       ${p}`).join('')}`);
  }
  fs.writeFileSync(path.join(opt.out, 'search.json'), JSON.stringify(found, null, 2));
  await context.close();
}

// ---------------------------------------------------------------- screenshots
if (opt.shotDir) {
  fs.mkdirSync(opt.shotDir, { recursive: true });
  for (const name of opt.shots) {
    const stem = name.replace(/\.html$/, '').replace(/[/.]/g, '-');
    for (const [context, suffix] of [[desktop, '1280'], [phone, '390']]) {
      const page = await open(context, []);
      await page.goto(base + name, { waitUntil: 'load' });
      await page.screenshot({ path: path.join(opt.shotDir, `${stem}-${suffix}.png`), fullPage: suffix === '1280' ? false : false });
      await page.close();
    }
  }
}

await browser.close();
server.close();
fs.writeFileSync(path.join(opt.out, 'report.json'), JSON.stringify(report, null, 2));
const failing = report.filter((r) => r.problems.length);
console.log(`browser check: ${report.length} page(s), ${failing.length} failing`);
process.exit(failing.length ? 1 : 0);
