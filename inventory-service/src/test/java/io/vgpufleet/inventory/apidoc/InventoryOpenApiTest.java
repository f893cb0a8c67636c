package io.vgpufleet.inventory.apidoc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;
import org.yaml.snakeyaml.Yaml;

/** The committed OpenAPI document lists exactly the request mappings of the inventory's controllers. */
class InventoryOpenApiTest {

    @Test
    void documentsEveryRequestMappingAndNothingElse() throws Exception {
        assertThat(documented()).isEqualTo(mapped()).isNotEmpty();
    }

    @Test
    void documentsTheClaimContractOtherServicesCodeAgainst() throws Exception {
        assertThat(documented()).contains("POST /api/v1/claims", "GET /api/v1/claims", "GET /api/v1/claims/{claimId}",
                "DELETE /api/v1/claims/{claimId}", "POST /api/v1/claims/{claimId}/extend", "POST /api/v1/placements");
    }

    private static Set<String> documented() throws Exception {
        try (InputStream in = InventoryOpenApiTest.class.getResourceAsStream(OpenApiDocument.RESOURCE)) {
            Map<String, Object> document = new Yaml().load(in);
            assertThat(document.get("openapi")).asString().startsWith("3.");
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) document.get("paths");
            Set<String> operations = new TreeSet<>();
            paths.forEach((path, methods) -> methods.keySet().forEach(method ->
                    operations.add(method.toUpperCase(Locale.ROOT) + " " + path)));
            return operations;
        }
    }

    private static Set<String> mapped() throws Exception {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(RestController.class));
        Set<String> operations = new TreeSet<>();
        for (BeanDefinition bean : scanner.findCandidateComponents("io.vgpufleet.inventory")) {
            Class<?> controller = Class.forName(bean.getBeanClassName());
            RequestMapping base = AnnotatedElementUtils.findMergedAnnotation(controller, RequestMapping.class);
            String prefix = base == null || base.path().length == 0 ? "" : base.path()[0];
            for (Method method : controller.getDeclaredMethods()) {
                RequestMapping mapping = AnnotatedElementUtils.findMergedAnnotation(method, RequestMapping.class);
                if (mapping == null) {
                    continue;
                }
                String[] paths = mapping.path().length == 0 ? new String[] {""} : mapping.path();
                for (RequestMethod verb : mapping.method()) {
                    for (String path : paths) {
                        operations.add(verb.name() + " " + prefix + path);
                    }
                }
            }
        }
        return operations;
    }
}
