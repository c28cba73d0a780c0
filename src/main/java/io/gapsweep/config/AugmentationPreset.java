package io.gapsweep.config;

import java.io.Serializable;

/**
 * A named set of Keras {@code ImageDataGenerator} knobs, with Keras's meanings.
 *
 * @param name preset name, as the grid's {@code augmentation} axis refers to it
 * @param rotationRange maximum rotation, degrees; the angle is drawn from [-r, r]
 * @param widthShiftRange maximum horizontal shift as a fraction of the width
 * @param heightShiftRange maximum vertical shift as a fraction of the height
 * @param shearRange maximum shear angle, degrees
 * @param zoomRange zoom factor drawn from [1 - z, 1 + z] per axis
 * @param horizontalFlip flip left-right with probability 1/2
 * @param verticalFlip flip top-bottom with probability 1/2
 * @param channelShiftRange maximum shift added to every channel, in 0..255 pixel units
 * @param fillMode how pixels from outside the image are filled
 * @param fillValue the value used by {@link FillMode#CONSTANT}, in 0..255 units
 * @param brightnessMin lower bound of the brightness factor (1 = unchanged)
 * @param brightnessMax upper bound of the brightness factor (1 = unchanged)
 */
public record AugmentationPreset(
    String name,
    double rotationRange,
    double widthShiftRange,
    double heightShiftRange,
    double shearRange,
    double zoomRange,
    boolean horizontalFlip,
    boolean verticalFlip,
    double channelShiftRange,
    FillMode fillMode,
    double fillValue,
    double brightnessMin,
    double brightnessMax)
    implements Serializable {

  public static final String NONE = "none";

  /** The preset that changes nothing; always present whatever the configuration says. */
  public static AugmentationPreset none() {
    return new AugmentationPreset(NONE, 0, 0, 0, 0, 0, false, false, 0, FillMode.NEAREST, 0, 1, 1);
  }

  /** True when applying this preset can change an image. */
  public boolean changesImages() {
    return rotationRange > 0
        || widthShiftRange > 0
        || heightShiftRange > 0
        || shearRange > 0
        || zoomRange > 0
        || horizontalFlip
        || verticalFlip
        || channelShiftRange > 0
        || brightnessMin != 1
        || brightnessMax != 1;
  }
}
