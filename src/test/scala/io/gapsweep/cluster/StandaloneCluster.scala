package io.gapsweep.cluster

import java.io.IOException
import java.lang.management.ManagementFactory
import java.net.{InetAddress, ServerSocket, URI}
import java.net.http.{HttpClient, HttpRequest, HttpResponse}
import java.nio.file.{Files, Path}
import java.time.Duration
import java.util.concurrent.TimeUnit
import scala.jdk.CollectionConverters._

/**
 * A Spark standalone master and workers, each a separate JVM bound to 127.0.0.1, started from a
 * Spark home (see [[SparkHome]]). Logs go to `workDir`: master.log and worker-N.log. The workers'
 * own folders (worker-N/app-ID/EXECUTOR/stderr, the executors' working directories) and the
 * local dirs (local/) go to `workerDir`, `workDir` unless given.
 *
 * `workerPrefix` goes before each worker's command line, so that workers and the executors they
 * start can run as another user (e.g. `setpriv --reuid=...`), with `workerEnvironment` added to
 * the environment they inherit; the master stays this JVM's user. Such workers need `home` and
 * `workerDir` reachable, and worker-N/ and local/ in `workerDir` writable, by that user.
 */
final class StandaloneCluster(
    home: Path,
    workDir: Path,
    workerDir: Path,
    workerPrefix: Seq[String],
    workerEnvironment: Map[String, String]) extends AutoCloseable {

  def this(home: Path, workDir: Path) = this(home, workDir, workDir, Nil, Map.empty)

  private val masterPort = StandaloneCluster.freePort()
  private val masterWebPort = StandaloneCluster.freePort()
  private var daemons = Vector.empty[Process]
  private var stopped = Seq.empty[ProcessHandle]
  private val hook = new Thread(() => stopAll())

  val masterUrl: String = s"spark://127.0.0.1:$masterPort"

  /** The environment every Spark JVM of this cluster (daemons, executors, driver) starts with. */
  def environment: Map[String, String] = Map(
    "SPARK_HOME" -> home.toString,
    // Without it the worker looks for a Spark source build and every executor launch fails.
    "SPARK_SCALA_VERSION" -> "2.12",
    "SPARK_LOCAL_IP" -> "127.0.0.1",
    "SPARK_LOCAL_HOSTNAME" -> "127.0.0.1",
    "SPARK_LOCAL_DIRS" -> Files.createDirectories(workerDir.resolve("local")).toString)

  /** `java` with the module opens Spark needs on Java 17 (this JVM's own) and Spark's classpath. */
  def java(heap: String): Seq[String] =
    Seq(ProcessHandle.current().info().command().get(), s"-Xmx$heap") ++
      StandaloneCluster.opens ++ Seq("-cp", s"$home/conf:$home/jars/*")

  /** Starts the master and `workers` workers, and waits until the master sees them all. */
  def start(workers: Int, memory: String, timeout: Duration): Unit = {
    Runtime.getRuntime.addShutdownHook(hook)
    daemons :+= launch("master", Nil, Map.empty, workDir, "org.apache.spark.deploy.master.Master",
      "--host", "127.0.0.1", "--port", masterPort.toString, "--webui-port", masterWebPort.toString)
    for (i <- 1 to workers) {
      val dir = Files.createDirectories(workerDir.resolve(s"worker-$i"))
      daemons :+= launch(s"worker-$i", workerPrefix, workerEnvironment, workerDir,
        "org.apache.spark.deploy.worker.Worker", masterUrl,
        "--host", "127.0.0.1", "--port", "0", "--webui-port", "0",
        "--cores", "1", "--memory", memory, "--work-dir", dir.toString)
    }
    awaitAliveWorkers(workers, timeout)
  }

  /** The master's JSON state (http://127.0.0.1:PORT/json/). */
  def state(): String = {
    val request = HttpRequest.newBuilder(URI.create(s"http://127.0.0.1:$masterWebPort/json/"))
      .timeout(Duration.ofSeconds(5)).build()
    StandaloneCluster.http.send(request, HttpResponse.BodyHandlers.ofString()).body()
  }

  private def awaitAliveWorkers(expected: Int, timeout: Duration): Unit = {
    val deadline = System.nanoTime() + timeout.toNanos
    val alive = "\"aliveworkers\"\\s*:\\s*(\\d+)".r
    var seen = -1
    while (seen < expected) {
      daemons.find(!_.isAlive).foreach { dead =>
        throw new IllegalStateException(s"A Spark daemon exited with ${dead.exitValue()}; see $workDir")
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
          s"Cannot start the cluster: $seen of $expected workers alive after $timeout; see $workDir")
      }
      seen =
        try alive.findFirstMatchIn(state()).map(_.group(1).toInt).getOrElse(-1)
        catch { case _: IOException => -1 } // the master's web UI is not listening yet
      // A pause that also notices the master dying.
      if (seen < expected) daemons.head.waitFor(200, TimeUnit.MILLISECONDS)
    }
  }

  /** `prefix` must exec the command (as setpriv does), so that the process is the JVM itself. */
  private def launch(name: String, prefix: Seq[String], extraEnvironment: Map[String, String],
      cwd: Path, mainClass: String, args: String*): Process = {
    val builder = new ProcessBuilder((prefix ++ java("512m") ++ Seq(mainClass) ++ args).asJava)
      .redirectErrorStream(true)
      .redirectOutput(workDir.resolve(s"$name.log").toFile)
      .directory(cwd.toFile)
    builder.environment().putAll((environment ++ extraEnvironment).asJava)
    // Executors must get their thread count from spark.executorEnv, not from this JVM.
    builder.environment().remove("OMP_NUM_THREADS")
    builder.start()
  }

  /** Stops workers (which stop their executors), then the master; kills whatever is left. */
  override def close(): Unit = {
    stopAll()
    try Runtime.getRuntime.removeShutdownHook(hook)
    catch { case _: IllegalStateException | _: IllegalArgumentException => }
  }

  /** Every process this cluster started that is still running. */
  def leftovers: Seq[ProcessHandle] =
    (stopped ++ daemons.map(_.toHandle).flatMap(d => d +: d.descendants().iterator().asScala.toSeq))
      .distinct.filter(_.isAlive)

  private def stopAll(): Unit = {
    // Workers first: a worker that loses its master tries to reconnect instead of exiting.
    stopped ++= StandaloneCluster.terminate(daemons.drop(1).map(_.toHandle))
    stopped ++= StandaloneCluster.terminate(daemons.take(1).map(_.toHandle))
  }
}

