package dev.wfgateway.launcher;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Reads the configuration: the defaults inside the jar, then the YAML file ({@code --conf} or
 * {@code PLATFORM_CONFIG}), then the environment overrides, each merged over the one before.
 */
public final class ConfigLoader {
  static final String DEFAULTS = "platform-defaults.yaml";
  private static final Logger LOG = Logger.getLogger(ConfigLoader.class.getName());

  private ConfigLoader() {
  }

  public static Future<JsonObject> load(Vertx vertx, String file, Map<String, String> env) {
    ConfigRetriever retriever;
    try {
      retriever = retriever(vertx, file, env, Duration.ZERO);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return retriever.getConfig().eventually(retriever::close);
  }

  /**
   * A retriever that re-reads the same sources every {@code period} and tells its listeners when the
   * result changed; a file that cannot be read or parsed is logged and the last configuration stays.
   */
  static ConfigRetriever watch(Vertx vertx, String file, Map<String, String> env, Duration period) {
    ConfigRetriever retriever = retriever(vertx, file, env, period);
    retriever.configStream().exceptionHandler(e -> LOG.warning(
        () -> "configuration reload skipped: cannot read " + file + ": " + e.getMessage()));
    return retriever;
  }

  private static ConfigRetriever retriever(Vertx vertx, String file, Map<String, String> env, Duration period) {
    if (file != null && !Files.isReadable(Path.of(file))) {
      throw new IllegalArgumentException("cannot read configuration file " + file);
    }
    JsonObject overrides = EnvironmentOverrides.from(env);
    ConfigRetrieverOptions options = new ConfigRetrieverOptions().setScanPeriod(period.toMillis())
        .addStore(yaml(DEFAULTS));
    if (file != null) {
      options.addStore(yaml(file));
    }
    options.addStore(new ConfigStoreOptions().setType("json").setConfig(overrides));
    return ConfigRetriever.create(vertx, options);
  }

  private static ConfigStoreOptions yaml(String path) {
    return new ConfigStoreOptions().setType("file").setFormat("yaml").setConfig(new JsonObject().put("path", path));
  }
}
