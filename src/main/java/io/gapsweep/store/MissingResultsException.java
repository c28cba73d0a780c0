package io.gapsweep.store;

import io.gapsweep.UserError;

/** Thrown when reading results from a folder that does not hold a complete sweep output. */
public final class MissingResultsException extends UserError {

  private MissingResultsException(String message) {
    super(message);
  }

  public static MissingResultsException noFile(String output, String file) {
    return new MissingResultsException(
        String.format("Cannot read results from %s: no %s (the output is incomplete)", output, file));
  }

  static MissingResultsException noTable(String output, String table, String why) {
    return new MissingResultsException(
        String.format("Cannot read results from %s: no %s table (%s)", output, table, why));
  }
}
