import {
  fieldMutations,
  HUGE_STRING,
  malformedBodies,
  SAMPLING_BAD_VALUES,
  wrongContentTypes,
  type BadCase,
} from './cases';

const chat = { model: 'tiny', messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 };
const completion = { model: 'tiny', prompt: 'hi', max_tokens: 2 };

const shared: Record<string, unknown[]> = {
  model: [123, '', 'unknown-model', null, ['tiny'], { id: 'tiny' }],
  max_tokens: [-1, 0, 1.5, 'ten', 1e300, 99999999999999999999, true],
  n: [0, -1, 100, 'two', 1.5],
  stop: [5, [''], [1, 2], Array.from({ length: 50 }, (_, i) => `s${i}`), ''],
  stream: ['yes', 1],
  stream_options: ['x', { include_usage: 'yes' }],
  logprobs: [true, 'yes'],
  presence_penalty: [1, 5],
  frequency_penalty: [-3],
  ...SAMPLING_BAD_VALUES,
};

export function openAICases(): BadCase[] {
  return [
    ...malformedBodies('POST', '/v1/chat/completions'),
    ...malformedBodies('POST', '/v1/completions'),
    ...wrongContentTypes('POST', '/v1/chat/completions', chat),
    ...wrongContentTypes('POST', '/v1/completions', completion),
    ...fieldMutations('POST', '/v1/chat/completions', chat, {
      ...shared,
      messages: [
        'hi',
        [],
        [{}],
        [{ role: 'bogus', content: 'x' }],
        [{ role: 'user', content: 5 }],
        [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'http://x' } }] }],
        [{ role: 'user', content: HUGE_STRING }],
      ],
      max_completion_tokens: [0, 'many'],
      response_format: [{ type: 'json_object' }, 'json'],
    }),
    ...fieldMutations('POST', '/v1/completions', completion, {
      ...shared,
      prompt: [5, null, [1, 2, 3], [], { text: 'x' }, HUGE_STRING, 'word '.repeat(2000)],
      echo: [true],
      suffix: ['tail'],
      best_of: [3, 0],
    }),
    { name: 'GET on a POST route', method: 'GET', path: '/v1/chat/completions' },
    { name: 'DELETE on models', method: 'DELETE', path: '/v1/models' },
    {
      name: 'unknown v1 route',
      method: 'POST',
      path: '/v1/embeddings',
      headers: { 'content-type': 'application/json' },
      body: { model: 'tiny', input: 'x' },
    },
    { name: 'path traversal', method: 'GET', path: '/v1/../../etc/passwd' },
    { name: 'encoded junk path', method: 'GET', path: '/v1/models/%ff%fe' },
    { name: 'very long path', method: 'GET', path: `/${'a'.repeat(8000)}` },
  ];
}
