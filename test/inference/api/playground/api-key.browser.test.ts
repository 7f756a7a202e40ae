import type { RunningServer } from '../../../../inference/src/server';
import { launchChromium, seriousAxeViolations, type TestBrowser } from '../../../helpers/browser';
import { startTestServer } from '../../../helpers/server';
import { lastAnswer, openPlayground, setParams, snippetFor, waitForAnswerState } from './page';

const KEY = 'sk-test-4f9c2a7e';

let server: RunningServer;
let browser: TestBrowser;

beforeAll(async () => {
  [server, browser] = await Promise.all([
    startTestServer({ API_KEYS: `${KEY},sk-other-key` }),
    launchChromium(),
  ]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

test('with an API key required: without it a clear message, with it an answer; the key stays out of links and snippets', async () => {
  const page = await browser.context.newPage();
  await openPlayground(page, `${server.url}/playground`);
  // The info says a key is needed: the field is there from the start.
  const keyField = page.getByLabel('API key');
  expect(await keyField.isVisible()).toBe(true);
  await page.getByLabel('Message').fill('Hello there');
  await setParams(page, { max_tokens: 6 });
  const alert = page.getByRole('alert');
  await page.getByRole('button', { name: 'Send' }).click();
  await alert.waitFor({ state: 'visible' });
  await expect(alert.textContent()).resolves.toBe(
    'This endpoint needs an API key (401). Enter it in the API key field in Settings.',
  );
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('api-key');
  // Nothing was answered: the message is back in the box for another try, not in the transcript.
  expect(await page.getByLabel('Message').inputValue()).toBe('Hello there');
  expect(await page.locator('.msg').count()).toBe(0);
  expect(await seriousAxeViolations(page)).toEqual([]);

  await keyField.fill('sk-wrong');
  await page.getByRole('button', { name: 'Send' }).click();
  await alert.waitFor({ state: 'visible' });
  await expect(alert.textContent()).resolves.toMatch(/^The API key was not accepted \(401\)/);

  await keyField.fill(KEY);
  await page.getByRole('button', { name: 'Send' }).click();
  await waitForAnswerState(page, ['done', 'error']);
  const answer = await lastAnswer(page);
  expect(answer.state).toBe('done');
  expect(answer.stats).toMatch(/ 6 tokens · hit max tokens$/);
  expect(await alert.isHidden()).toBe(true);

  const curl = await snippetFor(page, 'curl');
  expect(curl).toContain('-H "Authorization: Bearer $LLM_DEPLOY_API_KEY"');
  const texts = [
    curl,
    await snippetFor(page, 'JavaScript (openai)'),
    await snippetFor(page, 'JavaScript (replicate)'),
    await snippetFor(page, 'Python (openai)'),
  ];
  for (const text of texts) {
    expect(text).toContain('LLM_DEPLOY_API_KEY');
    expect(text).not.toContain(KEY);
  }
  await page.getByRole('button', { name: 'Copy share link' }).click();
  expect(await page.getByLabel('Share link').inputValue()).not.toContain(KEY);
  const stored = await page.evaluate(() =>
    JSON.stringify([{ ...localStorage }, { ...sessionStorage }, document.cookie, location.href]),
  );
  expect(stored).not.toContain(KEY);
  await page.close();
});
