package io.gapsweep.dispatch;

import io.gapsweep.config.AugmentationPreset;
import io.gapsweep.config.TrainingSettings;
import io.gapsweep.data.Dataset;
import io.gapsweep.plan.SweepPlan;
import io.gapsweep.plan.TrialSpec;
import io.gapsweep.train.ExecutorInfo;
import io.gapsweep.train.TrialResult;
import io.gapsweep.train.TrialRunner;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

/**
 * Runs a sweep's trials as Spark tasks, one trial per task.
 *
 * <p>The dataset is broadcast once, so executors need no access to where the images came from. A
 * task returns plain Java values; no ND4J array crosses the wire.
 */
public final class SparkSweep {

  private SparkSweep() {}

  public static List<TrialResult> run(
      SparkSession spark,
      SweepPlan plan,
      Dataset data,
      TrainingSettings training,
      Map<String, AugmentationPreset> presets,
      int threadsPerTrial) {
    List<TrialTask> tasks = new ArrayList<>(plan.trials().size());
    for (TrialSpec spec : plan.trials()) {
      tasks.add(new TrialTask(spec, presets.get(spec.augmentation())));
    }
    if (tasks.isEmpty()) {
      return List.of();
    }
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<Dataset> shared = context.broadcast(data);
    try {
      return context
          .parallelize(tasks, tasks.size())
          .map(new RunTrial(shared, training, threadsPerTrial))
          .collect();
    } finally {
      shared.destroy();
    }
  }

  /** The task body; serialized to executors with the broadcast handle, never the dataset. */
  private record RunTrial(Broadcast<Dataset> data, TrainingSettings training, int threads)
      implements Function<TrialTask, TrialResult> {

    @Override
    public TrialResult call(TrialTask task) {
      return TrialRunner.run(
          task.spec(), training, task.preset(), data.value(), threads, executorInfo());
    }
  }

  static ExecutorInfo executorInfo() {
    SparkEnv env = SparkEnv.get();
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "unknown";
    }
    return new ExecutorInfo(
        env == null ? "driver" : env.executorId(), host, ProcessHandle.current().pid());
  }
}
