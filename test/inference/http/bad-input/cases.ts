/** One bad request: what a careless client, a fuzzer or an attacker would send. */
export interface BadCase {
  name: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  /** A string or raw bytes, sent as is; objects are JSON-encoded. */
  body?: string | Uint8Array | object;
}

const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

/** Bodies that are not a usable JSON object, whatever the route. */
export function malformedBodies(method: string, path: string): BadCase[] {
  const raw: [string, string | Uint8Array][] = [
    ['empty body', ''],
    ['truncated object', '{"model": "tiny", "messages": ['],
    ['truncated string', '{"model": "ti'],
    ['trailing comma', '{"model": "tiny",}'],
    ['single quotes', "{'model': 'tiny'}"],
    ['NaN literal', '{"model": "tiny", "temperature": NaN}'],
    ['Infinity literal', '{"model": "tiny", "max_tokens": Infinity}'],
    ['comment', '{"model": "tiny" /* hi */}'],
    ['JSON null', 'null'],
    ['JSON array', '[]'],
    ['JSON string', '"hello"'],
    ['JSON number', '42'],
    ['invalid UTF-8 bytes', new Uint8Array([0x7b, 0x22, 0x6d, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])],
    ['lone surrogate escape', '{"model": "tiny", "prompt": "\\ud800", "messages": 5}'],
    ['__proto__ pollution', '{"__proto__": {"admin": true}, "model": 5}'],
    [
      'deeply nested value',
      `{"model": "tiny", "prompt": ${deep(20000)}, "messages": ${deep(20000)}, "input": ${deep(20000)}}`,
    ],
  ];
  return raw.map(([name, body]) => ({
    name: `${name}`,
    method,
    path,
    headers: { 'content-type': 'application/json' },
    body,
  }));
}

/** Wrong or missing content types for a JSON route. */
export function wrongContentTypes(method: string, path: string, valid: object): BadCase[] {
  const body = JSON.stringify(valid);
  return [
    { name: 'text/plain', method, path, headers: { 'content-type': 'text/plain' }, body },
    {
      name: 'form-urlencoded',
      method,
      path,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'model=tiny',
    },
    {
      name: 'multipart',
      method,
      path,
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      body: '--x--',
    },
    { name: 'no content-type', method, path, headers: {}, body },
    { name: 'xml', method, path, headers: { 'content-type': 'application/xml' }, body: '<a/>' },
  ];
}

/** Each field of a valid body replaced by each of its bad values, one at a time. */
export function fieldMutations(
  method: string,
  path: string,
  valid: object,
  bad: Record<string, unknown[]>,
): BadCase[] {
  return Object.entries(bad).flatMap(([field, values]) =>
    values.map((value) => ({
      name: `${field} = ${JSON.stringify(value)?.slice(0, 40)}`,
      method,
      path,
      headers: { 'content-type': 'application/json' },
      body: setPath(valid, field, value),
    })),
  );
}

function setPath(object: object, path: string, value: unknown): object {
  const copy = structuredClone(object) as Record<string, unknown>;
  const keys = path.split('.');
  let target = copy;
  for (const key of keys.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
  target[keys[keys.length - 1]] = value;
  return copy;
}

export const HUGE_STRING = 'x'.repeat(2 * 1024 * 1024);
export const SAMPLING_BAD_VALUES: Record<string, unknown[]> = {
  temperature: [-1, 5.5, 'hot', null === null ? [] : 0, { value: 1 }, true],
  top_p: [0, -0.1, 1.5, '0.9'],
  top_k: [-5, 1.5, 'ten'],
  repetition_penalty: [0, -1, 100, 'x'],
  seed: ['x', 1.5, 1e300],
};
