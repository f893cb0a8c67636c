/** Migration sagas and their inputs: GPU health verdicts and agent replies. */
package io.vgpufleet.migration.sagas;
