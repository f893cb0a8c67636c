package io.vgpufleet.contracts.messaging;

/** A record read from Kafka: its CloudEvents attributes, its registered type and its payload. */
public record Envelope<T>(CloudEventAttributes attributes, EventType<T> type, T payload) {}
