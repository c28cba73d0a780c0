package io.gapsweep.cluster

import io.gapsweep.testing.{Cli, Cluster, ImageTrees, SharedSparkSession, TempDirs}
import org.apache.spark.sql.Row
import org.scalatest.funsuite.AnyFunSuite

import java.nio.file.{Files, Path, Paths, StandardCopyOption}
import java.nio.file.attribute.PosixFilePermissions
import java.time.Duration
import java.util.concurrent.TimeUnit
import java.util.zip.ZipFile
import scala.jdk.CollectionConverters._

/**
 * The cluster jar on a real Spark standalone cluster: a master and two workers, each its own JVM
 * on 127.0.0.1, fed by submit/standalone.sh as a user runs it. Needs the jar, so Maven runs it
 * after package. Logs and results stay in target/spark-work for diagnosis.
 */
class StandaloneClusterSuite extends AnyFunSuite with SharedSparkSession with TempDirs {

  private val target = Paths.get("target").toAbsolutePath
  private val work = target.resolve("spark-work")

  private def property(name: String): Path = Paths.get(Option(System.getProperty(name)).getOrElse(
    fail(s"System property $name is not set: run this suite through mvn verify")))

  private lazy val jar = {
    val path = property("gapsweep.cluster.jar")
    assert(Files.isRegularFile(path), s"$path is missing: run mvn package first")
    path
  }

  /** target/spark-home and its jars, built once per run. */
  private lazy val (home, sparkJars) = {
    val home = target.resolve("spark-home")
    deleteRecursively(home)
    (home, SparkHome.build(home, property("gapsweep.dependency.tree")))
  }

  private def classes(jar: Path): Set[String] = {
    val zip = new ZipFile(jar.toFile)
    try zip.stream().iterator().asScala.map(_.getName)
      .filter(name => name.endsWith(".class") && !name.startsWith("META-INF/") && name != "module-info.class")
      .toSet
    finally zip.close()
  }

  test("the cluster jar holds no class that Spark's own jars provide", Cluster) {
    val ours = classes(jar)
    assert(ours.contains("io/gapsweep/cli/Main.class"))
    assert(ours.contains("org/nd4j/linalg/cpu/nativecpu/CpuBackend.class"))
    val clashes = sparkJars.flatMap { sparkJar =>
      val shared = classes(sparkJar).intersect(ours)
      if (shared.isEmpty) None else Some(s"${sparkJar.getFileName}: ${shared.size} classes, e.g. ${shared.min}")
    }
    assert(clashes.isEmpty, clashes.mkString("\n"))
  }

  /** What a submit script passes to spark-submit, with `echo` standing in for it. */
  private def echoed(script: String, env: Map[String, String], args: String*): (Int, String) = {
    val command = Seq("bash", Paths.get(s"submit/$script").toAbsolutePath.toString) ++ args
    val builder = new ProcessBuilder(command: _*).redirectErrorStream(true)
    builder.environment().putAll((env ++ Map(
      "SPARK_HOME" -> home.toString,
      "SPARK_SUBMIT" -> "echo",
      "GAPSWEEP_EXECUTOR_HEAP_MB" -> "4096",
      "GAPSWEEP_EXECUTOR_OFFHEAP_MB" -> "1024")).asJava)
    val process = builder.start()
    val output = new String(process.getInputStream.readAllBytes())
    assert(process.waitFor(1, TimeUnit.MINUTES))
    (process.exitValue(), output)
  }

