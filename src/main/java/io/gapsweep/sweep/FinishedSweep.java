package io.gapsweep.sweep;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.gapsweep.plan.TrialIds;
import io.gapsweep.plan.TrialSpec;
import io.gapsweep.store.OutputFolder;
import io.gapsweep.store.ResultSchema;
import io.gapsweep.train.TrialResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a finished run printed, kept so that running the same sweep again with nothing to train
 * prints it without starting Spark. Recomputing would cost Spark's start, the data, compaction,
 * the views and the report (about 25 s) for the same figures: every step after training is
 * deterministic given the journal and the configuration (the held-out test's refit included,
 * except with {@code refit.mode = data-parallel}, where showing the measured result again is
 * also the consistent answer).
 *
 * <p>It is saved as {@value OutputFolder#FINISHED} after everything else, and any run that writes
 * to the output deletes it first, so it exists only while the output is what that run left. It is
 * replayed only while its {@code key} holds and every entry it lists still exists.
 *
 * @param key {@link #key} of the run that saved it
 * @param leaderboard the leaderboard as printed
 * @param verdicts the held-out test's and the audit's lines, as printed
 * @param savedModels the saved models' folders, as printed
 * @param report the report's path, as printed
 * @param entries what the answer rests on: paths inside the output (the saved models' included)
 */
public record FinishedSweep(
    String key, String leaderboard, List<String> verdicts, List<String> savedModels, String report,
    List<String> entries) {

  private static final Logger LOG = LoggerFactory.getLogger(FinishedSweep.class);

  /** First line of the key; a change in what a run computes after training changes it. */
  private static final String FORMAT = "gapsweep finished 1";

  /** The output's entries an answer may rest on, when the run wrote them. */
  private static final List<String> OUTPUT_ENTRIES = List.of(
      ResultSchema.TRIALS, ResultSchema.CURVES, ResultSchema.PREDICTIONS,
      ResultSchema.TEST_RESULTS, ResultSchema.AUDIT, OutputFolder.VIEWS, OutputFolder.REPORT,
      OutputFolder.DATA_SUMMARY, OutputFolder.CLASSES, OutputFolder.EXAMPLES);

  public FinishedSweep {
    verdicts = List.copyOf(verdicts);
    savedModels = List.copyOf(savedModels);
    entries = List.copyOf(entries);
  }

  /**
   * What the answer of a run depends on besides the output's files: the resolved configuration
   * (every setting, the leaderboard's and the refit's included), whether it audits, the data, and
   * the id and status of every trial of the plan as the journal holds it.
   *
   * @param data the data's {@link io.gapsweep.data.DatasetSource#fingerprint}
   * @param results the journal's trials by id
   */
  public static String key(String resolvedHocon, boolean audit, String data, List<TrialSpec> plan,
      Map<String, TrialResult> results) {
    StringBuilder text = new StringBuilder(FORMAT).append('\n').append(resolvedHocon)
        .append("\naudit=").append(audit).append('\n').append(data).append('\n');
    for (TrialSpec trial : plan) {
      TrialResult result = results.get(trial.trialId());
      text.append(trial.trialId()).append(' ')
          .append(result == null ? "missing" : result.status()).append('\n');
    }
    return HexFormat.of().formatHex(TrialIds.sha256(text.toString()));
  }

  /** The answer of {@code outcome}, resting on the entries of {@code folder} it wrote. */
  static FinishedSweep of(String key, SweepOutcome outcome, OutputFolder folder) {
    List<String> entries = new ArrayList<>();
    for (String name : OUTPUT_ENTRIES) {
      if (folder.has(name)) {
        entries.add(name);
      }
    }
    outcome.savedModels().forEach(
        model -> entries.add(OutputFolder.MODELS + "/" + new Path(model).getName()));
    return new FinishedSweep(key, outcome.leaderboard(), outcome.verdicts(),
        outcome.savedModels(), outcome.report(), entries);
  }

  /** Saves this answer as {@value OutputFolder#FINISHED}, replacing any. */
  void save(OutputFolder folder) {
    try {
      folder.write(folder.path(OutputFolder.FINISHED),
          JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsBytes(this));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + OutputFolder.FINISHED + ": " + e.getMessage(), e);
    }
  }

  /**
   * The answer saved in {@code folder}, when its key is {@code key} and everything it rests on is
   * still there; empty otherwise (then the run computes everything again, as it would have).
   */
  static Optional<FinishedSweep> replayable(OutputFolder folder, String key) {
    Optional<String> text = folder.readText(OutputFolder.FINISHED);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    FinishedSweep saved;
    try {
      saved = JsonMapper.builder().build().readValue(text.get(), FinishedSweep.class);
    } catch (IOException e) {
      LOG.info("Not replaying {}: unreadable ({})", OutputFolder.FINISHED, e.getMessage());
      return Optional.empty();
    }
    if (!key.equals(saved.key())) {
      return Optional.empty();
    }
    for (String entry : saved.entries()) {
      if (!folder.has(entry)) {
        LOG.info("Not replaying {}: {} is gone", OutputFolder.FINISHED, entry);
        return Optional.empty();
      }
    }
    return Optional.of(saved);
  }

  /** Deletes the answer of {@code folder}, if any: its output is about to change. */
  static void forget(OutputFolder folder) {
    folder.delete(folder.path(OutputFolder.FINISHED));
  }
}
