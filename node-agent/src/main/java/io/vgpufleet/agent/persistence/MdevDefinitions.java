package io.vgpufleet.agent.persistence;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.vgpufleet.agent.discovery.SysfsNames;
import io.vgpufleet.contracts.Checks;
import io.vgpufleet.contracts.messaging.EventCodec;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * mdevctl's definitions under {@code <root>/etc/mdevctl.d/<parent BDF>/<uuid>}. Only names that pass
 * the kernel-name checks become paths, links are never followed, and files are written whole (a
 * temporary file renamed into place), so a crash leaves the old definition or the new one.
 */
public final class MdevDefinitions {

    private static final int MAX_BYTES = 16 * 1024;
    private final Path dir;

    /** @param root the host's root: {@code /} on a host; the simulated host's root in simulation */
    public MdevDefinitions(Path root) {
        this.dir = root.toAbsolutePath().normalize().resolve("etc/mdevctl.d");
    }

    /** Writes (or replaces) a definition. */
    public void define(MdevDefinition definition) throws IOException {
        Path parent = dir.resolve(definition.parentBdf());
        Files.createDirectories(parent);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("mdev_type", definition.mdevType());
        json.put("start", definition.autoStart() ? "auto" : "manual");
        json.put("attrs", List.of());
        Path temporary = parent.resolve("." + definition.uuid() + ".tmp");
        Files.write(temporary, EventCodec.json().writeValueAsBytes(json));
        Files.move(temporary, parent.resolve(definition.uuid()), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    /** Removes the definition of {@code uuid} under whichever parent holds it; true where one was removed. */
    public boolean undefine(String uuid) throws IOException {
        if (!SysfsNames.isUuid(uuid) || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        boolean removed = false;
        for (String parent : parents()) {
            removed |= Files.deleteIfExists(dir.resolve(parent).resolve(uuid));
        }
        return removed;
    }

    /** Every readable definition; an unreadable file is a problem line in {@code problems}, never an exception. */
    public List<MdevDefinition> all(List<String> problems) {
        List<MdevDefinition> definitions = new ArrayList<>();
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return definitions;
        }
        for (String parent : parents()) {
            for (String name : names(dir.resolve(parent))) {
                if (name.startsWith(".")) {
                    continue;
                }
                if (!SysfsNames.isUuid(name)) {
                    problems.add("mdevctl definition '" + Checks.printable(parent + "/" + name) + "': not a UUID");
                    continue;
                }
                Path file = dir.resolve(parent).resolve(name);
                try {
                    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) > MAX_BYTES) {
                        throw new IOException("not a small regular file");
                    }
                    JsonNode json = EventCodec.json().readTree(Files.readString(file, UTF_8));
                    String type = json.path("mdev_type").asString("");
                    String start = json.path("start").asString("");
                    definitions.add(new MdevDefinition(parent, name, type, "auto".equals(start)));
                } catch (IOException | JacksonException | IllegalArgumentException e) {
                    problems.add("mdevctl definition " + parent + "/" + name + " is unreadable: "
                            + Checks.printable(String.valueOf(e.getMessage())));
                }
            }
        }
        return definitions;
    }

    private List<String> parents() {
        return names(dir).stream().filter(SysfsNames::isPciBdf)
                .filter(name -> Files.isDirectory(dir.resolve(name), LinkOption.NOFOLLOW_LINKS)).toList();
    }

    private static List<String> names(Path directory) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            entries.forEach(entry -> names.add(entry.getFileName().toString()));
        } catch (IOException e) {
            return List.of();
        }
        names.sort(null);
        return names;
    }
}
