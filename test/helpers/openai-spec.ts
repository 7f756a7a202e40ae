import type { Schema } from './json-schema';

/**
 * The response schemas of OpenAI's published OpenAPI document (github.com/openai/openai-openapi,
 * components/schemas) that our endpoint answers with, transcribed with the names the spec gives
 * them: required fields, nullability, types and enums, which is what generated clients enforce.
 */

const finishReasons = ['stop', 'length', 'tool_calls', 'content_filter', 'function_call'];

export const CompletionUsage: Schema = {
  type: 'object',
  required: ['prompt_tokens', 'completion_tokens', 'total_tokens'],
  properties: {
    prompt_tokens: { type: 'integer' },
    completion_tokens: { type: 'integer' },
    total_tokens: { type: 'integer' },
  },
};

export const ChatCompletionResponseMessage: Schema = {
  type: 'object',
  required: ['role', 'content', 'refusal'],
  properties: {
    content: { type: 'string', nullable: true },
    refusal: { type: 'string', nullable: true },
    role: { type: 'string', enum: ['assistant'] },
  },
};

export const CreateChatCompletionResponse: Schema = {
  type: 'object',
  required: ['choices', 'created', 'id', 'model', 'object'],
  properties: {
    id: { type: 'string' },
    choices: {
      type: 'array',
      items: {
        type: 'object',
        required: ['finish_reason', 'index', 'message', 'logprobs'],
        properties: {
          finish_reason: { type: 'string', enum: finishReasons },
          index: { type: 'integer' },
          message: ChatCompletionResponseMessage,
          logprobs: { type: 'object', nullable: true },
        },
      },
    },
    created: { type: 'integer' },
    model: { type: 'string' },
    object: { type: 'string', enum: ['chat.completion'] },
    usage: CompletionUsage,
  },
};

export const ChatCompletionStreamResponseDelta: Schema = {
  type: 'object',
  properties: {
    content: { type: 'string', nullable: true },
    refusal: { type: 'string', nullable: true },
    role: { type: 'string', enum: ['developer', 'system', 'user', 'assistant', 'tool'] },
  },
};

export const CreateChatCompletionStreamResponse: Schema = {
  type: 'object',
  required: ['choices', 'created', 'id', 'model', 'object'],
  properties: {
    id: { type: 'string' },
    choices: {
      type: 'array',
      items: {
        type: 'object',
        required: ['delta', 'finish_reason', 'index'],
        properties: {
          delta: ChatCompletionStreamResponseDelta,
          logprobs: { type: 'object', nullable: true },
          finish_reason: { type: 'string', enum: finishReasons, nullable: true },
          index: { type: 'integer' },
        },
      },
    },
    created: { type: 'integer' },
    model: { type: 'string' },
    object: { type: 'string', enum: ['chat.completion.chunk'] },
    usage: { ...CompletionUsage, nullable: true },
  },
};

export const CreateCompletionResponse: Schema = {
  type: 'object',
  required: ['id', 'object', 'created', 'model', 'choices'],
  properties: {
    id: { type: 'string' },
    choices: {
      type: 'array',
      items: {
        type: 'object',
        required: ['finish_reason', 'index', 'logprobs', 'text'],
        properties: {
          finish_reason: { type: 'string', enum: ['stop', 'length', 'content_filter'] },
          index: { type: 'integer' },
          logprobs: { type: 'object', nullable: true },
          text: { type: 'string' },
        },
      },
    },
    created: { type: 'integer' },
    model: { type: 'string' },
    object: { type: 'string', enum: ['text_completion'] },
    usage: CompletionUsage,
  },
};

export const Model: Schema = {
  type: 'object',
  required: ['id', 'object', 'created', 'owned_by'],
  properties: {
    id: { type: 'string' },
    created: { type: 'integer' },
    object: { type: 'string', enum: ['model'] },
    owned_by: { type: 'string' },
  },
};

export const ListModelsResponse: Schema = {
  type: 'object',
  required: ['object', 'data'],
  properties: { object: { type: 'string', enum: ['list'] }, data: { type: 'array', items: Model } },
};

export const ErrorResponse: Schema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['type', 'message', 'param', 'code'],
      properties: {
        code: { type: 'string', nullable: true },
        message: { type: 'string' },
        param: { type: 'string', nullable: true },
        type: { type: 'string' },
      },
    },
  },
};
