package io.gapsweep;

/**
 * A problem the user can fix: bad configuration, a missing path, an output that is in use.
 *
 * <p>The command line prints its message alone, without a stack trace, and exits with code 2.
 * Messages say what could not be done, why, and name the value and where it came from.
 */
public class UserError extends RuntimeException {

  public UserError(String message) {
    super(message);
  }

  public UserError(String message, Throwable cause) {
    super(message, cause);
  }
}
