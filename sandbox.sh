#!/usr/bin/env bash
# The whole vGPU fleet control plane on this machine: a real Kafka broker (KRaft, in-process, no
# Docker), the four services and simulated hosts, until Ctrl-C. Needs only JDK 17+ and Maven.
#
#   ./sandbox.sh                 build what is needed, then run (4 simulated hosts)
#   ./sandbox.sh --skip-build    run what was built last time
#   ./sandbox.sh --help          every option (--hosts=N, --data-dir=DIR, --kafka-port=PORT, --fresh, ...)
#   ./sandbox.sh token operator  print a fresh dev token (viewer|operator|admin) of the sandbox's key
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

skip_build=false
args=()
if [[ "${1:-}" == token ]]; then
  # minting a token needs the built launcher, not a new build
  skip_build=true
fi
for arg in "$@"; do
  case "$arg" in
    --skip-build) skip_build=true ;;
    --help|-h) skip_build=true; args+=("$arg") ;;
    *) args+=("$arg") ;;
  esac
done

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
  java="$JAVA_HOME/bin/java"
elif command -v java >/dev/null 2>&1; then
  java="$(command -v java)"
else
  echo "sandbox.sh: no java found: install JDK 17 or later, or set JAVA_HOME" >&2
  exit 1
fi

jar=sandbox/target/sandbox-0.1.0-SNAPSHOT-exec.jar

if [[ "$skip_build" == false ]]; then
  if ! command -v mvn >/dev/null 2>&1; then
    echo "sandbox.sh: Maven (mvn) is needed to build; install it, or run with --skip-build after a build" >&2
    exit 1
  fi
  echo "sandbox.sh: building (first time may take a few minutes)..."
  # the whole reactor: the launcher, the services and the node agent; tests are compiled, not run
  mvn -B -q -DskipTests package
fi

if [[ ! -f "$jar" ]]; then
  echo "sandbox.sh: $jar is missing: run ./sandbox.sh without --skip-build (or mvn -B -DskipTests package)" >&2
  exit 1
fi

exec "$java" -jar "$jar" ${args[@]+"${args[@]}"}
