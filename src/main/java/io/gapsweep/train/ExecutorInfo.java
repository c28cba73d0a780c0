package io.gapsweep.train;

import java.io.Serializable;

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
    implements Serializable {}
