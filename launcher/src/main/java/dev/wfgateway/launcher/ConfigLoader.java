package dev.wfgateway.launcher;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads the configuration: the defaults inside the jar, then the YAML file ({@code --conf} or
 * {@code PLATFORM_CONFIG}), then the environment overrides, each merged over the one before.
 */
final class ConfigLoader {
  static final String DEFAULTS = "platform-defaults.yaml";

  private ConfigLoader() {
  }

  static Future<JsonObject> load(Vertx vertx, String file, Map<String, String> env) {
    if (file != null && !Files.isReadable(Path.of(file))) {
      return Future.failedFuture(new IllegalArgumentException("cannot read configuration file " + file));
    }
    JsonObject overrides;
    try {
      overrides = EnvironmentOverrides.from(env);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    ConfigRetrieverOptions options = new ConfigRetrieverOptions().setScanPeriod(0)
        .addStore(yaml(DEFAULTS));
    if (file != null) {
      options.addStore(yaml(file));
    }
    options.addStore(new ConfigStoreOptions().setType("json").setConfig(overrides));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig().eventually(retriever::close);
  }

  private static ConfigStoreOptions yaml(String path) {
    return new ConfigStoreOptions().setType("file").setFormat("yaml").setConfig(new JsonObject().put("path", path));
  }
}
