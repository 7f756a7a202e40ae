import type { Page } from 'playwright-core';

/** Drives the playground page the way a person does: through its labelled controls. */

export interface Params {
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  seed?: number;
}

export async function openPlayground(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(
    () => document.getElementById('model-name')?.textContent !== 'loading…',
  );
}

export async function setParams(page: Page, params: Params): Promise<void> {
  for (const [name, value] of Object.entries(params))
    await page.getByLabel(labelOf(name), { exact: true }).fill(String(value));
}

function labelOf(param: string): string {
  return { max_tokens: 'Max tokens', temperature: 'Temperature', top_p: 'Top p', seed: 'Seed' }[
    param
  ] as string;
}

/** The newest answer's text, its state (streaming | done | stopped | error) and its stats line. */
export async function lastAnswer(page: Page) {
  return page.evaluate(() => {
    const answer = Array.from(document.querySelectorAll<HTMLElement>('.msg.assistant')).at(-1);
    return {
      text: answer?.querySelector('.text')?.textContent ?? '',
      state: answer?.dataset.state ?? 'none',
      stats: answer?.querySelector('.stats')?.textContent ?? '',
    };
  });
}

export async function waitForAnswerState(page: Page, states: string[]): Promise<void> {
  await page.waitForFunction(
    (wanted) =>
      wanted.includes(
        Array.from(document.querySelectorAll<HTMLElement>('.msg.assistant')).at(-1)?.dataset
          .state ?? '',
      ),
    states,
  );
}

/**
 * Records the newest answer's length and state at every DOM change, from now on; read with
 * answerSamples(). Sampling inside the page sees every step, however fast the stream.
 */
export async function recordAnswerGrowth(page: Page): Promise<void> {
  await page.evaluate(() => {
    const samples: { length: number; state: string }[] = [];
    (window as unknown as { __samples: typeof samples }).__samples = samples;
    const transcript = document.getElementById('transcript') as HTMLElement;
    new MutationObserver(() => {
      const answer = Array.from(transcript.querySelectorAll<HTMLElement>('.msg.assistant')).at(-1);
      if (!answer) return;
      samples.push({
        length: answer.querySelector('.text')?.textContent?.length ?? 0,
        state: answer.dataset.state ?? '',
      });
    }).observe(transcript, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
    });
  });
}

export async function answerSamples(page: Page): Promise<{ length: number; state: string }[]> {
  return page.evaluate(
    () => (window as unknown as { __samples: { length: number; state: string }[] }).__samples,
  );
}

/** The number in an answer's stats line: "first token 40 ms · 31.2 tokens/s · 57 tokens". */
export function tokensOf(stats: string): number {
  const match = /(\d+) tokens?\b(?!\/)/.exec(stats);
  if (!match) throw new Error(`no token count in stats line "${stats}"`);
  return Number(match[1]);
}

export async function snippetFor(page: Page, tab: string): Promise<string> {
  await page.getByRole('tab', { name: tab, exact: true }).click();
  return (await page.locator('#snippet-code').textContent()) ?? '';
}
