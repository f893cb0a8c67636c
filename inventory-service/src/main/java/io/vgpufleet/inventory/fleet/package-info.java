/** The fleet view: the latest snapshot of every host, fed from Kafka and served over REST. */
package io.vgpufleet.inventory.fleet;
