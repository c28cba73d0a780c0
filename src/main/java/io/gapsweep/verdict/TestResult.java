package io.gapsweep.verdict;

/**
 * The held-out test of the recommendation: the leaderboard's rank 1, refit and scored once on the
 * test split.
 *
 * @param candidate the recommended configuration and its refit policy
 * @param refitMode {@code local} or {@code data-parallel}
 * @param score what the refit scored on the test images
 */
public record TestResult(Candidate candidate, String refitMode, TestScore score) {

  /**
   * The console's line, e.g. {@code Recommended: depth 1, ... — held-out test accuracy 0.874 (95%
   * CI 0.851–0.894, n = 1,200), refit on train+validation for 14 epochs}.
   */
  public String line() {
    int epochs = candidate.epochs();
    return "Recommended: " + candidate.label() + " — held-out test accuracy " + score.describe()
        + ", refit on train+validation for " + epochs + " epoch" + (epochs == 1 ? "" : "s")
        + (refitMode.equals("local") ? "" : " (" + refitMode + ")");
  }
}