  test("yarn.sh and k8s.sh run cluster-mode drivers on the shipped configuration", Cluster) {
    withTempDir { dir =>
      val conf = Files.writeString(dir.resolve("threads.conf"), "gapsweep.run.threads-per-trial = 2\n")
      val common =
        s"--class io.gapsweep.cli.Main --name gapsweep threads.conf --files $conf " +
          "--executor-memory 4096m --conf spark.executor.memoryOverhead=1536m " +
          "--conf spark.executor.extraJavaOptions=-Dorg.bytedeco.javacpp.maxbytes=1024m " +
          "-Dorg.bytedeco.javacpp.maxphysicalbytes=5632m -XX:SurvivorRatio=3 " +
          "--conf spark.task.cpus=2 --conf spark.executorEnv.OMP_NUM_THREADS=2 --conf spark.speculation=false"

      val yarn = echoed("yarn.sh", Map("HADOOP_CONF_DIR" -> dir.toString, "GAPSWEEP_JAR" -> jar.toString),
        conf.toString, "--output", "hdfs:///sweeps/t")
      assert(yarn == (0,
        s"--deploy-mode cluster --master yarn $common $jar run threads.conf --output hdfs:///sweeps/t\n"))

      val k8s = echoed("k8s.sh",
        Map("GAPSWEEP_IMAGE" -> "registry/gapsweep:test", "GAPSWEEP_JAR" -> "local:///opt/gapsweep.jar"),
        conf.toString, "https://k8s.example:6443")
      assert(k8s == (0,
        "--deploy-mode cluster --master k8s://https://k8s.example:6443 " +
          "--conf spark.kubernetes.container.image=registry/gapsweep:test " +
          "--conf spark.kubernetes.namespace=default " +
          "--conf spark.kubernetes.authenticate.driver.serviceAccountName=spark " +
          s"$common local:///opt/gapsweep.jar run threads.conf\n"))
    }
  }

  /**
   * A tiny image tree in the train/ + validation/ layout: 3 classes, 4 + 4 images of 8x8 each,
   * PNG and JPEG alternating, every image its own colour. Its root folder is 0700: only its owner
   * (root, the driver's user) can read it.
   */
  private def writeImages(root: Path): Path = {
    val colours = Seq("amber" -> ((200, 120, 20)), "blue" -> ((20, 60, 200)), "green" -> ((30, 180, 40)))
    for ((split, offset) <- Seq("train" -> 0, "validation" -> 4, "test" -> 8); ((name, (r, g, b)), c) <- colours.zipWithIndex;
         i <- 0 until 4) {
      val format = if (i % 2 == 0) "png" else "jpg"
      val shade = 8 * (offset + i) + c
      ImageTrees.write(root.resolve(s"$split/$name/img-$i.$format"),
        ImageTrees.solid(8, 8, (r + shade) % 256, (g + shade) % 256, b), format)
    }
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"))
    root
  }

  /**
   * Four configurations on the image tree under reference.conf's 3-fold validation (12 trials, the
   * pooled train/ and validation/ cut into folds on the driver), a few epochs each, one thread
   * per trial.
   */
  private def writeConf(dir: Path, images: Path): Path =
    Files.writeString(dir.resolve("cluster.conf"),
      s"""gapsweep {
        |  name = cluster
        |  search-space { depth = [1], dropout = [0.0, 0.5], l2 = [0.0, 0.01] }
        |  training { batch-size = 8, max-epochs = 3, patience = 3, base-filters = 2, dense-units = 8 }
        |  data {
        |    source = directory
        |    width = 8, height = 8
        |    directory { path = "$images", min-images-per-class = 4 }
        |  }
        |  run.threads-per-trial = 1
        |  refit.mode = data-parallel
        |}
        |""".stripMargin)

  /** Runs a command as user nobody (uid and gid 65534, no supplementary groups). */
  private val asNobody = Seq("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups")

  private val worldOpen = PosixFilePermissions.fromString("rwxr-xr-x")
  private val worldWritable = PosixFilePermissions.fromString("rwxrwxrwx")

  /** Every folder under `dir` 755 and every file 644, whatever the umask. */
  private def openToAll(dir: Path): Unit = {
    val paths = Files.walk(dir)
    try paths.iterator().asScala.foreach { p =>
      Files.setPosixFilePermissions(p,
        if (Files.isDirectory(p)) worldOpen else PosixFilePermissions.fromString("rw-r--r--"))
    }
    finally paths.close()
  }

