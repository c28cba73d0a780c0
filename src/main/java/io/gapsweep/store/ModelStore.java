package io.gapsweep.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.gapsweep.analysis.AnalysisViews;
import io.gapsweep.config.Axes;
import io.gapsweep.config.Axis;
import io.gapsweep.plan.TrialSpec;
import io.gapsweep.train.EpochMetrics;
import io.gapsweep.train.TrialResult;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Saves the early-stopped models of the top-ranked configurations.
 *
 * <p>For each of the first {@code n} ranks of the {@code leaderboard} view, the configuration's
 * completed seed with the lowest validation loss ({@link AnalysisViews#BEST_SEEDS_SQL}) is saved under {@code
 * <output>/models/<rank>-<config_id>/}: {@code model.zip} (DL4J, loadable with {@code
 * ModelSerializer.restoreMultiLayerNetwork}; no updater state), {@code trial.json} (the trial spec,
 * its metrics at the best epoch and the input shape) and {@code classes.txt} (one class name per
 * line, in label order). Inputs are NCHW floats in 0..1, RGB order.
 */
public final class ModelStore {

  /** Folder under the output that holds the saved models. */
  public static final String MODELS = "models";

  private ModelStore() {}

  /**
   * Replaces {@code <output>/models} with the models of the top {@code n} configurations.
   *
   * @param results every trial of the sweep, by trial id
   * @param models the model zip a trial kept, by trial id
   * @return the folders written, best rank first
   */
  public static List<String> saveTop(
      SparkSession spark,
      String output,
      int n,
      Map<String, TrialResult> results,
      Function<String, Optional<byte[]>> models,
      List<String> classes,
      int channels,
      int height,
      int width) {
    List<String> written = new ArrayList<>();
    Path root = new Path(new Path(output), MODELS);
    FileSystem fs = ResultStore.fileSystem(spark, root, output);
    try {
      // Derived from the journal, like the tables: a resumed run rebuilds it whole.
      fs.delete(root, true);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot replace " + root + ": " + e.getMessage(), e);
    }
    if (n <= 0) {
      return written;
    }
    List<Row> top =
        spark.sql("SELECT l.rank, l.config_id, b.trial_id FROM leaderboard l JOIN ("
                + AnalysisViews.BEST_SEEDS_SQL + ") b ON b.config_id = l.config_id "
                + "WHERE l.rank IS NOT NULL ORDER BY l.rank LIMIT " + n)
            .collectAsList();
    try {
      for (Row row : top) {
        int rank = row.getInt(0);
        String configId = row.getString(1);
        String trialId = row.getString(2);
        Optional<byte[]> model = models.apply(trialId);
        if (model.isEmpty()) {
          continue;
        }
        Path folder = new Path(root, rank + "-" + configId);
        write(fs, new Path(folder, "model.zip"), model.get());
        write(fs, new Path(folder, "trial.json"),
            describe(results.get(trialId), rank, classes, channels, height, width));
        write(fs, new Path(folder, "classes.txt"),
            (String.join("\n", classes) + "\n").getBytes(StandardCharsets.UTF_8));
        written.add(folder.toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot save models to " + root + ": " + e.getMessage(), e);
    }
    return written;
  }


  private static <T extends Comparable<T>> T value(TrialSpec spec, Axis<T> axis) {
    return spec.value(axis);
  }

  private static EpochMetrics best(TrialResult result) {
    return result.curve().get(result.bestEpoch() - 1);
  }

  private static byte[] describe(
      TrialResult result, int rank, List<String> classes, int channels, int height, int width)
      throws IOException {
    EpochMetrics best = best(result);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("rank", rank);
    json.put("trial_id", result.spec().trialId());
    json.put("config_id", result.spec().configId());
    for (Axis<?> axis : Axes.ALL) {
      json.put(axis.column(), value(result.spec(), axis));
    }
    json.put("seed_index", result.spec().seedIndex());
    json.put("seed", result.spec().seed());
    json.put("best_epoch", result.bestEpoch());
    json.put("train_loss", best.trainLoss());
    json.put("train_acc", best.trainAcc());
    json.put("val_loss", best.valLoss());
    json.put("val_acc", best.valAcc());
    json.put("input", Map.of("layout", "NCHW", "channels", channels, "height", height,
        "width", width, "scale", "pixel / 255", "channel_order", "RGB"));
    json.put("classes", classes);
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(json);
  }

  private static void write(FileSystem fs, Path path, byte[] bytes) throws IOException {
    try (OutputStream out = fs.create(path, false)) {
      out.write(bytes);
    }
  }
}
