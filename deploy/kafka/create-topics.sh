#!/usr/bin/env bash
# Creates the topic catalogue (contracts' TopicCatalogue: names, partitions, cleanup and retention) on a
# broker that does not auto-create topics; idempotent. docker-compose runs it once in the kafka image before
# anything else starts. The components also provision the catalogue at start; this lets an operator create
# it ahead with the replication factor of the cluster. TopicScriptTest keeps the list equal to the catalogue.
#   BOOTSTRAP=kafka:9092 REPLICATION_FACTOR=3 deploy/kafka/create-topics.sh
set -euo pipefail
bootstrap=${BOOTSTRAP:-localhost:9092}
replication=${REPLICATION_FACTOR:-1}
kafka_topics=${KAFKA_TOPICS:-/opt/kafka/bin/kafka-topics.sh}

while read -r name partitions configs; do
  args=()
  IFS=, read -r -a pairs <<<"$configs"
  for pair in "${pairs[@]}"; do
    args+=(--config "$pair")
  done
  "$kafka_topics" --bootstrap-server "$bootstrap" --create --if-not-exists --topic "$name" \
    --partitions "$partitions" --replication-factor "$replication" "${args[@]}"
done <<'TOPICS'
vgpu.agent.host-snapshots.v1 12 cleanup.policy=compact
vgpu.agent.health-signals.v1 12 cleanup.policy=delete,retention.ms=604800000
vgpu.agent.commands.v1 12 cleanup.policy=delete,retention.ms=86400000
vgpu.agent.command-replies.v1 12 cleanup.policy=delete,retention.ms=604800000
vgpu.health.gpu-health.v1 12 cleanup.policy=compact
vgpu.health.gpu-cordons.v1 12 cleanup.policy=compact
vgpu.health.drain-requests.v1 12 cleanup.policy=delete,retention.ms=604800000
vgpu.lifecycle.vgpu-states.v1 12 cleanup.policy=delete,retention.ms=2592000000
vgpu.migration.progress.v1 12 cleanup.policy=delete,retention.ms=2592000000
vgpu.inventory.claim-requests.v1 12 cleanup.policy=delete,retention.ms=86400000
vgpu.inventory.claims.v1 12 cleanup.policy=compact
vgpu.inventory.claim-refusals.v1 12 cleanup.policy=delete,retention.ms=86400000
vgpu.inventory.claim-reservations.v1 12 cleanup.policy=delete,retention.ms=86400000
vgpu.lifecycle.vgpu-requests.v1 12 cleanup.policy=compact
vgpu.migration.sagas.v1 12 cleanup.policy=compact
vgpu.migration.drains.v1 12 cleanup.policy=compact
vgpu.audit.writes.v1 12 cleanup.policy=delete,retention.ms=31536000000
vgpu.agent.host-snapshots.v1.dlq 12 cleanup.policy=delete,retention.ms=1209600000,max.message.bytes=1114124
vgpu.agent.health-signals.v1.dlq 12 cleanup.policy=delete,retention.ms=1209600000,max.message.bytes=1114124
vgpu.agent.commands.v1.dlq 12 cleanup.policy=delete,retention.ms=1209600000,max.message.bytes=1114124
vgpu.agent.command-replies.v1.dlq 12 cleanup.policy=delete,retention.ms=1209600000,max.message.bytes=1114124
vgpu.health.gpu-health.v1.dlq 12 cleanup.policy=delete,retention.ms=1209600000,max.message.bytes=1114124
vgpu.health.gpu-cordons.v1.dlq 12 cleanup.policy=delete,retention.ms=1209600000,max.message.bytes=1114124
vgpu.health.drain-requests.v1.dlq 12 cleanup.policy=delete,retention.ms=1209600000,max.message.bytes=1114124
vgpu.lifecycle.vgpu-states.v1.dlq 12 cleanup.policy=delete,retention.ms=1209600000,max.message.bytes=1114124
vgpu.migration.progress.v1.dlq 12 cleanup.policy=delete,retention.ms=1209600000,max.message.bytes=1114124
vgpu.inventory.claim-requests.v1.dlq 12 cleanup.policy=delete,retention.ms=1209600000,max.message.bytes=1114124
vgpu.inventory.claims.v1.dlq 12 cleanup.policy=delete,retention.ms=1209600000,max.message.bytes=1114124
vgpu.inventory.claim-refusals.v1.dlq 12 cleanup.policy=delete,retention.ms=1209600000,max.message.bytes=1114124
vgpu.inventory.claim-reservations.v1.dlq 12 cleanup.policy=delete,retention.ms=1209600000,max.message.bytes=1114124
vgpu.lifecycle.vgpu-requests.v1.dlq 12 cleanup.policy=delete,retention.ms=1209600000,max.message.bytes=1114124
vgpu.migration.sagas.v1.dlq 12 cleanup.policy=delete,retention.ms=1209600000,max.message.bytes=1114124
vgpu.migration.drains.v1.dlq 12 cleanup.policy=delete,retention.ms=1209600000,max.message.bytes=1114124
vgpu.audit.writes.v1.dlq 12 cleanup.policy=delete,retention.ms=1209600000,max.message.bytes=1114124
TOPICS
echo "create-topics: the catalogue exists on $bootstrap"
