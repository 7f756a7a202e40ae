import type { LoadProgress } from '../engine';

/** A one-line progress display on a terminal's stderr; silent when stderr is not a terminal. */
export function terminalProgress(label: string): ((progress: LoadProgress) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  let last = '';
  return ({ file, percent }) => {
    const line =
      percent === undefined ? `${label}: ${file} done` : `${label}: ${file} ${percent.toFixed(0)}%`;
    if (line === last) return;
    last = line;
    process.stderr.write(`\r\x1b[2K${line}${percent === undefined ? '\n' : ''}`);
  };
}
