package dev.wfgateway.launcher;

import dev.wfgateway.common.config.ClusterConfig;
import dev.wfgateway.common.config.TlsConfig;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

/**
 * The clustered event bus as a trust boundary: with {@code cluster.tls}, every node presents its
 * certificate to every peer, and a connection either way is refused unless the peer's certificate
 * was signed by {@code caPem}. A JVM that joins Hazelcast without such a certificate can then
 * neither send to the platform's addresses nor be handed their messages.
 */
final class EventBusTls {
  private EventBusTls() {
  }

  static EventBusOptions options(ClusterConfig cluster) {
    EventBusOptions options = new EventBusOptions();
    TlsConfig tls = cluster.tls();
    if (tls == null) {
      return options;
    }
    return options.setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certPem()).setKeyPath(tls.keyPem()))
        .setTrustOptions(new PemTrustOptions().addCertPath(tls.caPem()))
        .setClientAuth(ClientAuth.REQUIRED);
  }
}
