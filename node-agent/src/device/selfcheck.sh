#!/usr/bin/env bash
# The NVML self-check on a real GPU (no Java needed there): compares the JNA binding with
# `nvidia-smi -q -x`, times the NVML calls, runs the events thread. Needs node-agent/target/device/ from
# prepare.sh carried along. Writes $OUT/selfcheck.txt (and nvidia-smi's XML) where OUT is set.
# Usage (from the repository root): bash node-agent/src/device/selfcheck.sh [--events-seconds 60] [--iterations 1000]
set -uo pipefail
cd "$(dirname "$0")/../.."            # node-agent/
out="${OUT:-target/device/out}"
mkdir -p "$out"
nvidia-smi -q -x >"$out/nvidia-smi.xml" 2>"$out/nvidia-smi.err" || true
target/device/jre/bin/java -Djna.tmpdir="${TMPDIR:-/tmp}" -cp 'target/device/lib/*' \
  io.vgpufleet.agent.nvml.jna.SelfCheck "$@" 2>&1 | tee "$out/selfcheck.txt"
exit "${PIPESTATUS[0]}"
