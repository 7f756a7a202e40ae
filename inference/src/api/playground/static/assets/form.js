/** Reads and writes the page's inputs; the one place that knows the form's element ids. */
const $ = (id) => /** @type {HTMLInputElement} */ (document.getElementById(id));

const NUMBER_INPUTS = ['max_tokens', 'temperature', 'top_p', 'seed'];

/** @returns {'chat' | 'prompt'} */
export function currentMode() {
  const checked = document.querySelector('input[name="mode"]:checked');
  return checked?.value === 'prompt' ? 'prompt' : 'chat';
}

/** Sampling parameters as OpenAI names them; an empty field is left out (the server's default). */
export function samplingParams() {
  const params = {};
  for (const name of NUMBER_INPUTS) {
    const raw = $(name).value.trim();
    if (raw !== '' && Number.isFinite(Number(raw))) params[name] = Number(raw);
  }
  return params;
}

/** A message a person can act on when a field is out of range, or null when all are fine. */
export function invalidParam() {
  for (const name of NUMBER_INPUTS) {
    const input = $(name);
    if (!input.checkValidity()) {
      const label = document.querySelector(`label[for="${name}"]`)?.textContent ?? name;
      return { input, message: `${label}: ${input.validationMessage}` };
    }
  }
  return null;
}

export function systemPrompt() {
  return $('system').value.trim();
}

export function promptText() {
  return $('prompt').value;
}

/** Fills the inputs a share link carries. */
export function applyInputs(inputs) {
  if (inputs.mode) setMode(inputs.mode);
  if (inputs.system !== undefined) $('system').value = inputs.system;
  if (inputs.prompt !== undefined) $('prompt').value = inputs.prompt;
  for (const name of NUMBER_INPUTS) {
    if (inputs[name] !== undefined) $(name).value = String(inputs[name]);
  }
}

/** @param {'chat' | 'prompt'} mode */
export function setMode(mode) {
  const radio = document.querySelector(`input[name="mode"][value="${mode}"]`);
  if (radio) radio.checked = true;
  showMode(mode);
}

/** Chat sends a system prompt and the conversation; a single prompt is continued as text. */
export function showMode(mode) {
  $('system-field').hidden = mode !== 'chat';
  $('prompt-label').textContent = mode === 'chat' ? 'Message' : 'Prompt';
}

export function setMaxTokensLimit(limit) {
  $('max_tokens').max = String(limit);
}
