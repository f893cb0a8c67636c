package io.vgpufleet.service.web;

/** A request field the API refuses: 400, the problem detail's {@code field} member names it. */
public class InvalidFieldException extends InvalidRequestException {

    private static final long serialVersionUID = 1L;

    public InvalidFieldException(String field, String reason) {
        super(field + " " + reason);
        getBody().setProperty("field", field);
    }
}
