export { PRESETS, GPT2_VOCAB_SIZE, validateShape, type Gpt2Shape, type Preset } from './shape';
export { randomGpt2Weights, type Gpt2Weights, type LayerWeights } from './weights';
export { writeGpt2Model, type BuildOptions, type BuiltModel } from './write-model';
export { CHAT_TEMPLATE, END_OF_TEXT } from './tokenizer';
export {
  GGUF_TYPES,
  ggufFileName,
  writeGpt2Gguf,
  writeGpt2GgufFiles,
  type GgufTypeName,
} from './gpt2-gguf';
