package io.gapsweep.dispatch;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * The executors that ran the Spark tasks ending while it watches. dl4j-spark's training and
 * evaluation run inside its own closures, where gapsweep cannot record an executor as a trial
 * does; the scheduler's events still say where each task ran, so a user can see whether a
 * data-parallel refit really spread over the cluster.
 */
final class TaskPlacement extends SparkListener implements AutoCloseable {

  private final SparkContext context;
  private final Set<String> executors = ConcurrentHashMap.newKeySet();
  private final AtomicInteger tasks = new AtomicInteger();

  private TaskPlacement(SparkContext context) {
    this.context = context;
  }

  /** Starts watching {@code context}'s tasks; {@link #close} stops. */
  static TaskPlacement watch(SparkContext context) {
    TaskPlacement placement = new TaskPlacement(context);
    context.addSparkListener(placement);
    return placement;
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    tasks.incrementAndGet();
    executors.add(end.taskInfo().executorId());
  }

  /**
   * "6 tasks on executors 0, 1": the tasks that ended so far. Listener events arrive on Spark's
   * bus thread after the job has returned, so this first waits for the bus to deliver them.
   */
  String summary() {
    // Scala's private[spark] is public to Java; there is no public way to flush the bus.
    boolean complete = true;
    try {
      context.listenerBus().waitUntilEmpty(10_000);
    } catch (TimeoutException e) {
      complete = false;
    }
    Set<String> ids = new TreeSet<>(executors);
    return tasks.get() + (tasks.get() == 1 ? " task" : " tasks") + " on "
        + (ids.size() == 1 ? "executor " : "executors ") + String.join(", ", ids)
        + (complete ? "" : " (events still queued after 10 s: counts may be low)");
  }

  @Override
  public void close() {
    context.removeSparkListener(this);
  }
}
