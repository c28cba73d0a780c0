package io.gapsweep.analysis;

import io.gapsweep.store.ResultSchema;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The lookup view {@code t_quantiles(df INT, t975 DOUBLE)}: the 0.975 quantile of Student's t
 * distribution with {@code df} degrees of freedom, for df = 1 .. (number of trials - 1).
 *
 * <p>Spark SQL has no t quantile function, so the views that compute 95% t-intervals join this
 * table on {@code df = n - 1}. It is data, not a definition: the SQL of every view stays text.
 */
final class TQuantiles {

  /** Name of the temp view. */
  static final String VIEW = "t_quantiles";

  /**
   * Accuracy of the inverse-CDF solver. Commons Math's default (1e-9) leaves t_{0.975,2} wrong in
   * the 11th digit; 1e-15 brings every quantile to within a few ulps of the exact value.
   */
  private static final double SOLVER_ACCURACY = 1e-15;

  private static final StructType SCHEMA =
      new StructType()
          .add("df", DataTypes.IntegerType, false)
          .add("t975", DataTypes.DoubleType, false);

  private TQuantiles() {}

  /**
   * Registers {@value #VIEW} for every degree of freedom a view over the registered {@code trials}
   * can need: a mean over n trials has n - 1, and n is at most the number of trials.
   */
  static void register(SparkSession spark) {
    long trials = spark.table(ResultSchema.TRIALS).count();
    int maxDf = (int) Math.max(1, Math.min(Integer.MAX_VALUE, trials - 1));
    List<Row> rows = new ArrayList<>(maxDf);
    for (int df = 1; df <= maxDf; df++) {
      rows.add(RowFactory.create(df, t975(df)));
    }
    spark.createDataFrame(rows, SCHEMA).createOrReplaceTempView(VIEW);
  }

  /** The 0.975 quantile of Student's t with {@code df} degrees of freedom. */
  static double t975(int df) {
    return new TDistribution(null, df, SOLVER_ACCURACY).inverseCumulativeProbability(0.975);
  }
}
