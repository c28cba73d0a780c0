package io.gapsweep.dispatch;

import io.gapsweep.Faults;
import io.gapsweep.config.AugmentationPreset;
import io.gapsweep.config.Axes;
import io.gapsweep.config.TrainingSettings;
import io.gapsweep.data.Dataset;
import io.gapsweep.plan.SweepPlan;
import io.gapsweep.plan.TrialSpec;
import io.gapsweep.train.ExecutorInfo;
import io.gapsweep.train.NativeBackend;
import io.gapsweep.train.TrialOutput;
import io.gapsweep.train.TrialRunner;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.SparkSession;
import scala.collection.JavaConverters;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * Runs a sweep's trials as Spark tasks, one trial per task.
 *
 * <p>The dataset is broadcast once, so executors need no access to where the images came from;
 * under k-fold it carries the fold assignment, made once on the driver from the plan's fold seed,
 * so every configuration trains on the same splits. A
 * task returns plain Java values; no ND4J array crosses the wire. Each trial reaches the driver as
 * soon as its task ends (Spark's per-partition result handler), not when the whole job ends, so
 * progress is live and every finished trial can be acted on at once.
 */
public final class SparkSweep {

  private SparkSweep() {}

  /**
   * Trains every trial of {@code plan}.
   *
   * @param onFinished called on the driver once per trial, in completion order, from Spark's
   *     scheduler thread: keep it short. If it throws, the sweep stops with that exception
   */
  public static void run(
      SparkSession spark,
      SweepPlan plan,
      Dataset data,
      TrainingSettings training,
      Map<String, AugmentationPreset> presets,
      int threadsPerTrial,
      Consumer<TrialOutput> onFinished) {
    List<TrialTask> tasks = new ArrayList<>(plan.trials().size());
    for (TrialSpec spec : plan.trials()) {
      tasks.add(new TrialTask(spec, presets.get(spec.value(Axes.AUGMENTATION))));
    }
    if (tasks.isEmpty()) {
      return;
    }
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    // Under k-fold the fold assignment rides along (int arrays); each task cuts its own split.
    Broadcast<Dataset> shared = context.broadcast(data.withFolds(plan.folds()));
    try {
      RDD<TrialTask> rdd = context.parallelize(tasks, tasks.size()).rdd();
      List<Object> partitions = new ArrayList<>(IntStream.range(0, tasks.size()).boxed().toList());
      spark.sparkContext().runJob(
          rdd,
          new RunTrial(shared, training, threadsPerTrial),
          JavaConverters.asScalaBuffer(partitions).toSeq(),
          new Collect(onFinished),
          ClassTag$.MODULE$.apply(TrialOutput.class));
    } finally {
      shared.destroy();
    }
  }

  /** The task body; serialized to executors with the broadcast handle, never the dataset. */
  private static final class RunTrial
      extends AbstractFunction2<TaskContext, scala.collection.Iterator<TrialTask>, TrialOutput>
      implements Serializable {

    private final Broadcast<Dataset> data;
    private final TrainingSettings training;
    private final int threads;

    RunTrial(Broadcast<Dataset> data, TrainingSettings training, int threads) {
      this.data = data;
      this.training = training;
      this.threads = threads;
    }

    @Override
    public TrialOutput apply(TaskContext context, scala.collection.Iterator<TrialTask> tasks) {
      TrialTask task = tasks.next();
      Faults.maybeHaltExecutor(context);
      Faults.maybeFailFirstAttempt(context);
      return TrialRunner.run(
          task.spec(), training, task.preset(), data.value(), threads, executorInfo());
    }
  }

  /**
   * Runs on the driver as each task's result arrives; Spark calls it once per partition, even
   * when a task was retried. Nothing is kept, so models do not pile up in the driver's memory.
   */
  private static final class Collect extends AbstractFunction2<Object, TrialOutput, BoxedUnit> {

    private final Consumer<TrialOutput> onFinished;

    Collect(Consumer<TrialOutput> onFinished) {
      this.onFinished = onFinished;
    }

    @Override
    public BoxedUnit apply(Object partition, TrialOutput output) {
      onFinished.accept(output);
      return BoxedUnit.UNIT;
    }
  }

  static ExecutorInfo executorInfo() {
    SparkEnv env = SparkEnv.get();
    return new ExecutorInfo(
        env == null ? "driver" : env.executorId(), ExecutorInfo.localHostName(),
        ProcessHandle.current().pid(),
        NativeBackend.running());
  }
}
