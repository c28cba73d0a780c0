package io.gapsweep.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The report's charting code, inlined into the page so it opens offline: Apache ECharts from its
 * WebJar (Apache-2.0; its license travels with it as a comment) and the report's own script,
 * which draws every chart from the page's JSON data.
 */
final class Charts {

  static final String ECHARTS_VERSION = "5.3.1";

  private static final String WEBJAR = "META-INF/resources/webjars/echarts/" + ECHARTS_VERSION + "/";

  private Charts() {}

  /** ECharts itself, safe to place in a {@code <script>} element. */
  static String echarts() {
    return scriptSafe(resource(WEBJAR + "dist/echarts.min.js"));
  }

  /** ECharts' license and notice, safe inside an HTML comment. */
  static String license() {
    return (resource(WEBJAR + "NOTICE") + "\n" + resource(WEBJAR + "LICENSE")).replace("--", "- -");
  }

  /** The report's own drawing code. */
  static String script() {
    return scriptSafe(resource("io/gapsweep/report/report.js"));
  }

  /**
   * In script text, {@code </} is the only sequence that can end the element early; inside
   * JavaScript strings and regular expressions {@code <\/} means the same.
   */
  static String scriptSafe(String js) {
    return js.replace("</", "<\\/").replace("<!--", "<\\!--");
  }

  private static String resource(String name) {
    try (InputStream in = Charts.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(
            "Cannot write report: " + name + " is not on the classpath (is the echarts WebJar "
                + ECHARTS_VERSION + " a dependency?)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write report: cannot read " + name, e);
    }
  }
}
