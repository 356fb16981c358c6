package dev.wfgateway.gateway;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;

/**
 * One JSON line per request on the {@code platform.access} logger: who, what, outcome, duration;
 * never a key. Written by {@link AccessLogWriter}, off the event loop.
 */
final class AccessLog {
  static final String TENANT_KEY = "tenant";
  private static final AccessLogWriter WRITER = AccessLogWriter.instance();

  private AccessLog() {
  }

  static void install(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addEndHandler(ar -> {
      if (!WRITER.enabled()) {
        return;
      }
      JsonObject line = new JsonObject()
          .put("ts", Instant.now().toString())
          .put("requestId", ctx.get(PlatformServices.REQUEST_ID_KEY))
          .put("method", ctx.request().method().name())
          .put("path", ctx.request().path())
          .put("route", ctx.currentRoute() == null ? null : ctx.currentRoute().getPath())
          .put("status", ctx.response().getStatusCode())
          .put("durationMs", (System.nanoTime() - start) / 1_000_000.0);
      String tenant = ctx.get(TENANT_KEY);
      if (tenant != null) {
        line.put("tenant", tenant);
      }
      WRITER.offer(line.encode());
    });
  }
}
