package io.vgpufleet.migration.sagas;

/** What the inventory answered to a claim or a release. */
public sealed interface ClaimAnswer {

    String claimId();

    /** The claim holds one instance on this pGPU. */
    record Granted(String claimId, String hostId, String gpuUuid, String pciBdf) implements ClaimAnswer {}

    /** The inventory refused it (no capacity, cordoned, ...): try another target. */
    record Refused(String claimId, String reason) implements ClaimAnswer {}

    /** The inventory could not be asked (down, timeout): ask again later. */
    record Unavailable(String claimId, String reason) implements ClaimAnswer {}

    /** The claim is released (or was never there). */
    record Released(String claimId) implements ClaimAnswer {}
}
