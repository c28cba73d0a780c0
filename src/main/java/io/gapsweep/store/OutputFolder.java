package io.gapsweep.store;

import io.gapsweep.Faults;
import io.gapsweep.UserError;
import io.gapsweep.train.TrialResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * A sweep's output folder: the one owner of its layout, of how files are written into it, and of
 * what {@code --overwrite} deletes.
 *
 * <p>The entries of ours: {@code .gapsweep} (the marker: this folder is a gapsweep output),
 * {@code trials/}, {@code curves/} and {@code predictions/}, and when measured {@code
 * test_results/} and {@code audit/} (Parquet, one file each, schemas in
 * {@link ResultSchema}), {@code sweep.conf} (the resolved configuration the sweep ran with), {@code journal/} (one
 * committed record per trial, {@link TrialJournal}), {@code data-summary.txt}, {@code
 * classes.txt}, {@code examples.json}, {@code models/} ({@link ModelStore}), {@code report.html}
 * and {@code finished.json} (what the last run printed); while a run lasts,
 * also {@code run.lock} ({@link OutputLock}). Overwriting deletes those and leaves anything else
 * in the folder alone.
 *
 * <p>Every file is written under a staged name and renamed into place once complete, so a reader
 * sees the old file or the new one, never a partial one. The output is a Hadoop path (local
 * paths, {@code file:}, {@code hdfs://}, {@code s3a://}); its file system is resolved once, here.
 */
public final class OutputFolder {

  /** The marker of a gapsweep output: a folder without it holds nothing gapsweep wrote. */
  public static final String MARKER = ".gapsweep";

  /** The resolved configuration a sweep ran with. */
  public static final String SWEEP_CONF = "sweep.conf";

  /** The data summary printed before training, kept for reports. */
  public static final String DATA_SUMMARY = "data-summary.txt";

  /** The class names, one per line, in label order. */
  public static final String CLASSES = "classes.txt";

  /**
   * The report's example images (a few training images per class under each augmentation), kept
   * so that {@code gapsweep report} redraws them without the data; {@code
   * io.gapsweep.report.ExampleImages}.
   */
  public static final String EXAMPLES = "examples.json";

  /** The HTML report; written by {@code io.gapsweep.report.HtmlReport}. */
  public static final String REPORT = "report.html";

  /**
   * What the last run printed, kept while the output is as it left it, so that running the sweep
   * again with nothing to train prints it without recomputing; {@code
   * io.gapsweep.sweep.FinishedSweep}.
   */
  public static final String FINISHED = "finished.json";

  /** Folder of the saved models ({@link ModelStore}). */
  public static final String MODELS = "models";

  /**
   * Folder of the analysis views' rows as the run computed them, one Parquet table per view and
   * {@value #VIEWS_KEY}; see {@link #saveViews}.
   */
  public static final String VIEWS = "views";

  /** The file of {@value #VIEWS} that says what the views were computed from, and their schemas. */
  static final String VIEWS_KEY = "_key";

  /** First line of {@value #VIEWS_KEY}; a change of the layout changes it. */
  private static final String VIEWS_FORMAT = "gapsweep views 1";

  /** What {@code --overwrite} deletes: a sweep, and nothing else. */
  private static final List<String> ENTRIES =
      List.of(ResultSchema.TRIALS, ResultSchema.CURVES, ResultSchema.PREDICTIONS, SWEEP_CONF, TrialJournal.FOLDER, MODELS,
          DATA_SUMMARY, CLASSES, EXAMPLES, REPORT, ResultSchema.TEST_RESULTS, ResultSchema.AUDIT, VIEWS,
          FINISHED, MARKER);

  /** Prefix of a file or table being written; never read as results. */
  private static final String STAGED = "_staged-";

  private final String output;
  private final FileSystem fs;
  private final Path root;

  private OutputFolder(String output, FileSystem fs, Path root) {
    this.output = output;
    this.fs = fs;
    this.root = root;
  }

  /** The folder {@code output}, through the session's Hadoop configuration. */
  public static OutputFolder of(SparkSession spark, String output) {
    return of(spark.sparkContext().hadoopConfiguration(), output);
  }

  /**
   * The folder {@code output} before any Spark session exists: the Hadoop configuration Spark
   * would build ({@code spark.hadoop.*} from spark-submit, the cluster's {@code *-site.xml}), or
   * the session's when one already runs in this JVM.
   */
  public static OutputFolder beforeSpark(String output) {
    Optional<SparkSession> running =
        Optional.ofNullable(SparkSession.getDefaultSession().getOrElse(() -> null));
    return of(running.map(s -> s.sparkContext().hadoopConfiguration())
        .orElseGet(() -> SparkHadoopUtil.get().newConfiguration(new SparkConf())), output);
  }

  static OutputFolder of(Configuration hadoop, String output) {
    Path root = new Path(output);
    try {
      FileSystem fs = root.getFileSystem(hadoop);
      // On local disks without Hadoop's .crc side files.
      fs.setWriteChecksum(false);
      return new OutputFolder(output, fs, root);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot open the file system of " + output + ": " + e.getMessage(), e);
    }
  }

  /** The output as the user gave it; what messages name. */
  public String output() {
    return output;
  }

  public FileSystem fs() {
    return fs;
  }

  public Path root() {
    return root;
  }

  /** The entry {@code name} of the folder. */
  public Path path(String name) {
    return new Path(root, name);
  }

  /** {@code path} made absolute with its scheme, as Spark readers and writers want it. */
  public String qualified(Path path) {
    return fs.makeQualified(path).toString();
  }

  /** Whether the folder exists. */
  public boolean exists() {
    try {
      return fs.exists(root);
    } catch (IOException e) {
      throw cannotRead(e);
    }
  }

  /** Refuses an output path that names a file; a missing path is fine (it will be created). */
  void requireFolder() throws IOException {
    if (fs.exists(root) && !fs.getFileStatus(root).isDirectory()) {
      throw new UserError(
          "Cannot write results to " + output + ": it is a file, not a folder; choose another --output");
    }
  }

  /** The entries of ours the folder holds; deleting these deletes a sweep and nothing else. */
  public List<Path> ourEntries() {
    List<Path> existing = new ArrayList<>();
    try {
      for (String entry : ENTRIES) {
        Path path = path(entry);
        if (fs.exists(path)) {
          existing.add(path);
        }
      }
    } catch (IOException e) {
      throw cannotRead(e);
    }
    return existing;
  }

  /**
   * Whether the folder holds anything of a sweep (tables, journal, configuration...); the marker
   * alone is not a sweep (a run that stopped right after marking the folder).
   */
  public boolean isOccupied() {
    return ourEntries().stream().anyMatch(entry -> !entry.getName().equals(MARKER));
  }

  /** Whether gapsweep marked the folder as its output. */
  public boolean isMarked() {
    try {
      return fs.exists(path(MARKER));
    } catch (IOException e) {
      throw cannotRead(e);
    }
  }

  /** What the folder holds besides {@code ignored}; empty for a missing folder. */
  List<Path> contentsBut(List<String> ignored) {
    try {
      if (!fs.exists(root)) {
        return List.of();
      }
      List<Path> others = new ArrayList<>();
      for (FileStatus status : fs.listStatus(root)) {
        if (!ignored.contains(status.getPath().getName())) {
          others.add(status.getPath());
        }
      }
      others.sort(java.util.Comparator.comparing(Path::getName));
      return others;
    } catch (IOException e) {
      throw cannotRead(e);
    }
  }

  /**
   * Refuses, before anything is written, a place where a sweep's entries could replace a file
   * the user did not mean to give up, whatever {@code --overwrite} says: the root of the file
   * system, the home folder, the current folder or one above it, a folder that holds the
   * configuration being run (unless it is that very output's saved {@code sweep.conf}). Only
   * local paths can be compared with those; other file systems skip this check.
   *
   * @param configuration the configuration file being run, or {@code null}
   */
  void refuseUnsafePlace(java.nio.file.Path configuration) {
    if (!"file".equals(fs.getUri().getScheme())) {
      return;
    }
    java.nio.file.Path here = real(java.nio.file.Path.of(fs.makeQualified(root).toUri()));
    java.nio.file.Path cwd = real(java.nio.file.Path.of("").toAbsolutePath());
    String why = null;
    if (here.getParent() == null) {
      why = "it is the root of the file system";
    } else if (here.equals(real(java.nio.file.Path.of(System.getProperty("user.home"))))) {
      why = "it is the home folder";
    } else if (cwd.startsWith(here)) {
      why = here.equals(cwd) ? "it is the current folder" : "it holds the current folder";
    } else if (configuration != null) {
      java.nio.file.Path conf = real(configuration.toAbsolutePath());
      if (conf.startsWith(here) && !(conf.equals(here.resolve(SWEEP_CONF)) && isMarked())) {
        why = "it holds the configuration file " + configuration;
      }
    }
    if (why != null) {
      throw new UserError("Cannot write results to " + output + ": " + why
          + "; choose a folder of its own for --output");
    }
  }

  /**
   * Refuses a folder that holds files but is not marked as a gapsweep output, unless {@code
   * OVERWRITE}: a sweep's entries could otherwise replace the user's own {@code sweep.conf} or
   * {@code report.html}. The run's own lock does not count.
   */
  void refuseForeignFiles(WriteMode mode) {
    if (mode == WriteMode.OVERWRITE || isMarked()) {
      return;
    }
    List<Path> foreign = contentsBut(List.of(OutputLock.NAME));
    if (!foreign.isEmpty()) {
      throw new UserError("Cannot write results to " + output + ": it holds files gapsweep did not"
          + " write (such as " + foreign.get(0).getName() + "); choose a new or empty folder for"
          + " --output, or pass --overwrite to write beside them (replacing any of "
          + String.join(", ", ENTRIES.subList(0, ENTRIES.size() - 1)) + ")");
    }
  }

  /** {@code path} with symbolic links resolved as far as it exists. */
  private static java.nio.file.Path real(java.nio.file.Path path) {
    java.nio.file.Path absolute = path.toAbsolutePath().normalize();
    java.nio.file.Path existing = absolute;
    while (existing != null && !java.nio.file.Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return absolute;
    }
    try {
      return existing.toRealPath().resolve(existing.relativize(absolute));
    } catch (IOException e) {
      return absolute;
    }
  }

  /**
   * Makes room for a new sweep: under {@link WriteMode#FAIL_IF_EXISTS} refuses a folder that
   * holds a sweep; under {@link WriteMode#OVERWRITE} deletes that sweep's entries. Either way
   * nothing that is not ours is touched.
   *
   * @throws ResultsExistException when the folder holds a sweep and may not be overwritten
   */
  public void makeRoom(WriteMode mode) {
    try {
      requireFolder();
      List<Path> existing = ourEntries();
      if (!existing.isEmpty() && mode == WriteMode.FAIL_IF_EXISTS) {
        throw new ResultsExistException(output);
      }
      deleteAll(existing);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write results to " + output + ": " + e.getMessage(), e);
    }
  }

  /** Deletes every entry of ours, the lock excepted (it belongs to the run that deletes). */
  void deleteOurs() throws IOException {
    deleteAll(ourEntries());
  }

  private void deleteAll(List<Path> entries) throws IOException {
    for (Path entry : entries) {
      if (!fs.delete(entry, true)) {
        throw new IOException("could not delete " + entry);
      }
    }
  }

  /** Marks the folder as a gapsweep output; see {@link #MARKER}. */
  public void mark() {
    writeText(MARKER, "This folder is a gapsweep output; see its README for what it holds.\n");
  }

  /** Deletes files and tables a crashed writer left half-written. */
  void clearStaged() throws IOException {
    FileStatus[] staged = fs.globStatus(new Path(root, STAGED + "*"));
    for (FileStatus file : staged == null ? new FileStatus[0] : staged) {
      fs.delete(file.getPath(), true);
    }
  }

  /** The text file {@code name} of the output, if it exists. */
  public Optional<String> readText(String name) {
    Path file = path(name);
    try {
      if (!fs.exists(file)) {
        return Optional.empty();
      }
      try (InputStream in = fs.open(file)) {
        return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw cannotRead(e);
    }
  }

  /** The resolved configuration a sweep ran with, as saved beside its results. */
  public String readConf() {
    return readText(SWEEP_CONF).orElseThrow(() -> MissingResultsException.noFile(output, SWEEP_CONF));
  }

  /** Writes the text file {@code name} of the output, replacing it only once it is complete. */
  public void writeText(String name, String text) {
    write(path(name), text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Writes {@code bytes} to {@code target} (a path inside the folder), replacing it only once it
   * is complete: staged beside it, then renamed.
   */
  public void write(Path target, byte[] bytes) {
    Path staged = new Path(target.getParent(), STAGED + target.getName() + "-" + UUID.randomUUID());
    try {
      try (OutputStream out = fs.create(staged, false)) {
        out.write(bytes);
      }
      moveIntoPlace(fs, staged, target);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  /** Deletes {@code path} and everything under it, if it exists. */
  public void delete(Path path) {
    try {
      fs.delete(path, true);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete " + path + ": " + e.getMessage(), e);
    }
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

  /**
   * Writes {@code predictions}, {@code curves} and then {@code trials}, each replacing the table
   * of that name only once it is complete: a reader sees the old table or the new one, never a
   * partial one. (A crash in between leaves a table missing or out of date; the next {@code
   * gapsweep run} of the sweep rewrites all three from its journal.)
   */
  public void replaceTables(SparkSession spark, List<TrialResult> results) {
    // Build the rows before writing anything, so a bad result leaves the tables as they were.
    List<Row> trialRows = ResultSchema.trialRows(results);
    List<Row> curveRows = ResultSchema.curveRows(results);
    List<Row> predictionRows = ResultSchema.predictionRows(results);
    try {
      replaceTable(spark, predictionRows, ResultSchema.PREDICTIONS_SCHEMA, ResultSchema.PREDICTIONS);
      // trials is written last: readers take it as the mark of an output.
      replaceTable(spark, curveRows, ResultSchema.CURVES_SCHEMA, ResultSchema.CURVES);
      Faults.driverReached("compacting");
      replaceTable(spark, trialRows, ResultSchema.TRIALS_SCHEMA, ResultSchema.TRIALS);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write results to " + output + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes the table {@code name} (one of {@link ResultSchema}'s), replacing it only once it is
   * complete, and registers it as the temp view of that name.
   */
  public void writeTable(SparkSession spark, String name, List<Row> rows, StructType schema) {
    try {
      replaceTable(spark, rows, schema, name);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + name + " to " + output + ": "
          + e.getMessage(), e);
    }
    // The rows it just wrote, not the table read back: the same view, without a Spark job to read
    // the Parquet footer (ResultSchema.asRead is the schema reading gives).
    local(spark, rows, schema).createOrReplaceTempView(name);
  }

  /** Whether the folder holds the entry {@code name}. */
  public boolean has(String name) {
    try {
      return fs.exists(path(name));
    } catch (IOException e) {
      throw cannotRead(e);
    }
  }

  /**
   * A fresh scratch location under the folder, as a qualified URI, for files a job writes and
   * deletes (dl4j-spark's exported batches): staged, so never read as results, and on the
   * output's file system, so every executor that can write results can read it.
   */
  public String scratch(String name) {
    return qualified(path(STAGED + name + "-" + UUID.randomUUID()));
  }

  /**
   * Takes the folder's {@link OutputLock}, for a command that changes a finished sweep.
   *
   * @throws io.gapsweep.UserError when another run holds it
   */
  public OutputLock lock() {
    try {
      return OutputLock.acquire(fs, root, output);
    } catch (IOException e) {
      throw new io.gapsweep.UserError("Cannot lock " + output + ": " + e.getMessage(), e);
    }
  }

  private void replaceTable(SparkSession spark, List<Row> rows, StructType schema, String name)
      throws IOException {
    Path staged = path(STAGED + name + "-" + UUID.randomUUID());
    Dataset<Row> table = spark.createDataFrame(rows, schema);
    table.coalesce(1).write().mode(SaveMode.ErrorIfExists).parquet(qualified(staged));
    moveIntoPlace(fs, staged, path(name));
  }

  /**
   * Reads {@code trials}, {@code curves} and {@code predictions} and registers them as temp views
   * of those names, replacing any views of those names. An output written before {@code
   * predictions} existed gets an empty {@code predictions} view.
   *
   * @throws MissingResultsException when either table is missing
   */
  public void registerViews(SparkSession spark) {
    Path trials = path(ResultSchema.TRIALS);
    Path curves = path(ResultSchema.CURVES);
    try {
      // A journal without tables is a sweep that stopped before its tables were written.
      String why = fs.exists(path(TrialJournal.FOLDER))
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
      throw cannotRead(e);
    }
    spark.read().parquet(qualified(trials)).createOrReplaceTempView(ResultSchema.TRIALS);
    spark.read().parquet(qualified(curves)).createOrReplaceTempView(ResultSchema.CURVES);
    Path predictions = path(ResultSchema.PREDICTIONS);
    boolean hasPredictions;
    try {
      hasPredictions = fs.exists(predictions);
    } catch (IOException e) {
      throw cannotRead(e);
    }
    (hasPredictions
        ? spark.read().parquet(qualified(predictions))
        : spark.createDataFrame(List.<Row>of(), ResultSchema.PREDICTIONS_SCHEMA))
        .createOrReplaceTempView(ResultSchema.PREDICTIONS);
    registerOptionalViews(spark);
  }

  /**
   * Registers the views {@link #registerViews(SparkSession)} does, with {@code trials}, {@code
   * curves} and {@code predictions} made from {@code results}, the rows {@link #replaceTables}
   * just wrote, rather than read back: the same rows and schema ({@link ResultSchema#asRead}),
   * without a Spark job per table to read its Parquet footer.
   */
  public void registerViews(SparkSession spark, List<TrialResult> results) {
    local(spark, ResultSchema.trialRows(results), ResultSchema.TRIALS_SCHEMA)
        .createOrReplaceTempView(ResultSchema.TRIALS);
    local(spark, ResultSchema.curveRows(results), ResultSchema.CURVES_SCHEMA)
        .createOrReplaceTempView(ResultSchema.CURVES);
    local(spark, ResultSchema.predictionRows(results), ResultSchema.PREDICTIONS_SCHEMA)
        .createOrReplaceTempView(ResultSchema.PREDICTIONS);
    registerOptionalViews(spark);
  }

  /**
   * {@code rows} of a table written with {@code schema}, as reading the table back gives them:
   * its schema as read ({@link ResultSchema#asRead}) and one partition in row order, as the
   * table's one Parquet file is scanned, so aggregates add up in the same order to the same bits.
   */
  public static Dataset<Row> local(SparkSession spark, List<Row> rows, StructType schema) {
    return spark.createDataFrame(rows, ResultSchema.asRead(schema)).coalesce(1);
  }

  /**
   * Writes the temp views {@code names} of {@code spark} under {@value #VIEWS}, replacing what it
   * held only once all are written, with a key: {@code context} (what besides the tables the views
   * depend on), the data files of {@code trials}, {@code curves} and {@code predictions} as they
   * are now, and each view's schema. {@link #registerSavedViews} registers them again only while
   * that key still holds, so a command that reads the sweep later queries the rows without
   * computing them again.
   */
  public void saveViews(SparkSession spark, List<String> names, String context) {
    Path staged = path(STAGED + VIEWS + "-" + UUID.randomUUID());
    StringBuilder key = new StringBuilder(viewsKey(context));
    try {
      for (String name : names) {
        Dataset<Row> view = spark.table(name);
        view.coalesce(1).write().mode(SaveMode.ErrorIfExists).parquet(qualified(new Path(staged, name)));
        key.append(name).append('\t').append(view.schema().json()).append('\n');
      }
      try (OutputStream out = fs.create(new Path(staged, VIEWS_KEY), false)) {
        out.write(key.toString().getBytes(StandardCharsets.UTF_8));
      }
      moveIntoPlace(fs, staged, path(VIEWS));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the views to " + output + ": " + e.getMessage(), e);
    }
  }

  /**
   * Registers the views {@link #saveViews} wrote, with the schemas they had, when its key still
   * holds for {@code context} and the tables now in the folder; otherwise registers nothing.
   *
   * @return whether the saved views were registered
   */
  public boolean registerSavedViews(SparkSession spark, String context) {
    Optional<String> saved = readText(VIEWS + "/" + VIEWS_KEY);
    String expected = viewsKey(context);
    if (saved.isEmpty() || !saved.get().startsWith(expected)) {
      return false;
    }
    List<String[]> views = saved.get().substring(expected.length()).lines()
        .map(line -> line.split("\t", 2)).toList();
    for (String[] view : views) {
      StructType schema = (StructType) DataType.fromJson(view[1]);
      Dataset<Row> rows = spark.read().schema(schema)
          .parquet(qualified(new Path(path(VIEWS), view[0])));
      // Reading makes every column nullable; the view keeps the schema it was computed with.
      spark.createDataFrame(rows.javaRDD(), schema).createOrReplaceTempView(view[0]);
    }
    return true;
  }

  /** The first lines of {@value #VIEWS_KEY}: the format, {@code context} and the tables' files. */
  private String viewsKey(String context) {
    StringBuilder key = new StringBuilder(VIEWS_FORMAT).append('\n')
        .append(context.replace('\n', ' ')).append('\n');
    for (String table : List.of(ResultSchema.TRIALS, ResultSchema.CURVES, ResultSchema.PREDICTIONS)) {
      key.append(table).append(':');
      try {
        if (fs.exists(path(table))) {
          // Every write of a table gives its data file a new name: the names stand for the rows.
          for (FileStatus file : fs.listStatus(path(table))) {
            if (file.getPath().getName().startsWith("part-")) {
              key.append(' ').append(file.getPath().getName());
            }
          }
        }
      } catch (IOException e) {
        throw cannotRead(e);
      }
      key.append('\n');
    }
    return key.toString();
  }

  private void registerOptionalViews(SparkSession spark) {
    // The held-out test and the audit exist only when they were measured; a view left from
    // another output read in this session must not stand for them.
    for (String optional : List.of(ResultSchema.TEST_RESULTS, ResultSchema.AUDIT)) {
      if (has(optional)) {
        spark.read().parquet(qualified(path(optional))).createOrReplaceTempView(optional);
      } else {
        spark.catalog().dropTempView(optional);
      }
    }
  }

  private UncheckedIOException cannotRead(IOException e) {
    return new UncheckedIOException("Cannot read results from " + output + ": " + e.getMessage(), e);
  }
}
