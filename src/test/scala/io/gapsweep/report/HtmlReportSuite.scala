package io.gapsweep.report

import io.gapsweep.analysis.AnalysisViews
import io.gapsweep.config.{AugmentationPreset, LeaderboardSettings}
import io.gapsweep.data.SyntheticShapes
import io.gapsweep.store.OutputFolder
import io.gapsweep.testing.SavedResults
import io.gapsweep.testing.{Cli, ContractViews, Fixtures, SharedSparkSession, TempDirs, TrialFixtures}
import io.gapsweep.testing.TrialFixtures.curve
import org.scalatest.funsuite.AnyFunSuite

import java.nio.file.{Files, Path, Paths}
import java.util.concurrent.TimeUnit
import scala.jdk.CollectionConverters._

/**
 * The report as a person sees it: rendered by headless Chromium (Debian's chromium package;
 * .ci/run installs it). Without Chromium the browser tests are cancelled, except under CI.
 */
class HtmlReportSuite extends AnyFunSuite with SharedSparkSession with TempDirs {

  private val hostile = "<script>alert(1)</script>"

  private val optionalViews = Seq("competitive_band", "test_results", "audit", "predictions")

  /** Two configurations; one has an augmentation name that is an HTML injection attempt. */
  private def writeResults(out: Path): Unit = {
    val results = Seq(
      TrialFixtures.trial("good", 0,
        curve((1.5, 0.4, 1.6, 0.35), (1.0, 0.6, 1.2, 0.55), (0.8, 0.7, 1.3, 0.5)), 2),
      TrialFixtures.trial("over", 0,
        curve((1.2, 0.5, 1.5, 0.4), (0.5, 0.9, 1.4, 0.5), (0.1, 1.0, 2.0, 0.45)), 2,
        dropout = 0.0, augmentation = hostile))
    SavedResults.write(spark, out.toString, results.asJava, "gapsweep { name = \"" + "report test\" }\n")
    OutputFolder.of(spark, out.toString).writeText(OutputFolder.DATA_SUMMARY, "classes: " + hostile + "\n")
    OutputFolder.of(spark, out.toString).writeText(OutputFolder.CLASSES, "cat\n" + hostile + "\n")
  }

  /**
   * A 4 dropout x 5 L2 x 2 augmentation grid, two seeds each, with values full of float noise
   * (0.21120999999999998), and every optional view another part of gapsweep may add.
   */
  private def writeGrid(out: Path): Unit = {
    val results = for {
      (dropout, d) <- Seq(0.0, 0.1, 0.25, 0.5).zipWithIndex
      (l2, l) <- Seq(0.0, 0.00001, 0.0001, 0.001, 0.01).zipWithIndex
      (augmentation, a) <- Seq("none", hostile).zipWithIndex
      seed <- 0 to 1
    } yield {
      val over = 0.07 * (3 - d) + 0.031 * (4 - l) + 0.0123 * a + 0.0017 * seed
      val points = (1 to 12).map { e =>
        val train = 1.6 / (1 + 0.31 * e) + 0.01 * d
        val validation = train + over * e / 12.0 + 0.003 * math.max(0, e - 7) + 0.21120999999999998
        (train, 0.3 + 0.05 * e - 0.001 * l, validation, 0.28 + 0.045 * e - 0.002 * d)
      }
      // Successive halving stopped both seeds of the two no-dropout, no-L2 configurations.
      val stopReason = if (d == 0 && l == 0) "pruned" else "patience"
      TrialFixtures.trial(s"c$d$l$a", seed, curve(points: _*), 7 + seed, dropout = dropout, l2 = l2,
        augmentation = augmentation, stopReason = stopReason)
    }
    SavedResults.write(spark, out.toString, results.asJava, "gapsweep { name = \"grid\" }\n")
    val folder = OutputFolder.of(spark, out.toString)
    folder.writeText(OutputFolder.CLASSES, "circle\nsquare\n" + hostile + "\n")
    folder.registerViews(spark)
    AnalysisViews.register(spark,
      new LeaderboardSettings(LeaderboardSettings.Band.ACCURACY_TOLERANCE, 1.0, 0.05, 0.2), 3)
    ContractViews.register(spark)
    spark.sql("SELECT b.config_id, CAST(r.id % 3 AS INT) AS label, " +
      "CAST(CASE WHEN r.id % 7 = 0 THEN (r.id + 1) % 3 ELSE r.id % 3 END AS INT) AS predicted " +
      "FROM leaderboard b CROSS JOIN range(90) r WHERE b.rank = 1")
      .createOrReplaceTempView("predictions")
  }

