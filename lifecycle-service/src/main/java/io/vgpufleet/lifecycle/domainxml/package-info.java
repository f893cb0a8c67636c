/**
 * The libvirt domain XML and QEMU arguments for a VM's vGPUs, with NUMA tuning: pure text rendering,
 * validated against libvirt's schema in a test ({@code virt-xml-validate}).
 */
@NullMarked
package io.vgpufleet.lifecycle.domainxml;

import org.jspecify.annotations.NullMarked;
