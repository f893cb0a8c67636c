package io.vgpufleet.inventory.placement.api;

import io.vgpufleet.service.web.InvalidRequestException;

/**
 * A request body field the API refuses: 400 with a problem detail whose {@code detail} starts with the
 * field's name and whose extra member {@code field} names it for programs.
 */
public class InvalidFieldException extends InvalidRequestException {

    private static final long serialVersionUID = 1L;

    public InvalidFieldException(String field, String reason) {
        super(field + " " + reason);
        getBody().setProperty("field", field);
    }
}
