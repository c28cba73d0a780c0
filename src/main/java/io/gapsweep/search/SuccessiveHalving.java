package io.gapsweep.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The arithmetic and the decisions of successive halving with synchronous rungs; no Spark here
 * (the driver loop is {@code dispatch.HalvingSweep}).
 *
 * <p>Rung {@code k} ends at epoch {@code r·η^k} while that is below the epoch limit R; the last
 * rung ends at R (where every trial ends anyway). After each rung but the last, the configurations
 * that trained in it are ranked by their score (see {@link Standing}) and a still-running one
 * continues when it is among the best {@code ⌈n/η⌉} of the {@code n} ranked, or statistically tied
 * with the rung's leader; the others are pruned. The unit is the configuration: all its trials
 * (seeds × folds) continue or stop together.
 */
public final class SuccessiveHalving {

  private SuccessiveHalving() {}

  /**
   * The epoch each rung ends at: {@code r, r·η, r·η², …} below {@code maxEpochs}, then {@code
   * maxEpochs}. With {@code r >= maxEpochs} there is one rung, and nothing is pruned.
   */
  public static List<Integer> rungEnds(int minEpochs, int reductionFactor, int maxEpochs) {
    if (minEpochs < 1 || reductionFactor < 2 || maxEpochs < 1) {
      throw new IllegalArgumentException("Cannot place rungs with min-epochs " + minEpochs
          + ", reduction-factor " + reductionFactor + " and max-epochs " + maxEpochs);
    }
    List<Integer> ends = new ArrayList<>();
    for (long epoch = minEpochs; epoch < maxEpochs; epoch *= reductionFactor) {
      ends.add((int) epoch);
    }
    ends.add(maxEpochs);
    return List.copyOf(ends);
  }

  /**
   * A configuration at the end of a rung.
   *
   * @param configId the configuration
   * @param score the mean over its trials of each trial's best (lowest) clean validation loss so
   *     far, not its last epoch's; a trial that failed or diverged counts as +∞
   * @param running whether any of its trials paused at the rung; false when all its trials have
   *     ended (early stopping before the rung): it still ranks, and raises the bar for the others
   */
  public record Standing(String configId, double score, boolean running) {}

  /**
   * What happens after a rung.
   *
   * @param rung the rung, from 0
   * @param ranked the standings, best first (score, then configuration id)
   * @param slots {@code ⌈n/η⌉}: the ranks that continue
   * @param promoted running configurations among the best {@code slots}, best first
   * @param tied running configurations beyond the slots kept for a statistical tie with the leader
   * @param pruned running configurations that stop here, best first
   */
  public record Decision(
      int rung, List<Standing> ranked, int slots, List<String> promoted, List<String> tied,
      List<String> pruned) {

    public Decision {
      ranked = List.copyOf(ranked);
      promoted = List.copyOf(promoted);
      tied = List.copyOf(tied);
      pruned = List.copyOf(pruned);
    }

    /** The configurations that train in the next rung: promoted, then tied. */
    public List<String> continuing() {
      List<String> all = new ArrayList<>(promoted);
      all.addAll(tied);
      return all;
    }
  }

  /**
   * Decides rung {@code rung}.
   *
   * @param standings every configuration that trained in the rung
   * @param tiedWithLeader configurations statistically tied with the best-scored one (the
   *     caller's test; may hold finished ones, which are ignored)
   */
  public static Decision decide(
      int rung, int reductionFactor, List<Standing> standings, Set<String> tiedWithLeader) {
    List<Standing> ranked = standings.stream()
        .sorted(Comparator.comparingDouble(Standing::score).thenComparing(Standing::configId))
        .toList();
    int slots = (int) Math.ceil(ranked.size() / (double) reductionFactor);
    List<String> promoted = new ArrayList<>();
    List<String> tied = new ArrayList<>();
    List<String> pruned = new ArrayList<>();
    for (int i = 0; i < ranked.size(); i++) {
      Standing s = ranked.get(i);
      if (!s.running()) {
        continue;
      }
      if (i < slots) {
        promoted.add(s.configId());
      } else if (tiedWithLeader.contains(s.configId())) {
        tied.add(s.configId());
      } else {
        pruned.add(s.configId());
      }
    }
    return new Decision(rung, ranked, slots, promoted, tied, pruned);
  }
}
