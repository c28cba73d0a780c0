package io.gapsweep.analysis;

import com.typesafe.config.ConfigFactory;
import io.gapsweep.config.SettingsLoader;
import io.gapsweep.config.SweepSettings;
import io.gapsweep.store.MissingResultsException;
import io.gapsweep.store.OutputFolder;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * A finished sweep read back from its output folder, with every table and analysis view
 * registered in the session: what the commands that query results, and the notebooks (through
 * {@code spark._jvm}), start from.
 *
 * @param settings the settings the sweep ran with, from its saved {@code sweep.conf}
 * @param configuration the saved configuration text
 * @param classes the class names, in label order
 */
public record SavedSweep(SweepSettings settings, String configuration, List<String> classes) {

  /**
   * Registers {@code trials}, {@code curves} and every analysis view of {@code output}: the views'
   * rows as its run saved them, when they are still current ({@link AnalysisViews#registerSaved}).
   */
  public static SavedSweep open(SparkSession spark, String output) {
    OutputFolder folder = OutputFolder.of(spark, output);
    folder.registerViews(spark);
    String configuration = folder.readConf();
    SweepSettings settings = SettingsLoader.fromConfig(ConfigFactory.parseString(configuration));
    List<String> classes =
        folder.readText(OutputFolder.CLASSES)
            .map(text -> text.lines().filter(line -> !line.isEmpty()).toList())
            .orElseThrow(() -> MissingResultsException.noFile(output, OutputFolder.CLASSES));
    AnalysisViews.registerSaved(spark, folder, settings.leaderboard(), classes.size());
    return new SavedSweep(settings, configuration, classes);
  }
}
