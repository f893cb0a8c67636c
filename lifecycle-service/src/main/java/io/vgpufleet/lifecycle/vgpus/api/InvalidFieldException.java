package io.vgpufleet.lifecycle.vgpus.api;

import io.vgpufleet.service.web.InvalidRequestException;

/** 400 with a problem detail whose {@code detail} starts with the field's name and whose {@code field} names it. */
class InvalidFieldException extends InvalidRequestException {

    private static final long serialVersionUID = 1L;

    InvalidFieldException(String field, String reason) {
        super(field + " " + reason);
        getBody().setProperty("field", field);
    }
}
