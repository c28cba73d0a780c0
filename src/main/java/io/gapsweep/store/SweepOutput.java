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
 * <p>Opening checks that the folder may be written ({@link OutputFolder#refuseUnsafePlace}),
 * takes its {@link OutputLock}, refuses an unmarked folder that holds files named like ours
 * ({@link OutputFolder#refuseForeignFiles}) and changes nothing else, so a run that then stops on bad input leaves the folder as it was. It needs no Spark
 * session, so a folder in use is refused before Spark starts. {@link #start} begins writing: it
 * marks the folder, saves the resolved configuration ({@code sweep.conf}, the identity a later
 * resume is checked against) and, only when replacing was asked for, first deletes the previous
 * sweep's entries. Each finished trial is then committed to the {@link TrialJournal}, and {@link
 * #compact} derives the {@code trials} and {@code curves} tables from the journal.
 */
public final class SweepOutput implements AutoCloseable {

  private final OutputFolder folder;
  private final boolean createdRoot;
  private final OutputLock lock;
  private final TrialJournal journal;

  private SweepOutput(
      OutputFolder folder, boolean createdRoot, OutputLock lock, boolean keepModels) {
    this.folder = folder;
    this.createdRoot = createdRoot;
    this.lock = lock;
    this.journal = new TrialJournal(folder.fs(), folder.root(), keepModels);
  }

  /**
   * Locks {@code folder} for a run, creating it when it is missing.
   *
   * @param mode {@link WriteMode#OVERWRITE} lets the run write beside files it did not create
   * @param configuration the configuration file being run, or {@code null}: the output may not
   *     hold it
   * @param keepModels whether committed trials keep their model zip (for {@link ModelStore})
   * @throws UserError when the output is a file, an unsafe place, holds files of someone else,
   *     cannot be created, or is in use
   */
  public static SweepOutput open(
      OutputFolder folder, WriteMode mode, java.nio.file.Path configuration, boolean keepModels) {
    FileSystem fs = folder.fs();
    Path root = folder.root();
    String output = folder.output();
    boolean created = false;
    OutputLock lock = null;
    try {
      folder.requireFolder();
      folder.refuseUnsafePlace(configuration);
      if (!fs.exists(root)) {
        created = true;
        if (!fs.mkdirs(root)) {
          throw new IOException("could not create the folder");
        }
      }
      // The lock first: a folder in use says so, whoever's files it holds.
      lock = OutputLock.acquire(fs, root, output);
      if (folder.isOccupied()) {
        // Names of ours in a folder we did not mark: someone else's sweep.conf or report.html.
        // Other files are checked by start(), once the settings and the data have been checked.
        folder.refuseForeignFiles(mode);
      }
      return new SweepOutput(folder, created, lock, keepModels);
    } catch (IOException | RuntimeException e) {
      if (lock != null) {
        lock.close();
      }
      if (created) {
        deleteQuietly(fs, root);
      }
      if (e instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new UserError("Cannot write results to " + output + ": " + e.getMessage()
          + "; choose another --output", e);
    }
  }

  /** Checkpoints and rung decisions of successive halving, under the journal. */
  public RungJournal rungs() {
    return new RungJournal(folder);
  }

  /** The folder this run owns. */
  public OutputFolder folder() {
    return folder;
  }

  /** The configuration a previous run of this output saved, if any. */
  public Optional<String> savedConfiguration() {
    return folder.readText(OutputFolder.SWEEP_CONF);
  }

  /** Whether the folder holds anything of an earlier sweep (tables, journal, configuration...). */
  public boolean isOccupied() {
    return folder.isOccupied();
  }

  /**
   * Starts writing, unless the folder holds files gapsweep did not write and {@code mode} is not
   * {@code OVERWRITE} (a {@link UserError}; nothing is written then): deletes the previous sweep's entries first when {@code OVERWRITE}, then marks
   * the folder and saves the configuration. What crashed runs left half-written is cleared.
   */
  public void start(String resolvedHocon, WriteMode mode) {
    folder.refuseForeignFiles(mode);
    try {
      if (mode == WriteMode.OVERWRITE) {
        folder.deleteOurs();
      }
      journal.clearStaging();
      folder.clearStaged();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare " + folder.output() + ": " + e.getMessage(), e);
    }
    folder.mark();
    folder.writeText(OutputFolder.SWEEP_CONF, resolvedHocon);
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
  public List<TrialResult> compact(SparkSession spark, List<String> trialIds) {
    Map<String, TrialResult> committed = journal.read();
    List<TrialResult> results = new ArrayList<>(trialIds.size());
    for (String id : trialIds) {
      TrialResult result = committed.get(id);
      if (result == null) {
        throw new IllegalStateException(
            "Trial " + id + " has no committed result in " + folder.output());
      }
      results.add(result);
    }
    folder.replaceTables(spark, results);
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
        FileStatus[] left = folder.fs().listStatus(folder.root());
        if (left.length == 0) {
          folder.fs().delete(folder.root(), false);
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
