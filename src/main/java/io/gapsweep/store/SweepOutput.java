package io.gapsweep.store;

import io.gapsweep.Faults;
import io.gapsweep.UserError;
import io.gapsweep.train.TrialOutput;
import io.gapsweep.train.TrialResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * An output folder while {@code gapsweep run} owns it: locked, resumable, committed trial by trial.
 *
 * <p>Opening takes the folder's {@link OutputLock} and changes nothing else, so a run that then
 * stops on bad input leaves the folder as it was. {@link #start} begins writing: it saves the
 * resolved configuration ({@code sweep.conf}, the identity a later resume is checked against)
 * and, only when replacing was asked for, first deletes the previous sweep's entries. Each
 * finished trial is then committed to the {@link TrialJournal}, and {@link #compact} derives the
 * {@code trials} and {@code curves} tables from the journal.
 */
public final class SweepOutput implements AutoCloseable {

  private final SparkSession spark;
  private final String output;
  private final FileSystem fs;
  private final Path root;
  private final boolean createdRoot;
  private final OutputLock lock;
  private final TrialJournal journal;

  private SweepOutput(
      SparkSession spark, String output, FileSystem fs, Path root, boolean createdRoot,
      OutputLock lock, boolean keepModels) {
    this.spark = spark;
    this.output = output;
    this.fs = fs;
    this.root = root;
    this.createdRoot = createdRoot;
    this.lock = lock;
    this.journal = new TrialJournal(fs, root, keepModels);
  }

  /**
   * Locks {@code output} for a run, creating the folder when it is missing.
   *
   * @param keepModels whether committed trials keep their model zip (for {@link ModelStore})
   * @throws UserError when the output is a file, cannot be created, or is in use
   */
  public static SweepOutput open(SparkSession spark, String output, boolean keepModels) {
    Path root = new Path(output);
    FileSystem fs = ResultStore.fileSystem(spark, root, output);
    boolean created = false;
    try {
      ResultStore.requireFolder(fs, root, output);
      if (!fs.exists(root)) {
        created = true;
        if (!fs.mkdirs(root)) {
          throw new IOException("could not create the folder");
        }
      }
      return new SweepOutput(
          spark, output, fs, root, created, OutputLock.acquire(fs, root, output), keepModels);
    } catch (IOException e) {
      if (created) {
        deleteQuietly(fs, root);
      }
      throw new UserError("Cannot write results to " + output + ": " + e.getMessage()
          + "; choose another --output", e);
    }
  }

  /** The configuration a previous run of this output saved, if any. */
  public Optional<String> savedConfiguration() {
    return ResultStore.readText(spark, output, ResultStore.SWEEP_CONF);
  }

  /** Whether the folder holds anything of an earlier sweep (tables, journal, configuration...). */
  public boolean isOccupied() {
    try {
      return !ResultStore.existingEntries(fs, root).isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + output + ": " + e.getMessage(), e);
    }
  }

  /**
   * Starts writing: deletes the previous sweep's entries first when {@code replace}, then saves
   * the configuration. What crashed runs left half-written is cleared.
   */
  public void start(String resolvedHocon, WriteMode mode) {
    try {
      if (mode == WriteMode.OVERWRITE) {
        for (Path entry : ResultStore.existingEntries(fs, root)) {
          if (!fs.delete(entry, true)) {
            throw new IOException("could not delete " + entry);
          }
        }
      }
      journal.clearStaging();
      ResultStore.clearStagedTables(fs, root);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare " + output + ": " + e.getMessage(), e);
    }
    ResultStore.writeText(spark, output, ResultStore.SWEEP_CONF, resolvedHocon);
    Faults.driverReached("started");
  }

  /** Trials committed by this or earlier runs, by trial id. */
  public Map<String, TrialResult> committed() {
    return journal.read();
  }

  /** Makes a finished trial durable; see {@link TrialJournal#commit}. */
  public void commit(TrialOutput trial) {
    journal.commit(trial);
  }

  /**
   * Rewrites the {@code trials} and {@code curves} tables from the journal: the given trials,
   * in that order, each once.
   *
   * @throws IllegalStateException when one of them has no committed result
   */
  public List<TrialResult> compact(List<String> trialIds) {
    Map<String, TrialResult> committed = journal.read();
    List<TrialResult> results = new ArrayList<>(trialIds.size());
    for (String id : trialIds) {
      TrialResult result = committed.get(id);
      if (result == null) {
        throw new IllegalStateException("Trial " + id + " has no committed result in " + output);
      }
      results.add(result);
    }
    ResultStore.replaceTables(spark, output, results);
    return results;
  }

  /** The model a trial committed, if it kept one. */
  public Optional<byte[]> model(String trialId) {
    return journal.model(trialId);
  }

  /** Releases the lock; removes the folder again if this run created it and wrote nothing. */
  @Override
  public void close() {
    lock.close();
    if (createdRoot) {
      try {
        FileStatus[] left = fs.listStatus(root);
        if (left.length == 0) {
          fs.delete(root, false);
        }
      } catch (IOException e) {
        // Leaving an empty folder behind is harmless.
      }
    }
  }

  private static void deleteQuietly(FileSystem fs, Path path) {
    try {
      fs.delete(path, true);
    } catch (IOException e) {
      // Nothing of ours is in it.
    }
  }
}
