export { ManualClock } from './ManualClock.js';
