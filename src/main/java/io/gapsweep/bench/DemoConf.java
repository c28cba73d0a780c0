package io.gapsweep.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** {@code conf/demo.conf} as shipped, from the jar (the pom copies it beside this class). */
final class DemoConf {

  private DemoConf() {}

  /** The file's text. */
  static String text() {
    try (InputStream demo = DemoConf.class.getResourceAsStream("demo.conf")) {
      if (demo == null) {
        throw new IllegalStateException("demo.conf is not on the class path beside "
            + DemoConf.class.getName() + "; rebuild with mvn package");
      }
      return new String(demo.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read demo.conf from the class path", e);
    }
  }

  /** Its {@code gapsweep} block, unresolved against reference.conf. */
  static Config settings() {
    return ConfigFactory.parseString(text()).getConfig("gapsweep");
  }
}
