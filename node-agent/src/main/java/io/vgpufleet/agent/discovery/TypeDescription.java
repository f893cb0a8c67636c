package io.vgpufleet.agent.discovery;

/**
 * What an mdev type's {@code description} attribute says, e.g. {@code num heads=1, frl config=60,
 * framebuffer=8192M, max resolution=4096x2160, max instance=1}.
 *
 * @param numHeads display heads; 0 where the driver does not say
 * @param frameRateLimit {@code frl config}; 0 where the driver does not say
 * @param maxResolution {@code 4096x2160}; empty where the driver does not say
 */
public record TypeDescription(
        int numHeads, int frameRateLimit, long framebufferMib, String maxResolution, int maxInstances) {}
