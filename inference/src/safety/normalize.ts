/**
 * The form text is matched in, so simple disguises do not hide a blocked word: compatibility forms
 * folded (NFKC: fullwidth, ligatures, styled letters), lowercase, invisible format characters
 * (zero-width spaces and joiners, soft hyphens, bidi controls) and Latin/Greek/Cyrillic accents
 * dropped, curly quotes made straight, runs of whitespace collapsed to one space. Works code point by code point, so text can
 * arrive in pieces (a stream) and every normalized character still knows where it came from.
 */

const FORMAT_CHARACTER = /^\p{Cf}$/u;
const COMBINING_DIACRITICS =
  /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/gu;
const ONLY_WHITESPACE = /^\s+$/u;
/** Typographic apostrophes and quotes, which NFKC keeps, read as their ASCII forms. */
const QUOTES: Record<string, string> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201b': "'",
  '\u2032': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u201f': '"',
  '\u2033': '"',
};

/** ASCII, the common case, by table: lowercase, and every whitespace character as one space. */
const ASCII = Array.from({ length: 0x80 }, (_, code) => {
  const character = String.fromCharCode(code);
  return /\s/.test(character) ? ' ' : character.toLowerCase();
});

const cache = new Map<string, string>();
const CACHE_LIMIT = 8192;

/** Text repeats its characters; a bounded cache saves the Unicode normalization of each. */
function normalizeCodePoint(codePoint: string): string {
  let normalized = cache.get(codePoint);
  if (normalized === undefined) {
    normalized = normalizeUncached(codePoint);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(codePoint, normalized);
  }
  return normalized;
}

function normalizeUncached(codePoint: string): string {
  if (FORMAT_CHARACTER.test(codePoint)) return '';
  const quote = QUOTES[codePoint];
  if (quote) return quote;
  return codePoint
    .normalize('NFKD')
    .toLowerCase()
    .replace(COMBINING_DIACRITICS, '')
    .normalize('NFC');
}

/** Normalized text built incrementally, with a map back to offsets in the original text. */
export class NormalizedText {
  private normalized = '';
  /** origin[i]: the offset, in the original text, of the code point normalized[i] came from. */
  private readonly origin: number[] = [];
  private originalLength = 0;
  private endsWithSpace = false;

  get text(): string {
    return this.normalized;
  }

  get length(): number {
    return this.normalized.length;
  }

  /** Where the normalized character at `index` starts in the original text (the end for `length`). */
  originalOffset(index: number): number {
    return index < this.origin.length ? this.origin[index] : this.originalLength;
  }

  /**
   * Forgets the first `count` normalized characters (a stream's settled past): offsets into the
   * normalized text shift down by `count`; offsets into the original stay as they were.
   */
  discard(count: number): void {
    this.normalized = this.normalized.slice(count);
    this.origin.splice(0, count);
  }

  append(original: string): void {
    const pieces: string[] = [];
    for (let i = 0; i < original.length;) {
      const code = original.charCodeAt(i);
      const width = code >= 0xd800 && code <= 0xdbff && i + 1 < original.length ? 2 : 1;
      let normalized = code < 0x80 ? ASCII[code] : normalizeCodePoint(original.slice(i, i + width));
      if (normalized === ' ' || (code >= 0x80 && ONLY_WHITESPACE.test(normalized))) {
        normalized = this.endsWithSpace ? '' : ' ';
      }
      if (normalized.length > 0) {
        this.endsWithSpace = normalized.endsWith(' ');
        for (let k = 0; k < normalized.length; k++) this.origin.push(this.originalLength);
        pieces.push(normalized);
      }
      this.originalLength += width;
      i += width;
    }
    // Joined once: reading the end of a string grown one character at a time would flatten it
    // again and again (quadratic on a long prompt).
    this.normalized += pieces.join('');
  }
}

/** The normalized form of a whole text (block-list terms, prompts). */
export function normalize(text: string): string {
  const normalized = new NormalizedText();
  normalized.append(text);
  return normalized.text;
}
