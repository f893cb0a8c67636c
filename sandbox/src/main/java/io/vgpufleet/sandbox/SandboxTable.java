package io.vgpufleet.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The "where is everything" table printed once the sandbox has started its programs. */
final class SandboxTable {

    private SandboxTable() {}

    /**
     * @param clusterNote a few words on the broker's cluster (its id, whether the data was reused)
     */
    static String render(SandboxLayout layout, String clusterNote, Path workingDir) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"component", "address", "health", "log"});
        rows.add(new String[] {"kafka", layout.bootstrapServers(), "data " + shown(layout.kafkaDir(), workingDir)
                + " (" + clusterNote + ")", "(this process)"});
        for (SandboxLayout.Child child : layout.children()) {
            String address = child.otherUrls().isEmpty() ? "" : child.otherUrls().get(0).toString();
            rows.add(new String[] {child.name(), address, child.healthUrl().toString(),
                    shown(child.logFile(), workingDir)});
        }
        int[] widths = new int[4];
        for (String[] row : rows) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder table = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder("  ");
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : String.format("%-" + widths[i] + "s  ", row[i]));
            }
            table.append(line.toString().stripTrailing()).append(System.lineSeparator());
        }
        return table.toString();
    }

    /** Paths under the working directory are shown relative to it, others as they are. */
    static String shown(Path path, Path workingDir) {
        Path base = workingDir.toAbsolutePath().normalize();
        Path absolute = path.toAbsolutePath().normalize();
        return absolute.startsWith(base) ? base.relativize(absolute).toString() : absolute.toString();
    }
}
