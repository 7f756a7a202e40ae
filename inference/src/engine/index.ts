export * from './types';
export { TransformersBackend, type LoadOptions, type LoadProgress } from './transformers-backend';
export { StopSequenceMatcher } from './stop-sequences';
export { IncrementalDetokenizer } from './detokenizer';
export { TokenSampler, seededRandom } from './sampling';
