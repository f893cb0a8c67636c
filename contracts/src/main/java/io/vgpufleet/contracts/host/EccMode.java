package io.vgpufleet.contracts.host;

/** ECC mode of a pGPU as NVML reports it; {@code UNKNOWN} where NVML is unavailable or says not supported. */
public enum EccMode {
    ON,
    OFF,
    UNKNOWN
}
