package dev.wfgateway.bench;

import io.vertx.core.Future;

/**
 * One request of a load stream: {@code i} is its index in the timetable. The future completes with
 * the outcome once the whole interaction (a poll loop included) is over; a failed future is an error
 * (an {@link UnexpectedAnswer} for an answer the scenario does not expect).
 */
@FunctionalInterface
interface Call {
  Future<Outcome> send(long i);
}
