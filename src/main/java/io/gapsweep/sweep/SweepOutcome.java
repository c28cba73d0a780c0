package io.gapsweep.sweep;

import io.gapsweep.train.TrialResult;
import io.gapsweep.train.TrialStatus;
import io.gapsweep.verdict.Audit;
import io.gapsweep.verdict.HeldOutTest;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

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
 * @param test the held-out test of the recommendation, or what stopped it; null when not tried
 * @param audit the selection audit, or null when it was not asked for
 * @param verdicts what the console says of the held-out test and the audit, one line each
 */
public record SweepOutcome(
    String name, String output, List<TrialResult> results, String leaderboard,
    List<String> savedModels, String report, PhaseTimes phases, HeldOutTest.Outcome test,
    Audit.Result audit, List<String> verdicts) {

  public SweepOutcome {
    results = List.copyOf(results);
    savedModels = List.copyOf(savedModels);
    verdicts = List.copyOf(verdicts);
  }

  /** An outcome computed by this run: its verdicts are its test's and audit's lines. */
  public SweepOutcome(
      String name, String output, List<TrialResult> results, String leaderboard,
      List<String> savedModels, String report, PhaseTimes phases, HeldOutTest.Outcome test,
      Audit.Result audit) {
    this(name, output, results, leaderboard, savedModels, report, phases, test, audit,
        Stream.of(test == null ? null : test.line(), audit == null ? null : audit.line())
            .filter(Objects::nonNull).toList());
  }

  /** An outcome without a held-out test or an audit. */
  public SweepOutcome(
      String name, String output, List<TrialResult> results, String leaderboard,
      List<String> savedModels, String report, PhaseTimes phases) {
    this(name, output, results, leaderboard, savedModels, report, phases, null, null);
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
