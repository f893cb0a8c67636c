package io.vgpufleet.agent.hypervisor;

import io.vgpufleet.agent.discovery.SysfsNames;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.jspecify.annotations.Nullable;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * Reads a libvirt domain definition ({@code virsh dumpxml}) for its GPU host devices:
 *
 * <pre>{@code
 * <hostdev mode='subsystem' type='mdev' model='vfio-pci' display='on'>
 *   <source><address uuid='c2177883-f1bb-47f0-914d-32a22e3a8804'/></source>
 * </hostdev>
 * <hostdev mode='subsystem' type='pci' managed='yes'>
 *   <source><address domain='0x0000' bus='0xaf' slot='0x00' function='0x4'/></source>
 * </hostdev>
 * }</pre>
 *
 * The JDK's DOM parser with DTDs and external entities off (the XML comes from {@code virsh}, but a
 * domain's metadata is anyone's text). Addresses that are not a UUID or a PCI address are skipped. Pure.
 */
public final class DomainXml {

    private DomainXml() {}

    /** The domain's name and devices; {@code active} comes from elsewhere ({@code virsh list}). */
    public static HypervisorPort.Domain parse(String xml, boolean active) throws HypervisorPort.HypervisorException {
        Document document = document(xml);
        Element root = document.getDocumentElement();
        if (root == null || !"domain".equals(root.getTagName())) {
            throw new HypervisorPort.HypervisorException("not a libvirt domain definition");
        }
        String name = text(root, "name");
        List<String> mdevs = new ArrayList<>();
        List<String> pci = new ArrayList<>();
        NodeList hostdevs = root.getElementsByTagName("hostdev");
        for (int i = 0; i < hostdevs.getLength(); i++) {
            Element hostdev = (Element) hostdevs.item(i);
            Element address = sourceAddress(hostdev);
            if (address == null) {
                continue;
            }
            if ("mdev".equals(hostdev.getAttribute("type"))) {
                String uuid = address.getAttribute("uuid").toLowerCase(Locale.ROOT);
                if (SysfsNames.isUuid(uuid)) {
                    mdevs.add(uuid);
                }
            } else if ("pci".equals(hostdev.getAttribute("type"))) {
                String bdf = pciAddress(address);
                if (SysfsNames.isPciBdf(bdf)) {
                    pci.add(bdf);
                }
            }
        }
        return new HypervisorPort.Domain(name, active, mdevs, pci);
    }

    private static Document document(String xml) throws HypervisorPort.HypervisorException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null);
            return builder.parse(new InputSource(new StringReader(xml)));
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new HypervisorPort.HypervisorException("unreadable domain XML: " + e.getMessage(), e);
        }
    }

    private static String text(Element root, String tag) throws HypervisorPort.HypervisorException {
        NodeList nodes = root.getElementsByTagName(tag);
        if (nodes.getLength() == 0 || nodes.item(0).getTextContent().isBlank()) {
            throw new HypervisorPort.HypervisorException("the domain definition has no <" + tag + ">");
        }
        return nodes.item(0).getTextContent().strip();
    }

    private static @Nullable Element sourceAddress(Element hostdev) {
        NodeList sources = hostdev.getElementsByTagName("source");
        if (sources.getLength() == 0) {
            return null;
        }
        NodeList addresses = ((Element) sources.item(0)).getElementsByTagName("address");
        return addresses.getLength() == 0 ? null : (Element) addresses.item(0);
    }

    /** {@code domain='0x0000' bus='0xaf' slot='0x00' function='0x4'} as {@code 0000:af:00.4}. */
    private static String pciAddress(Element address) {
        try {
            int domain = Integer.decode(address.getAttribute("domain"));
            int bus = Integer.decode(address.getAttribute("bus"));
            int slot = Integer.decode(address.getAttribute("slot"));
            int function = Integer.decode(address.getAttribute("function"));
            return String.format("%04x:%02x:%02x.%x", domain, bus, slot, function);
        } catch (NumberFormatException e) {
            return "";
        }
    }
}
