package io.vgpufleet.system.observability;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Which metric names the operators' files use, and which a component exports: pure functions over text.
 *
 * <ul>
 *   <li>{@link #inPromQl}: the metric names a PromQL expression selects (not functions, keywords, labels,
 *       grouping labels, durations, numbers, strings or Grafana variables).
 *   <li>{@link #inRules}: every {@code expr} of a Prometheus rule file.
 *   <li>{@link #inDashboard}: every {@code expr} of a Grafana dashboard's targets and every query of its
 *       template variables.
 *   <li>{@link #inScrape}: the sample names of a Prometheus text exposition.
 * </ul>
 * Not a PromQL parser: it reads the subset the project's rules and dashboards are written in, and a test
 * pins what it reads ({@code MetricNamesTest}).
 */
public final class MetricNames {

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern LABEL_MATCHERS = Pattern.compile("\\{[^{}]*}");
    private static final Pattern RANGE = Pattern.compile("\\[[^\\[\\]]*]");
    private static final Pattern GRAFANA_VARIABLE = Pattern.compile("\\$\\{[^}]*}|\\$\\w+");
    private static final Pattern GROUPING = Pattern.compile(
            "\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^()]*\\)", Pattern.CASE_INSENSITIVE);
    private static final Pattern LABEL_VALUES = Pattern.compile("\\blabel_values\\s*\\(([^,()]*(?:\\([^()]*\\))?[^,()]*),[^()]*\\)");
    private static final Pattern TOKEN = Pattern.compile("\\d[\\w.]*|[a-zA-Z_:][a-zA-Z0-9_:]*(\\s*\\()?");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
            "group_left", "group_right", "bool", "offset", "inf", "nan", "atan2");
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{\\s]");

    private MetricNames() {}

    /** The metric names an expression selects, sorted. */
    public static Set<String> inPromQl(String expression) {
        String text = STRING.matcher(expression).replaceAll(" ");
        text = GRAFANA_VARIABLE.matcher(text).replaceAll(" 1 ");
        text = LABEL_VALUES.matcher(text).replaceAll("$1");
        String before;
        do {
            before = text;
            text = LABEL_MATCHERS.matcher(text).replaceAll(" ");
        } while (!text.equals(before));
        text = RANGE.matcher(text).replaceAll(" ");
        text = GROUPING.matcher(text).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher token = TOKEN.matcher(text);
        while (token.find()) {
            String word = token.group();
            boolean call = token.group(1) != null;
            if (call || Character.isDigit(word.charAt(0)) || KEYWORDS.contains(word.toLowerCase())) {
                continue;
            }
            names.add(word);
        }
        return names;
    }

    /** Every metric name the rules of a Prometheus rule file ({@code groups[].rules[].expr}) select. */
    public static Set<String> inRules(String yaml) {
        Object document = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        Set<String> names = new TreeSet<>();
        for (Object group : list(map(document, "rule file").get("groups"), "groups")) {
            for (Object rule : list(map(group, "group").get("rules"), "rules")) {
                Object expr = map(rule, "rule").get("expr");
                if (!(expr instanceof String text)) {
                    throw new IllegalArgumentException("a rule without a string expr: " + rule);
                }
                names.addAll(inPromQl(text));
            }
        }
        return names;
    }

    /** Every metric name a Grafana dashboard's panel targets and template variable queries select. */
    public static Set<String> inDashboard(String json) {
        JsonNode dashboard = JsonMapper.builder().build().readTree(json);
        List<String> expressions = new ArrayList<>();
        collectTargets(dashboard.path("panels"), expressions);
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            JsonNode query = variable.path("query");
            String text = query.isObject() ? query.path("query").asString("") : query.asString("");
            if ("query".equals(variable.path("type").asString("")) && !text.isBlank()) {
                expressions.add(text);
            }
        }
        if (expressions.isEmpty()) {
            throw new IllegalArgumentException("the dashboard has no query at all");
        }
        Set<String> names = new TreeSet<>();
        expressions.forEach(expression -> names.addAll(inPromQl(expression)));
        return names;
    }

    private static void collectTargets(JsonNode panels, List<String> expressions) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asString("");
                if (!expr.isBlank()) {
                    expressions.add(expr);
                }
            }
            collectTargets(panel.path("panels"), expressions);
        }
    }

    /** The sample names of a Prometheus text exposition (comments skipped), sorted. */
    public static Set<String> inScrape(String exposition) {
        Set<String> names = new TreeSet<>();
        for (Iterator<String> lines = exposition.lines().iterator(); lines.hasNext(); ) {
            String line = lines.next();
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher sample = SAMPLE.matcher(line);
            if (sample.find()) {
                names.add(sample.group(1));
            }
        }
        return names;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node, String what) {
        if (node instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new IllegalArgumentException("expected a mapping for the " + what + ", got " + node);
    }

    private static List<?> list(Object node, String what) {
        if (node instanceof List<?> list) {
            return list;
        }
        throw new IllegalArgumentException("expected a list of " + what + ", got " + node);
    }
}
