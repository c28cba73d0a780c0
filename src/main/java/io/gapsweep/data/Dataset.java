package io.gapsweep.data;

import java.io.Serializable;
import java.util.List;

/**
 * A classification dataset split into training and validation images; what executors receive by
 * broadcast.
 *
 * @param classes class names; a label is an index into this list
 * @param train training images
 * @param validation validation images
 */
public record Dataset(List<String> classes, ImageSet train, ImageSet validation)
    implements Serializable {

  public Dataset {
    classes = List.copyOf(classes);
  }

  public int classCount() {
    return classes.size();
  }
}
