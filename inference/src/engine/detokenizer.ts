export interface TokenDecoder {
  decode(ids: number[], options: { skip_special_tokens: boolean }): string;
}

/**
 * Turns a growing token list into text deltas without ever splitting a UTF-8 character: a byte-level
 * token may carry half a character, which decodes to U+FFFD until its other half arrives. Decodes a
 * short window (as TGI does) so the cost per token stays constant.
 */
export class IncrementalDetokenizer {
  private readonly ids: number[] = [];
  private prefixOffset = 0;
  private readOffset = 0;

  constructor(private readonly decoder: TokenDecoder) {}

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
    return from >= to
      ? ''
      : this.decoder.decode(this.ids.slice(from, to), { skip_special_tokens: true });
  }
}
