package dev.wfgateway.launcher;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4: {@code # HELP}, {@code # TYPE},
 * and samples {@code name{label="value",...} value [timestamp]}. Anything else, a sample before
 * or outside its family's {@code # TYPE}, a family typed twice, a duplicate series or a histogram
 * without its {@code +Inf} bucket is an {@link AssertionError} naming the line.
 */
final class PrometheusText {
  record Sample(String name, Map<String, String> labels, double value) {
  }

  record Family(String name, String type, String help, List<Sample> samples) {
  }

  private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  private static final Pattern HELP = Pattern.compile("^# HELP (" + NAME + ") (.*)$");
  private static final Pattern TYPE = Pattern.compile("^# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)$");
  private static final Pattern SAMPLE = Pattern.compile("^(" + NAME + ")(\\{[^}]*\\})? (\\S+)( -?\\d+)?$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\[\\\\\"n])*)\"(,|$)");
  private static final List<String> SUFFIXES = List.of("_bucket", "_count", "_sum", "_created", "_total", "_info");

  private PrometheusText() {
  }

  static Map<String, Family> parse(String text) {
    Map<String, Family> families = new LinkedHashMap<>();
    Map<String, String> help = new LinkedHashMap<>();
    Set<String> series = new HashSet<>();
    int number = 0;
    for (String line : text.split("\n", -1)) {
      number++;
      if (line.isEmpty()) {
        continue;
      }
      String where = "line " + number + ": " + line;
      Matcher m;
      if ((m = HELP.matcher(line)).matches()) {
        help.put(m.group(1), m.group(2));
      } else if ((m = TYPE.matcher(line)).matches()) {
        if (families.containsKey(m.group(1))) {
          throw new AssertionError("family typed twice, " + where);
        }
        families.put(m.group(1), new Family(m.group(1), m.group(2), help.get(m.group(1)), new ArrayList<>()));
      } else if (line.startsWith("#")) {
        continue;
      } else if ((m = SAMPLE.matcher(line)).matches()) {
        Family family = familyOf(families, m.group(1));
        if (family == null) {
          throw new AssertionError("sample outside any declared family, " + where);
        }
        Map<String, String> labels = labels(m.group(2), where);
        if (!series.add(m.group(1) + labels)) {
          throw new AssertionError("duplicate series, " + where);
        }
        family.samples().add(new Sample(m.group(1), labels, value(m.group(3), where)));
      } else {
        throw new AssertionError("not the text exposition format, " + where);
      }
    }
    families.values().forEach(PrometheusText::checkHistogram);
    return families;
  }

  private static Family familyOf(Map<String, Family> families, String sampleName) {
    Family exact = families.get(sampleName);
    if (exact != null) {
      return exact;
    }
    for (String suffix : SUFFIXES) {
      if (sampleName.endsWith(suffix)) {
        Family family = families.get(sampleName.substring(0, sampleName.length() - suffix.length()));
        if (family != null && !family.type().equals("gauge")) {
          return family;
        }
      }
    }
    return null;
  }

  private static Map<String, String> labels(String braces, String where) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (braces == null) {
      return labels;
    }
    String inner = braces.substring(1, braces.length() - 1);
    Matcher m = LABEL.matcher(inner);
    int at = 0;
    while (at < inner.length()) {
      if (!m.find(at) || m.start() != at) {
        throw new AssertionError("bad label set, " + where);
      }
      if (labels.put(m.group(1), m.group(2)) != null) {
        throw new AssertionError("label given twice, " + where);
      }
      at = m.end();
    }
    return labels;
  }

  private static double value(String text, String where) {
    switch (text) {
      case "NaN":
        return Double.NaN;
      case "+Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      default:
        try {
          return Double.parseDouble(text);
        } catch (NumberFormatException e) {
          throw new AssertionError("bad sample value, " + where);
        }
    }
  }

  /** Every label set of a histogram has a {@code +Inf} bucket, and its buckets never decrease. */
  private static void checkHistogram(Family family) {
    if (!family.type().equals("histogram")) {
      return;
    }
    Map<Map<String, String>, Double> previous = new LinkedHashMap<>();
    Set<Map<String, String>> withInf = new HashSet<>();
    for (Sample sample : family.samples()) {
      if (!sample.name().equals(family.name() + "_bucket")) {
        continue;
      }
      Map<String, String> series = new LinkedHashMap<>(sample.labels());
      String le = series.remove("le");
      if (le == null) {
        throw new AssertionError("bucket without 'le' in " + family.name() + ": " + sample);
      }
      Double before = previous.put(series, sample.value());
      if (before != null && sample.value() < before) {
        throw new AssertionError("decreasing buckets in " + family.name() + ": " + sample);
      }
      if (le.equals("+Inf")) {
        withInf.add(series);
      }
    }
    if (!withInf.containsAll(previous.keySet())) {
      throw new AssertionError("histogram " + family.name() + " lacks a +Inf bucket");
    }
  }
}
