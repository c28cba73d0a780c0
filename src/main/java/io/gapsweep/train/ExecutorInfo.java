package io.gapsweep.train;

import java.io.Serializable;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Where a trial ran.
 *
 * @param executorId Spark's executor id ({@code driver} in local mode)
 * @param host host name
 * @param pid process id of the JVM
 * @param backend the libnd4j build the JVM loaded, as its JavaCPP platform name (see {@link
 *     NativeBackend#running()})
 */
public record ExecutorInfo(String executorId, String host, long pid, String backend)
    implements Serializable {

  /** This machine's host name, as trials and output locks record it; "unknown" if unresolvable. */
  public static String localHostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }
}
