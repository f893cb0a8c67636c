package io.vgpufleet.service.web;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/** A request the API refuses: answered 400 with an RFC 9457 problem detail carrying the reason. */
public class InvalidRequestException extends ErrorResponseException {

    private static final long serialVersionUID = 1L;

    public InvalidRequestException(String reason) {
        super(HttpStatus.BAD_REQUEST);
        getBody().setTitle("Invalid request");
        getBody().setDetail(reason);
    }
}