  /** Copies `from` to `to`, leaving out jars (the application jar that executors fetched). */
  private def copyLogs(from: Path, to: Path): Unit = if (Files.isDirectory(from)) {
    val paths = Files.walk(from)
    try paths.iterator().asScala.filterNot(_.getFileName.toString.endsWith(".jar")).foreach { p =>
      val copy = to.resolve(from.relativize(p).toString)
      if (Files.isDirectory(p)) Files.createDirectories(copy)
      else Files.copy(p, copy, StandardCopyOption.REPLACE_EXISTING)
    }
    finally paths.close()
  }

  private def submit(cluster: StandaloneCluster, conf: Path, out: Path, marker: Path): (Int, String) = {
    val log = work.resolve("submit.log")
    val script = Paths.get("submit/standalone.sh").toAbsolutePath.toString
    val builder = new ProcessBuilder("bash", script, conf.toString, cluster.masterUrl, "--output", out.toString)
      .redirectErrorStream(true)
      .redirectOutput(log.toFile)
    val env = builder.environment()
    env.putAll(cluster.environment.asJava)
    env.put("SPARK_SUBMIT", (cluster.java("1g") :+ "org.apache.spark.deploy.SparkSubmit").mkString(" "))
    env.put("GAPSWEEP_JAR", jar.toString)
    env.put("GAPSWEEP_EXECUTOR_HEAP_MB", "1024")
    env.put("GAPSWEEP_EXECUTOR_OFFHEAP_MB", "512")
    env.put("GAPSWEEP_SUBMIT_OPTS", Seq(
      "--conf spark.driver.host=127.0.0.1",
      "--conf spark.driver.bindAddress=127.0.0.1",
      "--conf spark.ui.enabled=false",
      "--executor-cores 1",
      // Hold the first task back until both executors are registered, so that trials spread
      // over both workers whatever the start-up order.
      "--conf spark.cores.max=2",
      "--conf spark.scheduler.minRegisteredResourcesRatio=1.0",
      "--conf spark.scheduler.maxRegisteredResourcesWaitingTime=120s",
      // The executor that starts the last trial dies mid-trial, once, as a killed JVM would.
      s"--conf spark.executorEnv.GAPSWEEP_FAULT_HALT_EXECUTOR_ONCE=$marker@3",
      // Executors run as another user and write into the folders the driver creates (the
      // output's _temporary/): Hadoop must create them writable by all.
      "--conf spark.hadoop.fs.permissions.umask-mode=000"
    ).mkString(" "))
    val process = builder.start()
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      StandaloneCluster.terminate(Seq(process.toHandle))
      fail(s"standalone.sh did not finish in 10 minutes:\n${Files.readString(log)}")
    }
    (process.exitValue(), Files.readString(log))
  }

  /** Executor ids that ran on a worker, from its work dir (app-ID/EXECUTOR_ID/). */
  private def executorsOf(worker: Path): Set[String] = {
    val apps = Files.list(worker)
    try apps.iterator().asScala.filter(Files.isDirectory(_)).flatMap { app =>
      val executors = Files.list(app)
      try executors.iterator().asScala.map(_.getFileName.toString).toList
      finally executors.close()
    }.toSet
    finally apps.close()
  }

  private def trials(out: Path): Seq[Row] =
    spark.read.parquet(out.resolve("trials").toString)
      .select("trial_id", "config_id", "status", "stop_reason", "best_epoch", "epochs_run", "threads")
      .orderBy("trial_id").collect().toSeq

  private def curves(out: Path): Seq[Row] =
    spark.read.parquet(out.resolve("curves").toString)
      .select("trial_id", "epoch", "train_loss", "train_acc", "val_loss", "val_acc", "fit_loss", "l2_penalty")
      .orderBy("trial_id", "epoch").collect().toSeq

  test("standalone.sh runs a sweep on two workers as another user, survives a lost executor, " +
    "and matches local mode, with images only the driver can read", Cluster) {
    deleteRecursively(work)
    Files.createDirectories(work)
    val images = writeImages(work.resolve("images"))
    val conf = writeConf(work, images)
    val localOut = work.resolve("out-local")

    // Workers and executors run as nobody; the master and the driver as this JVM's user (root).
    // The image folder is private to the driver's user: executors get the encoded bytes.
    // Switching users needs root: CI has it (and must run this test); elsewhere it is cancelled.
    val root = new com.sun.security.auth.module.UnixSystem().getUid == 0
    if (!root) {
      assert(!sys.env.contains("CI"), "CI must run the cluster test as root")
      cancel("the cluster test runs its workers as user nobody, which needs root")
    }
    assert(Files.isExecutable(Paths.get(asNobody.head)), s"${asNobody.head} is missing (util-linux)")
    val probeCommand = asNobody ++ Seq("cat", images.resolve("train/amber/img-0.png").toString)
    val probeBuilder = new ProcessBuilder(probeCommand.asJava).redirectErrorStream(true)
    probeBuilder.environment().put("LC_ALL", "C")
    val probe = probeBuilder.start()
    val probed = new String(probe.getInputStream.readAllBytes())
    assert(probe.waitFor(1, TimeUnit.MINUTES))
    assert(probe.exitValue() != 0 && probed.contains("Permission denied"),
      s"nobody can read the images (exit ${probe.exitValue()}): $probed")

    // What nobody needs, in a fresh folder of /tmp that it can reach whatever this checkout's
    // path is: a Spark home of copied jars, the workers' folders, a HOME (JavaCPP's native cache),
    // the output and the fault marker. Logs and output are copied to target/spark-work after.
    val scratch = Files.createTempDirectory("gapsweep-cluster-")
    try {
      Files.setPosixFilePermissions(scratch, worldOpen)
      val scratchHome = scratch.resolve("spark-home")
      SparkHome.build(scratchHome, property("gapsweep.dependency.tree"), copy = true)
      openToAll(scratchHome)
      Seq("worker-1", "worker-2", "local", "home", "shared").foreach { name =>
        Files.setPosixFilePermissions(Files.createDirectories(scratch.resolve(name)), worldWritable)
      }
      val nobodyHome = scratch.resolve("home")
      val clusterOut = scratch.resolve("shared/out-cluster")
      val marker = scratch.resolve("shared/executor-halted")
      try sweep(scratch, scratchHome, nobodyHome, images, conf, clusterOut, marker, localOut)
      finally {
        Seq("worker-1", "worker-2").foreach(w => copyLogs(scratch.resolve(w), work.resolve(w)))
        copyLogs(clusterOut, work.resolve("out-cluster"))
      }
    } finally deleteRecursively(scratch)
  }

  private def sweep(scratch: Path, scratchHome: Path, nobodyHome: Path, images: Path, conf: Path,
      clusterOut: Path, marker: Path, localOut: Path): Unit = {
    val started = System.nanoTime()
    def seconds(from: Long) = f"${(System.nanoTime() - from) / 1e9}%.1f s"
    val cluster = new StandaloneCluster(scratchHome, work, scratch, asNobody, Map(
      "HOME" -> nobodyHome.toString,
      // The JVM takes user.home from the password database (nobody's is /nonexistent). Temporary
      // files stay in the scratch folder, and no /tmp/hsperfdata_nobody is left behind.
      "JAVA_TOOL_OPTIONS" -> (s"-Duser.home=$nobodyHome -Djava.io.tmpdir=$nobodyHome " +
        s"-Dorg.bytedeco.javacpp.cachedir=$nobodyHome/.javacpp/cache -XX:-UsePerfData")))
    val (code, output) =
      try {
        cluster.start(workers = 2, memory = "1536m", timeout = Duration.ofSeconds(90))
        info(s"cluster of 2 workers (as nobody) ready in ${seconds(started)}")
        val state = cluster.state()
        assert(state.contains("\"url\" : \"" + cluster.masterUrl + "\""), state)
        val submitted = System.nanoTime()
        val result = submit(cluster, conf, clusterOut, marker)
        info(s"sweep submitted and finished in ${seconds(submitted)}")
        result
      } finally {
        val stopping = System.nanoTime()
        cluster.close()
        info(s"cluster stopped in ${seconds(stopping)}")
      }
    assert(cluster.leftovers.isEmpty, cluster.leftovers.map(_.info()).mkString("\n"))
    assert(code == 0, output)
    assert(output.contains("12 trials: 12 completed, 0 diverged, 0 failed."), output)
    // The driver read the 36 files; executors, which cannot, decoded them.
    assert(output.contains(s"Decoded 36 files from $images"), output)

    // An executor JVM died during a trial; Spark ran the trial again elsewhere and the driver
    // recorded it once (twelve distinct trials below, with the metrics of local mode).
    assert(Files.exists(marker), "the fault was not injected")
    assert(output.contains("Lost executor"), output)

    // Complete results.
    val clusterTrials = trials(clusterOut)
    assert(clusterTrials.size == 12)
    assert(clusterTrials.map(_.getString(0)).distinct.size == 12)
    assert(spark.read.parquet(clusterOut.resolve("trials").toString).select("fold").distinct()
      .collect().map(_.getInt(0)).toSet == Set(0, 1, 2))
    assert(clusterTrials.map(_.getString(2)).toSet == Set("COMPLETED"))
    val clusterCurves = curves(clusterOut)
    assert(clusterCurves.map(r => (r.getString(0), r.getInt(1))) ==
      clusterTrials.flatMap(t => (1 to t.getInt(5)).map(epoch => (t.getString(0), epoch))))
    assert(Files.readString(clusterOut.resolve("sweep.conf")).contains("cluster"))
    // Executors wrote the tables, as nobody.
    val parts = Files.list(clusterOut.resolve("trials"))
    val owners = try parts.iterator().asScala.filter(_.getFileName.toString.startsWith("part-"))
      .map(Files.getAttribute(_, "unix:uid")).toSet
    finally parts.close()
    assert(owners == Set(65534), s"owners of the trials table's files: $owners")

    // Trials ran in executor JVMs on both workers.
    val placement = spark.read.parquet(clusterOut.resolve("trials").toString)
      .select("executor_id", "pid").collect().toSeq
    val executorIds = placement.map(_.getString(0)).toSet
    assert(!executorIds.contains("driver"), placement)
    assert(placement.map(_.getLong(1)).toSet.size == executorIds.size, placement)
    val perWorker = Seq(1, 2).map(i => executorsOf(scratch.resolve(s"worker-$i")))
    assert(perWorker.forall(worker => worker.intersect(executorIds).nonEmpty),
      s"trials ran on executors $executorIds; the workers ran $perWorker")

    // The recommendation was refit data-parallel on both workers, its batches shipped through
    // Spark (no file system is shared), and tested on executors.
    val refitOn = """Data-parallel refit \(Direct approach\): \d+ epochs in [\d.]+ s, \d+ tasks on executors ([\d, ]+)""".r
      .findFirstMatchIn(output).map(_.group(1).split(", ").toSet)
    assert(refitOn.exists(ids => perWorker.forall(_.intersect(ids).nonEmpty)),
      s"refit on $refitOn; the workers ran $perWorker:\n$output")
    assert("""Evaluated 12 images with dl4j-spark: \d+ tasks? on executors? [\d, ]+\n""".r
      .findFirstIn(output).nonEmpty, output)
    assert(output.contains("(data-parallel)"), output)
    assert(spark.read.parquet(clusterOut.resolve("test_results").toString)
      .select("refit_mode", "examples").collect().map(r => (r.getString(0), r.getInt(1))).toSeq ==
      Seq(("data-parallel", 12)))

    // The same sweep in local mode, in this JVM: same threads per trial, so the same numbers.
    val localStarted = System.nanoTime()
    val local = Cli.run("run", conf.toString, "--output", localOut.toString)
    info(s"the same sweep in local mode took ${seconds(localStarted)}")
    assert(local.code == 0, local.err)
    assert(clusterTrials == trials(localOut))
    assert(clusterCurves == curves(localOut))
    info(s"whole test: ${seconds(started)}")
  }
}
