#!/usr/bin/env bash
# Runs a sweep on Kubernetes; the driver runs in a pod (cluster mode).
#
#   submit/k8s.sh CONF K8S_API_URL [run options]
#   e.g. GAPSWEEP_IMAGE=registry/spark-gapsweep:0.1 GAPSWEEP_JAR=local:///opt/gapsweep/gapsweep-cluster.jar \
#        submit/k8s.sh conf/demo.conf https://k8s.example:6443 --output s3a://bucket/sweeps/demo
#
# GAPSWEEP_IMAGE (required) is a Spark 3.5 (Scala 2.12, Java 17) image. GAPSWEEP_JAR is either
# local:///path inside that image or a local file uploaded through spark.kubernetes.file.upload.path
# (which CONF needs too: set it in GAPSWEEP_SUBMIT_OPTS). The output must be a shared filesystem
# URI. GAPSWEEP_NAMESPACE (default default) and GAPSWEEP_SERVICE_ACCOUNT (default spark) select
# where the driver runs. See submit/common.sh for the rest of the environment.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

[[ $# -ge 2 ]] || gapsweep_usage
gapsweep_require GAPSWEEP_IMAGE "name the Spark container image"
conf="$1" api="$2"
shift 2
gapsweep_submit cluster "$conf" "$@" -- \
  --master "k8s://$api" \
  --conf spark.kubernetes.container.image="$GAPSWEEP_IMAGE" \
  --conf spark.kubernetes.namespace="${GAPSWEEP_NAMESPACE:-default}" \
  --conf spark.kubernetes.authenticate.driver.serviceAccountName="${GAPSWEEP_SERVICE_ACCOUNT:-spark}"
