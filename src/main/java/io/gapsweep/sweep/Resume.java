package io.gapsweep.sweep;

import io.gapsweep.UserError;
import io.gapsweep.config.LoadedSettings;
import io.gapsweep.plan.SweepIdentity;
import io.gapsweep.plan.SweepPlan;
import io.gapsweep.plan.TrialSpec;
import io.gapsweep.store.OutputFolder;
import io.gapsweep.store.SweepOutput;
import io.gapsweep.train.TrialResult;
import io.gapsweep.train.TrialStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an output already holds of this very sweep, and what is left to train.
 *
 * @param committed trials committed by earlier runs, by trial id
 * @param todo trials this run trains, in grid order
 * @param failedKept FAILED trials kept as they are (not retried)
 */
public record Resume(Map<String, TrialResult> committed, List<TrialSpec> todo, long failedKept) {

  public Resume {
    committed = Map.copyOf(committed);
    todo = List.copyOf(todo);
  }

  /**
   * Decides, before anything is written, whether a run resumes the sweep in {@code output}.
   *
   * @return empty when the run starts afresh (a new output, or {@code overwrite})
   * @throws UserError when the output holds another sweep, or results without a configuration
   */
  public static Optional<Resume> decide(
      SweepOutput output, LoadedSettings loaded, SweepPlan plan, boolean overwrite,
      boolean retryFailed) {
    if (overwrite) {
      return Optional.empty();
    }
    String target = output.folder().output();
    Optional<String> saved = output.savedConfiguration();
    if (saved.isEmpty()) {
      if (output.isOccupied()) {
        throw new UserError("Cannot run in " + target + ": it holds results but no "
            + OutputFolder.SWEEP_CONF + " to resume them from; choose another --output, or pass"
            + " --overwrite to delete them and start again");
      }
      return Optional.empty();
    }
    List<String> differences = SweepIdentity.differences(saved.get(), loaded.resolvedHocon(), plan);
    if (!differences.isEmpty()) {
      throw new UserError("Cannot run in " + target + ": it holds another sweep; choose another"
          + " --output, or pass --overwrite to delete its results and start again. What differs:\n"
          + String.join("\n", differences));
    }
    Map<String, TrialResult> committed = output.committed();
    List<TrialSpec> todo = plan.trials().stream()
        .filter(trial -> needsRun(committed.get(trial.trialId()), retryFailed))
        .toList();
    long failed = retryFailed ? 0 : committed.values().stream()
        .filter(r -> r.status() == TrialStatus.FAILED)
        .count();
    return Optional.of(new Resume(committed, todo, failed));
  }

  private static boolean needsRun(TrialResult committed, boolean retryFailed) {
    return committed == null || (retryFailed && committed.status() == TrialStatus.FAILED);
  }

  /** The committed trials this run keeps: all but those it trains again (retried failures). */
  public Map<String, TrialResult> kept() {
    Map<String, TrialResult> kept = new java.util.HashMap<>(committed);
    todo.forEach(trial -> kept.remove(trial.trialId()));
    return kept;
  }

  /** Trials of the grid already done. */
  public int done(int total) {
    return total - todo.size();
  }
}
