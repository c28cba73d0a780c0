package io.gapsweep.dispatch

import io.gapsweep.config.RunSettings
import io.gapsweep.testing.SharedSparkSession
import org.scalatest.funsuite.AnyFunSuite

class SparkSessionsSuite extends AnyFunSuite {

  private val processors = Runtime.getRuntime.availableProcessors()

  test("the cores of a local master") {
    assume(!System.getProperties.containsKey("spark.master"))
    assert(SparkSessions.executorCores("local[3]") == 3)
    assert(SparkSessions.executorCores("local[*]") == processors)
    assert(SparkSessions.executorCores("local") == 1)
    assert(SparkSessions.executorCores("local[4, 2]") == 4)
    // A cluster master without spark.executor.cores: the driver cannot know the workers' cores.
    assert(SparkSessions.executorCores("spark://127.0.0.1:7077") == 1)
  }

  test("threads per trial resolve against the local master's cores") {
    assume(!System.getProperties.containsKey("spark.master"))
    val auto = new RunSettings("out", "local[4]", RunSettings.AUTO, 10000, 1)
    assert(SparkSessions.threadsPerTrial(auto, 2, None) == 2)
    assert(SparkSessions.threadsPerTrial(auto, 16, None) == 1)
    assert(SparkSessions.threadsPerTrial(new RunSettings("out", "local[4]", 3, 10000, 1), 16, None) == 3)
  }

  test("auto follows the spark.task.cpus of a session that already runs") {
    SharedSparkSession.session
    val auto = new RunSettings("out", "local[4]", RunSettings.AUTO, 10000, 1)
    assert(SparkSessions.threadsPerTrial(auto, 2) == 1)
    assert(SparkSessions.threadsPerTrial(new RunSettings("out", "local[4]", 3, 10000, 1), 2) == 3)
  }
}