  private def dropOptionalViews(): Unit = optionalViews.foreach(spark.catalog.dropTempView)

  private lazy val examples: ExampleImages = {
    val data = SyntheticShapes.generate(Fixtures.data(size = 16, trainPerClass = 6))
    ExampleImages.of(data.train(), data.classes(),
      Seq(AugmentationPreset.none(), Fixtures.flips, Fixtures.preset("rotate", rotation = 30)).asJava)
  }

  test("data for the page's script is JSON that cannot end the script element") {
    val json = Json.write(Map[String, Any](
      "name" -> (hostile + "<!-- & \u2028"),
      "values" -> Seq(0.21120999999999998, -7.499999999999998E-4, 16050.0, Double.NaN, 3, null).asJava
    ).asJava)
    assert(json == "{\"name\":\"\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\\u003c!-- \\u0026 " +
      "\\u2028\",\"values\":[0.2112,-0.00075,1.605E+4,null,3,null]}")
  }

  test("shown numbers have at most four significant digits") {
    assert(HtmlReport.significant(0.21120999999999998) == "0.2112")
    assert(HtmlReport.significant(-7.499999999999998E-4) == "-0.00075")
    assert(HtmlReport.significant(16053.0) == "16050")
    assert(HtmlReport.significant(0.5) == "0.5")
  }

