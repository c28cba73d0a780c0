# Sourced by every submit/ script: the local JVM (gapsweep, local.sh) and the spark-submit command
# line (standalone.sh, yarn.sh, k8s.sh).
#
# Environment of the spark-submit scripts (all optional except SPARK_HOME):
#   SPARK_HOME                    a Spark 3.5.x (Scala 2.12) installation
#   SPARK_SUBMIT                  the submit command, split on spaces (default $SPARK_HOME/bin/spark-submit)
#   GAPSWEEP_JAR                  the application jar as the cluster reaches it (default
#                                 target/gapsweep-*-cluster.jar, built by mvn package)
#   GAPSWEEP_EXECUTOR_HEAP_MB     executor heap, MiB (default 2048)
#   GAPSWEEP_EXECUTOR_OFFHEAP_MB  executor off-heap limit for ND4J (JavaCPP), MiB (default: the heap)
#   GAPSWEEP_SUBMIT_OPTS          more spark-submit options, split on spaces (e.g. --executor-cores 4)

# When the launcher started, in epoch milliseconds: a run counts the time to the JVM's start as its
# "launcher" phase. Bash 5's clock where there is one; date otherwise.
if [[ -n "${EPOCHREALTIME:-}" ]]; then
  gapsweep_launched="${EPOCHREALTIME/[.,]/}"
  gapsweep_launched="${gapsweep_launched:0:${#gapsweep_launched}-3}"
else
  gapsweep_launched="$(date +%s%3N)"
fi

gapsweep_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# G1 option of every JVM that trains (the local one, cluster executors). ND4J registers each array
# buffer it creates (about 280 per training step) as a weak reference in a map until a collection
# finds the buffer gone, so every young collection copies all the references made since the last
# one. With G1's default survivor space (1/8 of the young generation) they overflowed it and were
# promoted: a 108-trial sweep ended with about 950 MB of such garbage in the old generation, young
# pauses of 170 ms, and slower queries afterwards. With SurvivorRatio=3 they die in the survivor
# space: training 54.1 s against 60.2 s and the views 4.65 s against 7.85 s (bench --parts answer,
# medians of 2; src/site/markdown/performance.md). GAPSWEEP_JAVA_OPTS come later and win.
gapsweep_gc=(-XX:SurvivorRatio=3)

gapsweep_usage() {
  sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2
  exit 2
}

# gapsweep_newest PATH...: the modification time (seconds since the epoch) of the newest file
# under PATH..., or 0 when there is none.
gapsweep_newest() {
  { find "$@" -type f -printf '%T@\n' 2>/dev/null || true; echo 0; } | sort -n | tail -n 1
}

