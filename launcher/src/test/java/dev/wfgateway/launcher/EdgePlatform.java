package dev.wfgateway.launcher;

import dev.wfgateway.testkit.Await;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A platform configured with the tenants of {@link ConfiguredPlatform} (acme, globex) and the
 * workflows the HTTP-edge tests need, with the event-bus services their steps call:
 * {@value #ECHO_ADDRESS} answers the payload it got and records the headers it saw;
 * {@value #FAIL_ADDRESS} always fails, so a run of {@link #FAILING} is dead-lettered at once.
 */
final class EdgePlatform implements AutoCloseable {
  /** Input checked by a schema: {@code amount} an integer up to 1000, {@code name} a short string. */
  static final String ECHO = "echo";
  static final String FAILING = "failing";
  /** Locked on {@code /orderId}. */
  static final String LOCKED = "locked";
  /** Calls the failing service through the breaker {@value #FRAGILE_BREAKER}, which opens after two failures. */
  static final String FRAGILE = "fragile";
  static final String FRAGILE_BREAKER = "fragile-breaker";
  static final String ECHO_ADDRESS = "test.echo";
  static final String FAIL_ADDRESS = "test.fail";

  private static final String WORKFLOWS = String.join("\n",
      "  " + ECHO + ":",
      "    inputSchema: { type: object, properties: { amount: { type: integer, maximum: 1000 },"
          + " name: { type: string, maxLength: 64 } } }",
      "    steps: [ { name: echo, retry: none, eventbus: { address: " + ECHO_ADDRESS + ", timeout: 2s } } ]",
      "  " + FAILING + ":",
      "    steps: [ { name: charge, retry: none, eventbus: { address: " + FAIL_ADDRESS + ", timeout: 2s } } ]",
      "  " + LOCKED + ":",
      "    lock: { key: /orderId, ttl: 10s, wait: 2s }",
      "    steps: [ { name: echo, retry: none, eventbus: { address: " + ECHO_ADDRESS + ", timeout: 2s } } ]",
      "  " + FRAGILE + ":",
      "    steps: [ { name: charge, retry: none, circuitBreaker: " + FRAGILE_BREAKER + ",",
      "               eventbus: { address: " + FAIL_ADDRESS + ", timeout: 2s } } ]",
      "circuitBreakers:",
      "  " + FRAGILE_BREAKER + ": { failureRateThreshold: 0.5, minimumCalls: 2, window: 60s, openFor: 60s,"
          + " halfOpenCalls: 1 }");

  /** Small, so a test can exceed it cheaply. */
  static final int MAX_BODY_BYTES = 65_536;
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(1);

  final RunningPlatform node;
  final Path configFile;
  /** The event-bus headers of every call the echo service received, oldest first. */
  final List<MultiMap> echoHeaders = new CopyOnWriteArrayList<>();
  /** A connection per request: with the short idle timeout, a pooled one could be closed under a request. */
  private final WebClient client;

  EdgePlatform(Path dir) throws IOException {
    this(dir, IDLE_TIMEOUT);
  }

  EdgePlatform(Path dir, Duration idleTimeout) throws IOException {
    configFile = ConfiguredPlatform.write(dir, WORKFLOWS);
    Files.writeString(configFile, "http: { maxBodyBytes: " + MAX_BODY_BYTES + ", idleTimeout: "
        + idleTimeout.toMillis() + "ms }\n", StandardOpenOption.APPEND);
    node = RunningPlatform.started(dir, Map.of(), configFile.toString());
    client = WebClient.create(node.vertx, new WebClientOptions().setKeepAlive(false));
    node.vertx.eventBus().<JsonObject>consumer(ECHO_ADDRESS, message -> {
      echoHeaders.add(MultiMap.caseInsensitiveMultiMap().addAll(message.headers()));
      message.reply(new JsonObject().put("echo", message.body().getJsonObject("input")));
    });
    node.vertx.eventBus().consumer(FAIL_ADDRESS, message -> message.fail(500, "downstream exploded"));
  }

  HttpRequest<Buffer> request(HttpMethod method, String path) {
    return client.request(method, node.platform.httpPort(), "127.0.0.1", path);
  }

  HttpRequest<Buffer> as(String key, HttpMethod method, String path) {
    return request(method, path).putHeader("Authorization", "Bearer " + key);
  }

  HttpResponse<Buffer> submit(String key, String workflow, JsonObject input) {
    return Await.result(as(key, HttpMethod.POST, "/v1/workflows/" + workflow + "/runs")
        .putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(new JsonObject().put("input", input).encode())));
  }

  HttpResponse<Buffer> send(HttpRequest<Buffer> request) {
    return Await.result(request.send());
  }

  @Override
  public void close() throws Exception {
    client.close();
    node.close();
  }
}