  test("every string from data or configuration is escaped") {
    withTempDir { dir =>
      writeResults(dir)
      OutputFolder.of(spark, dir.toString).registerViews(spark)
      AnalysisViews.register(spark, new LeaderboardSettings(LeaderboardSettings.Band.ACCURACY_TOLERANCE, 1.0, 0.05, 0.5), 2)
      val html = HtmlReport.render(spark, hostile, hostile, hostile)
      assert(!html.contains(hostile))
      assert(!html.contains("alert(1)</"))
      assert(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
      assert(html.contains("<h1>gapsweep: &lt;script&gt;"))
      assert(html.contains("\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"))
    }
  }

  test("gapsweep report writes a self-contained page with ECharts and its license inlined") {
    withTempDir { dir =>
      writeResults(dir)
      val result = Cli.run("report", dir.toString)
      assert(result.code == 0, result.err)
      val report = dir.resolve("report.html")
      assert(result.out == s"Report: $report\n")
      val html = Files.readString(report)
      val markup = html.replaceAll("(?s)<script[^>]*>.*?</script>", "")
      val external = """(?i)\b(src|href)\s*=\s*["']?(?!data:|#)[^"'\s>]+""".r.findAllIn(markup).toList
      assert(external.isEmpty, "the page must load nothing")
      assert(html.contains("Licensed to the Apache Software Foundation") ||
        html.contains("Apache License"), "the ECharts license is kept")
      assert(html.contains("echarts"))
      assert(!markup.contains("<img "), "charts are drawn by the script, not pictures")
    }
  }

  test("the example images are kept in the output, so gapsweep report draws them again without the data") {
    withTempDir { dir =>
      writeResults(dir)
      OutputFolder.of(spark, dir.toString).registerViews(spark)
      AnalysisViews.register(spark, new LeaderboardSettings(LeaderboardSettings.Band.ACCURACY_TOLERANCE, 1.0, 0.05, 0.5), 2)
      HtmlReport.write(spark, dir.toString, "run", null, "gapsweep {}", examples)
      assert(Files.isRegularFile(dir.resolve(OutputFolder.EXAMPLES)))
      val images = (html: String) =>
        "<img [^>]*>".r.findAllIn(html.replaceAll("(?s)<script[^>]*>.*?</script>", "")).toList
      val byRun = images(Files.readString(dir.resolve("report.html")))
      assert(byRun.size == 3)
      assert(ExampleImages.fromJson(Files.readString(dir.resolve(OutputFolder.EXAMPLES))) == examples)

      Files.delete(dir.resolve("report.html"))
      val result = Cli.run("report", dir.toString)
      assert(result.code == 0, result.err)
      assert(images(Files.readString(dir.resolve("report.html"))) == byRun)

      // A damaged file costs the pictures, not the report.
      Files.writeString(dir.resolve(OutputFolder.EXAMPLES), "{\"classes\": [], \"sheets\": [{\"png\": \"http://x\"}]}")
      val again = Cli.run("report", dir.toString)
      assert(again.code == 0, again.err)
      assert(images(Files.readString(dir.resolve("report.html"))).isEmpty)
    }
  }

  private lazy val chromium: String = {
    val found = Seq("/usr/bin/chromium", "/usr/bin/chromium-browser").find(p => Files.exists(Paths.get(p)))
    if (found.isEmpty) {
      assert(!sys.env.contains("CI"), "CI must install chromium (.ci/run does)")
      cancel("chromium is not installed; .ci/run installs it")
    }
    found.get
  }

  /**
   * Runs Chromium on {@code page} with every host name unresolvable, so a request that would leave
   * the file fails (and shows in the probe's count of resource entries).
   */
  private def browse(dir: Path, page: Path, width: Int, height: Int, extra: String*): String = {
    val log = dir.resolve(s"chromium-$width-${extra.size}.log")
    val args = Seq(chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
      "--enable-logging=stderr", "--v=0", "--host-resolver-rules=MAP * ~NOTFOUND",
      "--no-first-run", "--disable-background-networking", s"--window-size=$width,$height",
      "--virtual-time-budget=10000") ++ extra :+ page.toUri.toString
    val process = new ProcessBuilder(args: _*).redirectError(log.toFile).start()
    val out = new String(process.getInputStream.readAllBytes())
    assert(process.waitFor(2, TimeUnit.MINUTES))
    val errors = Files.readAllLines(log).asScala.filter(l => l.contains("CONSOLE") || l.contains("Uncaught"))
    assert(errors.isEmpty, errors.mkString("\n"))
    out
  }

  /** The page with a probe: errors caught from the start, charts and requests counted on load. */
  private def probe(html: String): String =
    html.replaceFirst("<head>",
      """<head><script>window.probeErrors = [];
        |window.addEventListener('error', e => window.probeErrors.push(String(e.message)));</script>""".stripMargin)
      .replace("</body>",
        """<script>window.addEventListener('load', () => {
          |  const charts = Array.from(document.querySelectorAll('.chart'));
          |  const drawn = charts.filter(c => c.querySelectorAll('svg path, svg text').length > 0 &&
          |    c.getBoundingClientRect().width > 0).length;
          |  const images = Array.from(document.images).filter(i => i.complete && i.naturalWidth > 0).length;
          |  const requests = performance.getEntriesByType('resource').length;
          |  document.body.setAttribute('data-probe', 'charts ' + drawn + '/' + charts.length +
          |    ', images ' + images + '/' + document.images.length + ', requests ' + requests +
          |    ', errors ' + window.probeErrors.length + ', height ' + document.documentElement.scrollHeight);
          |});</script></body>""".stripMargin)

  /** Fractional numbers in the visible text (markup, scripts, styles and settings dropped). */
  private def shownNumbers(dom: String): Seq[String] = {
    val text = dom
      .replaceAll("(?s)<script.*?</script>", " ")
      .replaceAll("(?s)<style.*?</style>", " ")
      .replaceAll("(?s)<pre>.*?</pre>", " ")
      .replaceAll("(?s)<!--.*?-->", " ")
      .replaceAll("(?s)<[^>]*>", " ")
    """(?<![\w.])-?\d+\.\d+(?:[eE][-+]?\d+)?(?![\w.])|(?<![\w.])\d+[eE]-?\d+(?![\w.])""".r
      .findAllIn(text).toSeq
  }

  private def significantDigits(number: String): Int =
    number.takeWhile(c => c != 'e' && c != 'E').filter(_.isDigit).dropWhile(_ == '0').length

  test("Chromium draws every chart of a 40-configuration report, offline, with no error; screenshots") {
    withTempDir { dir =>
      try {
        writeGrid(dir)
        val html = HtmlReport.render(spark, "grid " + hostile, "classes: 3", "gapsweep { x = 0.123456789 }",
          Seq("circle", "square", hostile).asJava, examples)
        val target = Paths.get("target").toAbsolutePath
        Files.createDirectories(target)
        Files.writeString(target.resolve("report-grid.html"), html)
        val page = dir.resolve("probe.html")
        Files.writeString(page, probe(html))
        val charts = "class=\"chart".r.findAllMatchIn(html).size
        // audit, loss, accuracy, scatter, parallel, 4 effects (depth's one level included),
        // 2 heatmaps, class accuracy, confusion
        assert(charts == 1 + 2 + 1 + 1 + 4 + 2 + 2, charts)
        for (section <- Seq("Recommendation", "Its place in the competitive band", "Held-out test",
            "Audit (post-hoc)", "class by class", "under each augmentation")) {
          assert(html.contains(section), section)
        }
        // The answer comes first and states the test result and the audit's verdict, from the views.
        val best = spark.sql("SELECT * FROM audit WHERE recommended").head()
        val answer = html.substring(html.indexOf("<section class=\"answer\">"), html.indexOf("</section>"))
        assert(html.indexOf("<section class=\"answer\">") < html.indexOf("<h2>Leaderboard"))
        assert(answer.contains("<b>Held-out test:</b> accuracy <b>" +
          HtmlReport.percent(best.getAs[Double]("test_acc")) + "</b> (95% interval " +
          HtmlReport.percent(best.getAs[Double]("test_acc_ci_low")) + " to "), answer)
        assert(answer.contains("n = 320 images"), answer)
        assert(answer.contains(s"ranks <b>${best.getAs[Int]("rank_on_test")} of 40</b> on test; regret <b>" +
          HtmlReport.significant(100 * best.getAs[Double]("regret")) + " points</b>"), answer)
        // Its distance to the best in standard errors, when the band could measure one (here the
        // band was drawn before the predictions view existed, so it has none and says none).
        val distance = spark.sql("SELECT distance_se FROM leaderboard WHERE rank = 1").head()
        if (distance.isNullAt(0)) assert(!answer.contains("standard error"), answer)
        else assert(answer.contains(HtmlReport.significant(distance.getDouble(0)) + " standard errors " +
          "of the paired difference above the lowest") || answer.contains("the lowest of all"), answer)
        // Per class on the test set (162 + 158 + 0 images, ContractViews), not the 90 validation predictions.
        assert(html.contains("Held-out test images (n = 320)"))
        // Pruned trials are counted as pruned.
        assert(html.contains("4 trial(s) were pruned"))
        assert(html.contains("2/2, 2 pruned"))

        val dom = browse(dir, page, 1280, 900, "--dump-dom")
        val probed = "data-probe=\"([^\"]*)\"".r.findFirstMatchIn(dom).map(_.group(1))
        assert(probed.exists(_.startsWith(s"charts $charts/$charts, images 3/3, requests 0, errors 0")), probed)
        assert(!dom.contains("<script>alert(1)"))

        val numbers = shownNumbers(dom)
        assert(numbers.size > 50, "charts' own text is part of the page (SVG renderer)")
        val long = numbers.filter(n => significantDigits(n) > 4)
        assert(long.isEmpty, long.distinct.take(20))

        for (width <- Seq(1280, 800)) {
          // The page's own height at this width, so the screenshot shows all of it.
          val atWidth = browse(dir, page, width, 900, "--dump-dom")
          val height = "height (\\d+)".r.findFirstMatchIn(atWidth).get.group(1).toInt
          val shot = target.resolve(s"report-$width.png")
          Files.deleteIfExists(shot)
          browse(dir, page, width, height, s"--screenshot=$shot")
          assert(Files.size(shot) > 10000, shot)
        }
      } finally dropOptionalViews()
    }
  }
}
