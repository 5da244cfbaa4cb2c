/**
 * The conversation app (samples/angular-progress) in a real Chromium, against its real server:
 * codex-rx/gateway → one real `codex app-server` per user → the scripted model. One browser and
 * one server for the whole file; each scenario opens its own tabs and threads. The prompt's words
 * pick the model's script (see samples/angular-progress/server/scripted-model.ts). Screenshots go
 * to spec/browser/artifacts/ (gitignored).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium, type Browser } from './support/chromium';
import { setupProblem, startWebDemo, type WebDemo } from './support/web-demo';

const ARTIFACTS = path.join(__dirname, 'artifacts');
const problem = setupProblem();

let demo: WebDemo;
let browser: Browser;

beforeAll(async () => {
  if (problem) throw new Error(problem);
  mkdirSync(ARTIFACTS, { recursive: true });
  [demo, browser] = await Promise.all([startWebDemo(), launchChromium()]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  // Stopping the server ends every app-server it ran.
  expect(demo ? demo.appServers() : []).toEqual([]);
}, 30_000);

const LONG_ANSWER = Array.from({ length: 12 }, (_, i) => `Paragraph ${i + 1}: a long answer keeps streaming, one small delta at a time, until it ends or you press Stop.`).join(' ');
const INTRO = /^codex-rx is an RxJS client for the Codex app-server\..*turnProgress\(\) folds them into the snapshot you see\.$/;

/** A new tab on the app (optionally at `search`, e.g. `?thread=…`), with the page's errors collected. */
async function openApp(search = ''): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${demo.origin}/${search}`);
  await page.getByTestId('new-thread').waitFor();
  return { page, errors };
}

/** A new thread in `page`; resolves with its id (from the URL). */
async function newThread(page: Page): Promise<string> {
  await page.getByTestId('new-thread').click();
  await page.getByTestId('prompt').waitFor();
  await page.waitForURL(/\?thread=/);
  return new URL(page.url()).searchParams.get('thread')!;
}

async function send(page: Page, prompt: string): Promise<void> {
  await page.getByTestId('prompt').fill(prompt);
  await page.getByTestId('send').click();
}

const turns = (page: Page) => page.getByTestId('turn');
const lastTurn = (page: Page) => turns(page).last();

/** Waits until the page shows `count` turns and the last one has ended with `status`. */
async function waitForTurn(page: Page, count: number, status = 'completed', timeout = 30_000): Promise<void> {
  await page.waitForFunction(
    ([n, s]) => {
      const all = document.querySelectorAll('[data-testid="turn"]');
      return all.length === n && all[n - 1]!.getAttribute('data-status') === s;
    },
    [count, status] as const,
    { timeout },
  );
}

/** Accepts the approval card that shows up next. */
async function accept(page: Page): Promise<void> {
  const card = page.getByTestId('approval');
  await card.waitFor({ timeout: 20_000 });
  await card.getByTestId('accept').click();
}

/** What a turn shows, as text: prompt, items (type:status), answers. */
async function describeTurn(page: Page, index: number) {
  const turn = turns(page).nth(index);
  return {
    prompt: await turn.getByTestId('turn-prompt').innerText(),
    items: await turn.getByTestId('item').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-type')}:${e.getAttribute('data-status')}`)),
    answers: await turn.getByTestId('answer').allInnerTexts(),
  };
}

test('three turns: prompts, reasoning, a command with its output, a file change with its diff; the same transcript after a reload, from the record', async () => {
  const { page, errors } = await openApp();
  const threadId = await newThread(page);

  await send(page, 'What is codex-rx?');
  await waitForTurn(page, 1);
  await send(page, 'Please run ls in the workspace');
  await accept(page);
  await waitForTurn(page, 2);
  await send(page, 'Please edit a file'); // the workspace is writable: no approval needed
  await waitForTurn(page, 3);

  const expected = [
    { prompt: 'What is codex-rx?', items: ['reasoning:completed'], answers: [expect.stringMatching(INTRO)] },
    { prompt: 'Please run ls in the workspace', items: ['commandExecution:completed'], answers: ['The command ran. It printed: README.md, package.json, src'] },
    { prompt: 'Please edit a file', items: ['fileChange:completed'], answers: ['I changed src/greet.js: greet() has a default name now, and shout() is new.'] },
  ];
  for (const [i, want] of expected.entries()) await expect(describeTurn(page, i)).resolves.toEqual(want);
  await expect(turns(page).nth(0).getByTestId('reasoning').innerText()).resolves.toBe('Explaining codex-rx in two sentences');
  await expect(turns(page).nth(1).getByTestId('command').innerText()).resolves.toBe('ls');
  await expect(turns(page).nth(1).getByTestId('command-output').innerText()).resolves.toBe('README.md\npackage.json\nsrc');
  const change = turns(page).nth(2).getByTestId('file-change');
  await expect(change.getByTestId('file-path').innerText()).resolves.toBe('update src/greet.js');
  const diffLines = async () => change.locator('.line').evaluateAll((els) => els.map((e) => `${e.className.replace('line ', '')} ${e.textContent}`));
  await expect(diffLines()).resolves.toEqual([
    expect.stringMatching(/^hunk @@/),
    'del -exports.greet = (name) => `Hello, ${name}!`;',
    "add +exports.greet = (name = 'world') => `Hello, ${name}!`;",
    'add +exports.shout = (name) => exports.greet(name).toUpperCase();',
  ]);
  await expect(page.getByTestId('usage').innerText()).resolves.toMatch(/tokens: [1-9]\d* total/);
  // Paths relative to the workspace: no absolute server path anywhere on the page.
  await expect(page.locator('body').innerText()).resolves.not.toMatch(/\/tmp\/|\/root\/|codex-home/);
  await page.screenshot({ path: path.join(ARTIFACTS, 'transcript-three-turns.png'), fullPage: true });
  await change.screenshot({ path: path.join(ARTIFACTS, 'file-change-diff.png') });

  // The sidebar lists the thread, with its last activity.
  const entry = page.locator(`[data-testid="thread"][data-id="${threadId}"]`);
  await expect(entry.getByTestId('thread-name').innerText()).resolves.toBe('What is codex-rx?');
  await expect(entry.getByTestId('thread-activity').innerText()).resolves.toBe('just now');

  // Reload: the same thread, every turn rebuilt from the server's record.
  await page.reload();
  await page.getByTestId('transcript').waitFor();
  expect(new URL(page.url()).searchParams.get('thread')).toBe(threadId);
  await waitForTurn(page, 3);
  for (const [i, want] of expected.entries()) await expect(describeTurn(page, i)).resolves.toEqual(want);
  await expect(diffLines()).resolves.toHaveLength(4);
  expect(errors).toEqual([]);
  await page.close();
}, 120_000);

