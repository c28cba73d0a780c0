package io.gapsweep.sweep;

import io.gapsweep.train.TrialResult;
import io.gapsweep.train.TrialStatus;
import java.util.List;

/**
 * What a finished {@link SweepRun} leaves: every trial's result, where things were written, and
 * where the time went.
 *
 * @param name the sweep's name
 * @param output the output folder or URI
 * @param results every trial of the grid, in grid order, whatever its status
 * @param leaderboard the leaderboard as printed text (at most 50 rows)
 * @param savedModels the folders of the saved models, best rank first
 * @param report the path of the HTML report
 * @param phases the wall time of each phase
 */
public record SweepOutcome(
    String name, String output, List<TrialResult> results, String leaderboard,
    List<String> savedModels, String report, PhaseTimes phases) {

  public SweepOutcome {
    results = List.copyOf(results);
    savedModels = List.copyOf(savedModels);
  }

  public long completed() {
    return count(TrialStatus.COMPLETED);
  }

  public long diverged() {
    return count(TrialStatus.DIVERGED);
  }

  public long failed() {
    return count(TrialStatus.FAILED);
  }

  /** The trials that failed, in grid order. */
  public List<TrialResult> failures() {
    return results.stream().filter(r -> r.status() == TrialStatus.FAILED).toList();
  }

  private long count(TrialStatus status) {
    return results.stream().filter(r -> r.status() == status).count();
  }
}
