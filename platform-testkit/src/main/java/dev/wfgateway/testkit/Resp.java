package dev.wfgateway.testkit;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A one-command-per-connection RESP2 client over a plain or TLS socket, for fixture set-up,
 * readiness polls and assertions; never for code under test.
 */
final class Resp {
  private static final int CONNECT_TIMEOUT_MILLIS = 500;
  private static final int READ_TIMEOUT_MILLIS = 2000;

  private final String host;
  private final int port;
  private final SocketFactory sockets;

  private Resp(String host, int port, SocketFactory sockets) {
    this.host = host;
    this.port = port;
    this.sockets = sockets;
  }

  static Resp at(String host, int port) {
    return new Resp(host, port, SocketFactory.getDefault());
  }

  static Resp loopback(int port) {
    return at("127.0.0.1", port);
  }

  /** TLS to the loopback port, trusting only the CA in {@code caPem}; the host name is not checked. */
  static Resp tls(int port, Path caPem) {
    try (InputStream in = Files.newInputStream(caPem)) {
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      trusted.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return new Resp("127.0.0.1", port, context.getSocketFactory());
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot trust " + caPem, e);
    }
  }

  /**
   * Sends one command and returns its reply: a String (simple or bulk), a Long, a List of replies,
   * or null (a null bulk or array). An error reply is thrown as {@link ErrorReply}.
   */
  Object call(String... args) throws IOException {
    StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
    for (String arg : args) {
      request.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
    }
    try (Socket socket = connect()) {
      send(socket, request.toString());
      return read(new DataInputStream(new BufferedInputStream(socket.getInputStream())));
    }
  }

  /** {@link #call} for a command whose reply is text, such as INFO or CLUSTER NODES. */
  String text(String... args) throws IOException {
    return (String) call(args);
  }

  /** The {@code key:value} lines of an INFO-style reply. */
  Map<String, String> fields(String... args) throws IOException {
    Map<String, String> fields = new HashMap<>();
    for (String line : text(args).split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && !line.startsWith("#")) {
        fields.put(line.substring(0, colon), line.substring(colon + 1));
      }
    }
    return fields;
  }

  /**
   * Sends an inline command and returns the first reply line as sent ({@code $5}, {@code :1}), or
   * null when the server does not answer.
   */
  String firstLine(String inline) {
    return firstLine(0, inline);
  }

  /** {@link #firstLine(String)} in database {@code db}. */
  String firstLine(int db, String inline) {
    try (Socket socket = connect()) {
      InputStream in = new BufferedInputStream(socket.getInputStream());
      if (db != 0) {
        send(socket, "SELECT " + db + "\r\n");
        String selected = line(in);
        if (!"+OK".equals(selected)) {
          throw new IllegalStateException("SELECT " + db + " answered " + selected);
        }
      }
      send(socket, inline + "\r\n");
      return line(in);
    } catch (IOException e) {
      return null;
    }
  }

  private Socket connect() throws IOException {
    Socket socket = sockets.createSocket();
    try {
      socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
      socket.setSoTimeout(READ_TIMEOUT_MILLIS);
      return socket;
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  private static void send(Socket socket, String request) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(request.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static Object read(DataInputStream in) throws IOException {
    String line = line(in);
    if (line.isEmpty()) {
      throw new IOException("connection closed before a reply");
    }
    String rest = line.substring(1);
    switch (line.charAt(0)) {
      case '+':
        return rest;
      case '-':
        throw new ErrorReply(rest);
      case ':':
        return Long.parseLong(rest);
      case '$':
        return bulk(in, Integer.parseInt(rest));
      case '*':
        return array(in, Integer.parseInt(rest));
      default:
        throw new IOException("not a RESP2 reply: " + line);
    }
  }

  private static String bulk(DataInputStream in, int length) throws IOException {
    if (length < 0) {
      return null;
    }
    byte[] data = new byte[length + 2];
    in.readFully(data);
    return new String(data, 0, length, StandardCharsets.UTF_8);
  }

  private static List<Object> array(DataInputStream in, int length) throws IOException {
    if (length < 0) {
      return null;
    }
    List<Object> items = new ArrayList<>(length);
    for (int i = 0; i < length; i++) {
      items.add(read(in));
    }
    return items;
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  /** An error reply ({@code -ERR ...}, {@code -LOADING ...}): the server answered, but not yes. */
  static final class ErrorReply extends IOException {
    ErrorReply(String message) {
      super(message);
    }
  }
}
