// Shared by the check files: where the server is, how Chromium is launched, which pages to check.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

// Set by ./run after it starts `pestle serve`; set it yourself to point the checks elsewhere.
export const BASE_URL = (process.env.BASE_URL ?? '').replace(/\/+$/, '');
if (!BASE_URL) {
  throw new Error('BASE_URL is not set: run e2e/run, or export BASE_URL=http://127.0.0.1:PORT');
}
export const ORIGIN = new URL(BASE_URL).origin;

// Debian's Chromium: Playwright's own browser download would need the internet.
export const CHROMIUM_PATH = '/usr/bin/chromium';
// No sandbox (we may run as root in a container), no GPU, and no background traffic to Google.
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
}

// The pages axe and the Nu checker look at, with the status each must answer.
export const PAGES = [
  { path: '/', status: 200 },
  { path: '/conditions', status: 200 },
  { path: '/conditions/foot-and-leg-cramps', status: 200 },
  // A large library's letter and category pages (served for the sample too, though not linked).
  { path: '/conditions/letter/f', status: 200 },
  { path: '/conditions/category/muscles-bones-joints', status: 200 },
  { path: '/medications', status: 200 },
  { path: '/medications/magnesium-chloride', status: 200 },
  { path: '/compounding', status: 200 },
  { path: '/locations', status: 200 },
  { path: '/testimonials', status: 200 },
  { path: '/testimonials/share', status: 200 },
  { path: '/search?q=leg+cramps', status: 200 },
  { path: '/requests/callback', status: 200 },
  { path: '/requests/refill', status: 200 },
  { path: '/requests/transfer', status: 200 },
  { path: '/requests/compounding?ingredients=ketoprofen', status: 200 },
  { path: '/requests/status', status: 200 },
  { path: '/api', status: 200 },
  { path: '/requests/status?reference=R-7KQ3-9M', status: 200 },
  // An e-mail's unsubscribe link (the e2e server's data key is `k1`).
  { path: `/updates/unsubscribe/k1:${'0'.repeat(64)}`, status: 200 },
  { path: `/es/updates/unsubscribe/k1:${'0'.repeat(64)}`, status: 200 },
  // A misspelt condition: the 404 page with suggestions.
  { path: '/conditions/leg-cramp', status: 404 },
  // The Spanish site: every kind of page, a page shown in English with a notice, its 404.
  { path: '/es', status: 200 },
  { path: '/es/conditions', status: 200 },
  { path: '/es/conditions/foot-and-leg-cramps', status: 200 },
  { path: '/es/conditions/muscle-spasm', status: 200 },
  { path: '/es/conditions/letter/f', status: 200 },
  { path: '/es/conditions/category/musculos-huesos-y-articulaciones', status: 200 },
  { path: '/es/medications', status: 200 },
  { path: '/es/medications/magnesium-chloride', status: 200 },
  { path: '/es/compounding', status: 200 },
  { path: '/es/locations', status: 200 },
  { path: '/es/testimonials', status: 200 },
  { path: '/es/testimonials/share', status: 200 },
  { path: '/es/search?q=calambres', status: 200 },
  { path: '/es/requests/callback', status: 200 },
  { path: '/es/requests/refill', status: 200 },
  { path: '/es/requests/transfer', status: 200 },
  { path: '/es/requests/compounding?ingredients=ketoprofeno', status: 200 },
  { path: '/es/requests/status?reference=R-7KQ3-9M', status: 200 },
  { path: '/es/conditions/calambre', status: 404 },
];

// e2e/reports/, created on first use (git-ignored).
export function reportsDir(sub = '') {
  const dir = fileURLToPath(new URL(`./reports/${sub}`, import.meta.url));
  mkdirSync(dir, { recursive: true });
  return dir;
}

// '/' -> 'home', '/conditions/leg-cramp' -> 'conditions_leg-cramp': a file name per page.
export function slug(path) {
  return path === '/' ? 'home' : path.replace(/^\/+/, '').replaceAll('/', '_');
}

// Says plainly when a status mismatch probably means the route isn't there yet.
export function statusMessage(path, expected, actual) {
  const hint = actual === 404 && expected !== 404 ? ' (route missing?)' : '';
  return `${path}: expected HTTP ${expected}, got ${actual}${hint}`;
}

// The staff account e2e/run creates before starting the server.
export const STAFF_EMAIL = process.env.E2E_STAFF_EMAIL ?? '';
export const STAFF_PASSWORD = process.env.E2E_STAFF_PASSWORD ?? '';

// The current RFC 6238 code (SHA-1, 6 digits, 30 s) for a base32 key, as an authenticator app
// would show it.
export async function totpCode(base32) {
  const { createHmac } = await import('node:crypto');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of base32.replace(/=+$/, '').toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  }
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, '0');
}
