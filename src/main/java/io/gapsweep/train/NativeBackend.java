package io.gapsweep.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.javacpp.Loader;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Picks the fastest build of libnd4j that the CPU supports, before ND4J loads.
 *
 * <p>nd4j-native ships a generic x86-64 build and builds for AVX2 and AVX-512, with and without
 * oneDNN; JavaCPP loads the one named by {@code org.bytedeco.javacpp.platform.extension} and
 * otherwise the generic one. An AVX build on a CPU without those instructions dies with SIGILL,
 * and a missing classifier jar fails to load, so the choice needs both the CPU's flags and the
 * jar's library on the classpath. Executors of a cluster may have another CPU than the driver:
 * every JVM chooses for itself.
 *
 * <p>A oneDNN build only pays off through DL4J's oneDNN layer helpers (conv, pooling, batch
 * norm), which M2 never creates by default: they need the system property {@value
 * #HELPERS_DISABLED} = false, and the shim {@code org.nd4j.nativeblas.Nd4jCpu} for M2's broken
 * availability check. Choosing a oneDNN build sets that property too.
 *
 * <p>A user's own {@code -Dorg.bytedeco.javacpp.platform.extension} (even empty, for the generic
 * build) or {@code -Dorg.eclipse.deeplearning4j.helpers.disable} always wins.
 */
public final class NativeBackend {

  static final String PROPERTY = "org.bytedeco.javacpp.platform.extension";
  static final String HELPERS_DISABLED = "org.eclipse.deeplearning4j.helpers.disable";
  private static final String PLATFORM = "linux-x86_64";
  private static final Pattern BUILD = Pattern.compile("/(linux-x86_64[^/]*)/[^/]*jnind4jcpu");

  /** A build of libnd4j: its classifier suffix and the CPU flags it was compiled for. */
  record Build(String extension, Set<String> flags) {}

  /**
   * Best first, as measured on the reference CNN (README "Performance"): oneDNN for AVX2 with the
   * helpers on beat every other build, -onednn-avx512 included; the plain AVX builds are listed
   * for users who put their jars on the classpath themselves.
   */
  static final List<Build> PREFERENCE =
      List.of(
          new Build("-onednn-avx2", Set.of("avx2", "fma")),
          new Build("-avx512", Set.of("avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl")),
          new Build("-avx2", Set.of("avx2", "fma")),
          new Build("", Set.of()));

  private NativeBackend() {}

  /**
   * Sets the extension property for this JVM unless the user set it; call before anything touches
   * ND4J. Idempotent, and harmless once ND4J has loaded (the property is then read no more).
   */
  public static synchronized void choose() {
    if (System.getProperty(PROPERTY) == null && PLATFORM.equals(Loader.getPlatform())) {
      System.setProperty(PROPERTY, choose(cpuFlags(), NativeBackend::hasLibrary).extension());
    }
    String extension = System.getProperty(PROPERTY, "");
    if (extension.contains("onednn") && System.getProperty(HELPERS_DISABLED) == null) {
      System.setProperty(HELPERS_DISABLED, "false");
    }
  }

  /** The best build whose flags the CPU has and whose library {@code present} finds. */
  static Build choose(Set<String> cpuFlags, Predicate<String> present) {
    for (Build build : PREFERENCE) {
      if (cpuFlags.containsAll(build.flags()) && present.test(build.extension())) {
        return build;
      }
    }
    return PREFERENCE.get(PREFERENCE.size() - 1);
  }

  /**
   * The build of libnd4j this JVM runs, as its JavaCPP platform name ({@code linux-x86_64-avx512},
   * {@code linux-x86_64} for the generic one), read from the library JavaCPP actually loaded;
   * chooses and loads ND4J if nothing has loaded it yet.
   */
  public static String running() {
    choose();
    Nd4j.getExecutioner();
    for (String path : Loader.getLoadedLibraries().values()) {
      Matcher m = BUILD.matcher(path.replace('\\', '/'));
      if (m.find()) {
        return m.group(1);
      }
    }
    return "unknown";
  }

  /** The CPU's feature flags, lower case; empty when {@code /proc/cpuinfo} cannot be read. */
  static Set<String> cpuFlags() {
    try {
      return flagsOf(Files.readString(Path.of("/proc/cpuinfo")));
    } catch (IOException | RuntimeException e) {
      return Set.of();
    }
  }

  /** The flags of the first processor listed in {@code cpuinfo}. */
  static Set<String> flagsOf(String cpuinfo) {
    for (String line : cpuinfo.split("\n")) {
      if (line.startsWith("flags")) {
        String value = line.substring(line.indexOf(':') + 1).trim().toLowerCase(Locale.ROOT);
        return Set.copyOf(Arrays.asList(value.split("\\s+")));
      }
    }
    return Set.of();
  }

  private static boolean hasLibrary(String extension) {
    String resource =
        "org/nd4j/linalg/cpu/nativecpu/bindings/" + PLATFORM + extension + "/libjnind4jcpu.so";
    return NativeBackend.class.getClassLoader().getResource(resource) != null;
  }
}