# gapsweep_local_launch: sets the array gapsweep_launch to the java command line that runs
# io.gapsweep.cli.Main in Spark local mode, from target/classes and the runtime classpath Maven
# writes; builds the project first if it has not been built, and compiles it again when a file
# under src/main or the pom is newer than the last build, so that a pull or an edit never runs
# old classes (Maven's output goes to stderr, so a command's standard output stays its own). JVM
# options come from GAPSWEEP_JAVA_OPTS (default -Xmx4g). COMMAND (gapsweep's first argument) says
# whether this launch may record a class-data-sharing archive (gapsweep_class_archive).
gapsweep_local_launch() {
  local command="${1:-}"
  local classpath_file="$gapsweep_root/target/runtime-classpath.txt"
  local stamp="$gapsweep_root/target/.gapsweep-built"
  if [[ ! -f "$classpath_file" || ! -d "$gapsweep_root/target/classes" ]]; then
    echo "Building gapsweep (first run only; downloads dependencies from Maven Central)..." >&2
    mvn -B -q -f "$gapsweep_root/pom.xml" -DskipTests package >&2
    touch "$stamp"
  else
    # Maven leaves unchanged outputs untouched: the stamp records a build that changed nothing.
    local built
    built="$(gapsweep_newest "$gapsweep_root/target/classes" "$stamp")"
    if awk -v s="$(gapsweep_newest "$gapsweep_root/src/main" "$gapsweep_root/pom.xml")" \
        -v b="$built" 'BEGIN { exit !(s > b) }'; then
      echo "Compiling gapsweep: its sources changed since the last build..." >&2
      mvn -B -q -f "$gapsweep_root/pom.xml" compile >&2
      touch "$stamp"
    fi
  fi
  # The module opens Spark 3.5 needs on Java 17; spark-submit adds them itself, a plain JVM cannot.
  local java_opens=(
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
  # C1 alone: a command lives seconds to minutes and its heavy work is native (ND4J) or short Spark
  # queries; C2 compiled 20,000 methods in 1 min 51 s of CPU for one `gapsweep sql`, on 2 cores.
  # With C1 alone the same command used half the CPU (34 s against 65 s). Options given in
  # GAPSWEEP_JAVA_OPTS come later and win (-XX:TieredStopAtLevel=4 restores C2).
  local jit=(-XX:TieredStopAtLevel=1)
  local gc=("${gapsweep_gc[@]}")
  local java_opts
  read -r -a java_opts <<< "${GAPSWEEP_JAVA_OPTS:--Xmx4g}"
  local java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
  gapsweep_class_archive "$command" "$java" "$classpath_file" "${java_opens[@]}" "${jit[@]}" "${gc[@]}" "${java_opts[@]}"
  gapsweep_launch=(
    "$java" "${java_opens[@]}" "${jit[@]}" "${gc[@]}" "${java_opts[@]}" "${gapsweep_cds[@]}" -Djava.awt.headless=true
    -Dio.gapsweep.launched="$gapsweep_launched"
    -cp "$gapsweep_classes:$(cat "$classpath_file")" io.gapsweep.cli.Main
  )
}

# gapsweep_class_archive COMMAND JAVA CLASSPATH_FILE JAVA_OPTION...: sets gapsweep_classes, the
# class path entry of gapsweep's own classes, and gapsweep_cds, the JVM options of class data
# sharing (CDS). Loading and linking Spark's, DL4J's and gapsweep's classes is most of what a small
# command costs: a one-trial sweep took 14.7 s from the classes as they are and 9.8 s from an
# archive of them (median of 3 each, alternating; src/site/markdown/performance.md). Java 17 makes
# such an archive only as a JVM exits (-XX:ArchiveClassesAtExit), of the classes that JVM loaded,
# so the first `run` of a build records one (about 10 s more at its exit) and every later command
# maps it. CDS refuses a class path with a non-empty directory, so gapsweep's classes go in a jar
# first. The archive is named by everything it must match (java, these options, every class path
# entry's size and time), so a rebuild, an upgraded dependency or other options record a new one
# instead of mapping one the JVM would reject. The JVM writes the archive after the command's last
# word, and a crash leaves it half written (mapping that crashes the JVM), so the writer leaves it
# under its pid with a mark that the run computed a sweep (io.gapsweep.cli.ClassArchive), and a
# later launch installs it once that pid has gone and the JVM maps it and checks its CRC.
# GAPSWEEP_CDS=off skips it all; without the jar tool, gapsweep runs from target/classes as then.
gapsweep_class_archive() {
  local command="$1" java="$2" classpath_file="$3"
  shift 3
  local options=("$@")
  local classes="$gapsweep_root/target/classes" dir="$gapsweep_root/target/launch"
  local jar="$dir/gapsweep-classes.jar" jar_tool="${JAVA_HOME:+$JAVA_HOME/bin/}jar"
  gapsweep_classes="$classes"
  gapsweep_cds=()
  [[ "${GAPSWEEP_CDS:-on}" != off ]] || return 0
  if [[ ! -f "$jar" ]] || awk -v c="$(gapsweep_newest "$classes")" -v j="$(gapsweep_newest "$jar")" \
      'BEGIN { exit !(c > j) }'; then
    command -v "$jar_tool" > /dev/null || return 0
    mkdir -p "$dir"
    if ! "$jar_tool" --create --no-manifest --file "$jar.$$" -C "$classes" . > /dev/null 2>&1; then
      rm -f "$jar.$$"
      return 0
    fi
    mv -f "$jar.$$" "$jar"
  fi
  gapsweep_classes="$jar"
  local classpath
  classpath="$jar:$(cat "$classpath_file")"
  local key jvm
  jvm="$(readlink -f "$(command -v "$java")")"
  key="$({ printf '%s\n' "${options[@]}"; tr ':' '\n' <<< "$jvm:${jvm%/bin/*}/lib/server/libjvm.so:$classpath" \
    | xargs -r stat -L -c '%n %s %Y' 2>&1 || true; } | cksum)"
  local archive="$dir/cds-${key%% *}.jsa" file pid writing=""
  for file in "$archive".*; do
    [[ -e "$file" ]] || continue
    pid="${file#"$archive".}"
    pid="${pid%.complete}"
    if kill -0 "$pid" 2> /dev/null; then
      writing=1
    elif [[ "$file" == *.complete ]]; then
      [[ -e "${file%.complete}" ]] || rm -f "$file"
    else
      if [[ -f "$file.complete" && ! -f "$archive" ]] && "$java" "${options[@]}" \
          -XX:SharedArchiveFile="$file" -Xshare:on -XX:+VerifySharedSpaces "-Xlog:cds*=off" \
          -XX:ErrorFile=/dev/null -XX:-CreateCoredumpOnCrash -cp "$classpath" -version \
          > /dev/null 2>&1; then
        mv -f "$file" "$archive"
        # Archives of an earlier jar can no longer be mapped.
        find "$dir" -maxdepth 1 -name 'cds-*.jsa' ! -newer "$jar" -delete
      fi
      rm -f "$file" "$file.complete"
    fi
  done
  if [[ -f "$archive" ]]; then
    gapsweep_cds=(-XX:SharedArchiveFile="$archive" "-Xlog:cds*=off")
  elif [[ "$command" == run && -z "$writing" ]]; then
    # $$ stays this launch's pid: the launcher execs java.
    gapsweep_cds=(-XX:ArchiveClassesAtExit="$archive.$$" "-Xlog:cds*=off"
      -Dio.gapsweep.class-archive="$archive.$$")
    echo "gapsweep: this first run of the build also records the classes it loads, so that later" \
      "commands start faster (about 10 s more as it exits; GAPSWEEP_CDS=off skips it)" >&2
  fi
}

# gapsweep_require VAR WHAT: exits 2 (user error) unless the environment variable VAR is set.
gapsweep_require() {
  if [[ -z "${!1:-}" ]]; then
    echo "gapsweep: Cannot submit: $1 is not set; it must $2" >&2
    exit 2
  fi
}

# gapsweep_submit DEPLOY_MODE CONF [RUN_OPTIONS...] -- [SPARK_SUBMIT_OPTIONS...]
# Runs `gapsweep run CONF RUN_OPTIONS` through spark-submit. The configuration travels with
# --files; a cluster-mode driver reads it from its working directory, a client-mode one in place.
gapsweep_submit() {
  local mode="$1" conf="$2"
  shift 2
  local run_args=()
  while [[ $# -gt 0 && "$1" != -- ]]; do
    run_args+=("$1")
    shift
  done
  [[ $# -gt 0 ]] && shift
  local manager_args=("$@")

  gapsweep_require SPARK_HOME "point to a Spark 3.5 installation (Scala 2.12)"
  if [[ ! -f "$conf" ]]; then
    echo "gapsweep: Cannot submit $conf: no such file" >&2
    exit 2
  fi
  # The configuration is checked with a jar on this machine; GAPSWEEP_JAR may instead name one
  # only the cluster sees (local:///... in a container image, hdfs://...).
  local jar="${GAPSWEEP_JAR:-}" local_jar
  if [[ -n "$jar" && -f "$jar" ]]; then
    local_jar="$jar"
  else
    local_jar="$(ls "$gapsweep_root"/target/gapsweep-*-cluster.jar 2>/dev/null | head -n 1 || true)"
    if [[ -z "$local_jar" ]]; then
      echo "gapsweep: Cannot submit: no target/gapsweep-*-cluster.jar; run mvn -DskipTests package" >&2
      exit 2
    fi
  fi
  jar="${jar:-$local_jar}"
  local java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

  # Also validates the configuration before anything reaches the cluster. The jar leaves Spark
  # and logging out, so the query needs Spark's jars.
  # threads-per-trial = auto resolves against one executor's cores, as the driver will under
  # spark-submit: spark.executor.cores when the submit options give it, else 1.
  local threads option previous="" executor_cores=()
  read -r -a extra <<< "${GAPSWEEP_SUBMIT_OPTS:-}"
  for option in "${extra[@]}"; do
    case "$previous $option" in
      "--executor-cores "*) executor_cores=("-Dspark.executor.cores=$option") ;;
      *" --executor-cores="*) executor_cores=("-Dspark.executor.cores=${option#*=}") ;;
      "--conf spark.executor.cores="*) executor_cores=("-D${option}") ;;
    esac
    previous="$option"
  done
  threads="$("$java" -Dspark.master=cluster "${executor_cores[@]}" \
    -cp "$local_jar:$SPARK_HOME/jars/*" io.gapsweep.cli.Main threads "$conf")"

  local heap="${GAPSWEEP_EXECUTOR_HEAP_MB:-2048}"
  local offheap="${GAPSWEEP_EXECUTOR_OFFHEAP_MB:-$heap}"
  # The container must hold the heap, ND4J's off-heap buffers and the JVM's own native memory.
  local overhead=$((offheap + 512))
  # JavaCPP counts the whole process's resident memory against maxphysicalbytes: set it to the
  # container size, so ND4J frees memory or fails with OutOfMemoryError before YARN/K8s kill it.
  local javacpp="-Dorg.bytedeco.javacpp.maxbytes=${offheap}m -Dorg.bytedeco.javacpp.maxphysicalbytes=$((heap + overhead))m"
  local executor_opts="$javacpp ${gapsweep_gc[*]}"

  local driver_conf="$conf"
  if [[ "$mode" == cluster ]]; then
    driver_conf="$(basename "$conf")"
  fi

  local submit
  read -r -a submit <<< "${SPARK_SUBMIT:-$SPARK_HOME/bin/spark-submit}"
  exec "${submit[@]}" \
    --deploy-mode "$mode" \
    "${manager_args[@]}" \
    --class io.gapsweep.cli.Main \
    --name "gapsweep $(basename "$conf")" \
    --files "$conf" \
    --executor-memory "${heap}m" \
    --conf spark.executor.memoryOverhead="${overhead}m" \
    --conf spark.executor.extraJavaOptions="$executor_opts" \
    --conf spark.task.cpus="$threads" \
    --conf spark.executorEnv.OMP_NUM_THREADS="$threads" \
    --conf spark.speculation=false \
    "${extra[@]}" \
    "$jar" run "$driver_conf" "${run_args[@]}"
}
