package org.samplingprivacy.jobs.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Small dependency-free charts rendered as inline SVG, so reports are single HTML files that open
 * offline. Two kinds cover what the jobs plot: x-y charts (lines and points, linear or log axes)
 * and bar charts.
 */
public final class SvgPlot {
  private static final String[] PALETTE = {
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"
  };
  static final int WIDTH = 640;
  static final int HEIGHT = 360;
  static final int LEFT = 70;
  static final int RIGHT = 20;
  static final int TOP = 36;
  static final int BOTTOM = 50;

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final List<Series> series = new ArrayList<>();
  private List<String> barLabels;
  private double[] barValues;
  private boolean logX;
  private boolean logY;
  private boolean legendBottom;

  private record Series(String name, double[] x, double[] y, boolean line) {}

  private SvgPlot(String title, String xLabel, String yLabel) {
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
  }

  /** An x-y chart; add series with {@link #line} and {@link #points}. */
  public static SvgPlot xy(String title, String xLabel, String yLabel) {
    return new SvgPlot(title, xLabel, yLabel);
  }

  /** A bar chart of one value per label. */
  public static SvgPlot bars(String title, String yLabel, List<String> labels, double[] values) {
    if (labels.size() != values.length) {
      throw new IllegalArgumentException(
          "labels and values differ in length: " + labels.size() + " vs " + values.length);
    }
    SvgPlot p = new SvgPlot(title, "", yLabel);
    p.barLabels = List.copyOf(labels);
    p.barValues = values.clone();
    return p;
  }

  public SvgPlot line(String name, double[] x, double[] y) {
    return add(new Series(name, x.clone(), y.clone(), true));
  }

  public SvgPlot points(String name, double[] x, double[] y) {
    return add(new Series(name, x.clone(), y.clone(), false));
  }

  public SvgPlot logX() {
    logX = true;
    return this;
  }

  public SvgPlot logY() {
    logY = true;
    return this;
  }

  /**
   * Puts the legend in the lower right corner (for curves that end in the upper right, like an
   * ROC).
   */
  public SvgPlot legendBottomRight() {
    legendBottom = true;
    return this;
  }

  public String title() {
    return title;
  }

  private SvgPlot add(Series s) {
    if (barValues != null) {
      throw new IllegalStateException("a bar chart takes no x-y series");
    }
    if (s.x.length != s.y.length) {
      throw new IllegalArgumentException("series '" + s.name + "': x and y differ in length");
    }
    series.add(s);
    return this;
  }

