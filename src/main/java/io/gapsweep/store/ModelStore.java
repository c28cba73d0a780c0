package io.gapsweep.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.gapsweep.train.EpochMetrics;
import io.gapsweep.train.TrialOutput;
import io.gapsweep.train.TrialResult;
import io.gapsweep.train.TrialStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Saves the early-stopped models of the top-ranked configurations.
 *
 * <p>For each of the first {@code n} ranks of the {@code leaderboard} view, the configuration's
 * completed seed with the lowest validation loss is saved under {@code
 * <output>/models/<rank>-<config_id>/}: {@code model.zip} (DL4J, loadable with {@code
 * ModelSerializer.restoreMultiLayerNetwork}; no updater state), {@code trial.json} (the trial spec,
 * its metrics at the best epoch and the input shape) and {@code classes.txt} (one class name per
 * line, in label order). Inputs are NCHW floats in 0..1, RGB order.
 */
public final class ModelStore {

  /** Folder under the output that holds the saved models. */
  public static final String MODELS = "models";

  private ModelStore() {}

  /** @return the folders written, best rank first */
  public static List<String> saveTop(
      SparkSession spark,
      String output,
      int n,
      List<TrialOutput> outputs,
      List<String> classes,
      int channels,
      int height,
      int width) {
    List<String> written = new ArrayList<>();
    if (n <= 0) {
      return written;
    }
    List<Row> top =
        spark.sql("SELECT rank, config_id FROM leaderboard WHERE rank IS NOT NULL ORDER BY rank LIMIT "
                + n)
            .collectAsList();
    Path root = new Path(new Path(output), MODELS);
    try {
      FileSystem fs = ResultStore.fileSystem(spark, root, output);
      for (Row row : top) {
        int rank = row.getInt(0);
        String configId = row.getString(1);
        Optional<TrialOutput> best = bestSeed(outputs, configId);
        if (best.isEmpty()) {
          continue;
        }
        Path folder = new Path(root, rank + "-" + configId);
        write(fs, new Path(folder, "model.zip"), best.get().bestModel());
        write(fs, new Path(folder, "trial.json"),
            describe(best.get().result(), rank, classes, channels, height, width));
        write(fs, new Path(folder, "classes.txt"),
            (String.join("\n", classes) + "\n").getBytes(StandardCharsets.UTF_8));
        written.add(folder.toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot save models to " + root + ": " + e.getMessage(), e);
    }
    return written;
  }

  private static Optional<TrialOutput> bestSeed(List<TrialOutput> outputs, String configId) {
    return outputs.stream()
        .filter(o -> o.bestModel() != null)
        .filter(o -> o.result().status() == TrialStatus.COMPLETED)
        .filter(o -> o.result().spec().configId().equals(configId))
        .min(Comparator.comparingDouble(o -> best(o.result()).valLoss()));
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
    json.put("depth", result.spec().depth());
    json.put("dropout", result.spec().dropout());
    json.put("l2", result.spec().l2());
    json.put("augmentation", result.spec().augmentation());
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
