/**
 * A Kafka broker that speaks only mutual TLS, with a certificate authority, broker and client
 * certificates made for the test by the JDK's {@code keytool}: for the ITs of the {@code kafka-tls}
 * profile and of the node agent's TLS options.
 */
package io.vgpufleet.testing.tls;
