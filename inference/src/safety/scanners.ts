import type { BlockList } from './blocklist';
import type { ClassifierFilter } from './classifier';
import { NormalizedText } from './normalize';

/** What a scanner lets through of the text so far, and the category that stopped it, if any. */
export interface ScanStep {
  emit: string;
  blocked?: string;
}

/**
 * Watches one generation's output as it streams: holds back text that could still turn out to be
 * part of a blocked match (as stop sequences are held), releases the rest, and on a hit releases
 * only what came before the match. After a hit it is done.
 */
export interface OutputScanner {
  push(text: string): ScanStep | Promise<ScanStep>;
  /** The output is complete: decide on what is held. */
  end(): ScanStep | Promise<ScanStep>;
}

/** Settled text kept for the next scan's look-behind; more than this is forgotten. */
const KEEP_SETTLED_CHARS = 1;
const DISCARD_AFTER_CHARS = 1024;

/** Holds back only text that could still grow into a block-list match (see BlockList.holdFrom). */
export class BlockListScanner implements OutputScanner {
  private readonly normalized = new NormalizedText();
  /** The original text from offset `originalBase` on (what is released is forgotten). */
  private original = '';
  private originalBase = 0;
  private released = 0;
  /** Normalized offset before which no match can start any more. */
  private settled = 0;

  constructor(private readonly blockList: BlockList) {}

  push(text: string): ScanStep {
    this.normalized.append(text);
    this.original += text;
    return this.scan(false);
  }

  end(): ScanStep {
    return this.scan(true);
  }

  private scan(final: boolean): ScanStep {
    const text = this.normalized.text;
    const { hit, pendingFrom } = this.blockList.find(text, this.settled, final);
    if (hit) {
      const emit = this.releaseTo(this.normalized.originalOffset(hit.start));
      return { emit, blocked: hit.category };
    }
    let safe = final ? text.length : this.blockList.holdFrom(text, this.settled);
    if (pendingFrom !== undefined) safe = Math.min(safe, pendingFrom);
    this.settled = safe;
    const emit = this.releaseTo(this.normalized.originalOffset(safe));
    this.forgetSettled();
    return { emit };
  }

  private releaseTo(offset: number): string {
    const emit = this.original.slice(this.released - this.originalBase, offset - this.originalBase);
    this.released = Math.max(this.released, offset);
    return emit;
  }

  /** Keeps each scan proportional to the new text, not to everything generated so far. */
  private forgetSettled(): void {
    const drop = this.settled - KEEP_SETTLED_CHARS;
    if (drop < DISCARD_AFTER_CHARS) return;
    this.normalized.discard(drop);
    this.settled -= drop;
    this.original = this.original.slice(this.released - this.originalBase);
    this.originalBase = this.released;
  }
}

/** A segment ends after a sentence or a line; a run-on text is cut at this length. */
const SEGMENT_END = /[.!?;。！？\n]\s*/gu;
const MAX_SEGMENT_CHARS = 400;
/** Already released text given to the classifier before a segment, so it reads it in context. */
const CONTEXT_CHARS = 200;

/** Holds each sentence until a text classifier cleared it: a model needs whole phrases to judge. */
export class ClassifierScanner implements OutputScanner {
  private pending = '';
  private context = '';

  constructor(private readonly filter: ClassifierFilter) {}

  async push(text: string): Promise<ScanStep> {
    this.pending += text;
    const cut = segmentEnd(this.pending);
    return cut > 0 ? this.judge(cut) : { emit: '' };
  }

  async end(): Promise<ScanStep> {
    return this.pending.length > 0 ? this.judge(this.pending.length) : { emit: '' };
  }

  private async judge(cut: number): Promise<ScanStep> {
    const segment = this.pending.slice(0, cut);
    const blocked = await this.filter.check(this.context + segment);
    if (blocked) {
      this.pending = '';
      return { emit: '', blocked };
    }
    this.pending = this.pending.slice(cut);
    this.context = (this.context + segment).slice(-CONTEXT_CHARS);
    return { emit: segment };
  }
}

/** Where the last complete segment of `text` ends (0: none yet). */
function segmentEnd(text: string): number {
  let end = 0;
  for (const match of text.matchAll(SEGMENT_END)) {
    // Trailing whitespace may still grow; end the segment at its punctuation until more follows.
    const stop = match.index + match[0].length;
    end = stop < text.length ? stop : match.index + 1;
  }
  if (end === 0 && text.length >= MAX_SEGMENT_CHARS) end = MAX_SEGMENT_CHARS;
  return end;
}

/**
 * Scanners in series: what one releases, the next one sees. When one blocks, the ones after it
 * decide on the text it released before the match, and the earliest block in the text wins.
 */
export class ScannerChain {
  constructor(private readonly scanners: OutputScanner[]) {}

  async step(text: string, final: boolean): Promise<ScanStep> {
    let released = text;
    let blocked: string | undefined;
    for (const scanner of this.scanners) {
      const pushed = released ? await scanner.push(released) : { emit: '' };
      let emit = pushed.emit;
      let hit = pushed.blocked;
      if (!hit && (final || blocked)) {
        const ended = await scanner.end();
        emit += ended.emit;
        hit = ended.blocked;
      }
      released = emit;
      blocked = hit ?? blocked;
    }
    return { emit: released, blocked };
  }
}
