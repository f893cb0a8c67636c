package io.vgpufleet.lifecycle.vgpus;

import io.vgpufleet.contracts.lifecycle.VgpuRequest;
import java.util.Collection;

/** Where requests are kept: every save is durable before it returns; {@link #load()} gives the latest of each. */
public interface RequestStore {

    Collection<VgpuRequest> load();

    void save(VgpuRequest request);
}
