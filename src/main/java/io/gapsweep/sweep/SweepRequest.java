package io.gapsweep.sweep;

import java.nio.file.Path;

/**
 * What {@code gapsweep run} was asked to do.
 *
 * @param configuration the sweep's HOCON file
 * @param output the output folder or URI instead of {@code gapsweep.run.output}, or {@code null}
 * @param overwrite delete the output's results and start again, instead of resuming
 * @param retryFailed when resuming, run the FAILED trials again
 * @param audit refit and test every configuration after the sweep ({@code --audit}), whatever
 *     {@code gapsweep.run.audit} says
 */
public record SweepRequest(
    Path configuration, String output, boolean overwrite, boolean retryFailed, boolean audit) {

  /** A request without {@code --audit}. */
  public SweepRequest(Path configuration, String output, boolean overwrite, boolean retryFailed) {
    this(configuration, output, overwrite, retryFailed, false);
  }
}
