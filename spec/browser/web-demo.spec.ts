/**
 * The Angular progress UI (samples/angular-progress) in a real Chromium, against its real server:
 * codex-rx/gateway → one real `codex app-server` per page → the scripted model. Each scenario
 * opens its own page (so its own app-server); the prompt's words pick the model's script
 * (see samples/angular-progress/server/scripted-model.ts).
 */
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium, type Browser } from './support/chromium';
import { isAlive } from '../support/processes';
import { setupProblem, startWebDemo, type WebDemo } from './support/web-demo';

const ARTIFACTS = path.join(__dirname, 'artifacts');
const problem = setupProblem();

let demo: WebDemo;
let browser: Browser;

beforeAll(async () => {
  if (problem) throw new Error(problem);
  [demo, browser] = await Promise.all([startWebDemo(), launchChromium()]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  // Stopping the server ends every app-server it ran.
  expect(demo ? demo.appServers() : []).toEqual([]);
}, 30_000);

/** A new tab on the app, with the page's console errors collected. */
async function openApp(): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${demo.origin}/`);
  await page.getByTestId('prompt').waitFor();
  return { page, errors };
}

async function send(page: Page, prompt: string): Promise<void> {
  await page.getByTestId('prompt').fill(prompt);
  await page.getByTestId('send').click();
}

const phase = (page: Page) => page.getByTestId('phase').getAttribute('data-phase');
const answer = (page: Page) => page.getByTestId('answer').innerText();

async function waitForPhase(page: Page, expected: string, timeout = 20_000): Promise<void> {
  await page.waitForSelector(`[data-testid="phase"][data-phase="${expected}"]`, { timeout });
}

/** New app-servers (pids) that appear after `before`, waiting until there is one. */
async function newAppServer(before: number[]): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const fresh = demo.appServers().filter((pid) => !before.includes(pid));
    if (fresh.length > 0) return fresh[0]!;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no new app-server appeared (server output:\n${demo.output()})`);
}

test('a prompt streams its answer into the page, with items, reasoning and token usage', async () => {
  const { page, errors } = await openApp();
  await send(page, 'What is codex-rx?');

  // Streaming: the answer is seen part-way (several distinct lengths) before the turn completes.
  const seen = new Set<number>();
  while ((await phase(page)) === 'running') {
    const text = await answer(page);
    if (text.length > 0) seen.add(text.length);
    await page.waitForTimeout(40);
  }
  expect(await phase(page)).toBe('completed');
  const final = await answer(page);
  expect(final).toMatch(/^codex-rx is an RxJS client for the Codex app-server\..*turnProgress\(\) folds them into the snapshot you see\.$/);
  expect([...seen].filter((n) => n < final.length).length).toBeGreaterThanOrEqual(2);

  const items = page.getByTestId('item');
  await expect(items.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-type')}:${e.getAttribute('data-status')}`))).resolves.toEqual([
    'userMessage:completed',
    'reasoning:completed',
    'agentMessage:completed',
  ]);
  await expect(page.locator('[data-type="reasoning"] .summary').innerText()).resolves.toBe('Explaining codex-rx in two sentences');
  await expect(page.getByTestId('usage').innerText()).resolves.toMatch(/tokens: [1-9][\d,]* total/);
  expect(errors).toEqual([]);
  await page.close();
}, 60_000);

test('an approved command runs, and its output shows in the item list', async () => {
  const { page, errors } = await openApp();
  await send(page, 'Please run ls in the workspace');

  const card = page.getByTestId('approval');
  await card.waitFor({ timeout: 20_000 });
  await expect(card.getByTestId('approval-detail').innerText()).resolves.toBe('ls');
  await expect(card.innerText()).resolves.toContain('List the files in the workspace');
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, 'approval-waiting.png'), fullPage: true });
  await card.getByTestId('accept').click();

  await waitForPhase(page, 'completed');
  await expect(card.count()).resolves.toBe(0); // answered: the card is gone
  const command = page.locator('[data-type="commandExecution"]');
  await expect(command.getAttribute('data-status')).resolves.toBe('completed');
  const output = await command.getByTestId('command-output').innerText();
  expect(output.split('\n').filter(Boolean)).toEqual(['README.md', 'package.json', 'src']);
  await expect(answer(page)).resolves.toBe('The command ran. It printed: README.md, package.json, src');

  await page.screenshot({ path: path.join(ARTIFACTS, 'approved-command.png'), fullPage: true });
  expect(errors).toEqual([]);
  await page.close();
}, 60_000);

