package io.gapsweep.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The decisions of successive halving with asynchronous promotion, as ASHA makes them (Li et al.
 * 2020, "A System for Massively Parallel Hyperparameter Tuning", MLSys, Algorithm 2); no Spark
 * here (the driver loop is {@code dispatch.AsyncHalvingSweep}).
 *
 * <p>Whenever a slot frees, {@link #next()} is asked for work: from the highest rung down, the
 * best-scored configuration that is promotable at its rung and not yet promoted trains on to the
 * next rung; if none is, the next configuration of the plan starts at rung 0. A configuration is
 * promotable at rung {@code k} when it is still running (its trials paused at the rung's epoch)
 * and either among the best {@code ⌊n/η⌋} of the {@code n} configurations that reached the rung
 * so far (ASHA's {@code top_k(rung k, |rung k|/η)}; with fewer than η there, none), or
 * statistically tied with the rung's current leader (the tie guard).
 *
 * <p>Two things differ from ASHA, both because a gapsweep search space is finite:
 *
 * <ul>
 *   <li>A rung <em>closes</em> once no configuration can still reach it: every configuration has
 *       started, none trains towards this rung or one below, and the rung below is closed with
 *       nothing left to promote from it. A closed rung's quota is the synchronous one, {@code
 *       ⌈n/η⌉}, so the tail of a sweep promotes its best as synchronous rungs would (ASHA, drawing
 *       configurations forever, never closes a rung; without this its last survivors could wait
 *       for competitors that never come).
 *   <li>The tie guard is applied against the leader of the rung at each decision, and once more
 *       when the rung closes, so a configuration tied with the final leader of its rung is always
 *       promoted. A promotion is never revisited (as in ASHA): a configuration promoted while tied
 *       with an early leader stays promoted when a better one arrives.
 * </ul>
 *
 * <p>A configuration is <em>pruned</em> at rung {@code k} when the rung is closed and it was
 * running there without being promoted. As under synchronous rungs, the unit is the configuration
 * (all its trials, seeds × folds, move together), its score is the mean over its trials of each
 * trial's best clean validation loss so far, and a configuration whose trials all ended before the
 * rung (early stopping) ranks there and takes its place in the quota but is never promoted.
 *
 * <p>The state is a pure function of the calls made, in order: replaying the journal's {@link
 * Job}s (through {@link #replay}) and arrivals (through {@link #reached}) rebuilds it exactly.
 * Not thread-safe: the driver's loop owns it.
 */
public final class AsynchronousHalving {

  /**
   * Work for a freed slot: train configuration {@code configId} up to the end of rung {@code
   * rung} (0: a new configuration; otherwise a promotion from rung {@code rung - 1}).
   */
  public record Job(String configId, int rung) {}

  /**
   * A configuration at the end of a rung: every trial of it paused at the rung's epoch or ended
   * before it.
   *
   * @param configId the configuration
   * @param score the mean over its trials of each trial's best clean validation loss so far; +∞
   *     for a failed or diverged trial
   * @param running whether any of its trials paused at the rung (false: all ended)
   * @param losses per validation example, the loss at each trial's best epoch so far, averaged
   *     over the trials holding the example, in example-id order; null when not available (then
   *     the configuration is never kept for a tie, only ranked)
   */
  public record Arrival(String configId, double score, boolean running, double[] losses) {}

  /** Which configurations at a rung are statistically tied with the best-scored one. */
  @FunctionalInterface
  public interface TieTest {
    /** The configurations of {@code arrivals} tied with the leader, the leader included. */
    Set<String> tiedWithLeader(List<Arrival> arrivals);
  }

  private static final Comparator<Arrival> BEST_FIRST =
      Comparator.comparingDouble(Arrival::score).thenComparing(Arrival::configId);

  private final List<String> configs;
  private final int reductionFactor;
  private final int rungs;
  private final TieTest ties;
  private int started;
  private final Map<String, Integer> inFlight = new LinkedHashMap<>();
  private final List<Map<String, Arrival>> reached = new ArrayList<>();
  private final List<Set<String>> promoted = new ArrayList<>();
  private final Map<Integer, Set<String>> tiedCache = new LinkedHashMap<>();

  /**
   * @param configs the plan's configurations, in the order they start
   * @param reductionFactor η, at least 2
   * @param rungs the number of rungs ({@link SuccessiveHalving#rungEnds}); nothing is promoted
   *     from the last
   * @param ties the tie guard
   */
  public AsynchronousHalving(List<String> configs, int reductionFactor, int rungs, TieTest ties) {
    if (reductionFactor < 2 || rungs < 1) {
      throw new IllegalArgumentException("Cannot promote with reduction-factor " + reductionFactor
          + " over " + rungs + " rung(s)");
    }
    this.configs = List.copyOf(configs);
    this.reductionFactor = reductionFactor;
    this.rungs = rungs;
    this.ties = ties;
    for (int k = 0; k < rungs; k++) {
      reached.add(new LinkedHashMap<>());
      promoted.add(new HashSet<>());
    }
  }

  /**
   * The work for a freed slot, recorded as in flight: a promotion (highest rung first, best score
   * first) or else a new configuration; empty when there is none now (wait for an arrival, or the
   * search is {@link #finished()}).
   */
  public Optional<Job> next() {
    boolean[] closed = closedRungs();
    for (int k = rungs - 2; k >= 0; k--) {
      List<String> promotable = promotable(k, closed[k]);
      if (!promotable.isEmpty()) {
        Job job = new Job(promotable.get(0), k + 1);
        replay(job);
        return Optional.of(job);
      }
    }
    if (started < configs.size()) {
      Job job = new Job(configs.get(started), 0);
      replay(job);
      return Optional.of(job);
    }
    return Optional.empty();
  }

  /**
   * Records {@code job} as decided (a journaled decision, on a rerun after a crash). A new
   * configuration must be the next of the plan, a promotion one that reached the rung below.
   */
  public void replay(Job job) {
    if (inFlight.containsKey(job.configId())) {
      throw new IllegalStateException("Configuration " + job.configId()
          + " is already training towards rung " + inFlight.get(job.configId()));
    }
    if (job.rung() == 0) {
      if (started >= configs.size() || !configs.get(started).equals(job.configId())) {
        throw new IllegalStateException("Cannot start configuration " + job.configId()
            + ": the next configuration of the plan is "
            + (started < configs.size() ? configs.get(started) : "none"));
      }
      started++;
    } else {
      int from = job.rung() - 1;
      Arrival there = job.rung() < rungs ? reached.get(from).get(job.configId()) : null;
      if (there == null || !there.running() || !promoted.get(from).add(job.configId())) {
        throw new IllegalStateException("Cannot promote configuration " + job.configId()
            + " to rung " + job.rung() + ": it is not running at rung " + from
            + " or was promoted from it before");
      }
    }
    inFlight.put(job.configId(), job.rung());
  }

  /** Records that the configuration of an in-flight job reached the end of rung {@code rung}. */
  public void reached(int rung, Arrival arrival) {
    Integer expected = inFlight.get(arrival.configId());
    if (expected == null || expected != rung) {
      throw new IllegalStateException("Configuration " + arrival.configId() + " cannot reach rung "
          + rung + ": it trains towards " + (expected == null ? "no rung" : "rung " + expected));
    }
    inFlight.remove(arrival.configId());
    reached.get(rung).put(arrival.configId(), arrival);
    tiedCache.remove(rung);
  }

  /** Configurations training towards a rung: rung by configuration, in the order decided. */
  public Map<String, Integer> inFlight() {
    return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(inFlight));
  }

  /** Whether no configuration can reach rung {@code rung} any more (see the class comment). */
  public boolean closed(int rung) {
    return closedRungs()[rung];
  }

  /** Whether all is decided: every rung is closed (nothing in flight, nothing to promote). */
  public boolean finished() {
    return closedRungs()[rungs - 1];
  }

  /**
   * The configurations pruned at rung {@code rung}, best first: the rung is closed, and they were
   * running there but are neither promoted nor promotable (a promotable one waits for a free slot).
   * Empty while the rung is open. Nothing is pruned at the last rung (every trial ends there).
   */
  public List<String> pruned(int rung) {
    if (!closed(rung)) {
      return List.of();
    }
    List<String> promotable = promotable(rung, true);
    return ranked(rung).stream()
        .filter(a -> a.running() && !promoted.get(rung).contains(a.configId())
            && !promotable.contains(a.configId()))
        .map(Arrival::configId)
        .toList();
  }

  /** The configurations promoted from rung {@code rung}, in no particular order. */
  public Set<String> promoted(int rung) {
    return Set.copyOf(promoted.get(rung));
  }

  /** The arrivals at rung {@code rung}, best first (score, then configuration id). */
  public List<Arrival> ranked(int rung) {
    return reached.get(rung).values().stream().sorted(BEST_FIRST).toList();
  }

  /** The number of ranks at rung {@code rung} that are promotable now: ⌊n/η⌋, ⌈n/η⌉ once closed. */
  public int quota(int rung) {
    return quota(rung, closed(rung));
  }

  private int quota(int rung, boolean closed) {
    int n = reached.get(rung).size();
    return closed ? (n + reductionFactor - 1) / reductionFactor : n / reductionFactor;
  }

  /** Running, not yet promoted configurations at rung {@code k} in its quota or tied, best first. */
  private List<String> promotable(int k, boolean closed) {
    List<Arrival> ranked = ranked(k);
    int quota = quota(k, closed);
    Set<String> tied = tied(k, ranked);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < ranked.size(); i++) {
      Arrival a = ranked.get(i);
      if (a.running() && !promoted.get(k).contains(a.configId())
          && (i < quota || tied.contains(a.configId()))) {
        out.add(a.configId());
      }
    }
    return out;
  }

  private Set<String> tied(int rung, List<Arrival> ranked) {
    if (ranked.size() < 2) {
      return Set.of();
    }
    return tiedCache.computeIfAbsent(rung, k -> Set.copyOf(ties.tiedWithLeader(ranked)));
  }

  private boolean[] closedRungs() {
    boolean[] closed = new boolean[rungs];
    boolean below = started == configs.size();
    for (int k = 0; k < rungs; k++) {
      int rung = k;
      boolean towards = inFlight.values().stream().anyMatch(r -> r <= rung);
      closed[k] = below && !towards;
      below = closed[k] && promotable(k, true).isEmpty();
    }
    return closed;
  }
}
