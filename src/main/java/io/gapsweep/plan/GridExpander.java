package io.gapsweep.plan;

import io.gapsweep.config.AugmentationPreset;
import io.gapsweep.config.Axes;
import io.gapsweep.config.Params;
import io.gapsweep.config.SweepSettings;
import io.gapsweep.search.GridSampler;
import io.gapsweep.search.Sampler;
import io.gapsweep.search.Samplers;
import java.util.ArrayList;
import java.util.List;

/**
 * Expands a search space into trials, deterministically: the sampler's configurations in its
 * order, each repeated for every seed index and, within a seed, for every fold (one, fold 0, under
 * holdout; repeats x folds under k-fold, see {@link FoldPlan}). Ids and seeds come from {@link TrialIds}, so the same
 * configuration always gets the same id and the same seed, and adding a value to an axis leaves
 * the ids of existing trials alone.
 */
public final class GridExpander {

  private GridExpander() {}

  /**
   * The trials of {@code settings}: the full grid ({@link GridSampler}) or the drawn
   * configurations ({@code RandomSampler}), as {@code gapsweep.search.strategy} says.
   */
  public static SweepPlan expand(SweepSettings settings) {
    return expand(settings, Samplers.of(settings.searchSpace().search()));
  }

  /** The trials of the configurations {@code sampler} proposes for {@code settings}. */
  public static SweepPlan expand(SweepSettings settings, Sampler sampler) {
    FoldPlan folds = TrialIds.folds(settings.validation(), settings.data());
    List<String> shared = TrialIds.shared(settings.training(), settings.data(), folds);
    int seeds = settings.searchSpace().seeds();
    List<TrialSpec> trials = new ArrayList<>();
    for (Params params : sampler.configurations(settings.searchSpace())) {
      AugmentationPreset preset =
          settings.augmentationPresets().get(params.value(Axes.AUGMENTATION));
      List<String> configuration = TrialIds.configuration(shared, preset, params);
      String configId = TrialIds.configId(configuration);
      for (int seedIndex = 0; seedIndex < seeds; seedIndex++) {
        for (int fold = 0; fold < folds.splits(); fold++) {
          String trialId = TrialIds.trialId(configuration, fold, seedIndex);
          trials.add(
              new TrialSpec(trialId, configId, params, seedIndex, fold, TrialIds.seed(trialId)));
        }
      }
    }
    return new SweepPlan(TrialIds.hash(shared), trials, folds);
  }
}
