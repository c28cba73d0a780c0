#!/usr/bin/env bash
# Runs a sweep on a Spark standalone cluster; the driver runs here (client mode).
#
#   submit/standalone.sh CONF MASTER_URL [run options]
#   e.g. submit/standalone.sh conf/demo.conf spark://head:7077 --output hdfs:///sweeps/demo
#
# CONF is the sweep's HOCON file. Executors write the results: the output must be a folder or
# URI that every node and this machine share (HDFS, S3, NFS). Standalone does not enforce
# memoryOverhead: give workers --memory for the executor heap and leave as much again free for
# ND4J's off-heap memory. See submit/common.sh for the environment (SPARK_HOME, SPARK_SUBMIT,
# GAPSWEEP_JAR, GAPSWEEP_EXECUTOR_*, GAPSWEEP_SUBMIT_OPTS).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

[[ $# -ge 2 ]] || gapsweep_usage
conf="$1" master="$2"
shift 2
# Client mode only: a standalone cluster-mode driver gets neither --files in its working
# directory nor a reliable exit code.
gapsweep_submit client "$conf" "$@" -- --master "$master"
