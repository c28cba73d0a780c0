package io.gapsweep.store;

import io.gapsweep.UserError;

/** Thrown when writing results into an output that already holds a sweep's results. */
public final class ResultsExistException extends UserError {

  ResultsExistException(String output) {
    super(
        String.format(
            "Cannot write results to %s: it already holds a sweep's results;"
                + " choose another --output or pass --overwrite",
            output));
  }
}
