export { AdmissionQueue, type Reservation } from './admission-queue';
export {
  combineObservers,
  Scheduler,
  type SchedulerObserver,
  type SchedulerOptions,
} from './scheduler';
