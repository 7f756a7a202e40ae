import type { FastifyRequest } from 'fastify';

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

/** Parses an Accept header into media ranges with their q-values (RFC 9110, section 12.5.1). */
function mediaRanges(accept: string): MediaRange[] {
  return accept
    .split(',')
    .map((part) => {
      const [range, ...params] = part.trim().split(';');
      const [type = '', subtype = ''] = range.trim().toLowerCase().split('/');
      const qParam = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('q='));
      const q = qParam === undefined ? 1 : Number(qParam.slice(2));
      return { type, subtype, q: Number.isFinite(q) ? q : 0 };
    })
    .filter((r) => r.type !== '' && r.subtype !== '');
}

/** The q-value the header gives `type/subtype`: the most specific range that matches wins. */
function qualityOf(ranges: MediaRange[], type: string, subtype: string): number {
  const exact = ranges.find((r) => r.type === type && r.subtype === subtype);
  if (exact) return exact.q;
  const typeWide = ranges.find((r) => r.type === type && r.subtype === '*');
  if (typeWide) return typeWide.q;
  return ranges.find((r) => r.type === '*' && r.subtype === '*')?.q ?? 0;
}

/**
 * True when the client prefers an HTML page to JSON: browsers send `text/html` first; curl sends
 * `*\/*`, and SDKs send `application/json` or nothing, which all keep the JSON answer. A tie goes
 * to JSON, so only a client that names HTML above JSON gets the page.
 */
export function wantsHtml(request: Pick<FastifyRequest, 'headers'>): boolean {
  const accept = request.headers.accept;
  if (!accept) return false;
  const ranges = mediaRanges(accept);
  const html = qualityOf(ranges, 'text', 'html');
  return html > 0 && html > qualityOf(ranges, 'application', 'json');
}
