export { AdmissionQueue, type Reservation } from './admission-queue';
export { Scheduler, type SchedulerObserver, type SchedulerOptions } from './scheduler';
