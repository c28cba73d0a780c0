package io.gapsweep.config;

import io.gapsweep.UserError;
import java.util.List;

/**
 * The settings could not be loaded; {@link #problems()} lists every problem found, in file and line
 * order, and the message is those problems, one per line.
 *
 * <p>A problem with one value reads {@code <file>:<line>: <key>: <what is wrong>; expected <what>}
 * (values from the built-in defaults name {@code reference.conf:<line>}). An unknown key reads
 * {@code <file>:<line>: <key>: unknown key; did you mean <known key>?}, or {@code ...; expected one
 * of <known keys>} when no known key is close. A failure of the whole file reads {@code Cannot
 * <read|parse|resolve> configuration ...}.
 */
public final class SettingsException extends UserError {

  private final List<String> problems;

  SettingsException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  /** Every problem found, in file and line order; never empty. */
  public List<String> problems() {
    return problems;
  }
}
