import { EndpointError, explain, fetchInfo, streamGeneration } from './api.js';
import { copyText } from './clipboard.js';
import * as form from './form.js';
import { readShared, shareUrl } from './share.js';
import { buildSnippet } from './snippets.js';
import { wireTabs } from './tabs.js';
import { decodeRate, Transcript } from './transcript.js';

const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

const state = {
  /** GET /playground/info, once it answered. */
  info: null,
  /** The API key lives in this variable only: not in storage, URLs or snippets. */
  apiKey: '',
  /** The chat so far, as OpenAI messages (user and assistant turns). */
  history: [],
  /** The running generation's controller; abort() stops it. */
  running: null,
  snippetLanguage: 'curl',
};

const transcript = new Transcript($('transcript'), $('empty-hint'));

function showError(message) {
  const error = $('error');
  error.textContent = message;
  error.hidden = message === '';
}

function setStatus(message) {
  $('status').textContent = message;
}

function revealKeyField() {
  $('key-field').hidden = false;
  renderSnippet();
}

async function loadInfo() {
  try {
    const info = await fetchInfo(state.apiKey);
    state.info = info;
    $('model-name').textContent = info.model;
    $('endpoint-version').textContent = `v${info.version}`;
    $('disclosure').querySelector('strong').textContent = `${info.disclosure}.`;
    form.setMaxTokensLimit(info.maxTokens);
    if (info.requiresApiKey) revealKeyField();
    document.title = `${info.model} · Playground · llm-deploy`;
  } catch (error) {
    if (error instanceof EndpointError && error.status === 401) revealKeyField();
    $('model-name').textContent = 'unavailable';
    showError(explain(error, state.apiKey !== ''));
  }
  renderSnippet();
}

/** The prompt the snippet and share link use: what is typed, else the last message sent. */
function snippetPrompt() {
  const typed = form.promptText().trim();
  if (typed) return typed;
  const lastUser = state.history.filter((m) => m.role === 'user').at(-1);
  return lastUser?.content ?? 'Hello!';
}

function withSystem(messages) {
  const system = form.systemPrompt();
  return system ? [{ role: 'system', content: system }, ...messages] : messages;
}

function renderSnippet() {
  const prompt = snippetPrompt();
  $('snippet-code').textContent = buildSnippet(state.snippetLanguage, {
    baseUrl: location.origin,
    model: state.info?.model ?? 'MODEL',
    replicateModel: state.info?.replicateModel ?? 'OWNER/MODEL',
    // A 401 reveals the key field even when the info did not ask for a key.
    requiresApiKey: state.info?.requiresApiKey === true || !$('key-field').hidden,
    mode: form.currentMode(),
    messages: withSystem([{ role: 'user', content: prompt }]),
    prompt,
    system: form.systemPrompt(),
    params: form.samplingParams(),
  });
}

function setRunning(controller) {
  const focused = document.activeElement;
  state.running = controller;
  $('send').toggleAttribute('disabled', controller !== null);
  $('stop').toggleAttribute('disabled', controller === null);
  $('transcript').setAttribute('aria-busy', String(controller !== null));
  // Keyboard users keep their place when the focused button gets disabled.
  if (controller && focused === $('send')) $('stop').focus();
  if (!controller && (focused === $('stop') || focused === document.body)) $('prompt').focus();
}

async function send() {
  if (state.running) return;
  const mode = form.currentMode();
  // A completion prompt is sent as typed: a trailing space or newline changes what follows.
  const text = mode === 'chat' ? form.promptText().trim() : form.promptText();
  if (!text.trim()) return showError('Type a message first.');
  const invalid = form.invalidParam();
  if (invalid) {
    invalid.input.focus();
    return showError(invalid.message);
  }
  showError('');
  if (!state.info) await loadInfo();
  if (!state.info) return;
  const userTurn = { role: 'user', content: text };
  const request =
    mode === 'chat'
      ? {
          path: '/v1/chat/completions',
          body: { model: state.info.model, messages: withSystem([...state.history, userTurn]) },
        }
      : { path: '/v1/completions', body: { model: state.info.model, prompt: text } };
  Object.assign(request.body, form.samplingParams());
  const shown = transcript.addPrompt(mode === 'chat' ? 'You' : 'Prompt', text);
  if (mode === 'chat') /** @type {HTMLTextAreaElement} */ ($('prompt')).value = '';
  const answer = transcript.startAnswer(mode === 'chat' ? 'AI model' : 'Completion (AI model)');
  const outcome = await generate(request, answer);
  // Cleared (or switched mode) while it ran: this turn belongs to no conversation any more.
  if (!answer.element.isConnected) return;
  if (outcome === 'error') {
    // Nothing came back (a 401, a 429, no network): the message goes back to the box to retry.
    if (answer.text === '') transcript.remove(shown, answer.element);
    if (mode === 'chat') /** @type {HTMLTextAreaElement} */ ($('prompt')).value = text;
  } else if (mode === 'chat') {
    state.history.push(userTurn, { role: 'assistant', content: answer.text });
  }
  renderSnippet();
}