  /** The chart as a standalone {@code <svg>} element. */
  public String toSvg() {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                + "font-family=\"sans-serif\" font-size=\"11\">",
            WIDTH,
            HEIGHT,
            WIDTH,
            HEIGHT));
    b.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
    text(b, WIDTH / 2.0, 20, "middle", 14, title);
    if (barValues != null) {
      renderBars(b);
    } else {
      renderXy(b);
    }
    return b.append("</svg>").toString();
  }

  private void renderBars(StringBuilder b) {
    double max = 0;
    double min = 0;
    for (double v : barValues) {
      if (Double.isFinite(v)) {
        max = Math.max(max, v);
        min = Math.min(min, v);
      }
    }
    Axis y = Axis.of(min, max == min ? min + 1 : max, false, TOP + plotHeight(), TOP);
    yAxis(b, y);
    int n = barValues.length;
    double slot = (double) plotWidth() / Math.max(1, n);
    for (int i = 0; i < n; i++) {
      double v = Double.isFinite(barValues[i]) ? barValues[i] : 0;
      double x0 = LEFT + i * slot + slot * 0.15;
      double top = y.map(Math.max(v, 0));
      double bottom = y.map(Math.min(v, 0));
      b.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\">"
                  + "<title>%s: %s</title></rect>",
              x0,
              top,
              slot * 0.7,
              Math.max(0.5, bottom - top),
              PALETTE[0],
              escape(barLabels.get(i)),
              fmt(barValues[i])));
      if (n <= 40) {
        double cx = x0 + slot * 0.35;
        double cy = TOP + plotHeight() + 12;
        b.append(
            String.format(
                Locale.ROOT,
                "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"end\" "
                    + "transform=\"rotate(-35 %.2f %.2f)\">%s</text>",
                cx,
                cy,
                cx,
                cy,
                escape(shorten(barLabels.get(i)))));
      }
    }
    frame(b);
  }

  private void renderXy(StringBuilder b) {
    double[] xr = range(true);
    double[] yr = range(false);
    Axis x = Axis.of(xr[0], xr[1], logX, LEFT, LEFT + plotWidth());
    Axis y = Axis.of(yr[0], yr[1], logY, TOP + plotHeight(), TOP);
    yAxis(b, y);
    for (double t : x.ticks()) {
      double px = x.map(t);
      b.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\" stroke=\"#ddd\"/>",
              px,
              TOP,
              px,
              TOP + plotHeight()));
      text(b, px, TOP + plotHeight() + 16, "middle", 11, fmt(t));
    }
    text(b, LEFT + plotWidth() / 2.0, HEIGHT - 8, "middle", 12, xLabel);
    for (int s = 0; s < series.size(); s++) {
      Series ser = series.get(s);
      String color = PALETTE[s % PALETTE.length];
      StringBuilder path = new StringBuilder();
      for (int i = 0; i < ser.x.length; i++) {
        if (!x.accepts(ser.x[i]) || !y.accepts(ser.y[i])) {
          continue;
        }
        double px = x.map(ser.x[i]);
        double py = y.map(ser.y[i]);
        if (ser.line) {
          path.append(path.length() == 0 ? "M" : " L")
              .append(String.format(Locale.ROOT, "%.2f %.2f", px, py));
        } else {
          b.append(
              String.format(
                  Locale.ROOT,
                  "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"2.5\" fill=\"%s\"/>",
                  px,
                  py,
                  color));
        }
      }
      if (ser.line && path.length() > 0) {
        b.append("<path d=\"")
            .append(path)
            .append("\" fill=\"none\" stroke=\"")
            .append(color)
            .append("\" stroke-width=\"1.8\"/>");
      }
      double ly =
          legendBottom ? TOP + plotHeight() - 8 - 14 * (series.size() - 1 - s) : TOP + 14 + 14 * s;
      b.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%d\" y=\"%.2f\" width=\"10\" height=\"10\" fill=\"%s\"/>",
              LEFT + plotWidth() - 150,
              ly - 9,
              color));
      text(b, LEFT + plotWidth() - 135, ly, "start", 11, ser.name);
    }
    frame(b);
  }

  private void yAxis(StringBuilder b, Axis y) {
    for (double t : y.ticks()) {
      double py = y.map(t);
      b.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%.2f\" x2=\"%d\" y2=\"%.2f\" stroke=\"#ddd\"/>",
              LEFT,
              py,
              LEFT + plotWidth(),
              py));
      text(b, LEFT - 6, py + 4, "end", 11, fmt(t));
    }
    double cy = TOP + plotHeight() / 2.0;
    b.append(
        String.format(
            Locale.ROOT,
            "<text x=\"14\" y=\"%.2f\" text-anchor=\"middle\" font-size=\"12\" "
                + "transform=\"rotate(-90 14 %.2f)\">%s</text>",
            cy,
            cy,
            escape(yLabel)));
  }

  private void frame(StringBuilder b) {
    b.append(
        String.format(
            Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                + "stroke=\"#333\"/>",
            LEFT,
            TOP,
            plotWidth(),
            plotHeight()));
  }

  private double[] range(boolean isX) {
    boolean log = isX ? logX : logY;
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (double v : isX ? s.x : s.y) {
        if (Double.isFinite(v) && (!log || v > 0)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    if (lo > hi) {
      return log ? new double[] {1, 10} : new double[] {0, 1};
    }
    if (lo == hi) {
      return log ? new double[] {lo / 2, hi * 2} : new double[] {lo - 0.5, hi + 0.5};
    }
    return new double[] {lo, hi};
  }

  static int plotWidth() {
    return WIDTH - LEFT - RIGHT;
  }

  static int plotHeight() {
    return HEIGHT - TOP - BOTTOM;
  }

  private static void text(StringBuilder b, double x, double y, String anchor, int size, String s) {
    b.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"%s\" font-size=\"%d\">%s</text>",
            x,
            y,
            anchor,
            size,
            escape(s)));
  }

  /**
   * A bar label that fits under the plot: long labels keep their start and their end (where names
   * such as "marginal-3:age,sex,educ" differ) around an ellipsis; the full label is the bar's
   * tooltip.
   */
  static String shorten(String s) {
    return s.length() <= 24 ? s : s.substring(0, 11) + "…" + s.substring(s.length() - 12);
  }

  static String fmt(double v) {
    if (!Double.isFinite(v)) {
      return String.valueOf(v);
    }
    double a = Math.abs(v);
    if (a != 0 && (a >= 1e6 || a < 1e-3)) {
      return String.format(Locale.ROOT, "%.3g", v);
    }
    String s = String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  static String escape(String s) {
    return s == null
        ? ""
        : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  /**
   * A linear or log axis mapping data values to pixels, with "nice" tick values (Heckbert, Graphics
   * Gems 1990).
   */
  record Axis(
      double lo, double hi, boolean log, double pixelLo, double pixelHi, double[] tickValues) {
    static Axis of(double lo, double hi, boolean log, double pixelLo, double pixelHi) {
      if (log) {
        double l = Math.floor(Math.log10(lo));
        double h = Math.ceil(Math.log10(hi));
        if (h == l) {
          h = l + 1;
        }
        double[] ticks = new double[(int) (h - l) + 1];
        for (int i = 0; i < ticks.length; i++) {
          ticks[i] = Math.pow(10, l + i);
        }
        return new Axis(ticks[0], ticks[ticks.length - 1], true, pixelLo, pixelHi, ticks);
      }
      double step = niceNumber((hi - lo) / 5, true);
      double first = Math.floor(lo / step) * step;
      double last = Math.ceil(hi / step) * step;
      int n = (int) Math.round((last - first) / step) + 1;
      double[] ticks = new double[n];
      for (int i = 0; i < n; i++) {
        ticks[i] = first + i * step;
      }
      return new Axis(first, last, false, pixelLo, pixelHi, ticks);
    }

    double[] ticks() {
      return tickValues.clone();
    }

    boolean accepts(double v) {
      return Double.isFinite(v) && (!log || v > 0);
    }

    double map(double v) {
      double t =
          log
              ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))
              : (v - lo) / (hi - lo);
      return pixelLo + t * (pixelHi - pixelLo);
    }

    static double niceNumber(double x, boolean round) {
      double exp = Math.floor(Math.log10(x));
      double f = x / Math.pow(10, exp);
      double nf;
      if (round) {
        nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
      } else {
        nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
      }
      return nf * Math.pow(10, exp);
    }
  }
}