object StandaloneCluster {

  private lazy val http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()

  /** The Java 17 module options this JVM got (from the build's argLine), for the JVMs it starts. */
  lazy val opens: Seq[String] =
    ManagementFactory.getRuntimeMXBean.getInputArguments.asScala.toSeq.filter { arg =>
      arg.startsWith("--add-opens") || arg == "-XX:+IgnoreUnrecognizedVMOptions" ||
        arg.startsWith("-Djdk.reflect.useDirectMethodHandle")
    }

  def freePort(): Int = {
    val socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress)
    try socket.getLocalPort
    finally socket.close()
  }

  /**
   * SIGTERM, up to 15 s to exit, then SIGKILL for what is left, descendants included; returns
   * every process it dealt with (an orphan is no longer anyone's descendant).
   */
  def terminate(processes: Seq[ProcessHandle]): Seq[ProcessHandle] = {
    val everything = processes.flatMap(p => p +: p.descendants().iterator().asScala.toSeq).distinct
    processes.foreach(_.destroy())
    val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15)
    everything.foreach { p =>
      val left = deadline - System.nanoTime()
      if (left > 0) {
        try p.onExit().get(left, TimeUnit.NANOSECONDS)
        catch { case _: java.util.concurrent.TimeoutException => }
      }
    }
    everything.filter(_.isAlive).foreach(_.destroyForcibly())
    everything
  }
}
