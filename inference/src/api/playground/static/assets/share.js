/**
 * Share links carry the inputs in the URL fragment: browsers never send a fragment to the server,
 * so nothing is stored there or logged. The API key is not an input and is never included.
 */
const NUMBER_FIELDS = ['max_tokens', 'temperature', 'top_p', 'seed'];
const TEXT_FIELDS = ['system', 'prompt'];

/**
 * @typedef {object} SharedInputs
 * @property {'chat' | 'prompt'} [mode]
 * @property {string} [system]
 * @property {string} [prompt]
 * @property {number} [max_tokens]
 * @property {number} [temperature]
 * @property {number} [top_p]
 * @property {number} [seed]
 */

/** @param {string} pageUrl @param {SharedInputs} inputs */
export function shareUrl(pageUrl, inputs) {
  const params = new URLSearchParams();
  if (inputs.mode) params.set('mode', inputs.mode);
  for (const name of [...TEXT_FIELDS, ...NUMBER_FIELDS]) {
    const value = inputs[name];
    if (value !== undefined && value !== '') params.set(name, String(value));
  }
  const url = new URL(pageUrl);
  url.hash = params.toString();
  return url.toString();
}

/**
 * The inputs a fragment carries; anything malformed is left out, so a damaged link restores
 * what it can.
 * @param {string} hash location.hash
 * @returns {SharedInputs}
 */
export function readShared(hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  /** @type {SharedInputs} */
  const inputs = {};
  const mode = params.get('mode');
  if (mode === 'chat' || mode === 'prompt') inputs.mode = mode;
  for (const name of TEXT_FIELDS) {
    const value = params.get(name);
    if (value !== null) inputs[name] = value;
  }
  for (const name of NUMBER_FIELDS) {
    const value = Number(params.get(name) ?? NaN);
    if (params.get(name) !== '' && Number.isFinite(value)) inputs[name] = value;
  }
  return inputs;
}