test('a declined command does not run; the turn goes on and says so', async () => {
  const { page, errors } = await openApp();
  await send(page, 'Delete the src folder');

  const card = page.getByTestId('approval');
  await card.waitFor({ timeout: 20_000 });
  await expect(card.getByTestId('approval-detail').innerText()).resolves.toBe('rm -r src');
  await card.getByTestId('decline').click();

  await waitForPhase(page, 'completed');
  await expect(page.locator('[data-type="commandExecution"]').getAttribute('data-status')).resolves.toBe('declined');
  await expect(page.locator('[data-type="commandExecution"] [data-testid="command-output"]').count()).resolves.toBe(0);
  await expect(answer(page)).resolves.toBe('You declined, so I did not run it. The workspace is unchanged.');
  expect(errors).toEqual([]);
  await page.close();
}, 60_000);

test('Stop interrupts a running turn; the thread takes the next prompt', async () => {
  const { page, errors } = await openApp();
  await send(page, 'Give me a long answer');
  await page.waitForFunction(() => (document.querySelector('[data-testid="answer"]')?.textContent ?? '').length > 20, undefined, { timeout: 20_000 });

  await page.getByTestId('stop').click();
  await waitForPhase(page, 'stopped');
  const atStop = await answer(page);
  await page.waitForTimeout(800); // the long answer sends a delta every 100 ms: nothing more may arrive
  await expect(answer(page)).resolves.toBe(atStop);
  await expect(page.getByTestId('stop').isDisabled()).resolves.toBe(true);

  // Had the turn not been interrupted, the server would fold this prompt into it.
  await send(page, 'And now the short version');
  await waitForPhase(page, 'completed');
  await expect(answer(page)).resolves.toMatch(/^codex-rx is an RxJS client/);
  expect(errors).toEqual([]);
  await page.close();
}, 60_000);

test('reloading mid-turn ends the old app-server; the new page gets its own', async () => {
  const { page, errors } = await openApp();
  const before = demo.appServers();
  await send(page, 'Give me a long answer');
  const first = await newAppServer(before);
  await page.waitForFunction(() => (document.querySelector('[data-testid="answer"]')?.textContent ?? '').length > 20, undefined, { timeout: 20_000 });
  expect(isAlive(first)).toBe(true);

  await page.reload();
  await page.getByTestId('prompt').waitFor();
  // The browser closed the old WebSocket: the gateway ends that page's app-server.
  const deadline = Date.now() + 10_000;
  while (isAlive(first) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(isAlive(first)).toBe(false);

  const running = demo.appServers();
  await send(page, 'What is codex-rx?');
  const second = await newAppServer(running);
  expect(second).not.toBe(first);
  await waitForPhase(page, 'completed');
  await expect(answer(page)).resolves.toMatch(/^codex-rx is an RxJS client/);
  expect(errors).toEqual([]);
  await page.close();
}, 60_000);

test('a refused connection shows as one line of text on the page, not a stack trace; nothing is spawned', async () => {
  const page = await browser.context.newPage();
  // The page as served, but with a wrong token in it: the gateway refuses the upgrade (401).
  await page.route(`${demo.origin}/`, async (route) => {
    const response = await route.fetch();
    const html = (await response.text()).replace(/(<meta name="codex-rx-token" content=")[^"]*"/, '$1not-the-token"');
    await route.fulfill({ response, body: html });
  });
  await page.goto(`${demo.origin}/`);
  const before = demo.appServers();
  await send(page, 'What is codex-rx?');
  await waitForPhase(page, 'failed');
  const text = await page.getByTestId('error').innerText();
  expect(text.length).toBeGreaterThan(10);
  expect(text).not.toMatch(/\n|\bat .*:\d+:\d+|not-the-token/);
  expect(demo.appServers().filter((pid) => !before.includes(pid))).toEqual([]);
  await page.close();
}, 60_000);

test('the server hands out only the built app: no path outside it, the token only inside the page', async () => {
  const get = (rawPath: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.get(`${demo.origin}${rawPath}`, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
    });
  for (const p of ['/%2e%2e/package.json', '/..%2f..%2fpackage.json', '/%2e%2e/%2e%2e/server/main.ts']) {
    const { status, body } = await get(p);
    // Either refused, or the app's index.html (a route of the app) — never the file.
    expect(status === 404 || body.includes('<app-root>')).toBe(true);
    expect(body).not.toContain('"dependencies"');
    expect(body).not.toContain('createCodexGateway');
  }
  const page = await get('/');
  expect(page.status).toBe(200);
  expect(page.body).not.toContain('__CODEX_RX_TOKEN__');
  const token = /<meta name="codex-rx-token" content="([A-Za-z0-9_-]{32})"/.exec(page.body)?.[1];
  expect(token).toBeDefined();
  expect(demo.output()).not.toContain(token!); // the server never prints the token
});
