package io.gapsweep.store;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.gapsweep.Faults;
import io.gapsweep.search.AsynchronousHalving;
import io.gapsweep.search.SuccessiveHalving;
import io.gapsweep.train.TrialCheckpoint;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.fs.FileStatus;
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
 *   <li>{@code journal/asynchronous/step-<n>.json} (asynchronous promotion only): the n-th step
 *       of {@link AsynchronousHalving}, from 1: a job decided (a configuration started or
 *       promoted), written before its segments are submitted, or a configuration's arrival at a
 *       rung (its score and evidence), written once its trials' checkpoints and results are
 *       durable. Replayed in order, they rebuild the scheduler's state exactly.
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
  static final String ASYNCHRONOUS = "asynchronous";
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
  private final Path steps;

  RungJournal(OutputFolder folder) {
    this.folder = folder;
    Path journal = folder.path(TrialJournal.FOLDER);
    this.checkpoints = new Path(journal, CHECKPOINTS);
    this.rungs = new Path(journal, RUNGS);
    this.steps = new Path(journal, ASYNCHRONOUS);
  }

  /**
   * One step of asynchronous promotion: exactly one of {@code job} (a decision) and {@code
   * arrival} (a configuration reached rung {@code rung}) is set.
   */
  public record Step(AsynchronousHalving.Job job, int rung, AsynchronousHalving.Arrival arrival) {

    public Step {
      if ((job == null) == (arrival == null)) {
        throw new IllegalArgumentException("A step is either a job or an arrival");
      }
    }

    public static Step of(AsynchronousHalving.Job job) {
      return new Step(job, job.rung(), null);
    }

    public static Step of(int rung, AsynchronousHalving.Arrival arrival) {
      return new Step(null, rung, arrival);
    }
  }

  /** Makes step {@code number} (from 1) of asynchronous promotion durable. */
  public void writeStep(int number, Step step) {
    try {
      folder.write(new Path(steps, String.format("step-%06d.json", number)),
          JSON.writeValueAsBytes(step));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot write step " + number + " of asynchronous promotion: " + e.getMessage(), e);
    }
    Faults.driverReached("step-journaled");
  }

  /**
   * The journaled steps of asynchronous promotion, in order; empty when none. Each file is
   * complete (staged and renamed), and step n + 1 is only written after step n.
   */
  public List<Step> steps() {
    List<Step> out = new ArrayList<>();
    try {
      if (!folder.fs().exists(steps)) {
        return out;
      }
      FileStatus[] files = folder.fs().listStatus(steps,
          p -> p.getName().startsWith("step-") && p.getName().endsWith(".json"));
      Arrays.sort(files, (a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
      for (FileStatus file : files) {
        String expected = String.format("step-%06d.json", out.size() + 1);
        if (!file.getPath().getName().equals(expected)) {
          throw new IllegalStateException("Cannot replay asynchronous promotion: " + file.getPath()
              + " follows step " + out.size() + " (expected " + expected + ")");
        }
        try (InputStream in = folder.fs().open(file.getPath())) {
          out.add(JSON.readValue(in, Step.class));
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the steps of asynchronous promotion in " + steps
          + ": " + e.getMessage(), e);
    }
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
