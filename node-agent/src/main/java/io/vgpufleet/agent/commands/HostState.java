package io.vgpufleet.agent.commands;

import io.vgpufleet.agent.discovery.DiscoveredHost;

/** What command handling needs of the rest of the agent: the host as it is now, and a way to say it changed. */
public interface HostState {

    /** A fresh discovery, the truth a command is validated against. */
    DiscoveredHost discover();

    /** Called after a command changed (or may have changed) the host, so a fresh snapshot goes out. */
    void changed();
}
