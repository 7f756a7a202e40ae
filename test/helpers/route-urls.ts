/** A concrete URL for a route pattern: `:id` and `*` become sample values. */
export function sampleUrl(pattern: string): string {
  return pattern.replace(/:[^/]+/g, 'sample').replace(/\*/g, 'sample.txt');
}
