package io.gapsweep.store;

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
import io.gapsweep.UserError;
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
 * the sweep ran with), {@code data-summary.txt}, {@code classes.txt}, {@code models/} ({@link ModelStore}) and {@code
 * report.html}. Any of them makes the folder occupied; overwriting deletes those and leaves
 * anything else in the folder alone. The output is a
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
      List.of(ResultSchema.TRIALS, ResultSchema.CURVES, SWEEP_CONF, ModelStore.MODELS, DATA_SUMMARY,
          CLASSES, REPORT);

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
      List<Path> existing = existingEntries(fs, root, output, mode);
      if (!existing.isEmpty()) {
        for (Path path : existing) {
          if (!fs.delete(path, true)) {
            throw new IOException("could not delete " + path);
          }
        }
      }
      // Build the rows before writing anything, so a bad result leaves the output empty.
      List<Row> trialRows = ResultSchema.trialRows(results);
      List<Row> curveRows = ResultSchema.curveRows(results);
      // trials is written last of the tables: readers take it as the mark of an output.
      writeTable(spark, curveRows, ResultSchema.CURVES_SCHEMA, fs, new Path(root, ResultSchema.CURVES));
      writeTable(spark, trialRows, ResultSchema.TRIALS_SCHEMA, fs, new Path(root, ResultSchema.TRIALS));
      try (Writer writer =
          new OutputStreamWriter(fs.create(new Path(root, SWEEP_CONF), false), StandardCharsets.UTF_8)) {
        writer.write(resolvedConfigHocon);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write results to " + output + ": " + e.getMessage(), e);
    }
  }

  /**
   * Checks, before any work, that {@link #write} will be able to write to {@code output} in this
   * mode: the output is not a file and, unless overwriting, holds no results.
   *
   * @throws ResultsExistException when the output holds results and the mode forbids replacing them
   * @throws UserError when the output is a file
   */
  public static void checkWritable(SparkSession spark, String output, WriteMode mode) {
    Path root = new Path(output);
    try {
      existingEntries(fileSystem(spark, root, output), root, output, mode);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write results to " + output + ": " + e.getMessage(), e);
    }
  }

  private static List<Path> existingEntries(
      FileSystem fs, Path root, String output, WriteMode mode) throws IOException {
    if (fs.exists(root) && !fs.getFileStatus(root).isDirectory()) {
      throw new UserError(
          "Cannot write results to " + output + ": it is a file, not a folder; choose another --output");
    }
    List<Path> existing = new ArrayList<>();
    for (String entry : ENTRIES) {
      Path path = new Path(root, entry);
      if (fs.exists(path)) {
        existing.add(path);
      }
    }
    if (!existing.isEmpty() && mode == WriteMode.FAIL_IF_EXISTS) {
      throw new ResultsExistException(output);
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

  /** Writes the text file {@code name} of the output, replacing it. */
  public static void writeText(SparkSession spark, String output, String name, String text) {
    Path root = new Path(output);
    FileSystem fs = fileSystem(spark, root, output);
    try (Writer writer =
        new OutputStreamWriter(fs.create(new Path(root, name), true), StandardCharsets.UTF_8)) {
      writer.write(text);
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
      if (!fs.exists(trials)) {
        throw MissingResultsException.noTable(
            output, ResultSchema.TRIALS, "is this a gapsweep output folder?");
      }
      if (!fs.exists(curves)) {
        throw MissingResultsException.noTable(
            output, ResultSchema.CURVES, "the output is incomplete");
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
