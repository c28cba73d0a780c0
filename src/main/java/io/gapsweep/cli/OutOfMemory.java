package io.gapsweep.cli;

import java.io.PrintWriter;
import java.io.Serializable;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.Layout;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * An {@link OutOfMemoryError} anywhere ends the process with {@link ExitCodes#OUT_OF_MEMORY} and
 * one line on standard error, whichever thread it hit.
 *
 * <p>On the driver's own thread {@link Main} catches it. In a Spark task, Spark itself logs the
 * error with its stack trace (the executor's "Exception in task", the scheduler's "Lost task",
 * the uncaught-exception handler) and then exits with code 52, the code this project documents
 * for it too; {@link #install} puts an appender in front of those loggers that turns such an
 * event into the one line and passes every other event to the console as before.
 */
final class OutOfMemory {

  /** Loggers that report a task's fatal error with its stack trace before Spark exits. */
  static final List<String> SPARK_LOGGERS =
      List.of(
          "org.apache.spark.util.SparkUncaughtExceptionHandler",
          "org.apache.spark.executor.Executor",
          "org.apache.spark.scheduler.TaskSetManager",
          "org.apache.spark.scheduler.TaskSchedulerImpl");

  private static final String ERROR_CLASS = OutOfMemoryError.class.getName();
  private static final Pattern IN_TEXT =
      Pattern.compile(Pattern.quote(ERROR_CLASS) + "(?::\\s*([^\\n]*))?");
  private static final AtomicBoolean REPORTED = new AtomicBoolean();
  private static final AtomicBoolean INSTALLED = new AtomicBoolean();
  private static volatile PrintWriter err = new PrintWriter(System.err, true);

  private OutOfMemory() {}

  /** Whether {@code t} or one of its causes is, or reports in its message, an out-of-memory. */
  static boolean causedBy(Throwable t) {
    return detail(t) != null;
  }

  /** Whether this process has printed its out-of-memory line. */
  static boolean reported() {
    return REPORTED.get();
  }

  /** Prints the one line, once per process, however many threads ran out of memory. */
  static int report(Throwable t, String thread) {
    if (REPORTED.compareAndSet(false, true)) {
      String detail = detail(t);
      err.println(
          "gapsweep: Cannot go on: out of memory ("
              + (detail == null || detail.isEmpty() ? "no detail" : detail)
              + ")"
              + (thread == null ? "" : " in thread \"" + thread + "\"")
              + "; give the JVM more memory: -Xmx in GAPSWEEP_JAVA_OPTS, or spark.driver.memory"
              + " and spark.executor.memory under spark-submit");
      err.flush();
    }
    return ExitCodes.OUT_OF_MEMORY;
  }

  /**
   * The error's message ({@code Java heap space}), found in the cause chain or, when Spark has
   * turned the executor's error into text (a failed job), in a message; null when there is none.
   */
  private static String detail(Throwable t) {
    for (Throwable cause = t; cause != null; cause = cause.getCause()) {
      if (cause instanceof OutOfMemoryError) {
        return cause.getMessage() == null ? "" : cause.getMessage();
      }
      String text = cause.getMessage();
      if (text != null) {
        String found = detail(text);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  private static String detail(String text) {
    Matcher matcher = IN_TEXT.matcher(text);
    if (!matcher.find()) {
      return null;
    }
    return matcher.group(1) == null ? "" : matcher.group(1).strip();
  }

  /** Routes Spark's reports of a fatal task error through {@link #report}; once per JVM. */
  static void install(PrintWriter writer) {
    err = writer;
    if (!INSTALLED.compareAndSet(false, true)) {
      return;
    }
    if (!(LogManager.getContext(false) instanceof LoggerContext context)) {
      return;
    }
    Configuration config = context.getConfiguration();
    Appender console = config.getRootLogger().getAppenders().values().stream().findFirst().orElse(null);
    if (console == null) {
      return;
    }
    Interceptor interceptor = new Interceptor(console);
    interceptor.start();
    config.addAppender(interceptor);
    for (String name : SPARK_LOGGERS) {
      LoggerConfig existing = config.getLoggerConfig(name);
      Level level = existing.getLevel();
      LoggerConfig logger = new LoggerConfig(name, level, false);
      logger.addAppender(interceptor, null, null);
      config.addLogger(name, logger);
    }
    context.updateLoggers();
  }

  /** One line for an out-of-memory event, the console for every other event. */
  private static final class Interceptor extends AbstractAppender {

    private final Appender console;

    Interceptor(Appender console) {
      super("gapsweep-out-of-memory", null, (Layout<? extends Serializable>) null, true,
          Property.EMPTY_ARRAY);
      this.console = console;
    }

    @Override
    public void append(LogEvent event) {
      Throwable thrown = event.getThrown();
      String text = event.getMessage() == null ? "" : event.getMessage().getFormattedMessage();
      if (causedBy(thrown) || (text != null && detail(text) != null)) {
        report(thrown != null ? thrown : new OutOfMemoryError(detail(text)), event.getThreadName());
      } else {
        console.append(event);
      }
    }
  }
}
