import type {
  Backend,
  GenerationEvent,
  GenerationRequest,
  PreparedRequest,
} from '../../../inference/src/engine/types';
import { ContentFiltered } from '../../../inference/src/errors';
import { Scheduler } from '../../../inference/src/scheduler';
import { BlockList } from '../../../inference/src/safety/blocklist';
import { ClassifierFilter } from '../../../inference/src/safety/classifier';
import { Moderator, type Decision, type Direction } from '../../../inference/src/safety/moderator';

/** An engine that streams fixed pieces, one per "token", and honours the abort signal. */
class ScriptedBackend implements Backend {
  readonly info = {
    source: 'scripted',
    engine: 'onnx' as const,
    device: 'cpu' as const,
    dtype: 'fp32' as const,
    maxPositions: 1024,
    hasChatTemplate: false,
    loadSeconds: 0,
  };
  tokensGenerated = 0;

  constructor(private readonly pieces: string[]) {}

  prepare(request: GenerationRequest): PreparedRequest {
    return {
      request: { ...request, maxNewTokens: request.maxNewTokens ?? 100 },
      promptTokens: 3,
    };
  }

  async *generate({ request }: PreparedRequest): AsyncIterable<GenerationEvent> {
    let completionTokens = 0;
    let reason: 'length' | 'abort' = 'length';
    for (const piece of this.pieces) {
      if (request.signal?.aborted) {
        reason = 'abort';
        break;
      }
      await new Promise((resolve) => setImmediate(resolve));
      completionTokens++;
      this.tokensGenerated++;
      yield { type: 'text', text: piece };
    }
    yield { type: 'finish', reason, usage: { promptTokens: 3, completionTokens } };
  }

  async dispose(): Promise<void> {}
}

function request(text: string, signal?: AbortSignal): GenerationRequest {
  return {
    prompt: { kind: 'text', text },
    temperature: 0,
    topP: 1,
    topK: 0,
    repetitionPenalty: 1,
    stop: [],
    signal,
  };
}

async function collect(events: AsyncIterable<GenerationEvent>): Promise<GenerationEvent[]> {
  const all: GenerationEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

const blockList = BlockList.compile({
  weapons: { words: ['nerve agent'], patterns: [] },
  insults: { words: ['ass'], patterns: [] },
});

function setUp(pieces: string[], classifier?: ClassifierFilter, preamble?: string) {
  const decisions: [Direction, Decision, string?][] = [];
  const moderator = new Moderator({ blockList, classifier }, (...d) => decisions.push(d));
  const backend = new ScriptedBackend(pieces);
  const finishes: string[] = [];
  const firstTexts: number[] = [];
  const scheduler = new Scheduler(backend, {
    maxConcurrent: 1,
    maxQueue: 4,
    guard: moderator,
    preamble,
    observer: {
      onFinish: (_, reason) => finishes.push(reason),
      onFirstText: (seconds) => firstTexts.push(seconds),
    },
  });
  return { scheduler, backend, decisions, finishes, firstTexts };
}

describe('Moderator in the scheduler', () => {
  it('refuses a blocked prompt before admission with a ContentFiltered that does not echo it', async () => {
    const { scheduler, backend, decisions } = setUp(['never']);
    let error: unknown;
    try {
      await scheduler.submit(request('how do I make a NERVE\u200B AGENT at home'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ContentFiltered);
    expect((error as ContentFiltered).category).toBe('weapons');
    expect((error as ContentFiltered).message).toBe(
      'the input was blocked by the content policy (category: weapons)',
    );
    expect(scheduler.running + scheduler.waiting).toBe(0);
    expect(backend.tokensGenerated).toBe(0);
    expect(decisions).toEqual([['input', 'blocked', 'weapons']]);
  });

  it('checks every message of a chat, never joining words across messages', async () => {
    const { scheduler } = setUp(['never']);
    const chat = (...contents: string[]): GenerationRequest => ({
      ...request(''),
      prompt: { kind: 'chat', messages: contents.map((content) => ({ role: 'user', content })) },
    });
    await expect(scheduler.submit(chat('Be helpful.', 'what a', 'ss'))).resolves.toBeDefined();
    await expect(scheduler.submit(chat('Be helpful.', 'fine', 'you are an ass'))).rejects.toThrow(
      ContentFiltered,
    );
  });

  it('lets a word that only contains a blocked word through, in and out', async () => {
    const pieces = ['A classic ', 'assistant ', 'passes.'];
    const { scheduler, decisions } = setUp(pieces);
    const events = await collect(
      (await scheduler.submit(request('my assistant, a classic'))).events,
    );
    expect(
      events
        .filter((e) => e.type === 'text')
        .map((e) => e.text)
        .join(''),
    ).toBe(pieces.join(''));
    expect(events.at(-1)).toMatchObject({ type: 'finish', reason: 'length' });
    expect(decisions).toEqual([
      ['input', 'allowed', undefined],
      ['output', 'allowed', undefined],
    ]);
  });

  it('stops a generation whose output matches, emitting only the text before the match', async () => {
    const pieces = [
      'Mix ',
      'the ',
      'ner',
      've ',
      'agent ',
      'slowly ',
      'and ',
      'then ',
      'more ',
      'more',
    ];
    const { scheduler, backend, decisions, finishes } = setUp(pieces);
    const events = await collect((await scheduler.submit(request('a clean prompt'))).events);
    const text = events
      .filter((e) => e.type === 'text')
      .map((e) => e.text)
      .join('');
    expect(text).toBe('Mix the ');
    expect(events.at(-1)).toMatchObject({ type: 'finish', reason: 'content_filter' });
    const finish = events.at(-1) as Extract<GenerationEvent, { type: 'finish' }>;
    expect(finish.usage.completionTokens).toBe(backend.tokensGenerated);
    // Stopped at the token that completed the match: the engine never produced the tail.
    expect(backend.tokensGenerated).toBe(5);
    expect(finishes).toEqual(['content_filter']);
    expect(decisions.at(-1)).toEqual(['output', 'blocked', 'weapons']);
    expect(scheduler.running).toBe(0);
  });

  it('refuses through the stream when the classifier blocks the prompt, and frees the slot', async () => {
    const classifier = new ClassifierFilter(
      async (texts) =>
        texts.map((t) => [{ label: 'hostile', score: t.includes('grr') ? 0.99 : 0.01 }]),
      { threshold: 0.8, blockingLabels: ['hostile'] },
    );
    const { scheduler, backend, decisions } = setUp(['never'], classifier);
    const { events } = await scheduler.submit(request('grr, a hostile prompt'));
    await expect(collect(events)).rejects.toThrow(
      new ContentFiltered(
        'the input was blocked by the content policy (category: hostile)',
        'hostile',
      ),
    );
    expect(backend.tokensGenerated).toBe(0);
    expect(scheduler.running + scheduler.waiting).toBe(0);
    expect(decisions).toEqual([['input', 'blocked', 'hostile']]);
  });

  it('sends the preamble first, outside the token metrics', async () => {
    const { scheduler, firstTexts } = setUp(['Hello', ' world'], undefined, 'AI-generated.\n');
    const events = await collect((await scheduler.submit(request('hi'))).events);
    expect(events.filter((e) => e.type === 'text').map((e) => e.text)).toEqual([
      'AI-generated.\n',
      'Hello world',
    ]);
    expect(firstTexts).toHaveLength(1);
  });
});
