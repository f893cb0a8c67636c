package io.vgpufleet.system.observability;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The alert names of a Prometheus rule file. */
final class AlertNames {

    private AlertNames() {}

    static Set<String> in(String yaml) {
        Map<?, ?> document = (Map<?, ?>) new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        Set<String> alerts = new TreeSet<>();
        for (Object group : (Iterable<?>) document.get("groups")) {
            for (Object rule : (Iterable<?>) ((Map<?, ?>) group).get("rules")) {
                Object alert = ((Map<?, ?>) rule).get("alert");
                if (alert != null) {
                    alerts.add(alert.toString());
                }
            }
        }
        return alerts;
    }
}
