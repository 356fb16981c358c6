package dev.wfgateway.launcher;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

/** DEMO ONLY: one HTTP service of the demo server, answering a JSON body with a status and JSON. */
interface DemoEndpoint {
  record Answer(int status, JsonObject body) {
  }

  Answer answer(HttpServerRequest request, JsonObject body);

  static Answer ok(JsonObject body) {
    return new Answer(200, body);
  }
}
