package io.vgpufleet.inventory.apidoc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/openapi.yaml}: the OpenAPI 3 document of every inventory endpoint, committed beside
 * the code ({@code openapi/inventory-openapi.yaml}) and kept in step with the controllers by
 * {@code InventoryOpenApiTest} (a hand-written document, not generated: see the claims report).
 */
@RestController
class OpenApiDocument {

    static final String RESOURCE = "/openapi/inventory-openapi.yaml";

    private final byte[] document;

    OpenApiDocument() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @GetMapping("/api/v1/openapi.yaml")
    ResponseEntity<byte[]> document() {
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/yaml")).body(document.clone());
    }
}
