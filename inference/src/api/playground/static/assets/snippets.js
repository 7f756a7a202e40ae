/**
 * Code that makes the same request as the page, in four client languages. The API key is never
 * written into a snippet: each reads it from the environment variable below.
 */
export const KEY_VARIABLE = 'LLM_DEPLOY_API_KEY';

/**
 * @typedef {object} SnippetContext
 * @property {string} baseUrl       the endpoint's origin, e.g. https://llm.example.com
 * @property {string} model         OpenAI's model name
 * @property {string} replicateModel owner/name for replicate.run()
 * @property {boolean} requiresApiKey
 * @property {'chat' | 'prompt'} mode
 * @property {object[]} messages    chat messages (chat mode)
 * @property {string} prompt        the prompt (single-prompt mode; the last message in chat mode)
 * @property {string} system        the system prompt ('' for none)
 * @property {{max_tokens?: number, temperature?: number, top_p?: number, seed?: number}} params
 */

/** @param {string} language @param {SnippetContext} ctx */
export function buildSnippet(language, ctx) {
  switch (language) {
    case 'curl':
      return curl(ctx);
    case 'openai-js':
      return openaiJs(ctx);
    case 'replicate-js':
      return replicateJs(ctx);
    case 'openai-py':
      return openaiPy(ctx);
    default:
      throw new Error(`unknown snippet language ${language}`);
  }
}

function openaiBody(ctx) {
  const input = ctx.mode === 'chat' ? { messages: ctx.messages } : { prompt: ctx.prompt };
  return { model: ctx.model, ...input, ...ctx.params };
}

const openaiPath = (ctx) => (ctx.mode === 'chat' ? '/v1/chat/completions' : '/v1/completions');

/** Single-quoted for POSIX shells: a quote inside becomes '\'' */
const shellQuote = (text) => `'${text.replaceAll("'", "'\\''")}'`;

function curl(ctx) {
  const lines = [
    `curl ${shellQuote(ctx.baseUrl + openaiPath(ctx))}`,
    `  -H 'Content-Type: application/json'`,
  ];
  if (ctx.requiresApiKey) lines.push(`  -H "Authorization: Bearer $${KEY_VARIABLE}"`);
  lines.push(`  -d ${shellQuote(JSON.stringify(openaiBody(ctx), null, 2))}`);
  return lines.join(' \\\n');
}

/** A JavaScript literal with bare keys where they are identifiers. */
function js(value, indent = '') {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const inner = value.map((v) => `${indent}  ${js(v, `${indent}  `)},`);
    return `[\n${inner.join('\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => {
      const key = /^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k);
      return `${indent}  ${key}: ${js(v, `${indent}  `)},`;
    });
    return entries.length === 0 ? '{}' : `{\n${entries.join('\n')}\n${indent}}`;
  }
  return typeof value === 'string' ? quoteJs(value) : JSON.stringify(value);
}

/** Single quotes, as most JavaScript style guides write them. */
function quoteJs(text) {
  const json = JSON.stringify(text).slice(1, -1).replaceAll('\\"', '"').replaceAll("'", "\\'");
  return `'${json}'`;
}

function jsKey(ctx) {
  return ctx.requiresApiKey
    ? `process.env.${KEY_VARIABLE}`
    : `'not-needed', // this endpoint asks for no key; set ${KEY_VARIABLE} if that changes`;
}

function openaiJs(ctx) {
  const request = { ...openaiBody(ctx), stream: true };
  const read =
    ctx.mode === 'chat' ? "chunk.choices[0]?.delta?.content ?? ''" : "chunk.choices[0]?.text ?? ''";
  return [
    "import OpenAI from 'openai';",
    '',
    'const client = new OpenAI({',
    `  baseURL: ${quoteJs(`${ctx.baseUrl}/v1`)},`,
    `  apiKey: ${jsKey(ctx)}${ctx.requiresApiKey ? ',' : ''}`,
    '});',
    '',
    `const stream = await client.${ctx.mode === 'chat' ? 'chat.completions' : 'completions'}.create(${js(request)});`,
    `for await (const chunk of stream) process.stdout.write(${read});`,
    "process.stdout.write('\\n');",
  ].join('\n');
}

function replicateJs(ctx) {
  const input = { prompt: ctx.prompt };
  if (ctx.mode === 'chat' && ctx.system) input.system_prompt = ctx.system;
  const { max_tokens, ...rest } = ctx.params;
  if (max_tokens !== undefined) input.max_new_tokens = max_tokens;
  Object.assign(input, rest);
  return [
    "import Replicate from 'replicate';",
    '',
    'const replicate = new Replicate({',
    `  auth: ${jsKey(ctx)}${ctx.requiresApiKey ? ',' : ''}`,
    `  baseUrl: ${quoteJs(`${ctx.baseUrl}/v1`)},`,
    '});',
    '',
    `const output = await replicate.run(${quoteJs(ctx.replicateModel)}, ${js({ input })});`,
    "console.log(Array.isArray(output) ? output.join('') : output);",
  ].join('\n');
}

/** A Python literal: JSON's strings and numbers are Python's too; true/false/null are not. */
function py(value, indent = '') {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const inner = value.map((v) => `${indent}    ${py(v, `${indent}    `)},`);
    return `[\n${inner.join('\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(
      ([k, v]) => `${indent}    ${JSON.stringify(k)}: ${py(v, `${indent}    `)},`,
    );
    return entries.length === 0 ? '{}' : `{\n${entries.join('\n')}\n${indent}}`;
  }
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (value === null) return 'None';
  return JSON.stringify(value);
}

function openaiPy(ctx) {
  const request = { ...openaiBody(ctx), stream: true };
  const args = Object.entries(request).map(([k, v]) => `    ${k}=${py(v, '    ')},`);
  const key = ctx.requiresApiKey
    ? `os.environ["${KEY_VARIABLE}"]`
    : `os.environ.get("${KEY_VARIABLE}", "not-needed")`;
  const read =
    ctx.mode === 'chat' ? 'chunk.choices[0].delta.content or ""' : 'chunk.choices[0].text';
  return [
    'import os',
    '',
    'from openai import OpenAI',
    '',
    'client = OpenAI(',
    `    base_url=${JSON.stringify(`${ctx.baseUrl}/v1`)},`,
    `    api_key=${key},`,
    ')',
    '',
    `stream = client.${ctx.mode === 'chat' ? 'chat.completions' : 'completions'}.create(`,
    ...args,
    ')',
    'for chunk in stream:',
    '    if chunk.choices:',
    `        print(${read}, end="", flush=True)`,
    'print()',
  ].join('\n');
}
