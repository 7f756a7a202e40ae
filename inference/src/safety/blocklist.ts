import { normalize } from './normalize';
import type { Policy } from './policy';
import { PrefixAutomaton } from './prefix-automaton';

/**
 * A word boundary that understands scripts: it holds unless the characters on both sides are
 * letters, digits or marks of a script written with spaces between words. So "ass" is not found in
 * "classic", while a term in Chinese, Japanese or Thai (written without spaces) is found inside a
 * sentence.
 */
const WORD = '[\\p{L}\\p{N}\\p{M}]';
const UNSPACED_SCRIPT =
  '[\\p{sc=Han}\\p{sc=Hiragana}\\p{sc=Katakana}\\p{sc=Thai}\\p{sc=Lao}\\p{sc=Khmer}\\p{sc=Myanmar}]';
const BOUNDARY = `(?:(?<!${WORD})|(?<=${UNSPACED_SCRIPT})|(?!${WORD})|(?=${UNSPACED_SCRIPT}))`;
/** A character between which and another such one BOUNDARY does not hold. */
const SPACED_WORD_CHARACTER = new RegExp(`^(?!${UNSPACED_SCRIPT})${WORD}$`, 'u');

/** Between the words of a phrase: up to three spaces, dashes or underscores ("kill-my_self"). */
const SEPARATOR = '[\\s\\p{Pd}_]{1,3}';
const SEPARATOR_WIDTH = 3;
const SEPARATED_WORDS = /[\s\p{Pd}_]+/u;

/**
 * How far a pattern match may reach back into held text, for a category whose patterns cannot be
 * compiled to an automaton (a backreference): words have a known longest match; a pattern's is
 * unknown, so this much recent output is held back for it.
 */
export const PATTERN_WINDOW_CHARS = 64;

export interface BlockListHit {
  category: string;
  /** Offsets in the normalized text. */
  start: number;
  end: number;
}

export interface FindResult {
  hit?: BlockListHit;
  /** Start of the earliest match that touches the end of unfinished text: it may still grow. */
  pendingFrom?: number;
}

interface CompiledCategory {
  name: string;
  regex: RegExp;
  /**
   * Which text could still grow into a match, for a category with patterns; undefined (words
   * only, or a pattern with a backreference): hold `window` characters instead.
   */
  prefixes?: PrefixAutomaton;
  /** The longest text one match can span, in normalized characters. */
  window: number;
}

/** A policy compiled to one regular expression per category, run over normalized text. */
export class BlockList {
  private constructor(
    private readonly categories: CompiledCategory[],
    /** The longest text one match can span, in normalized characters. */
    readonly window: number,
  ) {}

  static compile(policy: Policy): BlockList {
    const categories: CompiledCategory[] = [];
    for (const [name, { words, patterns }] of Object.entries(policy)) {
      let window = 0;
      const alternatives = [
        ...words.map((word) => {
          const parts = normalize(word).trim().split(SEPARATED_WORDS);
          window = Math.max(window, parts.join('').length + (parts.length - 1) * SEPARATOR_WIDTH);
          return parts.map(escapeRegExp).join(SEPARATOR);
        }),
        ...patterns.map((pattern) => `(?:${pattern})`),
      ];
      if (patterns.length > 0) window = Math.max(window, PATTERN_WINDOW_CHARS);
      if (alternatives.length === 0) continue;
      const terms = `(?:${alternatives.join('|')})`;
      categories.push({
        name,
        regex: new RegExp(`${BOUNDARY}${terms}${BOUNDARY}`, 'giu'),
        // A word's reach is known and short; a pattern's is not, so those are compiled.
        prefixes: patterns.length > 0 ? PrefixAutomaton.compile(terms) : undefined,
        window,
      });
    }
    return new BlockList(categories, Math.max(0, ...categories.map((c) => c.window)));
  }

  /**
   * The earliest offset at or after `from` in unfinished normalized `text` where a match could
   * still start once more text arrives (`text.length` if nowhere): text before it can be released.
   * A category with patterns holds only text that could grow into one of its matches (its
   * automaton); a category of words holds its longest word's span.
   */
  holdFrom(text: string, from: number): number {
    let hold = text.length;
    for (const { prefixes, window } of this.categories) {
      if (!prefixes) {
        hold = Math.min(hold, Math.max(from, text.length - window));
        continue;
      }
      for (let at = from; at < hold; at++) {
        if (!insideWord(text, at) && prefixes.canGrowFrom(text, at)) hold = at;
      }
    }
    return hold;
  }

  get empty(): boolean {
    return this.categories.length === 0;
  }

  /** The first blocked category in a complete text, if any. */
  check(text: string): string | undefined {
    return this.find(normalize(text), 0, true).hit?.category;
  }

  /**
   * The earliest match starting at or after `from` in normalized `text`. While the text is not
   * `final`, a match that reaches its end is not yet a hit: the next piece could extend the last
   * word ("ass" + "et") and undo the match.
   */
  find(text: string, from: number, final: boolean): FindResult {
    let hit: BlockListHit | undefined;
    let pendingFrom: number | undefined;
    for (const { name, regex } of this.categories) {
      let at = from;
      while (at <= text.length) {
        regex.lastIndex = at;
        const match = regex.exec(text);
        if (!match || (hit && match.index >= hit.start)) break;
        const end = match.index + match[0].length;
        if (match[0].length > 0 && (final || end < text.length)) {
          hit = { category: name, start: match.index, end };
          break;
        }
        if (match[0].length > 0) pendingFrom = Math.min(pendingFrom ?? match.index, match.index);
        at = match.index + 1;
      }
    }
    if (hit && pendingFrom !== undefined && pendingFrom >= hit.start) pendingFrom = undefined;
    return { hit, pendingFrom };
  }
}

/** Whether no match can start at `at`: BOUNDARY fails between the characters either side. */
function insideWord(text: string, at: number): boolean {
  if (at === 0) return false;
  const low = text.charCodeAt(at - 1);
  const width = low >= 0xdc00 && low <= 0xdfff && at >= 2 ? 2 : 1;
  const before = text.slice(at - width, at);
  const here = String.fromCodePoint(text.codePointAt(at)!);
  return SPACED_WORD_CHARACTER.test(before) && SPACED_WORD_CHARACTER.test(here);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
