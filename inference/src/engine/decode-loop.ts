import type { Tensor } from '@huggingface/transformers';
import type { ForwardModel } from './batching/model-step';
import { IncrementalDetokenizer, type TokenDecoder } from './detokenizer';
import { randomSeed, TokenSampler } from './sampling';
import { StopSequenceMatcher } from './stop-sequences';
import type { FinishReason, GenerationEvent, PreparedRequest } from './types';

type ModelInputs = Record<string, unknown> & { past_key_values?: { dispose(): Promise<void> } };

/** The slice of a transformers.js decoder model the loop drives (the same calls its generate() makes). */
export interface DecoderModel extends ForwardModel {
  prepare_inputs_for_generation(ids: bigint[][], inputs: ModelInputs, config: unknown): ModelInputs;
  _update_model_kwargs_for_generation(args: {
    generated_input_ids: bigint[][];
    outputs: Record<string, unknown>;
    model_inputs: ModelInputs;
    is_encoder_decoder: boolean;
  }): ModelInputs;
}

export interface DecodeArgs {
  model: DecoderModel;
  tokenizer: TokenDecoder;
  eosTokenIds: ReadonlySet<number>;
  promptIds: number[];
  inputs: ModelInputs;
  request: PreparedRequest['request'];
}

/**
 * One sequence on its own, for models the batcher cannot drive (engine/batching: no position_ids
 * input, or a recurrent state). Token-by-token decoding with a KV cache, mirroring transformers.js's generate() step for step
 * (so it runs as fast), plus what generate() lacks: seeded sampling, stop sequences that never
 * leak, an abort checked before every forward pass, and UTF-8-safe deltas.
 */
export async function* decodeLoop(args: DecodeArgs): AsyncGenerator<GenerationEvent> {
  const { model, request } = args;
  const sampler = new TokenSampler(request, request.seed ?? randomSeed(), args.promptIds);
  const detokenizer = new IncrementalDetokenizer(args.tokenizer);
  const stops = new StopSequenceMatcher(request.stop);
  const allIds = [args.promptIds.map(BigInt)];
  let inputs = args.inputs;
  let completionTokens = 0;
  let reason: FinishReason = 'length';
  let stopSequenceFound = false;
  try {
    while (completionTokens < request.maxNewTokens) {
      if (request.signal?.aborted) {
        reason = 'abort';
        break;
      }
      inputs = model.prepare_inputs_for_generation(allIds, inputs, model.generation_config);
      const outputs = await model.forward(inputs);
      const token = sampler.next(lastRow(outputs.logits));
      completionTokens++;
      if (args.eosTokenIds.has(token)) {
        reason = 'stop';
        break;
      }
      allIds[0].push(BigInt(token));
      const { emit, stopped } = stops.push(detokenizer.push(token));
      if (emit) yield { type: 'text', text: emit };
      if (stopped) {
        reason = 'stop';
        stopSequenceFound = true;
        break;
      }
      inputs = model._update_model_kwargs_for_generation({
        generated_input_ids: [[BigInt(token)]],
        outputs,
        model_inputs: inputs,
        is_encoder_decoder: false,
      });
    }
    // Whatever ended generation short of a stop sequence (length, end of sequence, abort), text
    // held back as a possible stop or half a character is released now.
    if (!stopSequenceFound) {
      const tail = stops.push(detokenizer.flush());
      if (tail.stopped && reason === 'length') reason = 'stop';
      const rest = tail.stopped ? tail.emit : tail.emit + stops.flush();
      if (rest) yield { type: 'text', text: rest };
    }
  } finally {
    await inputs.past_key_values?.dispose();
  }
  yield {
    type: 'finish',
    reason,
    usage: { promptTokens: args.promptIds.length, completionTokens },
  };
}

/**
 * The logits of the last position of the only sequence. A view, not a copy: the sampler may modify
 * it, and nothing reads these logits after it.
 */
function lastRow(logits: Tensor): Float32Array {
  const [, sequence, vocab] = logits.dims;
  const data = logits.data as { subarray(start: number, end: number): ArrayLike<number> };
  const row = data.subarray((sequence - 1) * vocab, sequence * vocab);
  // fp16 models return Float16Array logits.
  return row instanceof Float32Array ? row : Float32Array.from(row);
}
