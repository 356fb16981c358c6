package dev.wfgateway.launcher;

import com.hazelcast.config.Config;
import com.hazelcast.config.XmlConfigBuilder;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;

/**
 * The Hazelcast cluster manager from {@code cluster.xml} (the file named by {@code CLUSTER_CONFIG},
 * else the one in the jar), its placeholders filled from system properties, then the environment,
 * then defaults for a cluster on loopback.
 */
final class ClusterSetup {
  private static final Map<String, String[]> PLACEHOLDERS = Map.of(
      "platform.cluster.name", new String[] {"CLUSTER_NAME", "wfgateway"},
      "platform.cluster.port", new String[] {"CLUSTER_PORT", "5701"},
      "platform.cluster.members", new String[] {"CLUSTER_MEMBERS", "127.0.0.1"},
      "platform.cluster.interface", new String[] {"CLUSTER_INTERFACE", "127.0.0.1"});

  private ClusterSetup() {
  }

  static HazelcastClusterManager clusterManager(Map<String, String> env) throws IOException {
    Properties properties = new Properties();
    PLACEHOLDERS.forEach((property, envAndDefault) -> properties.setProperty(property,
        System.getProperty(property, env.getOrDefault(envAndDefault[0], envAndDefault[1]))));
    String file = env.get("CLUSTER_CONFIG");
    try (InputStream in = file != null ? new FileInputStream(file)
        : ClusterSetup.class.getResourceAsStream("/cluster.xml")) {
      if (in == null) {
        throw new IOException("cluster.xml is missing from the jar");
      }
      Config config = new XmlConfigBuilder(in).setProperties(properties).build();
      return new HazelcastClusterManager(config);
    }
  }
}
