package io.gapsweep.store;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.gapsweep.Faults;
import io.gapsweep.search.SuccessiveHalving;
import io.gapsweep.train.TrialCheckpoint;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable state of successive halving, beside the trial journal: the checkpoint of each paused
 * trial and the decision of each rung.
 *
 * <ul>
 *   <li>{@code journal/checkpoints/<trial_id>.ckpt}: the trial's latest {@link TrialCheckpoint}
 *       (Java serialization), replaced at each rung; written once the segment's result reached
 *       the driver, so any executor's work is durable without a shared filesystem.
 *   <li>{@code journal/rungs/rung-<k>.json}: the decision after rung {@code k} (the ranking, the
 *       promoted, tied and pruned configurations), written before any pruned trial is committed
 *       and before the next rung starts.
 * </ul>
 *
 * <p>Both are written staged and renamed ({@link OutputFolder#write}), so a file under its final
 * name is complete. A rerun after a crash recomputes nothing that is there: a trial whose
 * checkpoint already reached the rung's epoch is not trained again, a journaled decision is
 * reused. Both live under the journal folder, so {@code --overwrite} deletes them with it, and the
 * checkpoints are deleted once the sweep has trained all it will.
 */
public final class RungJournal {

  static final String CHECKPOINTS = "checkpoints";
  static final String RUNGS = "rungs";
  private static final String CHECKPOINT = ".ckpt";

  private static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private static final Logger LOG = LoggerFactory.getLogger(RungJournal.class);

  private final OutputFolder folder;
  private final Path checkpoints;
  private final Path rungs;

  RungJournal(OutputFolder folder) {
    this.folder = folder;
    Path journal = folder.path(TrialJournal.FOLDER);
    this.checkpoints = new Path(journal, CHECKPOINTS);
    this.rungs = new Path(journal, RUNGS);
  }

  /** Makes a paused trial's checkpoint durable, replacing its previous one. */
  public void writeCheckpoint(TrialCheckpoint checkpoint) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(checkpoint);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot serialize the checkpoint of trial "
          + checkpoint.trialId() + ": " + e.getMessage(), e);
    }
    folder.write(new Path(checkpoints, checkpoint.trialId() + CHECKPOINT), bytes.toByteArray());
    Faults.driverReached("checkpointed");
  }

  /**
   * The latest checkpoint of a trial; empty when there is none, or when it cannot be read (then
   * the trial trains again from its start, which computes the same epochs).
   */
  public Optional<TrialCheckpoint> checkpoint(String trialId) {
    Path file = new Path(checkpoints, trialId + CHECKPOINT);
    try {
      if (!folder.fs().exists(file)) {
        return Optional.empty();
      }
      try (InputStream in = folder.fs().open(file);
          ObjectInputStream objects = new ObjectInputStream(new ByteArrayInputStream(
              in.readAllBytes()))) {
        return Optional.of((TrialCheckpoint) objects.readObject());
      }
    } catch (IOException | ClassNotFoundException | ClassCastException e) {
      LOG.warn("Ignoring unreadable checkpoint {}: {}", file, e.toString());
      return Optional.empty();
    }
  }

  /** Deletes every checkpoint: the sweep has trained all it will. */
  public void deleteCheckpoints() {
    folder.delete(checkpoints);
  }

  /** Makes a rung's decision durable. */
  public void writeDecision(SuccessiveHalving.Decision decision) {
    try {
      folder.write(rungFile(decision.rung()), JSON.writeValueAsBytes(decision));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot write the decision of rung " + decision.rung() + ": " + e.getMessage(), e);
    }
    Faults.driverReached("rung-decided");
  }

  /** The journaled decision of rung {@code rung}, if it was made. */
  public Optional<SuccessiveHalving.Decision> decision(int rung) {
    Path file = rungFile(rung);
    try {
      if (!folder.fs().exists(file)) {
        return Optional.empty();
      }
      try (InputStream in = folder.fs().open(file)) {
        return Optional.of(JSON.readValue(in, SuccessiveHalving.Decision.class));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot read the decision of rung " + rung + " in " + file + ": " + e.getMessage(), e);
    }
  }

  private Path rungFile(int rung) {
    return new Path(rungs, "rung-" + rung + ".json");
  }
}
