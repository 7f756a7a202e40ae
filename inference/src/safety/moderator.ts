import type { GenerationEvent, GenerationRequest, Prompt } from '../engine/types';
import { ContentFiltered } from '../errors';
import type { GenerationGuard, GuardedGeneration } from '../scheduler';
import type { BlockList } from './blocklist';
import type { ClassifierFilter } from './classifier';
import { BlockListScanner, ClassifierScanner, ScannerChain, type OutputScanner } from './scanners';

export type Direction = 'input' | 'output';
export type Decision = 'allowed' | 'blocked';

/** Told of every decision (metrics, logs); gets the category, never the text. */
export type DecisionListener = (
  direction: Direction,
  decision: Decision,
  category?: string,
) => void;

export interface ModeratorFilters {
  blockList?: BlockList;
  classifier?: ClassifierFilter;
}

/**
 * The moderation filter chain for every generation, whatever protocol asked for it: the block
 * list, then the classifier model if one is configured, on the prompt before admission and on the
 * output as it streams.
 */
export class Moderator implements GenerationGuard {
  constructor(
    private readonly filters: ModeratorFilters,
    private readonly onDecision: DecisionListener = () => undefined,
  ) {}

  /**
   * Throws ContentFiltered when the block list matches the prompt. A classifier's verdict takes a
   * model run, so it settles `cleared` instead, before the generation starts.
   */
  open(request: GenerationRequest): GuardedGeneration {
    const text = promptText(request.prompt);
    const listed = this.filters.blockList?.check(text);
    if (listed) throw this.refuse(listed);
    const cleared = this.clearWithClassifier(text);
    cleared.catch(() => undefined); // observed by the generation; not unhandled if it never runs
    return {
      cleared,
      output: (events, stop) => this.moderateOutput(events, stop),
    };
  }

  private async clearWithClassifier(text: string): Promise<void> {
    const classified = this.filters.classifier
      ? await this.filters.classifier.check(text)
      : undefined;
    if (classified) throw this.refuse(classified);
    this.onDecision('input', 'allowed');
  }

  private refuse(category: string): ContentFiltered {
    this.onDecision('input', 'blocked', category);
    // The message names the category only: the text is never echoed, logged or counted.
    return new ContentFiltered(
      `the input was blocked by the content policy (category: ${category})`,
      category,
    );
  }

  /**
   * Passes the output through the scanners. On a hit, the text before the match is released, the
   * generation is stopped through `stop`, what it still yields is dropped, and it finishes with
   * reason `content_filter` (usage as the engine counted it).
   */
  private async *moderateOutput(
    events: AsyncIterable<GenerationEvent>,
    stop: () => void,
  ): AsyncGenerator<GenerationEvent> {
    const chain = new ScannerChain(this.outputScanners());
    let blocked: string | undefined;
    for await (const event of events) {
      if (event.type === 'text') {
        if (blocked) continue;
        const step = await chain.step(event.text, false);
        if (step.emit) yield { type: 'text', text: step.emit };
        if (step.blocked) {
          blocked = step.blocked;
          stop();
        }
        continue;
      }
      if (!blocked) {
        const step = await chain.step('', true);
        if (step.emit) yield { type: 'text', text: step.emit };
        blocked = step.blocked;
      }
      this.onDecision('output', blocked ? 'blocked' : 'allowed', blocked);
      yield blocked ? { ...event, reason: 'content_filter' } : event;
    }
  }

  private outputScanners(): OutputScanner[] {
    const scanners: OutputScanner[] = [];
    if (this.filters.blockList && !this.filters.blockList.empty)
      scanners.push(new BlockListScanner(this.filters.blockList));
    if (this.filters.classifier) scanners.push(new ClassifierScanner(this.filters.classifier));
    return scanners;
  }
}

/** Everything the client wrote, one message a line so words of two messages never join. */
export function promptText(prompt: Prompt): string {
  return prompt.kind === 'text' ? prompt.text : prompt.messages.map((m) => m.content).join('\n');
}
