import { summarize, type CostEstimate } from '../../lib/pricing';

/** An edge host is hardware already owned: no cloud line items to price. */
export function edgeCostEstimate(): CostEstimate {
  return summarize({
    lines: [],
    pricedRegion: 'none',
    sources: [],
    assumptions: [
      'runs on a Docker host you already own: no cloud charges; power and bandwidth are not estimated',
    ],
  });
}
