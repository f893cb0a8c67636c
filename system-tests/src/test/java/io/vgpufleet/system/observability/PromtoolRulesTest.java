package io.vgpufleet.system.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus files as Prometheus' own tool reads them: the configs and rule files are valid, and every
 * alert rule behaves as its unit tests in {@code deploy/prometheus/tests} say ({@code promtool test rules}).
 */
class PromtoolRulesTest {

    private final Path prometheus = OperatorFiles.deploy().resolve("prometheus");

    @Test
    void theRuleFilesAreValid() {
        ExternalTool promtool = ExternalTool.require("promtool", "prometheus");
        for (Path rules : OperatorFiles.ruleFiles()) {
            ExternalTool.Result result = promtool.run(prometheus, 60, "check", "rules", rules.toString());
            assertThat(result.exitCode()).as(result.output()).isZero();
        }
    }

    @Test
    void theAlertRulesPassTheirUnitTests() throws Exception {
        ExternalTool promtool = ExternalTool.require("promtool", "prometheus");
        List<Path> tests;
        try (Stream<Path> files = Files.list(prometheus.resolve("tests"))) {
            tests = files.filter(file -> file.toString().endsWith(".test.yml")).sorted().toList();
        }
        assertThat(tests).isNotEmpty();
        for (Path test : tests) {
            ExternalTool.Result result = promtool.run(test.getParent(), 120, "test", "rules", test.getFileName().toString());
            assertThat(result.exitCode()).as(result.output()).isZero();
            assertThat(result.output()).contains("SUCCESS");
        }
    }

    @Test
    void everyAlertHasAUnitTest() throws Exception {
        String tests;
        try (Stream<Path> files = Files.list(prometheus.resolve("tests"))) {
            tests = String.join("\n", files.map(OperatorFiles::read).toList());
        }
        for (Path rules : OperatorFiles.ruleFiles()) {
            for (String alert : AlertNames.in(OperatorFiles.read(rules))) {
                assertThat(tests).as("a promtool test of " + alert).contains("alertname: " + alert + "\n");
            }
        }
    }

    @Test
    void theSandboxConfigIsValid() {
        ExternalTool promtool = ExternalTool.require("promtool", "prometheus");
        ExternalTool.Result result = promtool.run(prometheus, 60, "check", "config", "prometheus.yml");
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("rules found");
    }
}
