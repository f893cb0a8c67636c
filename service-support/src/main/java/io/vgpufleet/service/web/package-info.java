/** REST conventions shared by the services: paging and RFC 9457 problem details. */
package io.vgpufleet.service.web;