test('the sidebar: a new thread, rename, archive', async () => {
  const { page, errors } = await openApp();
  const threadId = await newThread(page);
  await send(page, 'Hello there');
  await waitForTurn(page, 1);
  const entry = page.locator(`[data-testid="thread"][data-id="${threadId}"]`);
  // Away to a new thread and back: the transcript is there again.
  await newThread(page);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="turn"]').length === 0);
  await entry.getByTestId('thread-name').click();
  await waitForTurn(page, 1);
  await expect(describeTurn(page, 0)).resolves.toEqual({ prompt: 'Hello there', items: ['reasoning:completed'], answers: [expect.stringMatching(INTRO)] });
  await entry.getByTestId('rename').click();
  await entry.getByTestId('rename-input').fill('Greeting thread');
  await entry.getByTestId('rename-input').press('Enter');
  await page.waitForFunction((id) => document.querySelector(`[data-id="${id}"] [data-testid="thread-name"]`)?.textContent === 'Greeting thread', threadId);
  // The server kept the name: a fresh tab lists it.
  const other = await openApp();
  await other.page.waitForFunction((id) => document.querySelector(`[data-id="${id}"] [data-testid="thread-name"]`)?.textContent === 'Greeting thread', threadId);
  await other.page.close();

  await entry.getByTestId('archive').click();
  await entry.waitFor({ state: 'detached' });
  await page.getByTestId('no-thread').waitFor(); // it was the selected one
  const after = await openApp();
  await after.page.locator('[data-testid="thread"]').first().waitFor(); // the list is loaded (one thread/list answer)
  await expect(after.page.locator(`[data-testid="thread"][data-id="${threadId}"]`).count()).resolves.toBe(0);
  await after.page.close();
  expect(errors).toEqual([]);
  await page.close();
}, 60_000);

test('Stop interrupts the running turn; the thread takes the next prompt', async () => {
  const { page, errors } = await openApp();
  await newThread(page);
  await send(page, 'Give me a long answer');
  await page.waitForFunction(() => (document.querySelector('[data-testid="answer"]')?.textContent ?? '').length > 20, undefined, { timeout: 20_000 });
  await page.getByTestId('stop').click();
  await waitForTurn(page, 1, 'interrupted');
  await send(page, 'And now the short version');
  await waitForTurn(page, 2);
  await expect(lastTurn(page).getByTestId('answer').innerText()).resolves.toMatch(INTRO);
  expect(errors).toEqual([]);
  await page.close();
}, 60_000);

test('reload mid-turn: the page comes back to the thread and follows the running turn to its end', async () => {
  const { page, errors } = await openApp();
  const threadId = await newThread(page);
  await send(page, 'Give me a long answer');
  await page.waitForFunction(() => (document.querySelector('[data-testid="answer"]')?.textContent ?? '').length > 40, undefined, { timeout: 20_000 });

  await page.reload();
  expect(new URL(page.url()).searchParams.get('thread')).toBe(threadId);
  await page.getByTestId('transcript').waitFor();
  // Back mid-turn: the text so far at once, and still running.
  await page.waitForFunction(() => (document.querySelector('[data-testid="answer"]')?.textContent ?? '').length > 40, undefined, { timeout: 10_000 });
  await expect(lastTurn(page).getAttribute('data-status')).resolves.toBe('inProgress');
  await page.screenshot({ path: path.join(ARTIFACTS, 'reload-mid-turn.png'), fullPage: true });
  await waitForTurn(page, 1, 'completed', 60_000);
  await expect(lastTurn(page).getByTestId('answer').innerText()).resolves.toBe(LONG_ANSWER);
  expect(errors).toEqual([]);
  await page.close();
}, 90_000);

