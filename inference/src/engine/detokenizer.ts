export interface TokenDecoder {
  decode(ids: number[], options: { skip_special_tokens: boolean }): string;
}

/**
 * Each decoder's text for single tokens. The window before the newest token is usually one token,
 * so remembering those halves the decoding work per token. Bounded by the vocabulary.
 */
const singleTokenTexts = new WeakMap<TokenDecoder, Map<number, string>>();

/**
 * Turns a growing token list into text deltas without ever splitting a UTF-8 character: a byte-level
 * token may carry half a character, which decodes to U+FFFD until its other half arrives. Decodes a
 * short window (as TGI does) so the cost per token stays constant.
 */
export class IncrementalDetokenizer {
  private readonly ids: number[] = [];
  private prefixOffset = 0;
  private readOffset = 0;
  private readonly singles: Map<number, string>;

  constructor(private readonly decoder: TokenDecoder) {
    let singles = singleTokenTexts.get(decoder);
    if (!singles) singleTokenTexts.set(decoder, (singles = new Map()));
    this.singles = singles;
  }

  push(id: number): string {
    this.ids.push(id);
    const prefix = this.decode(this.prefixOffset, this.readOffset);
    const text = this.decode(this.prefixOffset, this.ids.length);
    if (text.length > prefix.length && !text.endsWith('\uFFFD')) {
      this.prefixOffset = this.readOffset;
      this.readOffset = this.ids.length;
      return text.slice(prefix.length);
    }
    return '';
  }

  /** Text still held back (an incomplete character at the very end is emitted as is). */
  flush(): string {
    const prefix = this.decode(this.prefixOffset, this.readOffset);
    const text = this.decode(this.prefixOffset, this.ids.length);
    this.prefixOffset = this.readOffset = this.ids.length;
    return text.slice(prefix.length);
  }

  private decode(from: number, to: number): string {
    if (from >= to) return '';
    if (to - from > 1) return this.decoder.decode(this.ids.slice(from, to), SKIP_SPECIAL);
    const id = this.ids[from];
    let text = this.singles.get(id);
    if (text === undefined) this.singles.set(id, (text = this.decoder.decode([id], SKIP_SPECIAL)));
    return text;
  }
}

const SKIP_SPECIAL = { skip_special_tokens: true };
