package dev.wfgateway.common.json;

/**
 * Well-formed UTF-8 as RFC 3629 defines it: shortest forms only, no encoded surrogates, nothing
 * above U+10FFFF. Lenient decoders turn the rest into other characters, which is how an overlong
 * "/" gets past a filter.
 */
public final class Utf8 {
  private Utf8() {
  }

  /** Index of the first byte that starts an ill-formed sequence, or -1 when all is well-formed. */
  public static int firstInvalidByte(byte[] bytes) {
    int i = 0;
    while (i < bytes.length) {
      int b = bytes[i] & 0xff;
      if (b < 0x80) {
        i++;
        continue;
      }
      int length;
      int min;
      int max = 0xbf;
      if (b >= 0xc2 && b <= 0xdf) {
        length = 2;
        min = 0x80;
      } else if (b >= 0xe0 && b <= 0xef) {
        length = 3;
        min = b == 0xe0 ? 0xa0 : 0x80;
        max = b == 0xed ? 0x9f : 0xbf;
      } else if (b >= 0xf0 && b <= 0xf4) {
        length = 4;
        min = b == 0xf0 ? 0x90 : 0x80;
        max = b == 0xf4 ? 0x8f : 0xbf;
      } else {
        return i;
      }
      if (i + length > bytes.length) {
        return i;
      }
      int second = bytes[i + 1] & 0xff;
      if (second < min || second > max) {
        return i;
      }
      for (int k = 2; k < length; k++) {
        int next = bytes[i + k] & 0xff;
        if (next < 0x80 || next > 0xbf) {
          return i;
        }
      }
      i += length;
    }
    return -1;
  }
}
