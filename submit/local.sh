#!/usr/bin/env bash
# Runs gapsweep in Spark local mode, embedded in one JVM: the laptop way.
#
#   submit/local.sh CONF [run options]        run the sweep CONF describes
#   GAPSWEEP_COMMAND=plan submit/local.sh CONF   any other command (plan, leaderboard, ...)
#   GAPSWEEP_COMMAND=bench submit/local.sh       measure this machine (gapsweep bench --help)
#
# Builds the project first if it has not been built. Extra JVM options go in GAPSWEEP_JAVA_OPTS
# (default -Xmx4g).
set -euo pipefail

command="${GAPSWEEP_COMMAND:-run}"
if [[ "$command" == run && $# -lt 1 ]]; then
  echo "usage: $0 CONF [options]" >&2
  exit 2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
classpath_file="$root/target/runtime-classpath.txt"
if [[ ! -f "$classpath_file" || ! -d "$root/target/classes" ]]; then
  echo "Building gapsweep (first run only; downloads dependencies from Maven Central)..." >&2
  mvn -B -q -f "$root/pom.xml" -DskipTests package >&2
fi
classpath="$root/target/classes:$(cat "$classpath_file")"

# The module opens Spark 3.5 needs on Java 17; spark-submit adds them itself, a plain JVM cannot.
java_opens=(
  -XX:+IgnoreUnrecognizedVMOptions
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  --add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false
)
read -r -a java_opts <<< "${GAPSWEEP_JAVA_OPTS:--Xmx4g}"
launch=(java "${java_opens[@]}" "${java_opts[@]}" -Djava.awt.headless=true -cp "$classpath" io.gapsweep.cli.Main)

if [[ "$command" == run ]]; then
  # OpenMP and OpenBLAS size their pools from this before any Java code runs, and local mode has
  # no executors for spark.executorEnv to reach: export the configuration's threads per trial
  # (threads-per-trial = auto resolved for this machine and this grid, as the run will).
  threads="$("${launch[@]}" threads "$1")"
  export OMP_NUM_THREADS="$threads"
fi
exec "${launch[@]}" "$command" "$@"
