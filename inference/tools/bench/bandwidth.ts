import { median } from './report';

/**
 * Memory bandwidth in bytes per second, from copying a buffer far larger than any CPU cache (a
 * copy reads and writes each byte once). One thread: a floor for what ONNX Runtime's threads get.
 */
export function measureCopyBandwidth(bytes = 256 * 1024 * 1024, repeats = 5): number {
  const source = new Float64Array(bytes / 8).fill(1);
  const target = new Float64Array(bytes / 8);
  target.set(source); // fault the pages in before timing
  const seconds: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    target.set(source);
    seconds.push((performance.now() - start) / 1000);
  }
  return (2 * bytes) / median(seconds);
}
