export { ContinuousBatcher, type BatcherOptions } from './batcher';
export { ModelStepper, type ForwardModel } from './model-step';
export { Sequence } from './sequence';
