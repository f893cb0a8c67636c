#!/usr/bin/env bash
# Lays out node-agent/target/device/ for the NVML self-check on a GPU machine that has no Java and no
# network: a jlink'd runtime (jre/) and a thin classpath (lib/). Run here, after `mvn -pl node-agent compile`.
# Usage (from the repository root): bash node-agent/src/device/prepare.sh
set -euo pipefail
cd "$(dirname "$0")/../.."            # node-agent/
rm -rf target/device
mkdir -p target/device/lib
jlink --add-modules java.base,java.logging,jdk.unsupported,java.management,java.xml \
  --strip-debug --no-man-pages --no-header-files --compress=2 --output target/device/jre
(cd .. && mvn -o -q -pl node-agent dependency:build-classpath -Dmdep.outputFile=/tmp/node-agent-cp.txt)
tr ':' '\n' </tmp/node-agent-cp.txt | grep -E '/(contracts|jna|jackson-[a-z]+|slf4j-api|slf4j-simple|jspecify)[^/]*\.jar$' \
  | while read -r jar; do cp "$jar" target/device/lib/; done
# contracts from the reactor may be a classes folder rather than a jar
if ! ls target/device/lib/contracts*.jar >/dev/null 2>&1; then
  jar cf target/device/lib/contracts.jar -C ../contracts/target/classes .
fi
jar cf target/device/lib/node-agent.jar -C target/classes .
du -sh target/device
