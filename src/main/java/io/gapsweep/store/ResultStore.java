package io.gapsweep.store;

import io.gapsweep.Faults;
import io.gapsweep.UserError;
import io.gapsweep.train.TrialResult;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Writes a sweep's results to an output folder and reads them back as SQL views.
 *
 * <p>An output folder holds these entries of ours: {@code trials/} and {@code curves/} (Parquet,
 * one file each, schemas in {@link ResultSchema}), {@code sweep.conf} (the resolved configuration
 * the sweep ran with), {@code journal/} (one committed record per trial, {@link TrialJournal}),
 * {@code data-summary.txt}, {@code classes.txt}, {@code models/} ({@link ModelStore}) and {@code
 * report.html}; while a run lasts, also {@code run.lock} ({@link OutputLock}). Any of them makes
 * the folder occupied; overwriting deletes those and leaves anything else in the folder alone. The output is a
 * Hadoop path, so local paths, {@code file:}, {@code hdfs://} and {@code s3a://} URIs all work,
 * with the session's Hadoop configuration.
 */
public final class ResultStore {

  /** Name of the resolved configuration file under the output. */
  public static final String SWEEP_CONF = "sweep.conf";

  /** The data summary printed before training, kept for reports. */
  public static final String DATA_SUMMARY = "data-summary.txt";

  /** The class names, one per line, in label order. */
  public static final String CLASSES = "classes.txt";

  /** The HTML report; written by {@code io.gapsweep.report.HtmlReport}. */
  public static final String REPORT = "report.html";

  private static final List<String> ENTRIES =
      List.of(ResultSchema.TRIALS, ResultSchema.CURVES, SWEEP_CONF, TrialJournal.FOLDER,
          ModelStore.MODELS, DATA_SUMMARY, CLASSES, REPORT);

  /** Prefix of a table being written; never read as results. */
  private static final String STAGED_TABLE = "_staged-";

  private ResultStore() {}

  /**
   * Writes the results with {@link WriteMode#FAIL_IF_EXISTS}; see {@link #write(SparkSession,
   * String, List, String, WriteMode)}.
   */
  public static void write(
      SparkSession spark, String output, List<TrialResult> results, String resolvedConfigHocon) {
    write(spark, output, results, resolvedConfigHocon, WriteMode.FAIL_IF_EXISTS);
  }

  /**
   * Writes {@code <output>/trials}, {@code <output>/curves} and {@code <output>/sweep.conf}.
   *
   * @param spark the session; its Hadoop configuration resolves the output's file system
   * @param output folder path or URI; created when missing
   * @param results every trial of the sweep, whatever its status
   * @param resolvedConfigHocon the resolved configuration, stored verbatim as UTF-8
   * @param mode what to do when any of its entries already exists
   * @throws ResultsExistException when an entry exists and the mode is {@link
   *     WriteMode#FAIL_IF_EXISTS}; nothing is touched then
   */
  public static void write(
      SparkSession spark,
      String output,
      List<TrialResult> results,
      String resolvedConfigHocon,
      WriteMode mode) {
    Objects.requireNonNull(results, "results");
    Objects.requireNonNull(resolvedConfigHocon, "resolvedConfigHocon");
    Objects.requireNonNull(mode, "mode");
    Path root = new Path(output);
    FileSystem fs = fileSystem(spark, root, output);
    try {
      for (Path path : existingEntries(fs, root, output, mode)) {
        if (!fs.delete(path, true)) {
          throw new IOException("could not delete " + path);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write results to " + output + ": " + e.getMessage(), e);
    }
    replaceTables(spark, output, results);
    writeText(spark, output, SWEEP_CONF, resolvedConfigHocon);
  }

  /**
   * Writes {@code <output>/curves} and then {@code <output>/trials}, each replacing the table of
   * that name only once it is complete: a reader sees the old table or the new one, never a
   * partial one. (A crash between the two leaves a table missing or out of date; the next {@code
   * gapsweep run} of the sweep rewrites both from its journal.)
   */
  static void replaceTables(SparkSession spark, String output, List<TrialResult> results) {
    Path root = new Path(output);
    FileSystem fs = fileSystem(spark, root, output);
    // Build the rows before writing anything, so a bad result leaves the tables as they were.
    List<Row> trialRows = ResultSchema.trialRows(results);
    List<Row> curveRows = ResultSchema.curveRows(results);
    try {
      // trials is written last: readers take it as the mark of an output.
      replaceTable(spark, curveRows, ResultSchema.CURVES_SCHEMA, fs, root, ResultSchema.CURVES);
      Faults.driverReached("compacting");
      replaceTable(spark, trialRows, ResultSchema.TRIALS_SCHEMA, fs, root, ResultSchema.TRIALS);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write results to " + output + ": " + e.getMessage(), e);
    }
  }

  /** Deletes tables a crashed {@link #replaceTables} left half-written. */
  static void clearStagedTables(FileSystem fs, Path root) throws IOException {
    FileStatus[] staged = fs.globStatus(new Path(root, STAGED_TABLE + "*"));
    for (FileStatus table : staged == null ? new FileStatus[0] : staged) {
      fs.delete(table.getPath(), true);
    }
  }

  private static void replaceTable(
      SparkSession spark, List<Row> rows, StructType schema, FileSystem fs, Path root, String name)
      throws IOException {
    Path staged = new Path(root, STAGED_TABLE + name + "-" + UUID.randomUUID());
    Path table = new Path(root, name);
    writeTable(spark, rows, schema, fs, staged);
    moveIntoPlace(fs, staged, table);
  }

  /**
   * Renames a completely written file or folder to {@code target}, replacing what is there. HDFS's
   * rename does not replace, so the old target is deleted first: a crash in between leaves the
   * target missing, never partial.
   */
  static void moveIntoPlace(FileSystem fs, Path staged, Path target) throws IOException {
    if (fs.exists(target) && !fs.delete(target, true)) {
      throw new IOException("could not delete " + target);
    }
    if (!fs.rename(staged, target)) {
      throw new IOException("could not rename " + staged + " to " + target);
    }
  }

  /** Refuses an output path that names a file; a missing path is fine (it will be created). */
  static void requireFolder(FileSystem fs, Path root, String output) throws IOException {
    if (fs.exists(root) && !fs.getFileStatus(root).isDirectory()) {
      throw new UserError(
          "Cannot write results to " + output + ": it is a file, not a folder; choose another --output");
    }
  }

  private static List<Path> existingEntries(
      FileSystem fs, Path root, String output, WriteMode mode) throws IOException {
    requireFolder(fs, root, output);
    List<Path> existing = existingEntries(fs, root);
    if (!existing.isEmpty() && mode == WriteMode.FAIL_IF_EXISTS) {
      throw new ResultsExistException(output);
    }
    return existing;
  }

  /** The entries of ours the folder holds; deleting these deletes a sweep and nothing else. */
  static List<Path> existingEntries(FileSystem fs, Path root) throws IOException {
    List<Path> existing = new ArrayList<>();
    for (String entry : ENTRIES) {
      Path path = new Path(root, entry);
      if (fs.exists(path)) {
        existing.add(path);
      }
    }
    return existing;
  }

  /** The resolved configuration a sweep ran with, as saved beside its results. */
  public static String readConf(SparkSession spark, String output) {
    return readText(spark, output, SWEEP_CONF)
        .orElseThrow(() -> MissingResultsException.noFile(output, SWEEP_CONF));
  }

  /** The text file {@code name} of the output, if it exists. */
  public static Optional<String> readText(SparkSession spark, String output, String name) {
    Path root = new Path(output);
    FileSystem fs = fileSystem(spark, root, output);
    Path file = new Path(root, name);
    try {
      if (!fs.exists(file)) {
        return Optional.empty();
      }
      try (java.io.InputStream in = fs.open(file)) {
        return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read results from " + output + ": " + e.getMessage(), e);
    }
  }

  /** Writes the text file {@code name} of the output, replacing it only once it is complete. */
  public static void writeText(SparkSession spark, String output, String name, String text) {
    Path root = new Path(output);
    FileSystem fs = fileSystem(spark, root, output);
    Path staged = new Path(root, STAGED_TABLE + name + "-" + UUID.randomUUID());
    Path file = new Path(root, name);
    try {
      try (Writer writer =
          new OutputStreamWriter(fs.create(staged, false), StandardCharsets.UTF_8)) {
        writer.write(text);
      }
      moveIntoPlace(fs, staged, file);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write results to " + output + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads {@code <output>/trials} and {@code <output>/curves} and registers them as the temp views
   * {@code trials} and {@code curves} of the session, replacing any views of those names.
   *
   * @throws MissingResultsException when either table is missing
   */
  public static void registerViews(SparkSession spark, String output) {
    Path root = new Path(output);
    FileSystem fs = fileSystem(spark, root, output);
    Path trials = new Path(root, ResultSchema.TRIALS);
    Path curves = new Path(root, ResultSchema.CURVES);
    try {
      // A journal without tables is a sweep that stopped before its tables were written.
      String why = fs.exists(new Path(root, TrialJournal.FOLDER))
          ? "the sweep has not finished; run gapsweep run on it again to resume it"
          : null;
      if (!fs.exists(trials)) {
        throw MissingResultsException.noTable(output, ResultSchema.TRIALS,
            why != null ? why : "is this a gapsweep output folder?");
      }
      if (!fs.exists(curves)) {
        throw MissingResultsException.noTable(output, ResultSchema.CURVES,
            why != null ? why : "the output is incomplete");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read results from " + output + ": " + e.getMessage(), e);
    }
    spark.read().parquet(fs.makeQualified(trials).toString())
        .createOrReplaceTempView(ResultSchema.TRIALS);
    spark.read().parquet(fs.makeQualified(curves).toString())
        .createOrReplaceTempView(ResultSchema.CURVES);
  }

  private static void writeTable(
      SparkSession spark, List<Row> rows, StructType schema, FileSystem fs, Path path) {
    Dataset<Row> table = spark.createDataFrame(rows, schema);
    table.coalesce(1).write().mode(SaveMode.ErrorIfExists).parquet(fs.makeQualified(path).toString());
  }

  /** The file system of an output; on local disks without Hadoop's .crc side files. */
  public static FileSystem fileSystem(SparkSession spark, Path root, String output) {
    try {
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      fs.setWriteChecksum(false);
      return fs;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot open the file system of " + output + ": " + e.getMessage(), e);
    }
  }
}
