/** The object tracker: ByteTrack with persistence-based confirmation, for counting unique objects. */
export { ByteTracker, type VisibilitySink } from './byte-tracker.js';
export { DEFAULT_TRACKER_OPTIONS, resolveTrackerOptions, type TrackerOptions } from './options.js';
export type { TrackedObject, TrackerResult, VisibleTrack } from './types.js';
