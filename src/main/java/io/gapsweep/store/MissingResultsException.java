package io.gapsweep.store;

/** Thrown when reading results from a folder that does not hold a complete sweep output. */
public final class MissingResultsException extends RuntimeException {

  private MissingResultsException(String message) {
    super(message);
  }

  static MissingResultsException noTable(String output, String table, String why) {
    return new MissingResultsException(
        String.format("Cannot read results from %s: no %s table (%s)", output, table, why));
  }
}
