package io.gapsweep.analysis;

import java.util.List;
import org.apache.spark.sql.SparkSession;

/** Which trials stand for the top of the leaderboard: what gets its model saved. */
public final class Winners {

  /**
   * A top-ranked configuration and its completed seed with the lowest validation loss ({@link
   * AnalysisViews#BEST_SEEDS_SQL}).
   */
  public record Winner(int rank, String configId, String trialId) {}

  private Winners() {}

  /**
   * The first {@code n} ranks of the {@value Leaderboard#VIEW} view, best first; ranks without a
   * completed seed are left out.
   */
  public static List<Winner> top(SparkSession spark, int n) {
    if (n <= 0) {
      return List.of();
    }
    return spark.sql("SELECT l.rank, l.config_id, b.trial_id FROM " + Leaderboard.VIEW + " l JOIN ("
            + AnalysisViews.BEST_SEEDS_SQL + ") b ON b.config_id = l.config_id "
            + "WHERE l.rank IS NOT NULL ORDER BY l.rank LIMIT " + n)
        .collectAsList().stream()
        .map(row -> new Winner(row.getInt(0), row.getString(1), row.getString(2)))
        .toList();
  }
}
