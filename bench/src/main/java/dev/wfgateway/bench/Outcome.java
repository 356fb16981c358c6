package dev.wfgateway.bench;

/** How an answered request counts; anything else is a failed {@link Call} future (an error). */
enum Outcome {
  /** The answer the scenario expects. */
  OK,
  /** A 429 where the scenario provokes them on purpose: counted apart, not an error. */
  LIMITED
}