test('a pending approval survives a reload, and a second tab of the same user sees the thread live', async () => {
  const { page, errors } = await openApp();
  const threadId = await newThread(page);
  await send(page, 'Please run ls in the workspace');
  await page.getByTestId('approval').waitFor({ timeout: 20_000 });

  await page.reload();
  await page.getByTestId('transcript').waitFor();
  const second = await openApp(`?thread=${threadId}`);
  await second.page.getByTestId('approval').waitFor({ timeout: 20_000 });
  await accept(page); // answered in the reloaded tab…
  await second.page.getByTestId('approval').waitFor({ state: 'detached' }); // …gone in the other
  await waitForTurn(page, 1);
  await waitForTurn(second.page, 1);
  for (const p of [page, second.page]) await expect(lastTurn(p).getByTestId('command-output').innerText()).resolves.toBe('README.md\npackage.json\nsrc');

  // A turn started in one tab streams into the other.
  await send(second.page, 'What is codex-rx?');
  await waitForTurn(page, 2);
  await expect(lastTurn(page).getByTestId('answer').innerText()).resolves.toMatch(INTRO);
  expect([...errors, ...second.errors]).toEqual([]);
  expect(demo.appServers()).toHaveLength(1); // one app-server for this user, across the reload and both tabs
  await second.page.close();
  await page.close();
}, 90_000);

test('the gateway restarts: the banner says reconnecting, then goes; the thread goes on', async () => {
  const { page, errors } = await openApp();
  await newThread(page);
  await send(page, 'What is codex-rx?');
  await waitForTurn(page, 1);

  const restarted = demo.restartGateway();
  const banner = page.getByTestId('banner');
  await page.waitForSelector('[data-testid="banner"][data-state="reconnecting"]', { timeout: 10_000 });
  await expect(banner.innerText()).resolves.toBe('Connection lost: reconnecting…');
  await page.screenshot({ path: path.join(ARTIFACTS, 'banner-reconnecting.png') });
  await restarted;
  await banner.waitFor({ state: 'detached', timeout: 30_000 });
  await send(page, 'And the short version again');
  await waitForTurn(page, 2);
  expect(errors).toEqual([]);
  await page.close();
}, 90_000);

test('a wrong token shows as text (signed out), not a stack trace; nothing is spawned', async () => {
  const page = await browser.context.newPage();
  // The page as served, but with a wrong token in it (changed as the page is parsed, before the
  // app reads it; a page fulfilled by page.route() would count as non-local and Chromium would block its WebSocket to 127.0.0.1).
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      const meta = document.querySelector('meta[name="codex-rx-token"]');
      if (!meta) return;
      meta.setAttribute('content', 'not-the-token');
      observer.disconnect();
    }).observe(document, { childList: true, subtree: true });
  });
  const before = demo.appServers();
  await page.goto(`${demo.origin}/`);
  const banner = page.getByTestId('banner');
  await page.waitForSelector('[data-testid="banner"][data-state="signed-out"]', { timeout: 20_000 });
  const text = await banner.innerText();
  expect(text).toBe('Signed out: ws://127.0.0.1:' + new URL(demo.origin).port + '/codex closed the connection: no valid token (4401): token not accepted');
  await expect(page.getByTestId('threads-error').count()).resolves.toBe(0); // said once, in the banner
  expect(text).not.toMatch(/\n|\bat .*:\d+:\d+|not-the-token/);
  await page.screenshot({ path: path.join(ARTIFACTS, 'wrong-token.png') });
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

test('the params validators are a chunk fetched by the first request, not with the page, and it loads under the strict CSP', async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { SAMPLE_DIST } = require('../../scripts/web/state.cjs') as { SAMPLE_DIST: string };
  const outputs = (JSON.parse(readFileSync(path.join(SAMPLE_DIST, 'stats.json'), 'utf8')) as { outputs: Record<string, { entryPoint?: string }> }).outputs;
  const chunk = path.basename(Object.keys(outputs).find((f) => outputs[f].entryPoint?.endsWith('/codex-rx/dist/esm/validation/params-validator.js'))!);
  const page = await browser.context.newPage();
  const fetched: { url: string; status: number }[] = [];
  const refused: string[] = [];
  page.on('response', (r) => fetched.push({ url: r.url(), status: r.status() }));
  page.on('console', (m) => /Content Security Policy|Refused to/i.test(m.text()) && refused.push(m.text()));
  await page.route('**/*.js', (route) => route.continue()); // no cache: every fetch is seen
  await page.goto(`${demo.origin}/`);
  await page.getByTestId('new-thread').waitFor();
  await page.locator('[data-testid="thread"]').first().waitFor(); // the first request (thread/list) went out
  expect(fetched.filter((f) => f.url.endsWith(`/${chunk}`)).map((f) => f.status)).toEqual([200]); // once, on first use
  expect(refused).toEqual([]);
  await page.close();
}, 60_000);
