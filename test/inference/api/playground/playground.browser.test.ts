import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import type { RunningServer } from '../../../../inference/src/server';
import {
  artifactPath,
  launchChromium,
  seriousAxeViolations,
  type TestBrowser,
} from '../../../helpers/browser';
import { startTestServer } from '../../../helpers/server';
import {
  answerSamples,
  lastAnswer,
  openPlayground,
  recordAnswerGrowth,
  setParams,
  snippetFor,
  tokensOf,
  waitForAnswerState,
} from './page';

let server: RunningServer;
let browser: TestBrowser;
let page: Page;
/** Errors the page raised (uncaught exceptions, CSP violations, failed loads). */
const pageErrors: string[] = [];

beforeAll(async () => {
  // One slot and no queue: a generation that is not freed makes the next request a 429.
  [server, browser] = await Promise.all([
    startTestServer({ MAX_CONCURRENT: '1', MAX_QUEUE: '0' }),
    launchChromium(),
  ]);
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: server.url,
  });
  page = await browser.context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  await openPlayground(page, `${server.url}/playground`);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

afterEach(() => {
  expect(pageErrors).toEqual([]);
});

/** Asynchronous: the server answering the command runs in this process. */
const run = async (command: string, args: string[], input?: string) => {
  const child = promisify(execFile)(command, args, { encoding: 'utf8', timeout: 30_000 });
  if (input !== undefined) child.child.stdin?.end(input);
  return (await child).stdout;
};

const clipboard = () => page.evaluate(() => navigator.clipboard.readText());

test('shows the model, the endpoint version and the AI disclosure', async () => {
  await expect(page.locator('#model-name').textContent()).resolves.toBe('tiny');
  await expect(page.locator('#endpoint-version').textContent()).resolves.toMatch(/^v\d+\.\d+/);
  await expect(page.getByText('You are talking to an AI model').isVisible()).resolves.toBe(true);
});

test('keyboard: Tab from the message reaches Send, Enter sends; the answer streams in steps', async () => {
  await page.getByLabel('System prompt').fill('You are a helpful assistant.');
  await setParams(page, { max_tokens: 48, temperature: 0.8, top_p: 0.95, seed: 7 });
  await page.getByLabel('Message').focus();
  await page.keyboard.type('Tell me a story');
  await recordAnswerGrowth(page);
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('send');
  await page.keyboard.press('Enter');

  // Mid-stream: some text, not finished. The screenshot is the test's artifact.
  await page.waitForFunction(() => {
    const a = Array.from(document.querySelectorAll<HTMLElement>('.msg.assistant')).at(-1);
    return a?.dataset.state === 'streaming' && (a.querySelector('.text')?.textContent ?? '') !== '';
  });
  await page.screenshot({ path: artifactPath('playground-mid-stream.png') });
  await waitForAnswerState(page, ['done']);

  const streaming = (await answerSamples(page)).filter((s) => s.state === 'streaming');
  const lengths = [...new Set(streaming.map((s) => s.length))].filter((n) => n > 0);
  expect(lengths.length).toBeGreaterThanOrEqual(3);
  expect(lengths).toEqual([...lengths].sort((a, b) => a - b));

  // What the page shows is exactly what the endpoint generates for the same request.
  const answer = await lastAnswer(page);
  const reference = await fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      model: 'tiny',
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: 'Tell me a story' },
      ],
      max_tokens: 48,
      temperature: 0.8,
      top_p: 0.95,
      seed: 7,
    }),
  }).then((r) => r.json() as Promise<{ choices: { message: { content: string } }[] }>);
  expect(answer.text).toBe(reference.choices[0].message.content);
  expect(answer.stats).toMatch(
    /^first token \d+ ms · \d+\.\d tokens\/s · 48 tokens · hit max tokens$/,
  );

  expect(await seriousAxeViolations(page)).toEqual([]);
});

test('Stop ends a long generation early and frees the server slot at once', async () => {
  await page.getByRole('button', { name: 'Clear' }).click();
  await setParams(page, { max_tokens: 400 });
  await page.getByLabel('Message').fill('Write a very long essay');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.waitForFunction(
    () =>
      (Array.from(document.querySelectorAll('.msg.assistant .text')).at(-1)?.textContent?.length ??
        0) > 20,
  );
  await page.getByRole('button', { name: 'Stop' }).click();
  await waitForAnswerState(page, ['stopped']);

  const answer = await lastAnswer(page);
  expect(tokensOf(answer.stats)).toBeLessThan(200);
  expect(answer.stats).toMatch(/stopped$/);
  await expect(page.locator('#status').textContent()).resolves.toMatch(/^Stopped/);

  // The server notices the closed connection and cancels: the one slot is free again.
  const scheduler = server.lifecycle.scheduler!;
  const deadline = Date.now() + 2000;
  while (scheduler.running > 0 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
  expect(scheduler.running).toBe(0);
  const started = performance.now();
  const next = await fetch(`${server.url}/v1/completions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ model: 'tiny', prompt: 'Hi', max_tokens: 3 }),
  });
  expect(next.status).toBe(200);
  expect(performance.now() - started).toBeLessThan(5000);
});

test('a busy server: the page says so, and when to retry', async () => {
  // Another client holds the only slot (and the queue is zero places long).
  const other = new AbortController();
  const held = await fetch(`${server.url}/v1/completions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ model: 'tiny', prompt: 'Hold', max_tokens: 400, stream: true }),
    signal: other.signal,
  });
  await held.body!.getReader().read();
  await page.getByLabel('Message').fill('Are you there?');
  await page.getByRole('button', { name: 'Send' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor({ state: 'visible' });
  await expect(alert.textContent()).resolves.toMatch(
    /^The server is busy \(429\): the server is at capacity .*retry after \d+ s$/,
  );
  other.abort();
  await page.getByRole('button', { name: 'Clear' }).click();
  // Chromium logs the refused request; that one is expected here.
  const expected = pageErrors.findIndex((e) => e.includes('status of 429'));
  expect(expected).toBeGreaterThanOrEqual(0);
  pageErrors.splice(expected, 1);
});

