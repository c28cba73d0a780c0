package io.gapsweep.store;

/** What {@link OutputFolder#makeRoom} and {@link SweepOutput#start} does when the output already holds a sweep's results. */
public enum WriteMode {
  /** Refuse with {@link ResultsExistException}; nothing is written or deleted. */
  FAIL_IF_EXISTS,
  /** Delete the previous {@code trials}, {@code curves} and {@code sweep.conf}, then write. */
  OVERWRITE
}
