package io.gapsweep.cli;

import io.gapsweep.Faults;
import io.gapsweep.UserError;
import io.gapsweep.analysis.AnalysisViews;
import io.gapsweep.analysis.QueryOutput;
import io.gapsweep.analysis.SavedSweep;
import io.gapsweep.dispatch.SparkSessions;
import io.gapsweep.store.ResultSchema;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gapsweep sql}: runs one read-only Spark SQL query over a sweep's results and the analysis
 * views, or lists the tables and views when no query is given.
 */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = {
      "Run one SQL query (SELECT, WITH, VALUES, TABLE ...) over a sweep's results.",
      "Tables: trials, curves, predictions. Views: trial_summary, competitive_band,"
          + " leaderboard, axis_effects, t_quantiles.",
      "Without a query, list the tables and views with their columns."
    })
final class SqlCommand implements Callable<Integer> {

  /** Output formats of the query's rows. */
  enum Format {
    table,
    csv,
    json
  }

  @Parameters(index = "0", paramLabel = "OUTPUT", description = "A sweep's output folder or URI.")
  String output;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "QUERY",
      description = "One query, quoted as one argument.")
  String query;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "table",
      description = "table (aligned, default), csv (RFC 4180, with a header) or json (one object per line).")
  Format format;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (SparkSessions.Handle session = SparkSessions.forQueries("gapsweep sql");
        QuietTasks quiet = QuietTasks.start()) {
      SparkSession spark = SparkSessions.forUserQueries(session.spark());
      if (query != null) {
        // Refuse a statement before reading anything.
        QueryGuard.check(spark, query);
      }
      SavedSweep.open(spark, output);
      if (query == null) {
        out.print(listing(spark));
      } else {
        Faults.maybeOutOfMemory("sql");
        out.print(run(spark, query, format));
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  /** The query's rows in the format; the query has passed {@link QueryGuard#check}. */
  static String run(SparkSession spark, String query, Format format) {
    try {
      Dataset<Row> rows = spark.sql(query);
      return switch (format) {
        case table -> QueryOutput.table(rows);
        case csv -> QueryOutput.csv(rows);
        case json -> QueryOutput.json(rows);
      };
    } catch (Exception e) {
      // Scala exceptions are unchecked. A missing table or column, a type error, raise_error, a
      // task that fails on a value: the user's query, not a bug. Out of memory is not the query's
      // fault alone and has an exit code of its own.
      if (OutOfMemory.causedBy(e)) {
        throw e;
      }
      throw new UserError("Cannot run the query: " + sparkMessage(e), e);
    }
  }

  /**
   * The first line of Spark's own message for a failed query: that of the innermost cause Spark
   * raised with an error class ({@code [DIVIDE_BY_ZERO] ...}), or else of the innermost cause
   * (the task's own exception, {@code boom} of {@code raise_error('boom')}), not the job's "Job
   * aborted due to stage failure" wrapper with the executor's stack trace in its text.
   */
  static String sparkMessage(Throwable e) {
    Throwable classified = null;
    Throwable innermost = e;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SparkThrowable && ((SparkThrowable) t).getErrorClass() != null) {
        classified = t;
      }
      innermost = t;
    }
    Throwable chosen = classified != null ? classified : innermost;
    String message = chosen.getMessage() == null ? chosen.toString() : chosen.getMessage();
    int newline = message.indexOf('\n');
    return (newline < 0 ? message : message.substring(0, newline)).strip();
  }

  /**
   * Silences, while a command runs a user's query, what Spark logs when one of its tasks fails:
   * the executor's "Exception in task" and the scheduler's "Lost task" with their stack traces.
   * The failure reaches the user once, as the command's one-line message.
   */
  static final class QuietTasks implements AutoCloseable {

    static final List<String> LOGGERS =
        List.of(
            "org.apache.spark.executor.Executor",
            "org.apache.spark.scheduler.TaskSetManager",
            "org.apache.spark.scheduler.TaskSchedulerImpl",
            "org.apache.spark.scheduler.DAGScheduler");

    private final Map<String, Level> previous = new LinkedHashMap<>();

    private QuietTasks() {
      for (String name : LOGGERS) {
        previous.put(name, LogManager.getLogger(name).getLevel());
        Configurator.setLevel(name, Level.OFF);
      }
    }

    static QuietTasks start() {
      return new QuietTasks();
    }

    @Override
    public void close() {
      previous.forEach(Configurator::setLevel);
    }
  }

  /** Every table and view with its columns and their types, in the order of the README. */
  static String listing(SparkSession spark) {
    List<String> names = new ArrayList<>();
    names.add(ResultSchema.TRIALS);
    names.add(ResultSchema.CURVES);
    names.add(ResultSchema.PREDICTIONS);
    names.addAll(AnalysisViews.VIEWS);
    // The held-out test and the audit, when the sweep measured them.
    for (String optional : List.of(ResultSchema.TEST_RESULTS, ResultSchema.AUDIT)) {
      if (spark.catalog().tableExists(optional)) {
        names.add(optional);
      }
    }
    StringBuilder text = new StringBuilder();
    for (String name : names) {
      text.append(name).append('\n');
      for (var field : spark.table(name).schema().fields()) {
        text.append("  ").append(field.name()).append(' ')
            .append(field.dataType().sql().toLowerCase(java.util.Locale.ROOT)).append('\n');
      }
    }
    return text.toString();
  }

  /** Lets through exactly one statement that only reads. */
  static final class QueryGuard {

    static final String QUERIES_ONLY =
        "Cannot run this statement: gapsweep sql runs queries only (SELECT, WITH, VALUES, TABLE,"
            + " FROM ...); got ";

    static final String TABLES_ONLY =
        "Cannot run the query: gapsweep sql reads only the sweep's tables and views (run it"
            + " without a query to list them), not files or other catalogs; got ";

    private QueryGuard() {}

    static void check(SparkSession spark, String query) {
      int statements = Statements.count(query);
      if (statements == 0) {
        throw new UserError("Cannot run the query: it is empty");
      }
      if (statements > 1) {
        throw new UserError(
            "Cannot run the query: gapsweep sql runs one statement at a time; got " + statements
                + " statements separated by ';'");
      }
      LogicalPlan plan;
      try {
        plan = spark.sessionState().sqlParser().parsePlan(query);
      } catch (ParseException e) {
        throw new UserError("Cannot parse the query: " + e.getMessage(), e);
      }
      String writer = Statements.writer(plan);
      if (writer != null) {
        throw new UserError(QUERIES_ONLY + writer);
      }
      String relation = Statements.qualifiedRelation(plan);
      if (relation != null) {
        throw new UserError(TABLES_ONLY + relation);
      }
    }
  }
}
