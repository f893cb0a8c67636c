package io.vgpufleet.migration.api;

import io.vgpufleet.service.web.InvalidRequestException;

/** A request field the API refuses: 400, the problem detail's {@code field} member names it. */
class InvalidFieldException extends InvalidRequestException {

    private static final long serialVersionUID = 1L;

    InvalidFieldException(String field, String reason) {
        super(field + " " + reason);
        getBody().setProperty("field", field);
    }
}
