/**
 * The health policy, pure: {@link io.vgpufleet.health.policy.HealthPolicyEngine} turns a pGPU's
 * {@link io.vgpufleet.health.policy.GpuHealthState} and a health signal (or the passing of time) into a new
 * state and, where the verdict changed, a {@code GpuHealthChanged} and a {@code GpuCordonChanged}. Every
 * verdict names its rule ({@link io.vgpufleet.health.policy.Rules}) and carries the evidence the rule saw.
 *
 * <p>Depends only on the JDK and the contract records: no Spring, Kafka, Jackson or REST type (checked by
 * {@code PolicyPurityTest}). The Kafka Streams adapter ({@code streams}) feeds it and publishes what it decides.
 */
package io.vgpufleet.health.policy;
