package io.gapsweep.dispatch;

import io.gapsweep.config.RunSettings;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import scala.Option;

/**
 * Opens the one Spark session a command uses.
 *
 * <p>Under {@code spark-submit} the master and everything else come from it; gapsweep adds only
 * what a DL4J sweep needs (one core per trial thread, no speculative duplicate trials). Without
 * it, the session runs embedded in local mode, bound to 127.0.0.1 and with the UI off, so a
 * laptop run exposes nothing on the network. A session that already exists in the JVM (a notebook,
 * a test) is reused and left running.
 */
public final class SparkSessions {

  // local, local[N], local[*], local[N, maxFailures]
  private static final Pattern LOCAL = Pattern.compile("local(?:\\[\\s*(\\*|\\d+)\\s*(?:,.*)?])?");

  private SparkSessions() {}

  /** A session and whether closing it should stop it. */
  public record Handle(SparkSession spark, boolean owned) implements AutoCloseable {
    @Override
    public void close() {
      if (owned) {
        spark.stop();
      }
    }
  }

  /** @param threadsPerTrial from {@link #threadsPerTrial(RunSettings, int)} */
  public static Handle forSweep(String appName, RunSettings run, int threadsPerTrial) {
    return open(
        base(appName, run.localMaster())
            .config("spark.task.cpus", String.valueOf(threadsPerTrial))
            .config("spark.speculation", "false"));
  }

  /**
   * Resolves {@code threads-per-trial} for a sweep of {@code trials} trials on the cores of one
   * executor; see {@link #executorCores(String)}. A session that already runs in this JVM (a
   * notebook, a test) keeps its {@code spark.task.cpus}, and {@code auto} follows it.
   */
  public static int threadsPerTrial(RunSettings run, int trials) {
    return threadsPerTrial(run, trials, SparkSession.getDefaultSession());
  }

  static int threadsPerTrial(RunSettings run, int trials, Option<SparkSession> existing) {
    if (run.requestedThreadsPerTrial() == RunSettings.AUTO && existing.isDefined()) {
      return existing.get().sparkContext().getConf().getInt("spark.task.cpus", 1);
    }
    return run.threadsPerTrial(executorCores(run.localMaster()), trials);
  }

  /**
   * Cores of one executor, known before the session starts: N of a {@code local[N]} master (the
   * machine's processors for {@code local[*]}), whether from spark-submit or {@code localMaster};
   * on a cluster, {@code spark.executor.cores}, or 1 when it is not set (the driver cannot know
   * the workers' cores in advance).
   */
  static int executorCores(String localMaster) {
    SparkConf conf = new SparkConf();
    String master = conf.get("spark.master", localMaster).trim();
    Matcher local = LOCAL.matcher(master);
    if (local.matches()) {
      String n = local.group(1);
      if (n == null) {
        return 1;
      }
      return n.equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(n);
    }
    return conf.getInt("spark.executor.cores", 1);
  }

  /** A session for reading results: local unless spark-submit says otherwise. */
  public static Handle forQueries(String appName) {
    return open(base(appName, "local[*]"));
  }

  /**
   * A session of its own, sharing {@code spark}'s context, for queries a user typed: queries on
   * files ({@code SELECT * FROM text.`/etc/passwd`}) are off, so a query reaches only the tables
   * and views registered in it. The caller's session keeps its settings.
   */
  public static SparkSession forUserQueries(SparkSession spark) {
    SparkSession session = spark.newSession();
    session.conf().set(RUN_SQL_ON_FILES, "false");
    return session;
  }

  static final String RUN_SQL_ON_FILES = "spark.sql.runSQLOnFiles";

  /** Spark SQL evaluates expressions and operators without generating and compiling code. */
  public static final Map<String, String> INTERPRETED = Map.of(
      "spark.sql.codegen.wholeStage", "false",
      "spark.sql.codegen.factoryMode", "NO_CODEGEN");

  private static Handle open(SparkSession.Builder builder) {
    boolean existed = SparkSession.getDefaultSession().isDefined();
    return new Handle(builder.getOrCreate(), !existed);
  }

  private static SparkSession.Builder base(String appName, String localMaster) {
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    // SparkConf reads the spark.* system properties that spark-submit sets.
    SparkConf submitted = new SparkConf();
    // gapsweep's queries run over a few rows per trial or example, where compiling generated code
    // costs far more than it saves: interpreted, the analysis views took 15 s instead of 22 s in a
    // fresh JVM and 4 s instead of 7 s in a warm one (performance.md). spark-submit's --conf wins.
    for (Map.Entry<String, String> setting : INTERPRETED.entrySet()) {
      if (!submitted.contains(setting.getKey())) {
        builder.config(setting.getKey(), setting.getValue());
      }
    }
    if (!submitted.contains("spark.master")) {
      builder
          .master(localMaster)
          .config("spark.ui.enabled", "false")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1");
      // spark.sql.shuffle.partitions stays Spark's: fewer partitions split the partial sums of
      // the views' aggregates differently and change their last bits (axis_effects' val_acc_mean
      // 0.15624999999999997 became 0.15625 with 2), and the views' values must not depend on it.
    }
    return builder;
  }
}
