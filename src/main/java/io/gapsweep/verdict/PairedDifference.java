package io.gapsweep.verdict;

import org.apache.commons.math3.stat.interval.ConfidenceInterval;

/**
 * The difference between two models' accuracies on the same test images, first minus second, with
 * Newcombe's square-and-add 95% interval for paired proportions: R. G. Newcombe, "Improved
 * confidence intervals for the difference between binomial proportions based on paired data",
 * Statistics in Medicine 17 (1998) 2635–2650, method 10, with the correlation estimate as
 * Fagerland, Lydersen and Laake give it (Statistical Analysis of Contingency Tables, 2017, §8.5;
 * they recommend the interval in Statistics in Medicine 33 (2014) 2850–2875). Only the images the
 * two models disagree on move the difference, so when both get the same images right the interval
 * is much narrower than one that treats the two accuracies as independent.
 *
 * @param examples images both models were scored on, >= 1
 * @param bothRight images both classified correctly
 * @param onlyFirst images the first classified correctly and the second did not
 * @param onlySecond images the second classified correctly and the first did not
 * @param low lower bound of the 95% interval of the difference
 * @param high upper bound
 */
public record PairedDifference(
    int examples, int bothRight, int onlyFirst, int onlySecond, double low, double high) {

  /** first's accuracy minus second's. */
  public double difference() {
    return (double) (onlyFirst - onlySecond) / examples;
  }

  /**
   * The paired difference of two models' per-image outcomes, {@code first[i]} and {@code
   * second[i]} true when the model classified image i correctly.
   */
  public static PairedDifference of(boolean[] first, boolean[] second) {
    if (first.length != second.length || first.length == 0) {
      throw new IllegalArgumentException("A paired difference needs the same images, at least one:"
          + " got " + first.length + " and " + second.length);
    }
    int a = 0;
    int b = 0;
    int c = 0;
    for (int i = 0; i < first.length; i++) {
      if (first[i] && second[i]) {
        a++;
      } else if (first[i]) {
        b++;
      } else if (second[i]) {
        c++;
      }
    }
    int n = first.length;
    int d = n - a - b - c;
    double p1 = (double) (a + b) / n;
    double p2 = (double) (a + c) / n;
    ConfidenceInterval w1 = TestScore.wilson(n, a + b);
    ConfidenceInterval w2 = TestScore.wilson(n, a + c);
    double l1 = w1.getLowerBound();
    double u1 = w1.getUpperBound();
    double l2 = w2.getLowerBound();
    double u2 = w2.getUpperBound();
    double psi = correlation(a, b, c, d);
    double theta = p1 - p2;
    double low = theta - Math.sqrt(square(p1 - l1) + square(u2 - p2)
        - 2 * psi * (p1 - l1) * (u2 - p2));
    double high = theta + Math.sqrt(square(p2 - l2) + square(u1 - p1)
        - 2 * psi * (p2 - l2) * (u1 - p1));
    return new PairedDifference(n, a, b, c, low, high);
  }

  /**
   * The estimate of the correlation between the two accuracies (the phi coefficient of the 2x2
   * table), shrunk towards 0 by half an image as Newcombe's method 10 does, and 0 when a margin is
   * empty.
   */
  private static double correlation(int a, int b, int c, int d) {
    double n = a + b + c + d;
    double product = (double) (a + b) * (c + d) * (a + c) * (b + d);
    if (product == 0) {
      return 0;
    }
    double cross = (double) a * d - (double) b * c;
    if (cross > n / 2) {
      return (cross - n / 2) / Math.sqrt(product);
    }
    return cross >= 0 ? 0 : cross / Math.sqrt(product);
  }

  private static double square(double x) {
    return x * x;
  }
}
