package dev.wfgateway.launcher;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersEncoder;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One h2 request over a plain socket with prior knowledge (h2c): frames written by hand, headers
 * HPACK-encoded without any client-side validation or size limit, so the server's own limits are
 * what the test meets. Blocking, for test threads only.
 */
final class RawH2 {
  private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final int DATA = 0;
  private static final int HEADERS = 1;
  private static final int RST_STREAM = 3;
  private static final int SETTINGS = 4;
  private static final int GOAWAY = 7;
  private static final int CONTINUATION = 9;
  private static final int END_STREAM = 0x1;
  private static final int END_HEADERS = 0x4;
  private static final int MAX_FRAME = 16_384;
  private static final int STREAM = 1;

  private RawH2() {
  }

  /** The server's answer; a stream reset or GOAWAY comes back as status 0 with the error code as body. */
  static RawHttp.Response exchange(int port, String method, String path, Map<String, String> headers, byte[] body)
      throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(15_000);
      OutputStream out = socket.getOutputStream();
      out.write(PREFACE);
      frame(out, SETTINGS, 0, 0, new byte[0]);
      Http2Headers h2 = new DefaultHttp2Headers(false).method(method).path(path).scheme("http")
          .authority("127.0.0.1:" + port);
      headers.forEach((name, value) -> h2.add(name.toLowerCase(Locale.ROOT), value));
      writeHeaders(out, h2, body == null);
      if (body != null) {
        for (int at = 0; at < body.length || at == 0; at += MAX_FRAME) {
          int end = Math.min(body.length, at + MAX_FRAME);
          byte[] chunk = java.util.Arrays.copyOfRange(body, at, end);
          frame(out, DATA, end == body.length ? END_STREAM : 0, STREAM, chunk);
          if (end == body.length) {
            break;
          }
        }
      }
      out.flush();
      return read(new DataInputStream(socket.getInputStream()), out);
    }
  }

  private static void writeHeaders(OutputStream out, Http2Headers headers, boolean endStream) throws IOException {
    ByteBuf block = Unpooled.buffer();
    try {
      new DefaultHttp2HeadersEncoder(Http2HeadersEncoder.NEVER_SENSITIVE, true).encodeHeaders(STREAM, headers, block);
    } catch (Http2Exception e) {
      throw new IOException(e);
    }
    byte[] bytes = new byte[block.readableBytes()];
    block.readBytes(bytes);
    for (int at = 0; at < bytes.length || at == 0; at += MAX_FRAME) {
      int end = Math.min(bytes.length, at + MAX_FRAME);
      int flags = (end == bytes.length ? END_HEADERS : 0) | (at == 0 && endStream ? END_STREAM : 0);
      frame(out, at == 0 ? HEADERS : CONTINUATION, flags, STREAM, java.util.Arrays.copyOfRange(bytes, at, end));
      if (end == bytes.length) {
        break;
      }
    }
  }

  private static RawHttp.Response read(DataInputStream in, OutputStream out) throws IOException {
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    Map<String, String> headers = new TreeMap<>();
    DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false, 1 << 20);
    int status = 0;
    while (true) {
      int length;
      int type;
      int flags;
      int stream;
      byte[] payload;
      try {
        length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
        type = in.readUnsignedByte();
        flags = in.readUnsignedByte();
        stream = in.readInt() & 0x7fffffff;
        payload = in.readNBytes(length);
      } catch (EOFException e) {
        return new RawHttp.Response(status, headers, "connection closed".getBytes(StandardCharsets.UTF_8));
      }
      if (type == SETTINGS && (flags & 0x1) == 0) {
        frame(out, SETTINGS, 0x1, 0, new byte[0]);
      } else if (type == GOAWAY) {
        int code = ((payload[4] & 0xff) << 24) | ((payload[5] & 0xff) << 16) | ((payload[6] & 0xff) << 8) | (payload[7] & 0xff);
        return new RawHttp.Response(status, headers, ("GOAWAY " + code).getBytes(StandardCharsets.UTF_8));
      } else if (stream == STREAM && type == RST_STREAM) {
        int code = ((payload[0] & 0xff) << 24) | ((payload[1] & 0xff) << 16) | ((payload[2] & 0xff) << 8) | (payload[3] & 0xff);
        return new RawHttp.Response(status, headers, ("RST_STREAM " + code).getBytes(StandardCharsets.UTF_8));
      } else if (stream == STREAM && (type == HEADERS || type == CONTINUATION)) {
        block.write(payload, type == HEADERS ? headerPayloadStart(flags, payload) : 0,
            payload.length - (type == HEADERS ? headerPayloadStart(flags, payload) + padding(flags, payload) : 0));
        if ((flags & END_HEADERS) != 0) {
          Http2Headers decoded = decode(decoder, block.toByteArray());
          block.reset();
          for (Map.Entry<CharSequence, CharSequence> header : decoded) {
            headers.put(header.getKey().toString(), header.getValue().toString());
          }
          if (decoded.status() != null) {
            status = Integer.parseInt(decoded.status().toString());
          }
        }
        if ((flags & END_STREAM) != 0) {
          return new RawHttp.Response(status, headers, body.toByteArray());
        }
      } else if (stream == STREAM && type == DATA) {
        int start = (flags & 0x8) != 0 ? 1 : 0;
        int pad = start == 1 ? payload[0] & 0xff : 0;
        body.write(payload, start, payload.length - start - pad);
        if ((flags & END_STREAM) != 0) {
          return new RawHttp.Response(status, headers, body.toByteArray());
        }
      }
    }
  }

  private static int headerPayloadStart(int flags, byte[] payload) {
    return ((flags & 0x8) != 0 ? 1 : 0) + ((flags & 0x20) != 0 ? 5 : 0);
  }

  private static int padding(int flags, byte[] payload) {
    return (flags & 0x8) != 0 ? payload[0] & 0xff : 0;
  }

  private static Http2Headers decode(DefaultHttp2HeadersDecoder decoder, byte[] block) throws IOException {
    try {
      return decoder.decodeHeaders(STREAM, Unpooled.wrappedBuffer(block));
    } catch (Http2Exception e) {
      throw new IOException(e);
    }
  }

  private static void frame(OutputStream out, int type, int flags, int stream, byte[] payload) throws IOException {
    out.write(new byte[] {(byte) (payload.length >>> 16), (byte) (payload.length >>> 8), (byte) payload.length,
        (byte) type, (byte) flags, (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8), (byte) stream});
    out.write(payload);
  }
}