test('a share link carries the inputs (in the fragment) and restores them', async () => {
  await page.getByLabel('Single prompt').check();
  await page.getByLabel('Prompt', { exact: true }).fill("Once upon a time, a llama's day");
  await setParams(page, { max_tokens: 77, temperature: 0.3, top_p: 0.9, seed: 1234 });
  await page.getByRole('button', { name: 'Copy share link' }).click();
  const link = await page.getByLabel('Share link').inputValue();
  expect(await clipboard()).toBe(link);
  const url = new URL(link);
  expect(url.pathname).toBe('/playground');
  expect(url.search).toBe('');
  expect(url.hash).toContain('seed=1234');

  const other = await browser.context.newPage();
  await openPlayground(other, link);
  expect(await other.getByLabel('Single prompt').isChecked()).toBe(true);
  expect(await other.getByLabel('Prompt', { exact: true }).inputValue()).toBe(
    "Once upon a time, a llama's day",
  );
  const values = await Promise.all(
    ['Max tokens', 'Temperature', 'Top p', 'Seed'].map((l) =>
      other.getByLabel(l, { exact: true }).inputValue(),
    ),
  );
  expect(values).toEqual(['77', '0.3', '0.9', '1234']);
  expect(await other.getByLabel('System prompt').isVisible()).toBe(false);
  await other.close();
  await page.getByLabel('Chat').check();
});

test('the copied curl snippet, run in a shell, gets an answer from the server', async () => {
  await page.getByLabel('System prompt').fill("Answer in one word, don't explain.");
  await page.getByLabel('Message').fill('Name a colour');
  await setParams(page, { max_tokens: 8, temperature: 0.5, top_p: 1, seed: 3 });
  const shown = await snippetFor(page, 'curl');
  await page.getByRole('button', { name: 'Copy code' }).click();
  const copied = await clipboard();
  expect(copied).toBe(shown);
  expect(copied).toContain(`${server.url}/v1/chat/completions`);

  const output = await run('bash', ['-c', copied]);
  const body = JSON.parse(output) as {
    model: string;
    choices: { message: { content: string } }[];
    usage: { completion_tokens: number };
  };
  expect(body.model).toBe('tiny');
  expect(body.usage.completion_tokens).toBe(8);
  expect(body.choices[0].message.content.length).toBeGreaterThan(0);
});

test('the JavaScript snippets (openai, replicate) run against the server; the Python one parses', async () => {
  const openaiJs = await snippetFor(page, 'JavaScript (openai)');
  const file = artifactPath('snippet-openai.mjs');
  writeFileSync(file, openaiJs);
  const output = await run(process.execPath, [file]);
  expect(output.trim().length).toBeGreaterThan(0);

  const replicateJs = await snippetFor(page, 'JavaScript (replicate)');
  expect(replicateJs).toContain(`baseUrl: '${server.url}/v1'`);
  expect(replicateJs).toContain("replicate.run('llm-deploy/tiny'");
  const replicateFile = artifactPath('snippet-replicate.mjs');
  writeFileSync(replicateFile, replicateJs);
  expect((await run(process.execPath, [replicateFile])).trim().length).toBeGreaterThan(0);

  const python = await snippetFor(page, 'Python (openai)');
  expect(python).toContain(`base_url="${server.url}/v1"`);
  writeFileSync(artifactPath('snippet-openai.py'), python);
  // Syntax only: the openai Python package is not installed here.
  if (await hasPython())
    await run('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], python);
});

async function hasPython(): Promise<boolean> {
  return run('python3', ['--version']).then(
    () => true,
    () => false,
  );
}

test('phone-sized screen: readable without sideways scrolling, no serious axe violations', async () => {
  const phone = await browser.context.newPage();
  await phone.setViewportSize({ width: 375, height: 667 });
  await openPlayground(phone, `${server.url}/playground`);
  await phone.getByLabel('Message').fill('Hello');
  await setParams(phone, { max_tokens: 24 });
  await phone.getByRole('button', { name: 'Send' }).click();
  await waitForAnswerState(phone, ['done']);
  expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  // The disclosure stays on screen however far the page is scrolled.
  await phone.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  const disclosure = await phone.locator('#disclosure').evaluate((e) => {
    const box = e.getBoundingClientRect();
    return { top: box.top, bottom: box.bottom, scrolled: window.scrollY };
  });
  expect(disclosure.scrolled).toBeGreaterThan(0);
  expect(disclosure.top).toBeGreaterThanOrEqual(0);
  expect(disclosure.bottom).toBeLessThanOrEqual(667);
  await phone.screenshot({ path: artifactPath('playground-phone.png') });
  expect(await seriousAxeViolations(phone)).toEqual([]);
  await phone.close();
});

test("/docs renders the server's /openapi.json with Swagger UI, every file from this server", async () => {
  const docs = await browser.context.newPage();
  const origins = new Set<string>();
  docs.on('request', (request) => origins.add(new URL(request.url()).origin));
  await docs.goto(`${server.url}/docs`);
  await docs.locator('.opblock-summary-path').first().waitFor();
  const paths = await docs.locator('.opblock-summary-path').allTextContents();
  expect(paths.map((p) => p.trim())).toContain('/predictions');
  expect([...origins]).toEqual([server.url]);
  await docs.close();
});
