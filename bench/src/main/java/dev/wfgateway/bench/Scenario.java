package dev.wfgateway.bench;

import java.util.List;

/** A named load: one or more open-loop streams run at the same time, each measured on its own. */
record Scenario(String name, List<Stream> streams) {

  /** One open-loop stream: {@code rate} requests per second of {@code call}. */
  record Stream(String name, double rate, Call call) {
  }

  static Scenario single(String name, double rate, Call call) {
    return new Scenario(name, List.of(new Stream(name, rate, call)));
  }

  /** The report row of a stream: {@code backend.scenario}, plus {@code .stream} when there are several. */
  String row(String backend, Stream stream) {
    return backend + "." + (streams.size() == 1 ? name : name + "." + stream.name());
  }
}
