/** The conversation as the page shows it: prompts, answers growing as deltas arrive, and stats. */
export class Transcript {
  /** @param {HTMLElement} container @param {HTMLElement} emptyHint */
  constructor(container, emptyHint) {
    this.container = container;
    this.emptyHint = emptyHint;
  }

  clear() {
    this.container.replaceChildren(this.emptyHint);
  }

  /** @param {string} label @param {string} text @returns {HTMLElement} */
  addPrompt(label, text) {
    const { element, body } = this.message('user', label);
    body.textContent = text;
    this.append(element);
    return element;
  }

  /** Takes back messages (a request that failed before any answer), hint included when empty. */
  remove(...elements) {
    for (const element of elements) element.remove();
    if (this.container.childElementCount === 0) this.container.append(this.emptyHint);
  }

  /** @param {string} label @returns {AnswerView} */
  startAnswer(label) {
    const { element, body } = this.message('assistant', label);
    this.append(element);
    return new AnswerView(element, body, () => this.followBottom());
  }

  message(kind, label) {
    const element = document.createElement('article');
    element.className = `msg ${kind}`;
    const heading = document.createElement('h3');
    heading.className = 'who';
    heading.textContent = label;
    const body = document.createElement('div');
    body.className = 'text';
    element.append(heading, body);
    return { element, body };
  }

  append(element) {
    this.emptyHint.remove();
    const stick = this.nearBottom();
    this.container.append(element);
    if (stick) this.container.scrollTop = this.container.scrollHeight;
  }

  nearBottom() {
    const c = this.container;
    return c.scrollHeight - c.scrollTop - c.clientHeight < 48;
  }

  /** Keeps a growing answer in view unless the reader scrolled up to read something else. */
  followBottom() {
    if (this.nearBottom()) this.container.scrollTop = this.container.scrollHeight;
  }
}

/** One answer: text appended delta by delta; state streaming | done | stopped | error. */
export class AnswerView {
  constructor(element, body, onGrow) {
    this.element = element;
    this.textNode = document.createTextNode('');
    body.append(this.textNode);
    this.onGrow = onGrow;
    this.element.dataset.state = 'streaming';
    this.element.setAttribute('aria-busy', 'true');
  }

  get text() {
    return this.textNode.data;
  }

  /** @param {string} delta */
  append(delta) {
    this.textNode.appendData(delta);
    this.onGrow();
  }

  /**
   * @param {'done' | 'stopped' | 'error'} state
   * @param {{ttftMs: number | null, tokens: number, tokensPerSecond: number | null, reason: string | null}} stats
   */
  finish(state, stats) {
    this.element.dataset.state = state;
    this.element.removeAttribute('aria-busy');
    const line = document.createElement('p');
    line.className = 'stats';
    line.textContent = describeStats(state, stats);
    this.element.append(line);
    this.onGrow();
  }
}

export function describeStats(state, { ttftMs, tokens, tokensPerSecond, reason }) {
  const parts = [];
  if (ttftMs !== null) parts.push(`first token ${Math.round(ttftMs)} ms`);
  if (tokensPerSecond !== null) parts.push(`${tokensPerSecond.toFixed(1)} tokens/s`);
  parts.push(`${tokens} ${tokens === 1 ? 'token' : 'tokens'}`);
  if (state === 'stopped') parts.push('stopped');
  else if (state === 'error') parts.push('failed');
  else if (reason === 'length') parts.push('hit max tokens');
  else if (reason) parts.push(`finished (${reason})`);
  return parts.join(' · ');
}

/**
 * Speed while decoding: tokens after the first, over the time after the first, as vLLM's
 * inter-token latency counts it (the first token's wait is time to first token instead).
 */
export function decodeRate(tokens, firstAt, lastAt) {
  if (firstAt === null || lastAt === null || tokens < 2 || lastAt <= firstAt) return null;
  return (tokens - 1) / ((lastAt - firstAt) / 1000);
}
