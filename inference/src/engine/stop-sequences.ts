/**
 * Holds back text that could be the start of a stop sequence, so a stop that arrives split across
 * tokens is still caught and never emitted.
 */
export class StopSequenceMatcher {
  private pending = '';
  private readonly stops: readonly string[];

  constructor(stops: readonly string[]) {
    // An empty stop would match at once and end every generation before its first character.
    this.stops = stops.filter((stop) => stop.length > 0);
  }

  /** Adds generated text; returns what is safe to emit and whether a stop sequence was reached. */
  push(text: string): { emit: string; stopped: boolean } {
    this.pending += text;
    if (this.stops.length === 0) return { emit: this.flush(), stopped: false };
    let at = -1;
    for (const stop of this.stops) {
      const i = this.pending.indexOf(stop);
      if (i >= 0 && (at < 0 || i < at)) at = i;
    }
    if (at >= 0) {
      const emit = this.pending.slice(0, at);
      this.pending = '';
      return { emit, stopped: true };
    }
    const hold = this.longestPartialStop();
    const emit = this.pending.slice(0, this.pending.length - hold);
    this.pending = this.pending.slice(this.pending.length - hold);
    return { emit, stopped: false };
  }

  /** What is still held back, once generation ended for another reason. */
  flush(): string {
    const rest = this.pending;
    this.pending = '';
    return rest;
  }

  private longestPartialStop(): number {
    let hold = 0;
    for (const stop of this.stops) {
      for (let k = Math.min(stop.length - 1, this.pending.length); k > hold; k--) {
        if (this.pending.endsWith(stop.slice(0, k))) {
          hold = k;
          break;
        }
      }
    }
    return hold;
  }
}
