package dev.wfgateway.common.redis;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Sends commands as pipelines: the commands given during one event-loop task leave together
 * once the task is done, and while one round of pipelines is out, the commands that arrive wait
 * and leave together in the next round. Idle, a command leaves at the end of its task; under
 * load, the writes of many runs share a round trip. Commands are grouped by the hash tag their keys share
 * ({@code group}): one pipeline per group, as Redis Cluster serves a pipeline from one slot only.
 * Use from the context it was created on (a verticle's).
 */
public final class GroupCommit {
  private record Pending(Request request, Promise<Response> answer) {
  }

  private final Context context;
  private final Redis redis;
  private final long timeoutMillis;
  private final Counter pipelines;
  private final Counter commands;
  private Map<String, List<Pending>> waiting = new LinkedHashMap<>();
  /** A round is out, or about to leave at the end of the current task. */
  private boolean sending;

  /**
   * A pipeline not answered within {@code timeout} fails its commands, and the next round leaves
   * without waiting for it. {@code name} tags the meters {@code platform.redis.pipelines} and
   * {@code platform.redis.pipelined.commands}.
   */
  public GroupCommit(Context context, Redis redis, Duration timeout, MeterRegistry registry, String name) {
    this.context = context;
    this.redis = redis;
    this.timeoutMillis = timeout.toMillis();
    this.pipelines = Counter.builder("platform.redis.pipelines")
        .description("Pipelines (round trips) sent by a group-committing writer").tag("writer", name)
        .register(registry);
    this.commands = Counter.builder("platform.redis.pipelined.commands")
        .description("Commands sent in those pipelines").tag("writer", name).register(registry);
  }

  /** Sends {@code request}, whose keys all carry the hash tag {@code group}, in the next round. */
  public Future<Response> send(String group, Request request) {
    Promise<Response> answer = Promise.promise();
    waiting.computeIfAbsent(group, g -> new ArrayList<>()).add(new Pending(request, answer));
    if (!sending) {
      sending = true;
      context.runOnContext(v -> flush());
    }
    return answer.future();
  }

  private void flush() {
    if (waiting.isEmpty()) {
      sending = false;
      return;
    }
    sending = true;
    Map<String, List<Pending>> round = waiting;
    waiting = new LinkedHashMap<>();
    List<Future<?>> sent = new ArrayList<>(round.size());
    for (List<Pending> pipeline : round.values()) {
      sent.add(send(pipeline));
    }
    Future.join(sent).onComplete(done -> flush());
  }

  private Future<List<Response>> send(List<Pending> pipeline) {
    pipelines.increment();
    commands.increment(pipeline.size());
    List<Request> requests = new ArrayList<>(pipeline.size());
    pipeline.forEach(p -> requests.add(p.request));
    Future<List<Response>> replies = pipeline.size() == 1
        ? redis.send(requests.get(0)).map(Collections::singletonList) : redis.batch(requests);
    return replies.timeout(timeoutMillis, TimeUnit.MILLISECONDS).onComplete(answers -> {
      for (int i = 0; i < pipeline.size(); i++) {
        pipeline.get(i).answer.tryComplete(answers.get(i));
      }
    }, failure -> pipeline.forEach(p -> p.answer.tryFail(failure)));
  }
}
