export { AdmissionQueue, type Reservation } from './admission-queue';
export {
  Scheduler,
  type GenerationGuard,
  type GuardedGeneration,
  type SchedulerObserver,
  type SchedulerOptions,
} from './scheduler';
