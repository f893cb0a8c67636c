package io.vgpufleet.inventory.claims.ledger;

/** Why the ledger refused a command; the name travels as {@code ClaimCommandRefused.Reason.code}. */
public enum RefusalCode {
    /** The ledger has no snapshot of the host yet, so it knows no capacity there. */
    NO_SNAPSHOT,
    /** The host's snapshot lists no such pGPU. */
    UNKNOWN_GPU,
    /** The pGPU does not list the type. */
    TYPE_NOT_SUPPORTED,
    /** A homogeneous pGPU holds (or has granted) another type, or the claim mixes types on it. */
    OTHER_TYPE_RESIDENT,
    /** Resident plus granted plus asked would pass the type's maximum per pGPU. */
    MAX_INSTANCES,
    /** The host's available instances minus those granted and not yet created are fewer than asked. */
    NO_CAPACITY,
    /** A vGPU UUID of the claim is on the host already or held by another claim. */
    VGPU_UUID_IN_USE,
    /** The ledger holds no active claim with that id. */
    UNKNOWN_CLAIM,
    /** Only a GRANTED claim can be extended. */
    NOT_GRANTED,
    /** The claim id is reserved for another host (granted there, or a claim for it is on its way there). */
    CLAIM_ID_HELD
}
