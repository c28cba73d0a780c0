package io.gapsweep.store;

/** What {@link ResultStore#write} does when the output already holds a sweep's results. */
public enum WriteMode {
  /** Refuse with {@link ResultsExistException}; nothing is written or deleted. */
  FAIL_IF_EXISTS,
  /** Delete the previous {@code trials}, {@code curves} and {@code sweep.conf}, then write. */
  OVERWRITE
}
