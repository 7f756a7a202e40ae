/**
 * Reads a text/event-stream response body and yields each event's data as it arrives, so the
 * page can render deltas without waiting for the whole answer. Aborting the fetch that produced
 * `body` ends the iteration with an AbortError.
 * @param {ReadableStream<Uint8Array>} body
 * @returns {AsyncGenerator<string>}
 */
export async function* eventData(body) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let finished = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        finished = true;
        break;
      }
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const data = dataOf(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (data !== null) yield data;
      }
    }
  } finally {
    // A consumer that stops early (or an abort) must close the connection too.
    if (!finished) await reader.cancel().catch(() => {});
  }
}

/** The joined `data:` lines of one event block; null for comments and data-less events. */
function dataOf(block) {
  const lines = block
    .split('\n')
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice(5).replace(/^ /, ''));
  return lines.length === 0 ? null : lines.join('\n');
}
