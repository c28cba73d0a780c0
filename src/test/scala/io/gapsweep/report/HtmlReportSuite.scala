package io.gapsweep.report

import io.gapsweep.analysis.AnalysisViews
import io.gapsweep.config.LeaderboardSettings
import io.gapsweep.store.OutputFolder
import io.gapsweep.testing.SavedResults
import io.gapsweep.testing.{Cli, SharedSparkSession, TempDirs, TrialFixtures}
import io.gapsweep.testing.TrialFixtures.curve
import org.scalatest.funsuite.AnyFunSuite

import java.nio.file.{Files, Path, Paths}
import java.util.concurrent.TimeUnit
import scala.jdk.CollectionConverters._

/**
 * The report as a person sees it: rendered by headless Chromium (Debian's chromium package;
 * .ci/run installs it). Without Chromium the browser test is cancelled, except under CI.
 */
class HtmlReportSuite extends AnyFunSuite with SharedSparkSession with TempDirs {

  private val hostile = "<script>alert(1)</script>"

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

  test("heatmaps render whatever their values: equal, negative, one cell") {
    for (values <- Seq(Seq(0.25, 0.25), Seq(-0.002, 0.0), Seq(0.0, 0.002), Seq(0.5), Seq(-1.0, 3.0))) {
      val cells = new java.util.ArrayList[Array[Number]]()
      values.zipWithIndex.foreach { case (v, i) => cells.add(Array[Number](i, 0, v)) }
      val columns = values.indices.map(_.toString).asJava
      val chart = Charts.heatmap("values " + values, "x", "y", columns, Seq("0").asJava, cells)
      assert(Charts.dataUri(chart).startsWith("data:image/png;base64,"), values)
    }
  }

  test("every string from data or configuration is escaped") {
    withTempDir { dir =>
      writeResults(dir)
      OutputFolder.of(spark, dir.toString).registerViews(spark)
      AnalysisViews.register(spark, new LeaderboardSettings(LeaderboardSettings.Band.ACCURACY_TOLERANCE, 1.0, 0.05, 0.5), 2)
      val html = HtmlReport.render(spark, hostile, hostile, hostile)
      assert(!html.contains("<script"))
      assert(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
      assert(html.contains("<h1>gapsweep: &lt;script&gt;"))
    }
  }

  test("gapsweep report writes a page that Chromium renders with every chart and no console error") {
    withTempDir { dir =>
      writeResults(dir)
      val result = Cli.run("report", dir.toString)
      assert(result.code == 0, result.err)
      val report = dir.resolve("report.html")
      assert(result.out == s"Report: $report\n")
      val html = Files.readString(report)
      assert(!html.contains("http://") && !html.contains("https://"), "the page must be self-contained")
      val images = "<img ".r.findAllMatchIn(html).size
      // Two configurations: loss and accuracy curves each, one heatmap per depth/augmentation,
      // and one effect plot per axis.
      assert(images == 2 * 2 + 2 + 4)

      val chromium = Seq("/usr/bin/chromium", "/usr/bin/chromium-browser").find(p => Files.exists(Paths.get(p)))
      if (chromium.isEmpty) {
        assert(!sys.env.contains("CI"), "CI must install chromium (.ci/run does)")
        cancel("chromium is not installed; .ci/run installs it")
      }
      // A copy of the page with a probe that counts decoded images once the page has loaded.
      val probe = dir.resolve("probe.html")
      Files.writeString(probe, html.replace("</body>",
        """<script>window.addEventListener('load', () => {
          |  const all = Array.from(document.images);
          |  const ok = all.filter(i => i.complete && i.naturalWidth > 0).length;
          |  document.body.setAttribute('data-images', ok + '/' + all.length);
          |});</script></body>""".stripMargin))
      val process = new ProcessBuilder(
        chromium.get, "--headless=new", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr",
        "--v=0", "--virtual-time-budget=10000", "--dump-dom", probe.toUri.toString)
        .redirectError(dir.resolve("chromium.log").toFile)
        .start()
      val dom = new String(process.getInputStream.readAllBytes())
      assert(process.waitFor(2, TimeUnit.MINUTES))
      assert(dom.contains(s"""data-images="$images/$images""""), dom.take(500))
      val log = Files.readAllLines(dir.resolve("chromium.log")).asScala
      val consoleErrors = log.filter(l => l.contains("CONSOLE") || l.contains("Uncaught"))
      assert(consoleErrors.isEmpty, consoleErrors.mkString("\n"))
    }
  }
}
