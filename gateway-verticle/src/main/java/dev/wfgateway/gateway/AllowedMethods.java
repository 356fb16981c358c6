package dev.wfgateway.gateway;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The methods each routed path accepts, for the {@code Allow} header of a 405 (RFC 9110 section
 * 15.5.6). Built once from the router's routes after they are all mounted; routes without a path
 * (regular-expression routes, which this gateway does not use) or without methods (handlers that
 * run for every request) add nothing.
 */
final class AllowedMethods {
  private record PathMethods(Pattern path, Set<HttpMethod> methods) {
  }

  private static final Pattern PARAMETER = Pattern.compile(":[A-Za-z0-9_]+");

  private final List<PathMethods> routes = new ArrayList<>();

  AllowedMethods(Router router) {
    for (Route route : router.getRoutes()) {
      if (isEndpoint(route)) {
        routes.add(new PathMethods(pattern(route), route.methods()));
      }
    }
  }

  /** A route that answers requests on a path for given methods (not a handler every request passes through). */
  static boolean isEndpoint(Route route) {
    return route.getPath() != null && route.methods() != null && !route.methods().isEmpty();
  }

  /**
   * {@code /v1/dlq/:id} matches one segment where {@code :id} stands; a path mounted with a trailing
   * {@code *} (which Vert.x keeps without it, as a path that is not exact) matches the rest.
   */
  private static Pattern pattern(Route route) {
    String path = route.getPath();
    StringBuilder regex = new StringBuilder();
    var parameters = PARAMETER.matcher(path);
    int last = 0;
    while (parameters.find()) {
      regex.append(Pattern.quote(path.substring(last, parameters.start()))).append("[^/]+");
      last = parameters.end();
    }
    regex.append(Pattern.quote(path.substring(last)));
    if (!route.isExactPath()) {
      regex.append(".*");
    }
    return Pattern.compile(regex.toString());
  }

  /** The {@code Allow} value for {@code path}: the methods of every route whose path matches, sorted. */
  String allow(String path) {
    Set<String> methods = new TreeSet<>();
    for (PathMethods route : routes) {
      if (route.path().matcher(path).matches()) {
        route.methods().forEach(m -> methods.add(m.name()));
      }
    }
    return String.join(", ", methods);
  }
}
