package io.gapsweep.bench

import io.gapsweep.config.{DataSettings, SettingsLoader, SyntheticSettings}
import io.gapsweep.testing.TempDirs
import org.scalatest.funsuite.AnyFunSuite

import java.nio.file.Paths

/** The halving part's searches, as written: on the demo's data, or on the tiny 8×8 one. */
class HalvingCostSuite extends AnyFunSuite with TempDirs {

  private def shape(demo: Boolean) = new HalvingCost.Shape(27, null, null, null, null, demo)

  test("--halving-data demo trains on conf/demo.conf's data and epochs, without its test split") {
    withTempDir { dir =>
      val demo = SettingsLoader.load(Paths.get("conf/demo.conf"))
      val halving = SettingsLoader.load(
        HalvingCost.writeConf(dir, shape(demo = true), HalvingCost.Kind.SYNCHRONOUS, 1))
      val (d, s) = (demo.data(), demo.data().synthetic())
      assert(halving.data() == new DataSettings("synthetic", d.width, d.height, d.channels,
        new SyntheticSettings(s.trainPerClass, s.validationPerClass, s.seed, s.noise, s.clutter, 0),
        d.directory))
      assert(s.testPerClass > 0 && d.width == 24)
      assert(halving.training().maxEpochs() == demo.training().maxEpochs())
      assert(halving.training().patience() == demo.training().patience())
    }
  }

  test("--halving-data tiny trains on 8×8 images with reference.conf's epochs") {
    withTempDir { dir =>
      val halving = SettingsLoader.load(
        HalvingCost.writeConf(dir, shape(demo = false), HalvingCost.Kind.SYNCHRONOUS, 1))
      assert((halving.data().width(), halving.data().height()) == (8, 8))
      assert(halving.data().synthetic() == new SyntheticSettings(12, 12,
        halving.data().synthetic().seed(), halving.data().synthetic().noise(),
        halving.data().synthetic().clutter(), 0))
    }
  }
}