/** Streams one answer into `answer`; returns how it ended. */
async function generate(request, answer) {
  const controller = new AbortController();
  setRunning(controller);
  setStatus('Generating…');
  const startedAt = performance.now();
  let firstAt = null;
  let lastAt = null;
  let deltas = 0;
  let usage = null;
  let reason = null;
  let outcome = 'done';
  try {
    const events = streamGeneration({
      ...request,
      apiKey: state.apiKey,
      signal: controller.signal,
    });
    for await (const event of events) {
      if (event.type === 'delta') {
        lastAt = performance.now();
        firstAt ??= lastAt;
        deltas++;
        answer.append(event.text);
      } else if (event.type === 'finish') reason = event.reason;
      else usage = event.usage;
    }
  } catch (error) {
    if (controller.signal.aborted) outcome = 'stopped';
    else {
      outcome = 'error';
      showError(explain(error, state.apiKey !== ''));
      if (error instanceof EndpointError && error.status === 401) {
        revealKeyField();
        $('api-key').focus();
      }
    }
  } finally {
    setRunning(null);
  }
  // A stopped answer gets no usage chunk; each delta is about one token.
  const tokens = usage?.completion_tokens ?? deltas;
  answer.finish(outcome, {
    ttftMs: firstAt === null ? null : firstAt - startedAt,
    tokens,
    // Up to the last token: a pause before Stop is not decoding time.
    tokensPerSecond: decodeRate(tokens, firstAt, lastAt),
    reason,
  });
  setStatus(
    outcome === 'error'
      ? 'Failed.'
      : `${outcome === 'stopped' ? 'Stopped' : 'Done'}: ${tokens} tokens.`,
  );
  return outcome;
}

function currentShareUrl() {
  return shareUrl(location.href, {
    mode: form.currentMode(),
    system: form.systemPrompt(),
    prompt: snippetPrompt(),
    ...form.samplingParams(),
  });
}

function wire() {
  $('composer').addEventListener('submit', (event) => {
    event.preventDefault();
    void send();
  });
  $('prompt').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void send();
    }
  });
  $('composer').addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && state.running) state.running.abort();
  });
  $('stop').addEventListener('click', () => state.running?.abort());
  const newConversation = () => {
    state.running?.abort();
    state.history = [];
    transcript.clear();
    renderSnippet();
  };
  $('clear').addEventListener('click', () => {
    newConversation();
    setStatus('Conversation cleared.');
  });
  for (const radio of document.querySelectorAll('input[name="mode"]')) {
    radio.addEventListener('change', () => {
      form.showMode(form.currentMode());
      newConversation();
    });
  }
  $('api-key').addEventListener('input', (event) => {
    state.apiKey = /** @type {HTMLInputElement} */ (event.target).value.trim();
  });
  const useKey = () => {
    showError('');
    if (!state.info) void loadInfo();
  };
  $('api-key').addEventListener('change', useKey);
  $('key-field').addEventListener('submit', (event) => {
    event.preventDefault();
    useKey();
  });
  document.querySelector('main').addEventListener('input', renderSnippet);
  wireTabs($('snippet-tabs'), $('snippet'), (language) => {
    state.snippetLanguage = language;
    renderSnippet();
  });
  $('copy-snippet').addEventListener('click', async () => {
    await copyText($('snippet-code').textContent ?? '');
    setStatus('Code copied.');
  });
  $('share').addEventListener('click', async () => {
    const url = currentShareUrl();
    const field = /** @type {HTMLInputElement} */ ($('share-url'));
    field.value = url;
    field.hidden = false;
    await copyText(url);
    setStatus('Share link copied.');
  });
  window.addEventListener('hashchange', restoreShared);
}

function restoreShared() {
  const shared = readShared(location.hash);
  form.applyInputs(shared);
  form.showMode(form.currentMode());
  renderSnippet();
}

wire();
restoreShared();
void loadInfo();
