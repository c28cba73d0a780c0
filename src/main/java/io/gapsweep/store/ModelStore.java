package io.gapsweep.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.gapsweep.config.Axes;
import io.gapsweep.config.Axis;
import io.gapsweep.plan.TrialSpec;
import io.gapsweep.train.EpochMetrics;
import io.gapsweep.train.TrialResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.hadoop.fs.Path;

/**
 * Saves the early-stopped models of the top-ranked configurations.
 *
 * <p>Which trials is for {@code analysis} to choose (the best seed of each top-ranked
 * configuration); each is saved under {@code <output>/models/<rank>-<config_id>/}: {@code
 * model.zip} (DL4J, loadable with {@code ModelSerializer.restoreMultiLayerNetwork}; no updater
 * state), {@code trial.json} (the trial spec,
 * its metrics at the best epoch and the input shape) and {@code classes.txt} (one class name per
 * line, in label order). Inputs are NCHW floats in 0..1, RGB order.
 */
public final class ModelStore {

  /** Folder under the output that holds the saved models. */
  public static final String MODELS = OutputFolder.MODELS;

  private ModelStore() {}

  /** A trial whose model {@code analysis} chose to save, at its configuration's rank. */
  public record Pick(int rank, String configId, String trialId) {}

  /**
   * Replaces {@code <output>/models} with the models of {@code picks}; a pick whose trial kept no
   * model is skipped.
   *
   * @param picks what to save, best rank first (chosen by {@code io.gapsweep.analysis.Winners})
   * @param results every trial of the sweep, by trial id
   * @param models the model zip a trial kept, by trial id
   * @return the folders written, best rank first
   */
  public static List<String> save(
      OutputFolder output,
      List<Pick> picks,
      Map<String, TrialResult> results,
      Function<String, Optional<byte[]>> models,
      List<String> classes,
      int channels,
      int height,
      int width) {
    List<String> written = new ArrayList<>();
    Path root = output.path(MODELS);
    // Derived from the journal, like the tables: a resumed run rebuilds it whole.
    output.delete(root);
    try {
      for (Pick pick : picks) {
        Optional<byte[]> model = models.apply(pick.trialId());
        if (model.isEmpty()) {
          continue;
        }
        int rank = pick.rank();
        Path folder = new Path(root, rank + "-" + pick.configId());
        output.write(new Path(folder, "model.zip"), model.get());
        output.write(new Path(folder, "trial.json"),
            describe(results.get(pick.trialId()), rank, classes, channels, height, width));
        output.write(new Path(folder, "classes.txt"),
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
}
