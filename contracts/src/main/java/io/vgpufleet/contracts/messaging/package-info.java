/**
 * Messaging conventions: the topic catalogue, the registry of record types ({@code ce_type} to class
 * and topic), CloudEvents headers, the JSON codec, dead letters and topic provisioning. Used by every
 * component; depends only on the Kafka client, Jackson and the contract records.
 */
@NullMarked
package io.vgpufleet.contracts.messaging;

import org.jspecify.annotations.NullMarked;
