#!/usr/bin/env bash
# Runs a sweep in Spark local mode, embedded in one JVM: the laptop way.
#
#   submit/local.sh CONF [run options]    the same as submit/gapsweep run CONF [run options]
#   submit/local.sh --help                the commands of submit/gapsweep
#
# Builds the project first if it has not been built. Every other command goes through
# submit/gapsweep (GAPSWEEP_COMMAND=<command> submit/local.sh ARGS still works, for old scripts).
set -euo pipefail

launcher="$(dirname "${BASH_SOURCE[0]}")/gapsweep"
case "${1:-}" in
  -h | --help) exec "$launcher" --help ;;
esac
exec "$launcher" "${GAPSWEEP_COMMAND:-run}" "$@"
