#!/usr/bin/env bash
# Runs a sweep on YARN; the driver runs in the cluster (cluster mode) unless
# GAPSWEEP_DEPLOY_MODE=client.
#
#   submit/yarn.sh CONF [run options]
#   e.g. HADOOP_CONF_DIR=/etc/hadoop/conf submit/yarn.sh conf/demo.conf --output hdfs:///sweeps/demo
#
# CONF is the sweep's HOCON file. In cluster mode the output must be a cluster filesystem URI
# (hdfs://, s3a://...); a local path would land on whichever node runs the driver. Queue and
# sizes go in GAPSWEEP_SUBMIT_OPTS (--queue, --num-executors, --executor-cores). See
# submit/common.sh for the rest of the environment.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

[[ $# -ge 1 ]] || gapsweep_usage
gapsweep_require HADOOP_CONF_DIR "point to the Hadoop configuration of the cluster"
conf="$1"
shift
gapsweep_submit "${GAPSWEEP_DEPLOY_MODE:-cluster}" "$conf" "$@" -- --master yarn
