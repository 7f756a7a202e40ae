export { AdmissionQueue, type Reservation } from './admission-queue';
export type { GenerationGuard, GuardedGeneration } from './guard';
export {
  combineObservers,
  Scheduler,
  type SchedulerObserver,
  type SchedulerOptions,
  type Submission,
} from './scheduler';
