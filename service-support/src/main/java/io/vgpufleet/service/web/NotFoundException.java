package io.vgpufleet.service.web;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/** Something the request named does not exist: answered 404 with an RFC 9457 problem detail. */
public class NotFoundException extends ErrorResponseException {

    private static final long serialVersionUID = 1L;

    public NotFoundException(String what) {
        super(HttpStatus.NOT_FOUND);
        getBody().setTitle("Not found");
        getBody().setDetail(what);
    }
}
