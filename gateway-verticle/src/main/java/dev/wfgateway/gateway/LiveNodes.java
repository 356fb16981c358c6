package dev.wfgateway.gateway;

import dev.wfgateway.common.scaling.NodeReport;
import io.vertx.core.Future;
import java.util.List;
import java.util.Set;

/** The cluster's live nodes as {@link ServiceNodes} routes by them; {@link ClusterView} in production. */
interface LiveNodes {
  boolean clustered();

  /** Reports of the live members, optionally only those running {@code verticle}. */
  Future<List<NodeReport>> reports(String verticle);

  /** The ids of the cluster's live members now; call when clustered. */
  Set<String> members();
}
