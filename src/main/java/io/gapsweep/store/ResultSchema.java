package io.gapsweep.store;

import io.gapsweep.config.Axes;
import io.gapsweep.config.Axis;
import io.gapsweep.plan.TrialSpec;
import io.gapsweep.train.EpochMetrics;
import io.gapsweep.train.ExecutorInfo;
import io.gapsweep.train.Predictions;
import io.gapsweep.train.TrialResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The one definition of the long-format result tables, and the conversion of trial results to
 * their rows.
 *
 * <p>{@code trials} holds one row per trial, whatever its status; {@code curves} one row per trial
 * per epoch trained; {@code predictions} one row per trial and validation example at the trial's
 * best epoch. They join on {@code trial_id}, and a trial's best point is the {@code curves} row
 * whose {@code epoch} equals the trial's {@code best_epoch}. A trial is (configuration, seed,
 * fold): group by {@code config_id} to average over seeds and folds.
 *
 * <p>Every column's meaning is stored as its Spark comment (the {@code comment} metadata of the
 * field), so it travels with the schema and {@link #markdownDoc()} renders it for the README.
 *
 * <p>Non-finite doubles (NaN, +/-Infinity), which a diverged trial's curve often holds, are stored
 * as they are: Parquet keeps IEEE 754 values, and Spark SQL orders NaN above every number. Filter
 * with {@code isnan(x)} or {@code status = 'COMPLETED'} when aggregating.
 */
public final class ResultSchema {

  /** Name of the per-trial table, as a folder under the output and as a temp view. */
  public static final String TRIALS = "trials";

  /** Name of the per-epoch table, as a folder under the output and as a temp view. */
  public static final String CURVES = "curves";

  /** Schema of the {@code trials} table; see each field's comment. */
  public static final StructType TRIALS_SCHEMA = trialsSchema();

  /** The {@code trials} columns: ids, then one column per axis of {@link Axes#ALL}, then the rest. */
  private static StructType trialsSchema() {
    List<StructField> fields = new ArrayList<>(List.of(
            column("trial_id", DataTypes.StringType, false,
                "Stable id of the trial: a hash of everything that changes what it computes"
                    + " (see TrialIds)."),
            column("config_id", DataTypes.StringType, false,
                "Id of the configuration: the same hash without the seed index and fold; trials"
                    + " that differ only by seed or fold share it.")));
    for (Axis<?> axis : Axes.ALL) {
      fields.add(column(axis.column(), sparkType(axis), false, axis.doc()));
    }
    fields.addAll(List.of(
            column("seed_index", DataTypes.IntegerType, false, "Repeat index, from 0."),
            column("fold", DataTypes.IntegerType, false,
                "Validation split, from 0: always 0 under holdout; under k-fold repeat x folds +"
                    + " the index of the fold held out (gapsweep.validation)."),
            column("seed", DataTypes.LongType, false,
                "Seed every random choice of the trial derives from (weights, shuffling,"
                    + " augmentation)."),
            column("status", DataTypes.StringType, false,
                "How the trial ended: COMPLETED, DIVERGED (a loss became NaN or infinite) or FAILED"
                    + " (training threw)."),
            column("stop_reason", DataTypes.StringType, false,
                "Why training stopped: patience, max-epochs, diverged, error, or pruned (successive"
                    + " halving stopped its configuration at a rung; status stays COMPLETED and"
                    + " best_epoch is its best so far)."),
            column("error", DataTypes.StringType, true,
                "Error message of a failed or diverged trial; null when there is none."),
            column("best_epoch", DataTypes.IntegerType, true,
                "1-based epoch of the lowest validation loss; null when none was measured."),
            column("epochs_run", DataTypes.IntegerType, false, "Epochs trained."),
            column("rung", DataTypes.IntegerType, false,
                "The last successive-halving rung the trial trained in, from 0; 0 without a"
                    + " scheduler (gapsweep.search.scheduler)."),
            column("seconds", DataTypes.DoubleType, false, "Wall time of the whole trial, seconds."),
            column("threads", DataTypes.IntegerType, false, "ND4J threads the trial ran with."),
            column("executor_id", DataTypes.StringType, false,
                "Spark executor id the trial ran on (driver in local mode)."),
            column("host", DataTypes.StringType, false, "Host name the trial ran on."),
            column("pid", DataTypes.LongType, false, "Process id of the JVM the trial ran in."),
            column("backend", DataTypes.StringType, false,
                "Build of libnd4j the trial ran on, e.g. linux-x86_64-onednn-avx2 (linux-x86_64 is the"
                    + " generic one)."))
    );
    return new StructType(fields.toArray(new StructField[0]));
  }

  /**
   * {@code schema} as Spark reads it back from Parquet: every field, array element and nested
   * field nullable, comments kept (what {@code spark.read().parquet} gives for a table written
   * with {@code schema}). A view registered from rows on the driver with it is the table read back.
   */
  public static StructType asRead(StructType schema) {
    return (StructType) nullable(schema);
  }

  private static DataType nullable(DataType type) {
    if (type instanceof StructType struct) {
      List<StructField> fields = new ArrayList<>();
      for (StructField field : struct.fields()) {
        fields.add(new StructField(field.name(), nullable(field.dataType()), true, field.metadata()));
      }
      return new StructType(fields.toArray(new StructField[0]));
    }
    if (type instanceof org.apache.spark.sql.types.ArrayType array) {
      return DataTypes.createArrayType(nullable(array.elementType()), true);
    }
    if (type instanceof org.apache.spark.sql.types.MapType map) {
      return DataTypes.createMapType(nullable(map.keyType()), nullable(map.valueType()), true);
    }
    return type;
  }

  /** The Spark SQL (and Parquet) type of an axis's column. */
  public static DataType sparkType(Axis<?> axis) {
    return switch (axis.kind()) {
      case INTEGER -> DataTypes.IntegerType;
      case NUMBER -> DataTypes.DoubleType;
      case TEXT -> DataTypes.StringType;
    };
  }

  /** Schema of the {@code curves} table; see each field's comment. */
  public static final StructType CURVES_SCHEMA =
      new StructType(
          new StructField[] {
            column("trial_id", DataTypes.StringType, false, "The trial (joins trials.trial_id)."),
            column("fold", DataTypes.IntegerType, false, "The trial's validation split (as trials.fold)."),
            column("epoch", DataTypes.IntegerType, false, "1-based epoch number."),
            column("train_loss", DataTypes.DoubleType, false,
                "Mean cross-entropy on the clean training images (under k-fold: the trial's"
                    + " training folds): inference mode (no dropout, batch"
                    + " norm on running statistics), no L2 penalty, un-augmented images."),
            column("train_acc", DataTypes.DoubleType, false,
                "Accuracy on the clean training set, measured as train_loss is."),
            column("val_loss", DataTypes.DoubleType, false,
                "Mean cross-entropy on the validation images (under k-fold: the held-out fold),"
                    + " measured as train_loss is."),
            column("val_acc", DataTypes.DoubleType, false, "Accuracy on the validation set."),
            column("fit_loss", DataTypes.DoubleType, false,
                "Mean mini-batch loss as trained: dropout, augmentation and L2 penalty included"
                    + " (what Keras prints as loss)."),
            column("l2_penalty", DataTypes.DoubleType, false,
                "The L2 term of the objective at the end of the epoch."),
            column("seconds", DataTypes.DoubleType, false,
                "Wall time of the epoch, training and evaluation, seconds."),
          });

  /** Name of the per-example table, as a folder under the output and as a temp view. */
  public static final String PREDICTIONS = "predictions";

  /** Schema of the {@code predictions} table; see each field's comment. */
  public static final StructType PREDICTIONS_SCHEMA =
      new StructType(
          new StructField[] {
            column("trial_id", DataTypes.StringType, false, "The trial (joins trials.trial_id)."),
            column("config_id", DataTypes.StringType, false, "The trial's configuration."),
            column("seed_index", DataTypes.IntegerType, false, "The trial's seed index."),
            column("fold", DataTypes.IntegerType, false, "The trial's validation split."),
            column("example_id", DataTypes.IntegerType, false,
                "The validation example: its index in the validation images under holdout, in the"
                    + " pooled training and validation images under k-fold; the same example has"
                    + " the same id in every configuration."),
            column("label", DataTypes.IntegerType, false,
                "True class, an index into classes.txt."),
            column("predicted", DataTypes.IntegerType, false,
                "Class of highest probability at the trial's best epoch (the first on ties)."),
            column("loss", DataTypes.DoubleType, false,
                "Clean cross-entropy of the example at the best epoch, -ln max(p[label], 1e-10);"
                    + " their mean over a trial is curves.val_loss at trials.best_epoch."),
            column("probabilities", DataTypes.createArrayType(DataTypes.DoubleType), false,
                "Softmax output at the best epoch, one probability per class in label order."),
          });

  /** Name of the held-out test table, as a folder under the output and as a temp view. */
  public static final String TEST_RESULTS = "test_results";

  /** Name of the selection audit table, as a folder under the output and as a temp view. */
  public static final String AUDIT = "audit";

  /** Schema of the {@code test_results} table; see each field's comment. */
  public static final StructType TEST_RESULTS_SCHEMA = testResultsSchema();

  /** Schema of the {@code audit} table; see each field's comment. */
  public static final StructType AUDIT_SCHEMA = auditSchema();

  private static StructType testResultsSchema() {
    List<StructField> fields = new ArrayList<>(List.of(
        column("config_id", DataTypes.StringType, false, "The recommended configuration."),
        column("rank", DataTypes.IntegerType, false, "Its leaderboard rank (1).")));
    addAxisColumns(fields);
    fields.addAll(List.of(
        column("policy", DataTypes.StringType, false,
            "How it was retrained before the test, e.g. refit on train+validation for 14 epochs"
                + " (mean best epoch of 2 trials)."),
        column("refit_mode", DataTypes.StringType, false,
            "Where the refit trained: local (one Spark task) or data-parallel (gapsweep.refit)."),
        column("epochs", DataTypes.IntegerType, false, "Epochs of the refit."),
        column("examples", DataTypes.IntegerType, false, "Test images (n)."),
        column("correct", DataTypes.IntegerType, false, "Correctly classified test images."),
        column("test_acc", DataTypes.DoubleType, false, "correct / examples."),
        column("test_acc_ci_low", DataTypes.DoubleType, false,
            "Lower bound of the Wilson score 95% interval of test_acc."),
        column("test_acc_ci_high", DataTypes.DoubleType, false,
            "Upper bound of the Wilson score 95% interval of test_acc."),
        column("test_loss", DataTypes.DoubleType, false,
            "Clean mean cross-entropy on the test images (inference mode, no L2 penalty)."),
        column("per_class_acc", DataTypes.createArrayType(DataTypes.DoubleType, true), false,
            "Accuracy per class, in classes.txt order; null for a class without test images."),
        column("confusion",
            DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.IntegerType, false),
                false), false,
            "Test image counts, confusion[true class][predicted class].")));
    return new StructType(fields.toArray(new StructField[0]));
  }

  private static StructType auditSchema() {
    List<StructField> fields = new ArrayList<>(List.of(
        column("config_id", DataTypes.StringType, false, "The configuration.")));
    addAxisColumns(fields);
    fields.addAll(List.of(
        column("rank", DataTypes.IntegerType, true,
            "Its leaderboard rank; null when it is not ranked."),
        column("competitive", DataTypes.BooleanType, false,
            "Whether it is inside the competitive band."),
        column("recommended", DataTypes.BooleanType, false,
            "True for the leaderboard's rank 1, the configuration test_results tests."),
        column("val_loss", DataTypes.DoubleType, true,
            "Mean validation loss over its completed trials (leaderboard.val_loss_mean)."),
        column("gap", DataTypes.DoubleType, true,
            "Mean generalization gap over its completed trials (leaderboard.gap_mean)."),
        column("epochs", DataTypes.IntegerType, false,
            "Epochs of its refit: the mean best epoch of its completed trials, rounded, >= 1."),
        column("examples", DataTypes.IntegerType, false, "Test images."),
        column("test_acc", DataTypes.DoubleType, false,
            "Test accuracy of its refit, as test_results.test_acc."),
        column("test_acc_ci_low", DataTypes.DoubleType, false,
            "Lower bound of the Wilson score 95% interval of test_acc."),
        column("test_acc_ci_high", DataTypes.DoubleType, false,
            "Upper bound of the Wilson score 95% interval of test_acc."),
        column("test_loss", DataTypes.DoubleType, false,
            "Clean mean cross-entropy of its refit on the test images."),
        column("rank_on_test", DataTypes.IntegerType, false,
            "1 + the configurations with a strictly higher test_acc."),
        column("regret", DataTypes.DoubleType, false,
            "Best test_acc in the grid minus this configuration's (a fraction; x100 for points)."),
        column("regret_ci_low", DataTypes.DoubleType, true,
            "Lower bound of regret's 95% interval, paired on the same test images (Newcombe's"
                + " square-and-add); null for the configuration regret is measured against."),
        column("regret_ci_high", DataTypes.DoubleType, true,
            "Upper bound of that interval.")));
    return new StructType(fields.toArray(new StructField[0]));
  }

  private static void addAxisColumns(List<StructField> fields) {
    for (Axis<?> axis : Axes.ALL) {
      fields.add(column(axis.column(), sparkType(axis), false, axis.doc()));
    }
  }

  private ResultSchema() {}

  /**
   * One {@code predictions} row per validation example of every result that measured an epoch
   * (whatever its status), in the given order, then example order.
   */
  public static List<Row> predictionRows(List<TrialResult> results) {
    List<Row> rows = new ArrayList<>();
    for (TrialResult result : results) {
      Predictions p = result.predictions();
      if (p == null) {
        continue;
      }
      TrialSpec spec = required(result.spec(), "spec", "?");
      for (int i = 0; i < p.size(); i++) {
        Double[] probabilities = new Double[p.classes()];
        for (int c = 0; c < p.classes(); c++) {
          probabilities[c] = (double) p.probability(i, c);
        }
        rows.add(RowFactory.create(spec.trialId(), spec.configId(), spec.seedIndex(), spec.fold(),
            p.exampleId(i), p.labels()[i], p.predicted()[i], p.losses()[i],
            java.util.Arrays.asList(probabilities)));
      }
    }
    return rows;
  }

  /** One {@code trials} row per result, in the given order. */
  public static List<Row> trialRows(List<TrialResult> results) {
    List<Row> rows = new ArrayList<>(results.size());
    for (TrialResult result : results) {
      rows.add(trialRow(result));
    }
    return rows;
  }

  /** One {@code curves} row per epoch of every result, in the given order. */
  public static List<Row> curveRows(List<TrialResult> results) {
    List<Row> rows = new ArrayList<>();
    for (TrialResult result : results) {
      TrialSpec spec = required(result.spec(), "spec", "?");
      String trialId = spec.trialId();
      for (EpochMetrics point : required(result.curve(), "curve", trialId)) {
        rows.add(
            RowFactory.create(
                trialId,
                spec.fold(),
                point.epoch(),
                point.trainLoss(),
                point.trainAcc(),
                point.valLoss(),
                point.valAcc(),
                point.fitLoss(),
                point.l2Penalty(),
                point.seconds()));
      }
    }
    return rows;
  }

  /** The {@code trials} row of one result, fields in {@link #TRIALS_SCHEMA} order. */
  public static Row trialRow(TrialResult result) {
    TrialSpec spec = required(result.spec(), "spec", "?");
    String id = spec.trialId();
    ExecutorInfo executor = required(result.executor(), "executor", id);
    String error = result.error() == null || result.error().isEmpty() ? null : result.error();
    Integer bestEpoch = result.bestEpoch() == 0 ? null : result.bestEpoch();
    List<Object> values = new ArrayList<>();
    values.add(required(id, "trial_id", id));
    values.add(required(spec.configId(), "config_id", id));
    for (Axis<?> axis : Axes.ALL) {
      values.add(required(value(spec, axis), axis.column(), id));
    }
    values.addAll(java.util.Arrays.asList(
        spec.seedIndex(),
        spec.fold(),
        spec.seed(),
        required(result.status(), "status", id).name(),
        required(result.stopReason(), "stop_reason", id),
        error,
        bestEpoch,
        result.epochsRun(),
        result.rung(),
        result.seconds(),
        result.threads(),
        required(executor.executorId(), "executor_id", id),
        required(executor.host(), "host", id),
        executor.pid(),
        required(executor.backend(), "backend", id)));
    return RowFactory.create(values.toArray());
  }

  private static <T extends Comparable<T>> T value(TrialSpec spec, Axis<T> axis) {
    return spec.params() == null ? null : spec.value(axis);
  }

  /**
   * The tables as Markdown, one section per table with a row per column (name, Spark SQL type,
   * whether it may be null, meaning), for the README.
   */
  public static String markdownDoc() {
    StringBuilder doc = new StringBuilder();
    appendTable(doc, TRIALS, "one row per trial, whatever its status", TRIALS_SCHEMA);
    doc.append('\n');
    appendTable(doc, CURVES, "one row per trial per epoch trained", CURVES_SCHEMA);
    doc.append('\n');
    appendTable(doc, PREDICTIONS,
        "one row per trial and validation example, at the trial's best epoch", PREDICTIONS_SCHEMA);
    doc.append('\n');
    appendTable(doc, TEST_RESULTS,
        "the held-out test of the recommendation (leaderboard rank 1), when the data has a test"
            + " split", TEST_RESULTS_SCHEMA);
    doc.append('\n');
    appendTable(doc, AUDIT,
        "post-hoc, with --audit or gapsweep audit: every configuration refit and tested",
        AUDIT_SCHEMA);
    doc.append('\n')
        .append("Non-finite values (NaN, Infinity) are stored as they are; Spark SQL orders NaN")
        .append(" above every number.\n");
    return doc.toString();
  }

  private static void appendTable(StringBuilder doc, String name, String what, StructType schema) {
    doc.append("### `").append(name).append("`: ").append(what).append("\n\n");
    doc.append("| column | type | null | meaning |\n");
    doc.append("|---|---|---|---|\n");
    for (StructField field : schema.fields()) {
      doc.append("| `").append(field.name()).append("` | ")
          .append(field.dataType().sql().toLowerCase(java.util.Locale.ROOT)).append(" | ")
          .append(field.nullable() ? "yes" : "no").append(" | ")
          .append(field.getComment().get()).append(" |\n");
    }
  }

  private static StructField column(String name, DataType type, boolean nullable, String doc) {
    Metadata comment = new MetadataBuilder().putString("comment", doc).build();
    return DataTypes.createStructField(name, type, nullable, comment);
  }

  private static <T> T required(T value, String column, String trialId) {
    return Objects.requireNonNull(
        value, () -> "Cannot store trial " + trialId + ": its " + column + " is null");
  }
}
