package io.gapsweep.testing

import org.scalatest.Tag

/**
 * Tests that need target/gapsweep-VERSION-cluster.jar. Maven runs them in their own execution
 * after package (integration-test); the ordinary test execution skips them.
 */
object Cluster extends Tag("io.gapsweep.Cluster")
