package io.vgpufleet.lifecycle.domainxml;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The libvirt domain for a VM with its vGPUs, and the QEMU command-line form of each vGPU, with the tuning
 * NVIDIA's talk recommends: vCPUs pinned one to one to CPUs local to the pGPUs' NUMA node, the guest's
 * memory strictly on that node, hugepages.
 *
 * <pre>
 * &lt;hostdev mode='subsystem' type='mdev' model='vfio-pci' display='off'&gt;    (mdev hosts, by UUID)
 *   &lt;source&gt;&lt;address uuid='...'/&gt;&lt;/source&gt;&lt;/hostdev&gt;
 * &lt;hostdev mode='subsystem' type='pci' managed='no'&gt;                      (vendor-VFIO hosts, the VF)
 *   &lt;source&gt;&lt;address domain='0x0000' bus='0xc1' slot='0x00' function='0x4'/&gt;&lt;/source&gt;&lt;/hostdev&gt;
 * qemu ... -device vfio-pci,sysfsdev=/sys/bus/mdev/devices/UUID
 * </pre>
 *
 * A console ({@code display='on'}, VNC on head 0 only, {@code ramfb='off'}) is for management and
 * debugging; without one the vGPU has no display. Pure: values in, text out.
 */
public final class DomainDefinition {

    /** One vGPU of the VM: its mdev UUID, or on a vendor-VFIO host the VF that carries it. */
    public record Device(String vgpuUuid, @Nullable String virtualFunctionBdf) {}

    /**
     * @param localCpus the CPUs local to the pGPUs' NUMA node in the kernel's list form ({@code 0-15,32-47});
     *     empty where the host did not say (then no pinning is written)
     * @param numaNodes the pGPUs' NUMA nodes; empty where the platform has none
     */
    public record Tuning(int vcpus, long memoryMib, String localCpus, List<Integer> numaNodes) {

        public Tuning {
            if (vcpus < 1 || vcpus > 1024) {
                throw new IllegalArgumentException("vcpus must be 1 to 1024, was " + vcpus);
            }
            if (memoryMib < 256 || memoryMib > 16L * 1024 * 1024) {
                throw new IllegalArgumentException("memoryMib must be 256 to 16777216, was " + memoryMib);
            }
            numaNodes = List.copyOf(new TreeSet<>(numaNodes.stream().filter(node -> node >= 0).toList()));
        }
    }

    private DomainDefinition() {}

    /** The whole domain XML. */
    public static String domainXml(String vmName, List<Device> devices, boolean console, Tuning tuning) {
        List<Integer> cpus = cpuList(tuning.localCpus());
        StringBuilder xml = new StringBuilder();
        xml.append("<domain type='kvm'>\n");
        xml.append("  <name>").append(escape(vmName)).append("</name>\n");
        xml.append("  <memory unit='MiB'>").append(tuning.memoryMib()).append("</memory>\n");
        xml.append("  <memoryBacking>\n    <hugepages/>\n  </memoryBacking>\n");
        xml.append("  <vcpu placement='static'>").append(tuning.vcpus()).append("</vcpu>\n");
        if (!cpus.isEmpty()) {
            xml.append("  <cputune>\n");
            for (int vcpu = 0; vcpu < tuning.vcpus(); vcpu++) {
                xml.append("    <vcpupin vcpu='").append(vcpu).append("' cpuset='").append(cpus.get(vcpu % cpus.size()))
                        .append("'/>\n");
            }
            xml.append("  </cputune>\n");
        }
        if (!tuning.numaNodes().isEmpty()) {
            xml.append("  <numatune>\n    <memory mode='strict' nodeset='")
                    .append(String.join(",", tuning.numaNodes().stream().map(String::valueOf).toList())).append("'/>\n");
            xml.append("  </numatune>\n");
        }
        xml.append("  <os>\n    <type arch='x86_64' machine='q35'>hvm</type>\n  </os>\n");
        xml.append("  <features>\n    <acpi/>\n  </features>\n");
        xml.append("  <devices>\n");
        for (Device device : devices) {
            hostdev(xml, device, console);
        }
        if (console) {
            xml.append("    <graphics type='vnc' autoport='yes' listen='127.0.0.1'/>\n");
            xml.append("    <video>\n      <model type='none'/>\n    </video>\n");
        }
        xml.append("  </devices>\n");
        xml.append("</domain>\n");
        return xml.toString();
    }

    /** The {@code <hostdev>} of one vGPU alone, as {@code virsh attach-device} takes it. */
    public static String hostdevXml(Device device, boolean console) {
        StringBuilder xml = new StringBuilder();
        hostdev(xml, device, console);
        return xml.toString().replaceAll("(?m)^    ", "");
    }

    private static void hostdev(StringBuilder xml, Device device, boolean console) {
        String vf = device.virtualFunctionBdf();
        if (vf == null) {
            xml.append("    <hostdev mode='subsystem' type='mdev' model='vfio-pci' display='")
                    .append(console ? "on' ramfb='off'>\n" : "off'>\n");
            xml.append("      <source>\n        <address uuid='").append(escape(device.vgpuUuid())).append("'/>\n");
            xml.append("      </source>\n    </hostdev>\n");
        } else {
            String[] parts = vf.split("[:.]");
            xml.append("    <hostdev mode='subsystem' type='pci' managed='no'>\n");
            xml.append("      <source>\n        <address domain='0x").append(parts[0]).append("' bus='0x").append(parts[1])
                    .append("' slot='0x").append(parts[2]).append("' function='0x").append(parts[3]).append("'/>\n");
            xml.append("      </source>\n    </hostdev>\n");
        }
    }

    /** The QEMU argument for one vGPU: {@code -device vfio-pci,sysfsdev=/sys/bus/mdev/devices/UUID}. */
    public static List<String> qemuArguments(Device device, boolean console) {
        String vf = device.virtualFunctionBdf();
        String sysfs = vf == null ? "/sys/bus/mdev/devices/" + device.vgpuUuid() : "/sys/bus/pci/devices/" + vf;
        String options = "vfio-pci,sysfsdev=" + sysfs + (console && vf == null ? ",display=on,ramfb=off" : "");
        return List.of("-device", options);
    }

    /** {@code 0-3,8,10-11} as [0, 1, 2, 3, 8, 10, 11]; anything unreadable gives an empty list (no pinning). */
    static List<Integer> cpuList(String text) {
        List<Integer> cpus = new ArrayList<>();
        if (text.isBlank()) {
            return cpus;
        }
        try {
            for (String part : text.strip().split(",")) {
                String[] range = part.strip().split("-", -1);
                int from = Integer.parseInt(range[0]);
                int to = range.length == 2 ? Integer.parseInt(range[1]) : from;
                if (range.length > 2 || from < 0 || to < from || to - from > 4096 || cpus.size() > 8192) {
                    return List.of();
                }
                for (int cpu = from; cpu <= to; cpu++) {
                    cpus.add(cpu);
                }
            }
        } catch (NumberFormatException e) {
            return List.of();
        }
        return cpus;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;")
                .replace("\"", "&quot;");
    }
}
