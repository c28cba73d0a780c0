package io.gapsweep.search;

import io.gapsweep.config.Params;
import io.gapsweep.config.SearchSpace;
import java.util.List;

/**
 * Proposes the configurations of a sweep: points of the search space, one value per axis.
 *
 * <p>As in Optuna, a sampler only proposes; it neither trains nor stores. The plan turns each
 * proposal into trial specs (ids, seeds, folds), and a scheduler that decides which trials go on
 * (successive halving) sits beside the sampler and consumes what trials reported. A sampler must
 * be deterministic: the same search space (and, for a random sampler, the same seed) gives the
 * same configurations in the same order, so that a resumed sweep finds the trials it started.
 */
public interface Sampler {

  /** The configurations to train, each once per seed index and fold, without repeats. */
  List<Params> configurations(SearchSpace space);
}
