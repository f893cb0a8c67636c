package io.vgpufleet.agent.nvml;

import java.time.Instant;

/**
 * A critical event NVML delivered ({@code nvmlEventSetWait_v2}), or the loss of a GPU noticed while
 * waiting for one.
 *
 * @param pciBdf the GPU it concerns
 * @param xid the Xid code for {@link Kind#XID}; 0 otherwise
 */
public record NvmlEvent(String pciBdf, Kind kind, long xid, Instant at) {

    public enum Kind {
        /** {@code nvmlEventTypeSingleBitEccError} */
        SINGLE_BIT_ECC,
        /** {@code nvmlEventTypeDoubleBitEccError} */
        DOUBLE_BIT_ECC,
        /** {@code nvmlEventTypeXidCriticalError} */
        XID,
        /** {@code NVML_ERROR_GPU_IS_LOST} from the device */
        GPU_LOST
    }
}
