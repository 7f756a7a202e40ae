import { ValidationError } from '../../errors';
import type { Prediction } from './prediction';

export interface PredictionStoreOptions {
  /** Finished predictions are forgotten this long after they complete. */
  ttlSeconds: number;
  /** Finished predictions kept at most; the oldest go first. Running ones are never evicted. */
  maxStored: number;
  /** Predictions per listed page. @default 100 */
  pageSize?: number;
  now?: () => number;
}

export interface PredictionPage {
  results: Prediction[];
  /** Cursor of the next (older) page, if any. */
  next: string | null;
  /** Cursor of the previous (newer) page, if any. */
  previous: string | null;
}

/**
 * Predictions by id, in creation order, bounded in count and age so memory stays flat however
 * many predictions pass through. Running predictions stay until they finish (the scheduler bounds
 * how many there can be).
 */
export class PredictionStore {
  private readonly byId = new Map<string, Prediction>();
  private readonly pageSize: number;
  private readonly now: () => number;

  constructor(private readonly options: PredictionStoreOptions) {
    this.pageSize = options.pageSize ?? 100;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.byId.size;
  }

  add(prediction: Prediction): void {
    this.byId.set(prediction.id, prediction);
    this.evict();
  }

  get(id: string): Prediction | undefined {
    const prediction = this.byId.get(id);
    if (prediction && this.expired(prediction)) {
      this.byId.delete(id);
      return undefined;
    }
    return prediction;
  }

  /** The predictions still running (for shutdown). */
  running(): Prediction[] {
    return [...this.byId.values()].filter((p) => !p.done);
  }

  /** `owner`'s predictions, newest first, `pageSize` at a time; cursors come from a previous page. */
  page(owner: string, cursor?: string): PredictionPage {
    this.evict();
    const newestFirst = [...this.byId.values()].filter((p) => p.owner === owner).reverse();
    const position = cursor === undefined ? undefined : decodeCursor(cursor);
    let start = 0;
    if (position?.direction === 'before') {
      start = newestFirst.findIndex((p) => p.seq < position.seq);
      if (start < 0) start = newestFirst.length;
    } else if (position?.direction === 'after') {
      const firstNewer = newestFirst.findIndex((p) => p.seq <= position.seq);
      const end = firstNewer < 0 ? newestFirst.length : firstNewer;
      start = Math.max(0, end - this.pageSize);
    }
    const results = newestFirst.slice(start, start + this.pageSize);
    const last = results.at(-1);
    const first = results.at(0);
    return {
      results,
      next:
        last && start + results.length < newestFirst.length
          ? encodeCursor({ direction: 'before', seq: last.seq })
          : null,
      previous: first && start > 0 ? encodeCursor({ direction: 'after', seq: first.seq }) : null,
    };
  }

  /** Drops what has expired, then the oldest finished predictions beyond `maxStored`. */
  evict(): void {
    let finished = 0;
    for (const prediction of this.byId.values()) {
      if (this.expired(prediction)) this.byId.delete(prediction.id);
      else if (prediction.done) finished++;
    }
    for (const prediction of this.byId.values()) {
      if (finished <= this.options.maxStored) break;
      if (!prediction.done) continue;
      this.byId.delete(prediction.id);
      finished--;
    }
  }

  private expired(prediction: Prediction): boolean {
    const completedAt = prediction.completedAt?.getTime();
    return completedAt !== undefined && this.now() - completedAt > this.options.ttlSeconds * 1000;
  }
}

interface Cursor {
  direction: 'before' | 'after';
  seq: number;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.direction}:${cursor.seq}`).toString('base64url');
}

function decodeCursor(cursor: string): Cursor {
  const match = /^(before|after):(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) {
    throw new ValidationError(
      'cursor is not one this server issued; follow the `next` or `previous` URL of a page',
      'cursor',
    );
  }
  return { direction: match[1] as Cursor['direction'], seq: Number(match[2]) };
}
