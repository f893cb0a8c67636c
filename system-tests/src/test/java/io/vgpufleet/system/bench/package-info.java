/**
 * Benchmark mains of the resilience and scale work (issue 10), not tests: the evacuation scenario
 * ({@link io.vgpufleet.system.bench.EvacuationScenarioBench}) and the fleet simulator's own cost
 * ({@link io.vgpufleet.system.bench.FleetCostBench}). They print figures and the machine; docs/benchmarks.md keeps
 * them. Depend on the system-tests harness, sandbox and contracts.
 */
package io.vgpufleet.system.bench;
