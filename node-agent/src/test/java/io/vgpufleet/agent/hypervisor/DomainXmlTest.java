package io.vgpufleet.agent.hypervisor;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vgpufleet.testing.HostileStrings;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class DomainXmlTest {

    @Test
    void readsTheMdevAndPciHostdevsOfADomain() throws Exception {
        HypervisorPort.Domain domain = DomainXml.parse(fixture("vm-with-vgpus.xml"), true);

        assertThat(domain).isEqualTo(new HypervisorPort.Domain("vm-7", true,
                List.of("c2177883-f1bb-47f0-914d-32a22e3a8804"), List.of("0000:af:00.4")));
    }

    @Test
    void refusesADoctypeSoNoEntityIsEverExpanded() {
        String xml = "<?xml version='1.0'?><!DOCTYPE domain [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
                + "<domain><name>&x;</name></domain>";

        assertThatThrownBy(() -> DomainXml.parse(xml, false)).isInstanceOf(HypervisorPort.HypervisorException.class)
                .hasMessageContaining("unreadable domain XML");
    }

    @Test
    void refusesWhatIsNotADomain() {
        assertThatThrownBy(() -> DomainXml.parse("<network><name>default</name></network>", false))
                .hasMessageContaining("not a libvirt domain");
        assertThatThrownBy(() -> DomainXml.parse("<domain/>", false)).hasMessageContaining("no <name>");
    }

    @Test
    void hostileTextIsAClearErrorOrADomainNeverAnEscapingException() {
        for (String hostile : HostileStrings.sample(17, 300, "<domain>", "<hostdev type='mdev'>", "<name>")) {
            try {
                DomainXml.parse(hostile, false);
            } catch (HypervisorPort.HypervisorException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }

    @Test
    void namesFromVirshListSkipBlankLinesAndShapesThatCouldBeOptions() {
        assertThat(VirshHypervisor.names("vm-7\n\n--help\nweb.01\n../x\n")).containsExactly("vm-7", "web.01");
    }

    private static String fixture(String name) throws IOException {
        try (InputStream in = DomainXmlTest.class.getResourceAsStream("/libvirt/" + name)) {
            return new String(in.readAllBytes(), UTF_8);
        }
    }
}
