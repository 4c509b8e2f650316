/// @brief The gnuplot script, data file and caption of each kind of figure.
#include "infoplane/report/figures.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "infoplane/common.h"
#include "infoplane/report/compare.h"
#include "infoplane/report/gnuplot.h"

namespace infoplane::report {

namespace {

// ---------------------------------------------------------------------------------------
// Look: sizes in points (1/72 in); PNG is drawn at kPngScale pixels per point.

constexpr double kPngScale = 2.5;
constexpr double kCairoFontScale = 4.0 / 3.0;
constexpr double kFont = 9.0;        // ticks, axis labels, keys
constexpr double kLabelFont = 8.0;   // layer labels inside the plane
constexpr double kTitleFont = 10.0;  // figure title
constexpr double kPointSize = 0.42;  // plane markers, times the terminal's S
constexpr double kLineOpacity = 0.2;
constexpr std::size_t kMaxLines = 150;  // epochs whose layers are joined by a line

/// Palette of the epoch colour bar: blue, yellow, orange, red (after the paper's figures).
struct Stop {
  double at;
  int r, g, b;
};
constexpr std::array<Stop, 5> kEpochPalette = {{{0.0, 0x1f, 0x35, 0x96},
                                                 {0.2, 0x2c, 0x8c, 0xc8},
                                                 {0.45, 0xe6, 0xc2, 0x1e},
                                                 {0.72, 0xf0, 0x7f, 0x1c},
                                                 {1.0, 0xae, 0x0e, 0x24}}};

/// Colours of the layers in line figures (X first, then the network's layers).
constexpr std::array<const char*, 10> kLayerColors = {
    "#4d4d4d", "#4e79a7", "#f28e2b", "#59a14f", "#e15759",
    "#b07aa1", "#9c755f", "#76b7b2", "#edc948", "#ff9da7"};
constexpr const char* kTrainColor = "#1a7f1a";
constexpr const char* kTestColor = "#a3122a";

/// Approximate width in points of `text` in DejaVu Sans at `font` points (advance widths
/// of the common characters in em; gnuplot's cairo terminals draw fonts 4/3 larger than
/// nominal, as at 96 dpi).
double text_width(std::string_view text, double font) {
  double em = 0.0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) == 0x80) continue;  // UTF-8 continuation byte
    double w = 0.62;
    if (c >= 'a' && c <= 'z') {
      static constexpr double lower[26] = {0.613, 0.635, 0.550, 0.635, 0.615, 0.352, 0.635,
                                           0.634, 0.278, 0.278, 0.579, 0.278, 0.974, 0.634,
                                           0.612, 0.635, 0.635, 0.411, 0.521, 0.392, 0.634,
                                           0.592, 0.818, 0.592, 0.592, 0.525};
      w = lower[c - 'a'];
    } else if (c >= 'A' && c <= 'Z') {
      w = (c == 'I' || c == 'J') ? 0.30 : (c == 'M' || c == 'W') ? 0.86 : 0.70;
    } else if (c >= '0' && c <= '9') {
      w = 0.636;
    } else if (c == ' ' || c == ',' || c == '.' || c == ':' || c == ';') {
      w = 0.318;
    } else if (c == '(' || c == ')' || c == '-') {
      w = 0.39;
    }
    em += w;
  }
  return em * font * kCairoFontScale;
}

std::string num(double v) {
  if (std::isnan(v)) return "NaN";
  return fmt::format("{:.7g}", v);
}

/// The smallest step of the form 1, 2 or 5 times a power of ten that is at least `raw`.
double nice_step(double raw) {
  if (!(raw > 0) || !std::isfinite(raw)) return 1.0;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (const double f : {1.0, 2.0, 5.0, 10.0})
    if (f * mag >= raw * (1.0 - 1e-9)) return f * mag;
  return 10.0 * mag;
}

/// A round tick step over [lo, hi] on an axis `length` points long, so that the tick labels
/// (estimated from their text) keep clear of each other.
double tick_step(double lo, double hi, double length, bool horizontal) {
  const double range = hi - lo;
  if (!(range > 0) || !(length > 0)) return 1.0;
  double step = nice_step(range / 20.0);
  for (int i = 0; i < 60; ++i) {
    const int decimals = std::max(0, static_cast<int>(std::ceil(-std::log10(step) - 1e-9)));
    double widest = 0.0;
    for (const double v : {lo, hi, std::floor(hi / step) * step})
      widest = std::max(widest, text_width(fmt::format("{:.{}f}", v, decimals), kFont));
    const double needed = horizontal ? 1.5 * widest + 6.0 : 2.4 * kFont * kCairoFontScale;
    if (length * step / range >= needed) return step;
    step = nice_step(step * 1.01);
  }
  return step;
}

std::string layer_color(std::size_t position) {
  return kLayerColors[position % kLayerColors.size()];
}

/// A rectangle on the canvas, in screen fractions.
struct Box {
  double l = 0, r = 1, b = 0, t = 1;
};

/// A grid of equal panels with margins in points.
struct Grid {
  double width = 0, height = 0;  // canvas, points
  int cols = 1, rows = 1;
  double left = 72, right = 24, bottom = 52, top = 14, hgap = 72, vgap = 54;

  Box cell(int row, int col) const {
    const double pw = (width - left - right - (cols - 1) * hgap) / cols;
    const double ph = (height - top - bottom - (rows - 1) * vgap) / rows;
    Box box;
    box.l = (left + col * (pw + hgap)) / width;
    box.r = box.l + pw / width;
    box.t = 1.0 - (top + row * (ph + vgap)) / height;
    box.b = box.t - ph / height;
    return box;
  }
  double panel_width() const { return (width - left - right - (cols - 1) * hgap) / cols; }
  double panel_height() const { return (height - top - bottom - (rows - 1) * vgap) / rows; }
};

/// Accumulates a figure's script; text() wraps it in the per-format loop.
class Script {
 public:
  Script(std::string name, double width, double height) :
      m_name(std::move(name)), m_width(width), m_height(height) {}

  std::ostringstream body;

  std::string text(const std::string& description) const {
    std::ostringstream gp;
    gp << "# " << m_name << ".gp: " << description << "\n"
       << "# Written by infoplane. Edit it and redraw in this folder:\n"
       << "#   gnuplot " << m_name << ".gp                             -> " << m_name << ".png\n"
       << "#   gnuplot -e 'formats=\"png svg pdf\"' " << m_name << ".gp   -> all three\n"
       << "# Data: " << m_name << ".dat (columns in its header); caption: " << m_name
       << ".caption.txt.\n"
       << "if (!exists(\"formats\")) formats = \"png\"\n"
       << "if (!exists(\"outbase\")) outbase = \"" << m_name << "\"\n"
       << "do for [fmt in formats] {\n"
       << "reset\n"
       << "set encoding utf8\n"
       << "S = 1.0  # marker scale of the format\n"
       << fmt::format(
              "if (fmt eq \"png\") {{ set terminal pngcairo size {:.0f},{:.0f} enhanced "
              "font \"DejaVu Sans,{:g}\" fontscale {:g} linewidth {:g} rounded; S = {:g} }}\n",
              m_width * kPngScale, m_height * kPngScale, kFont, kPngScale, kPngScale, kPngScale)
       << fmt::format(
              "if (fmt eq \"svg\") {{ set terminal svg size {:.0f},{:.0f} dynamic enhanced "
              "font \"DejaVu Sans,{:g}\" fontscale {:.4g} linewidth 1 rounded background "
              "\"#ffffff\"; S = 1.0 }}\n",
              m_width, m_height, kFont, kCairoFontScale)
       << fmt::format(
              "if (fmt eq \"pdf\") {{ set terminal pdfcairo size {:.3f}in,{:.3f}in enhanced "
              "font \"DejaVu Sans,{:g}\" fontscale 1 linewidth 1.25 rounded; S = 0.8 }}\n",
              m_width / 72.0, m_height / 72.0, kFont)
       << "set output outbase.\".\".fmt\n"
       << "set style textbox opaque fillcolor rgb \"#30ffffff\" noborder margins 1,1\n"
       << "set multiplot\n"
       << body.str()
       << "unset multiplot\n"
       << "unset output\n"
       << "}\n";
    return gp.str();
  }

 private:
  std::string m_name;
  double m_width, m_height;
};

void set_box(std::ostream& gp, const Box& box) {
  gp << fmt::format("set lmargin at screen {:.4f}; set rmargin at screen {:.4f}\n", box.l, box.r)
     << fmt::format("set bmargin at screen {:.4f}; set tmargin at screen {:.4f}\n", box.b, box.t);
}

void axes_style(std::ostream& gp) {
  gp << "set border 15 lw 0.8 lc rgb \"#262626\"\n"
     << "set tics scale 0.6 nomirror out\n"
     << "set grid xtics ytics back lw 0.5 lc rgb \"#e2e2e2\" dt solid\n"
     << "set key noautotitle\n";
}

void title_line(std::ostream& gp, const std::string& title, double width, double height) {
  if (title.empty()) return;
  // a long run name gets a smaller font rather than running off the canvas
  const double font = std::max(6.0, std::min(kTitleFont, kTitleFont * (width - 16.0) /
                                                             text_width(title, kTitleFont)));
  gp << fmt::format("set label 1000 {} at screen 0.5,{:.4f} center front noenhanced font \",{:.3g}\"\n",
                    gp_string(title), 1.0 - 11.0 / height, font);
}

void palette(std::ostream& gp) {
  gp << "set palette defined (";
  for (std::size_t i = 0; i < kEpochPalette.size(); ++i) {
    const Stop& s = kEpochPalette[i];
    gp << (i ? ", " : "") << fmt::format("{:.4f} \"#{:02x}{:02x}{:02x}\"", s.at, s.r, s.g, s.b);
  }
  gp << ")\n";
}

/// The colour bar's range: the first and last drawn epochs.
struct EpochScale {
  double first = 1, last = 1;
  bool log = false;
  double position(double epoch) const {
    if (last <= first) return 1.0;
    if (log) {
      const double a = std::log(std::max(first, 1.0)), b = std::log(std::max(last, 1.0));
      return b > a ? std::clamp((std::log(std::max(epoch, 1.0)) - a) / (b - a), 0.0, 1.0) : 1.0;
    }
    return std::clamp((epoch - first) / (last - first), 0.0, 1.0);
  }
  void write(std::ostream& gp) const {
    double lo = first, hi = last;
    if (log) lo = std::max(lo, 1.0);
    if (hi <= lo) {
      lo = std::max(log ? 1.0 : 0.0, lo - 1.0);
      hi = lo + 2.0;
    }
    gp << (log ? "set logscale cb\n" : "unset logscale cb\n")
       << fmt::format("set cbrange [{}:{}]\n", num(lo), num(hi));
  }
};

void colorbox(std::ostream& gp, const Box& panel, double width_pt, double canvas_width) {
  const double gap = 10.0 / canvas_width, w = width_pt / canvas_width;
  gp << fmt::format("set colorbox user origin screen {:.4f},{:.4f} size screen {:.4f},{:.4f} "
                    "front\n",
                    panel.r + gap, panel.b, w, panel.t - panel.b)
     << "set cblabel \"Epoch\" offset 0.8,0\n"
     << "set cbtics scale 0.5 out\n";
}

// ---------------------------------------------------------------------------------------
// Layer labels inside a plane panel.

struct LabelAnchor {
  double x, y;  // data coordinates
  std::string text;
};

struct PlacedLabel {
  double x, y;
  std::string text;
  const char* justify;
  bool leader = false;      // drawn away from its anchor: join them by a thin line
  double ax = 0, ay = 0;    // the anchor
};

/// "dense1", "dense2", "dense3" -> "dense1–3"; other lists are joined with commas.
std::string join_layer_names(const std::vector<std::string>& names) {
  std::string out;
  std::size_t i = 0;
  auto split = [](const std::string& s, std::string& prefix, long& number) {
    std::size_t k = s.size();
    while (k > 0 && std::isdigit(static_cast<unsigned char>(s[k - 1]))) --k;
    if (k == s.size() || s.size() - k > 6) return false;
    prefix = s.substr(0, k);
    number = std::stol(s.substr(k));
    return true;
  };
  while (i < names.size()) {
    std::string prefix, p2;
    long first = 0, n = 0;
    std::size_t j = i + 1;
    if (split(names[i], prefix, first)) {
      long expect = first + 1;
      while (j < names.size() && split(names[j], p2, n) && p2 == prefix && n == expect) {
        ++j;
        ++expect;
      }
    }
    if (!out.empty()) out += ", ";
    if (j - i >= 3) out += names[i] + "–" + std::to_string(first + static_cast<long>(j - i) - 1);
    else {
      out += names[i];
      if (j - i == 2) out += ", " + names[i + 1];
    }
    i = j;
  }
  return out;
}

/// Places the labels of the layers' final points in a panel of pw x ph points showing
/// [x0, x1] x [y0, y1]: anchors closer than a few points share one label; each label
/// goes to the position around its anchor (next to it, or stacked further above or below)
/// that stays inside the panel and covers the fewest other labels, anchors and drawn
/// points (`obstacles`, data coordinates), nearer positions first on ties.
std::vector<PlacedLabel> place_labels(const std::vector<LabelAnchor>& anchors,
                                      const std::vector<std::pair<double, double>>& obstacles,
                                      double x0, double x1, double y0, double y1, double pw,
                                      double ph) {
  struct Pt {
    double u, v;  // points from the panel's lower left corner
  };
  auto to_pt = [&](double x, double y) {
    return Pt{(x - x0) / (x1 - x0) * pw, (y - y0) / (y1 - y0) * ph};
  };
  std::vector<Pt> pts;
  std::vector<std::size_t> visible;
  for (std::size_t i = 0; i < anchors.size(); ++i) {
    const Pt p = to_pt(anchors[i].x, anchors[i].y);
    if (std::isfinite(p.u) && std::isfinite(p.v) && p.u >= -1 && p.u <= pw + 1 && p.v >= -1 &&
        p.v <= ph + 1)
      visible.push_back(i);
    pts.push_back(p);
  }
  // group anchors within 7 points of a group's first member
  const double near = 7.0;
  std::vector<std::vector<std::size_t>> groups;
  for (const std::size_t i : visible) {
    bool joined = false;
    for (auto& g : groups) {
      const Pt& a = pts[g.front()];
      if (std::hypot(a.u - pts[i].u, a.v - pts[i].v) < near) {
        g.push_back(i);
        joined = true;
        break;
      }
    }
    if (!joined) groups.push_back({i});
  }

  struct Rect {
    double l, r, b, t;
    double overlap(const Rect& o) const {
      const double w = std::min(r, o.r) - std::max(l, o.l);
      const double h = std::min(t, o.t) - std::max(b, o.b);
      return (w > 0 && h > 0) ? w * h : 0.0;
    }
  };
  const double char_h = 1.15 * kLabelFont, gap = 4.0;
  std::vector<Rect> taken;
  for (const Pt& p : pts) taken.push_back({p.u - 2.5, p.u + 2.5, p.v - 2.5, p.v + 2.5});
  std::vector<Pt> dots;
  for (const auto& [x, y] : obstacles) {
    const Pt d = to_pt(x, y);
    if (d.u >= 0 && d.u <= pw && d.v >= 0 && d.v <= ph) dots.push_back(d);
  }

  std::vector<PlacedLabel> out;
  for (const auto& g : groups) {
    std::vector<std::string> names;
    for (const std::size_t i : g) names.push_back(anchors[i].text);
    const std::string text = join_layer_names(names);
    const double w = text_width(text, kLabelFont) + 2.0, h = char_h;
    const Pt a = pts[g.front()];
    // candidate: offset of the text's reference point and justification
    struct Cand {
      double du, dv;
      const char* justify;
    };
    std::vector<Cand> cands = {{-gap, 0, "right"},         {gap, 0, "left"},
                               {0, gap + h / 2, "center"},  {0, -gap - h / 2, "center"},
                               {-gap, gap + h / 2, "right"}, {-gap, -gap - h / 2, "right"},
                               {gap, gap + h / 2, "left"},   {gap, -gap - h / 2, "left"}};
    // farther away, stacked above and below, for crowded corners
    for (int k = 1; k <= 4; ++k) {
      const double dv = k * (h + 1.0);
      for (const double sign : {-1.0, 1.0}) {
        cands.push_back({-gap, sign * dv, "right"});
        cands.push_back({gap, sign * dv, "left"});
      }
    }
    double best_score = 1e300;
    Cand best = cands[0];
    Rect best_rect{};
    for (std::size_t c = 0; c < cands.size(); ++c) {
      const Cand& k = cands[c];
      const double cu = a.u + k.du, cv = a.v + k.dv;
      Rect rect{cu, cu + w, cv - h / 2, cv + h / 2};
      if (std::string_view(k.justify) == "right") rect = {cu - w, cu, cv - h / 2, cv + h / 2};
      if (std::string_view(k.justify) == "center") rect = {cu - w / 2, cu + w / 2, cv - h / 2, cv + h / 2};
      double score = 0.5 * static_cast<double>(c);
      const double outside = std::max(0.0, -rect.l) + std::max(0.0, rect.r - pw) +
                             std::max(0.0, -rect.b) + std::max(0.0, rect.t - ph);
      score += 50.0 * outside;
      for (const Rect& t : taken) score += t.overlap(rect);
      for (const Pt& d : dots)
        if (d.u > rect.l - 1.5 && d.u < rect.r + 1.5 && d.v > rect.b - 1.5 && d.v < rect.t + 1.5)
          score += 3.0;
      if (score < best_score) {
        best_score = score;
        best = k;
        best_rect = rect;
      }
    }
    taken.push_back(best_rect);
    const Pt& anchor = pts[g.front()];
    out.push_back({x0 + (a.u + best.du) / pw * (x1 - x0), y0 + (a.v + best.dv) / ph * (y1 - y0),
                   text, best.justify, std::abs(best.dv) > h,
                   x0 + anchor.u / pw * (x1 - x0), y0 + anchor.v / ph * (y1 - y0)});
  }
  return out;
}

void write_labels(std::ostream& gp, const std::vector<PlacedLabel>& labels) {
  int tag = 1;
  for (const PlacedLabel& l : labels) {
    if (l.leader)
      gp << fmt::format("set arrow {} from {},{} to {},{} nohead back lw 0.5 lc rgb \"#8c8c8c\"\n",
                        tag, num(l.ax), num(l.ay), num(l.x), num(l.y));
    gp << fmt::format("set label {} {} at {},{} {} front noenhanced boxed font \",{:g}\" "
                      "textcolor rgb \"#111111\"\n",
                      tag++, gp_string(l.text), num(l.x), num(l.y), l.justify, kLabelFont);
  }
}

// ---------------------------------------------------------------------------------------
// Information-plane data.

/// Mean trajectories of all layers at the drawn epochs.
struct PlaneData {
  std::vector<int> layers;
  std::vector<std::string> labels;
  std::vector<int> epochs;  // drawn
  std::vector<double> x, y; // [layer x drawn epoch], NaN if missing
  double max_x = 0, max_y = 0;
  double at_x(std::size_t l, std::size_t e) const { return x[l * epochs.size() + e]; }
  double at_y(std::size_t l, std::size_t e) const { return y[l * epochs.size() + e]; }
};

PlaneData plane_from_summary(const RunInfo& info, const MiSummary& mi,
                             const std::vector<std::size_t>& drawn) {
  PlaneData p;
  p.layers = mi.layers;
  for (const int l : mi.layers) p.labels.push_back(info.layer_label(l));
  for (const std::size_t e : drawn) p.epochs.push_back(mi.epochs[e]);
  for (std::size_t l = 0; l < mi.layers.size(); ++l)
    for (const std::size_t e : drawn) {
      const double x = mi.i_xt[mi.at(l, e)].mean, y = mi.i_ty[mi.at(l, e)].mean;
      p.x.push_back(x);
      p.y.push_back(y);
      if (std::isfinite(x)) p.max_x = std::max(p.max_x, x);
      if (std::isfinite(y)) p.max_y = std::max(p.max_y, y);
    }
  return p;
}

PlaneData plane_from_repetition(const RunInfo& info, const MiSeries& series, std::size_t rep,
                                const std::vector<std::size_t>& drawn) {
  PlaneData p;
  p.layers = series.layers;
  for (const int l : series.layers) p.labels.push_back(info.layer_label(l));
  for (const std::size_t e : drawn) p.epochs.push_back(series.epochs[e]);
  for (std::size_t l = 0; l < series.layers.size(); ++l)
    for (const std::size_t e : drawn) {
      const double x = series.i_xt[series.at(rep, l, e)], y = series.i_ty[series.at(rep, l, e)];
      p.x.push_back(x);
      p.y.push_back(y);
      if (std::isfinite(x)) p.max_x = std::max(p.max_x, x);
      if (std::isfinite(y)) p.max_y = std::max(p.max_y, y);
    }
  return p;
}

/// Writes two data sets: the faint per-epoch lines, then the points. Returns the index of
/// the first; `index` counts data sets already in `dat`.
int write_plane_data(std::ostream& dat, const PlaneData& p, const EpochScale& scale, int& index,
                     const std::string& what) {
  const int first = index;
  dat << "# data set " << index << ": " << what
      << ", lines joining the layers of one epoch (one block per epoch, at most "
      << kMaxLines << " epochs)\n"
      << "# i_xt i_ty colour(0xAARRGGBB of the epoch, AA = transparency) epoch\n";
  const std::size_t n_e = p.epochs.size(), n_l = p.layers.size();
  // Lines for at most kMaxLines epochs, so that they stay faint.
  const std::size_t stride = (n_e + kMaxLines - 1) / kMaxLines;
  for (std::size_t e = 0; e < n_e; ++e) {
    if (stride > 1 && e % stride != 0 && e + 1 != n_e) continue;
    const std::uint32_t argb = epoch_color(scale.position(p.epochs[e]), kLineOpacity);
    std::size_t written = 0;
    for (std::size_t l = 0; l < n_l; ++l) {
      if (!std::isfinite(p.at_x(l, e)) || !std::isfinite(p.at_y(l, e))) continue;
      dat << num(p.at_x(l, e)) << ' ' << num(p.at_y(l, e)) << ' ' << argb << ' '
          << p.epochs[e] << '\n';
      ++written;
    }
    if (written > 0) dat << '\n';
  }
  if (n_e == 0) dat << "NaN NaN 0 0\n";
  dat << "\n\n";
  ++index;
  dat << "# data set " << index << ": " << what << ", points by ascending epoch\n"
      << "# epoch layer i_xt i_ty\n";
  std::size_t written = 0;
  for (std::size_t e = 0; e < n_e; ++e)
    for (std::size_t l = 0; l < n_l; ++l) {
      if (!std::isfinite(p.at_x(l, e)) || !std::isfinite(p.at_y(l, e))) continue;
      dat << p.epochs[e] << ' ' << p.layers[l] << ' ' << num(p.at_x(l, e)) << ' '
          << num(p.at_y(l, e)) << '\n';
      ++written;
    }
  if (written == 0) dat << "0 0 NaN NaN\n";
  dat << "\n\n";
  ++index;
  return first;
}

/// The anchors of the layer labels: each layer's last drawn point.
std::vector<LabelAnchor> final_points(const PlaneData& p) {
  std::vector<LabelAnchor> out;
  for (std::size_t l = 0; l < p.layers.size(); ++l)
    for (std::size_t e = p.epochs.size(); e-- > 0;)
      if (std::isfinite(p.at_x(l, e)) && std::isfinite(p.at_y(l, e))) {
        out.push_back({p.at_x(l, e), p.at_y(l, e), p.labels[l]});
        break;
      }
  return out;
}

/// Draws one plane panel from the data sets written by write_plane_data.
void plane_panel(std::ostream& gp, const std::string& dat, int first_set, const Box& box,
                 double pw, double ph, double x0, double x1, double y0, double y1,
                 const PlaneData& p, bool with_ylabel) {
  set_box(gp, box);
  gp << fmt::format("set xrange [{}:{}]\nset yrange [{}:{}]\n", num(x0), num(x1), num(y0), num(y1))
     << fmt::format("set xtics {}\nset ytics {}\n", num(tick_step(x0, x1, pw, true)),
                    num(tick_step(y0, y1, ph, false)))
     << "set xlabel \"{/:Italic I}(X;T) [bits]\"\n"
     << (with_ylabel ? "set ylabel \"{/:Italic I}(T;Y) [bits]\"\n" : "unset ylabel\n");
  std::vector<std::pair<double, double>> dots;
  for (std::size_t i = 0; i < p.x.size(); ++i)
    if (std::isfinite(p.x[i]) && std::isfinite(p.y[i])) dots.emplace_back(p.x[i], p.y[i]);
  write_labels(gp, place_labels(final_points(p), dots, x0, x1, y0, y1, pw, ph));
  gp << fmt::format("plot {} index {} using 1:2:3 with lines lw 0.7 lc rgb variable, \\\n"
                    "     '' index {} using 3:4:1 with points pt 7 ps {:g}*S lc palette\n",
                    gp_string(dat), first_set, first_set + 1, kPointSize);
  gp << "unset label\nunset object\nunset arrow\n";
}

double axis_top(double bound, double data_max) {
  double top = std::isfinite(bound) && bound > 0 ? std::max(bound, data_max) : data_max;
  if (!(top > 0)) top = 1.0;
  return top * 1.03;
}

/// The zoom panel's area: around the final points of the layers that end in the upper
/// right (I(T;Y) >= 90% and I(X;T) >= 50% of the axes' tops), if at least two do.
std::optional<ZoomBox> auto_zoom(const std::vector<LabelAnchor>& finals, double x_top,
                                 double y_top) {
  double xl = 1e300, xh = -1e300, yl = 1e300, yh = -1e300;
  int n = 0;
  for (const LabelAnchor& a : finals)
    if (a.y >= 0.9 * y_top / 1.03 && a.x >= 0.5 * x_top / 1.03) {
      xl = std::min(xl, a.x);
      xh = std::max(xh, a.x);
      yl = std::min(yl, a.y);
      yh = std::max(yh, a.y);
      ++n;
    }
  if (n < 2) return std::nullopt;
  const double px = std::max(0.12 * (xh - xl), 0.03 * x_top);
  const double py = std::max(0.25 * (yh - yl), 0.006 * y_top);
  // no room above what I(X;T) <= H(X) and I(T;Y) <= H(Y) allow
  const double x_bound = x_top / 1.03, y_bound = y_top / 1.03;
  ZoomBox z;
  z.x_min = std::max(0.0, xl - px);
  z.x_max = std::min(xh + px, x_bound + 0.25 * px);
  z.y_min = std::max(0.0, yl - py);
  z.y_max = std::min(yh + py, y_bound + 0.15 * py);
  // Not worth a panel if it shows most of the plane anyway.
  if ((z.x_max - z.x_min) > 0.6 * x_top && (z.y_max - z.y_min) > 0.6 * y_top) return std::nullopt;
  return z;
}

std::string run_description(const RunInfo& info) {
  std::vector<std::string> parts;
  if (!info.dataset.empty()) parts.push_back(info.dataset);
  if (!info.activation.empty()) parts.push_back(info.activation);
  if (info.bits > 0) parts.push_back(fmt::format("{} bits", info.bits));
  if (info.prefit_epochs > 0) {
    parts.push_back(fmt::format("epochs 1-{} prefitted on shuffled labels", info.prefit_epochs));
  }
  std::string out = "run '" + info.name + "'";
  if (!parts.empty()) {
    out += " (";
    for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
    out += ")";
  }
  return out;
}

std::string figure_title(const RunInfo& info, const RunSelection& sel, const std::string& what,
                         const PlotOptions& options) {
  if (!options.titles) return {};
  std::string t = info.name;
  if (!what.empty()) t += " · " + what;
  t += fmt::format(" · {} of {} repetitions", sel.kept.size(), sel.n_total());
  return t;
}

std::string epochs_sentence(const std::vector<int>& all, const std::vector<std::size_t>& drawn) {
  if (drawn.empty()) return "no epochs drawn";
  return fmt::format("epochs {} to {}; {} of the {} recorded epochs drawn", all[drawn.front()],
                     all[drawn.back()], drawn.size(), all.size());
}

std::vector<std::size_t> require_drawn(std::span<const int> epochs, const PlotOptions& options,
                                       const std::string& what) {
  std::vector<std::size_t> drawn = drawn_positions(epochs, options);
  if (drawn.empty()) {
    if (epochs.empty()) input_error("plot: {}: the run has no epochs to draw", what);
    input_error("plot: {}: --epochs {}:{} selects no recorded epoch; got none, expected "
                "epochs within {}..{}", what, options.epochs.first,
                options.epochs.last == 0 ? std::string() : std::to_string(options.epochs.last),
                epochs.front(), epochs.back());
  }
  return drawn;
}

/// The epoch (x) axis over the drawn epochs [first, last].
/// With `prefit_epochs` in the drawn epochs (random-label prefitting): a dashed line at the
/// end of prefitting, labelled at its foot (arrow and label tag 1990).
void prefit_marker(std::ostream& gp, int prefit_epochs, double first, double last) {
  if (prefit_epochs <= 0 || prefit_epochs < first || prefit_epochs >= last) return;
  gp << fmt::format("set arrow 1990 from {0}, graph 0 to {0}, graph 1 nohead dt 2 lw 1.5 lc rgb \"#777777\" front\n"
                    "set label 1990 \"end of prefitting\" at {0}, graph 0.04 left offset "
                    "character 0.5, 0 front font \",9\" textcolor rgb \"#555555\"\n",
                    prefit_epochs);
}

/// The epoch axis, with the prefitting marker.
void epoch_axis(std::ostream& gp, const PlotOptions& options, double first, double last,
                int target_ticks = 5, int prefit_epochs = 0) {
  if (options.log_epochs) {
    gp << "set logscale x\nset xtics autofreq\nset format x \"%g\"\n"
       << fmt::format("set xrange [{}:{}]\n", num(std::max(first, 1.0)),
                      num(std::max(last, first + 1.0)));
  } else {
    const double lo = first < 0.05 * last ? 0.0 : first;
    const double hi = last > lo ? last : lo + 1.0;
    gp << "unset logscale x\n"
       << fmt::format("set xrange [{}:{}]\nset xtics {}\n", num(lo), num(hi),
                      num(std::max(nice_step((hi - lo) / target_ticks), 1.0)));
  }
  gp << "set xlabel \"Epoch\"\n";
  prefit_marker(gp, prefit_epochs, first, last);
}

/// One entry of a legend drawn by hand (gnuplot's own key cannot span several panels).
struct LegendEntry {
  std::string text;
  std::string color;
  bool box = false;  // a filled box (a band) instead of a line
};

/// A one-row legend centred at the bottom of the canvas; uses label and object tags from
/// 2000 on, which plain `unset label` / `unset object` / `unset arrow` remove.
void legend_row(std::ostream& gp, const std::vector<LegendEntry>& entries, double width,
                double height) {
  const double sample = 16.0, gap = 4.0, spacing = 14.0;
  double total = 0;
  std::vector<double> widths;
  for (const LegendEntry& e : entries) {
    widths.push_back(sample + gap + text_width(e.text, kFont));
    total += widths.back();
  }
  total += spacing * static_cast<double>(entries.empty() ? 0 : entries.size() - 1);
  double x = (width - total) / 2.0;
  const double y = 9.0 / height;
  int tag = 2000;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const LegendEntry& e = entries[i];
    const double a = x / width, b = (x + sample) / width;
    if (e.box)
      gp << fmt::format("set object {} rectangle from screen {:.4f},{:.4f} to screen {:.4f},{:.4f} "
                        "front fillstyle transparent solid 0.35 noborder fillcolor rgb \"{}\"\n",
                        tag, a, y - 4.0 / height, b, y + 4.0 / height, e.color);
    else
      gp << fmt::format("set arrow {} from screen {:.4f},{:.4f} to screen {:.4f},{:.4f} nohead "
                        "front lw 1.6 lc rgb \"{}\"\n",
                        tag, a, y, b, y, e.color);
    gp << fmt::format("set label {} {} at screen {:.4f},{:.4f} left front noenhanced\n", tag,
                      gp_string(e.text), (x + sample + gap) / width, y);
    ++tag;
    x += widths[i] + spacing;
  }
}

/// Mean +- band lines per layer, for the MI and variance figures: writes one data set
/// per layer with columns epoch, then the given moments' mean and std.
void write_layer_curves(std::ostream& dat, const MiSummary& mi,
                        const std::vector<std::size_t>& drawn, const RunInfo& info, int& index) {
  for (std::size_t l = 0; l < mi.layers.size(); ++l) {
    dat << "# data set " << index++ << ": layer " << mi.layers[l] << " ("
        << info.layer_label(mi.layers[l]) << ")\n"
        << "# epoch n i_xt_mean i_xt_std i_ty_mean i_ty_std\n";
    std::size_t written = 0;
    for (const std::size_t e : drawn) {
      const Moments& x = mi.i_xt[mi.at(l, e)];
      const Moments& y = mi.i_ty[mi.at(l, e)];
      if (x.n == 0) continue;
      dat << mi.epochs[e] << ' ' << x.n << ' ' << num(x.mean) << ' ' << num(x.std) << ' '
          << num(y.mean) << ' ' << num(y.std) << '\n';
      ++written;
    }
    if (written == 0) dat << "NaN 0 NaN NaN NaN NaN\n";
    dat << "\n\n";
  }
}

/// Rows of an accuracy data set: the mean and the 95% confidence band clipped to [0, 1]
/// (an accuracy cannot leave it; with few repetitions the t interval is wide). Returns
/// the lowest value written.
double write_accuracy_rows(std::ostream& dat, const AccuracySummary& acc,
                           const std::vector<std::size_t>& drawn) {
  dat << "# epoch n train_mean train_low train_high test_mean test_low test_high "
         "(low/high: the 95% confidence interval of the mean, clipped to [0, 1])\n";
  double lowest = 1.0;
  auto cells = [&](const Moments& m) {
    const double half = std::isfinite(m.ci95) ? m.ci95 : 0.0;
    const double lo = std::clamp(m.mean - half, 0.0, 1.0), hi = std::clamp(m.mean + half, 0.0, 1.0);
    if (std::isfinite(m.mean)) lowest = std::min(lowest, lo);
    dat << ' ' << num(m.mean) << ' ' << num(std::isfinite(m.mean) ? lo : kMissing) << ' '
        << num(std::isfinite(m.mean) ? hi : kMissing);
  };
  std::size_t written = 0;
  for (const std::size_t e : drawn) {
    if (acc.train[e].n == 0 && acc.test[e].n == 0) continue;
    dat << acc.epochs[e] << ' ' << acc.train[e].n;
    cells(acc.train[e]);
    cells(acc.test[e]);
    dat << '\n';
    ++written;
  }
  if (written == 0) dat << "NaN 0 NaN NaN NaN NaN NaN NaN\n";
  return lowest;
}

std::string accuracy_plot(const std::string& file, const std::string& index) {
  return fmt::format(
      "plot '{2}'{3} using 1:4:5 with filledcurves lc rgb \"{0}\", \\\n"
      "     ''{3} using 1:3 with lines lw 1.4 lc rgb \"{0}\" title \"Training\", \\\n"
      "     ''{3} using 1:7:8 with filledcurves lc rgb \"{1}\", \\\n"
      "     ''{3} using 1:6 with lines lw 1.4 lc rgb \"{1}\" title \"Test\"\n",
      kTrainColor, kTestColor, file, index);
}

}  // namespace

std::uint32_t epoch_color(double t, double opacity) {
  t = std::clamp(std::isfinite(t) ? t : 1.0, 0.0, 1.0);
  std::size_t i = 0;
  while (i + 2 < kEpochPalette.size() && t > kEpochPalette[i + 1].at) ++i;
  const Stop& a = kEpochPalette[i];
  const Stop& b = kEpochPalette[i + 1];
  const double f = (t - a.at) / (b.at - a.at);
  auto mix = [f](int u, int v) {
    return static_cast<std::uint32_t>(std::lround(u + f * (v - u)));
  };
  const auto alpha = static_cast<std::uint32_t>(std::lround((1.0 - std::clamp(opacity, 0.0, 1.0)) * 255));
  return (alpha << 24) | (mix(a.r, b.r) << 16) | (mix(a.g, b.g) << 8) | mix(a.b, b.b);
}

std::vector<std::size_t> drawn_positions(std::span<const int> epochs, const PlotOptions& options) {
  std::vector<int> window;
  std::vector<std::size_t> where;
  for (std::size_t i = 0; i < epochs.size(); ++i)
    if (options.epochs.contains(epochs[i])) {
      window.push_back(epochs[i]);
      where.push_back(i);
    }
  std::vector<std::size_t> out;
  for (const std::size_t k : thin_epochs(window, options.max_drawn_epochs)) out.push_back(where[k]);
  return out;
}

// ---------------------------------------------------------------------------------------

FigureText plane_figure(const RunInfo& info, const RunSelection& selection, const MiSummary& mi,
                        const PlotOptions& options) {
  const std::vector<std::size_t> drawn = require_drawn(mi.epochs, options, "plane");
  const PlaneData p = plane_from_summary(info, mi, drawn);
  const double x_top = axis_top(info.h_x, p.max_x), y_top = axis_top(info.h_y, p.max_y);
  const std::vector<LabelAnchor> finals = final_points(p);
  std::optional<ZoomBox> zoom;
  if (options.zoom) zoom = options.zoom_box ? options.zoom_box : auto_zoom(finals, x_top, y_top);

  EpochScale scale{static_cast<double>(p.epochs.front()), static_cast<double>(p.epochs.back()),
                   options.log_epochs};
  std::ostringstream dat;
  dat << "# plane.dat: information plane of " << run_description(info) << ", estimator "
      << mi.estimator << ", mean over " << selection.kept.size() << " repetitions; bits\n";
  int index = 0;
  const int set = write_plane_data(dat, p, scale, index, "mean over repetitions");

  const std::string title = figure_title(info, selection, mi.estimator + " MI", options);
  const double height = title.empty() ? 300.0 : 316.0;
  Grid grid{zoom ? 640.0 : 340.0, height, zoom ? 2 : 1, 1};
  grid.right = 86;
  grid.top = title.empty() ? 12 : 28;
  Script script("plane", grid.width, grid.height);
  std::ostream& gp = script.body;
  title_line(gp, title, grid.width, grid.height);
  axes_style(gp);
  palette(gp);
  scale.write(gp);
  const Box main = grid.cell(0, 0);
  if (zoom) {
    gp << "unset colorbox\n";
    gp << fmt::format("set object 1 rectangle from {},{} to {},{} front fillstyle empty "
                      "border lc rgb \"#404040\" dt 2 lw 0.8\n",
                      num(zoom->x_min), num(zoom->y_min), num(zoom->x_max), num(zoom->y_max));
  } else {
    colorbox(gp, main, 9, grid.width);
  }
  plane_panel(gp, "plane.dat", set, main, grid.panel_width(), grid.panel_height(), 0.0, x_top,
              0.0, y_top, p, true);
  gp << "unset label 1000\n";
  if (zoom) {
    const Box right = grid.cell(0, 1);
    colorbox(gp, right, 9, grid.width);
    plane_panel(gp, "plane.dat", set, right, grid.panel_width(), grid.panel_height(),
                zoom->x_min, zoom->x_max, zoom->y_min, zoom->y_max, p, false);
  }

  FigureText f;
  f.name = "plane";
  f.data = dat.str();
  f.script = script.text("information plane of " + run_description(info));
  std::string caption = fmt::format(
      "Information plane of {}, estimator {}: I(X;T) against I(T;Y) in bits for every layer "
      "(X: the input, Ŷ: the output), {}, coloured by epoch ({}). The points of one epoch "
      "are joined by a faint line.",
      run_description(info), mi.estimator, describe_selection(selection),
      epochs_sentence(mi.epochs, drawn));
  if (zoom)
    caption += fmt::format(" Right: the area I(X;T) in [{:.3g}, {:.3g}], I(T;Y) in [{:.3g}, {:.3g}] "
                           "(dashed box on the left).",
                           zoom->x_min, zoom->x_max, zoom->y_min, zoom->y_max);
  f.caption = caption + "\n";
  return f;
}

/// The legend of the layers' colours, as a row at the bottom of the canvas.
void layer_legend(std::ostream& gp, const RunInfo& info, const MiSummary& mi, double width, double height) {
  std::vector<LegendEntry> legend;
  for (std::size_t l = 0; l < mi.layers.size(); ++l) legend.push_back({info.layer_label(mi.layers[l]), layer_color(l)});
  legend_row(gp, legend, width, height);
}

FigureText mi_figure(const RunInfo& info, const RunSelection& selection, const MiSummary& mi,
                     const MiSeries& series, const PlotOptions& options) {
  const std::vector<std::size_t> drawn = require_drawn(mi.epochs, options, "mi");
  std::ostringstream dat;
  dat << "# mi.dat: I(X;T) and I(T;Y) of " << run_description(info) << ", estimator "
      << mi.estimator << ", over " << selection.kept.size() << " repetitions; bits\n";
  int index = 0;
  write_layer_curves(dat, mi, drawn, info, index);
  std::size_t rep = series.repetitions.size();
  for (std::size_t r = 0; r < series.repetitions.size(); ++r)
    if (series.repetitions[r] == mi.median_repetition) rep = r;
  int rep_set = -1;
  PlaneData p;
  if (rep < series.repetitions.size()) {
    p = plane_from_repetition(info, series, rep, drawn);
    rep_set = index;
  }
  EpochScale scale{static_cast<double>(mi.epochs[drawn.front()]),
                   static_cast<double>(mi.epochs[drawn.back()]), options.log_epochs};
  if (rep_set >= 0)
    write_plane_data(dat, p, scale, index,
                     fmt::format("repetition {} (median deviation from the mean)", mi.median_repetition));

  const std::string title = figure_title(info, selection, mi.estimator + " MI", options);
  Grid grid{900, title.empty() ? 314.0 : 330.0, 3, 1};
  grid.right = 86;
  grid.hgap = 78;
  grid.bottom = 70;
  grid.top = title.empty() ? 22 : 38;
  Script script("mi", grid.width, grid.height);
  std::ostream& gp = script.body;
  title_line(gp, title, grid.width, grid.height);
  axes_style(gp);
  epoch_axis(gp, options, mi.epochs[drawn.front()], mi.epochs[drawn.back()], 5, info.prefit_epochs);
  layer_legend(gp, info, mi, grid.width, grid.height);
  gp << "set style fill transparent solid 0.18 noborder\n"
     << "unset colorbox\n";
  const char* names[2] = {"(X;T)", "(T;Y)"};
  for (int panel = 0; panel < 2; ++panel) {
    set_box(gp, grid.cell(0, panel));
    double top = 0.0;
    for (const std::vector<Moments>* m : {panel == 0 ? &mi.i_xt : &mi.i_ty})
      for (const Moments& v : *m)
        if (std::isfinite(v.mean)) top = std::max(top, v.mean + (std::isfinite(v.std) ? v.std : 0.0));
    top = axis_top(panel == 0 ? info.h_x : info.h_y, top);
    gp << fmt::format("set ylabel \"{{/:Italic I}}{} [bits]\"\n", names[panel])
       << fmt::format("set yrange [0:{}]\nset ytics {}\n", num(top),
                      num(tick_step(0.0, top, grid.panel_height(), false)));
    if (panel == 1) {
      gp << "unset label\nunset arrow\nunset object\n";
      prefit_marker(gp, info.prefit_epochs, mi.epochs[drawn.front()], mi.epochs[drawn.back()]);
    }
    const int mean_col = panel == 0 ? 3 : 5;
    gp << "plot ";
    for (std::size_t l = 0; l < mi.layers.size(); ++l) {
      const std::string color = layer_color(l);
      gp << (l ? ", \\\n     " : "")
         << fmt::format("'mi.dat' index {} using 1:(${}-${}):(${}+${}) with filledcurves "
                        "lc rgb \"{}\", \\\n     '' index {} using 1:{} with lines lw 1.2 "
                        "lc rgb \"{}\"",
                        l, mean_col, mean_col + 1, mean_col, mean_col + 1, color, l, mean_col,
                        color);
    }
    gp << "\n";
  }
  gp << "unset label\nunset arrow\nunset object\nunset logscale x\nset xtics autofreq\n"
     << "set xrange [*:*]\nset style fill solid 1.0\n";
  if (rep_set >= 0) {
    const Box right = grid.cell(0, 2);
    palette(gp);
    scale.write(gp);
    colorbox(gp, right, 9, grid.width);
    gp << fmt::format("set title {} noenhanced font \",{:g}\"\n",
                      gp_string(fmt::format("repetition {} (median deviation)", mi.median_repetition)),
                      kFont);
    plane_panel(gp, "mi.dat", rep_set, right, grid.panel_width(), grid.panel_height(), 0.0,
                axis_top(info.h_x, p.max_x), 0.0, axis_top(info.h_y, p.max_y), p, true);
    gp << "unset title\n";
  }

  FigureText f;
  f.name = "mi";
  f.data = dat.str();
  f.script = script.text("I(X;T) and I(T;Y) against epoch of " + run_description(info));
  f.caption = fmt::format(
      "I(X;T) (left) and I(T;Y) (centre) of every layer of {} against epoch, estimator {}: "
      "mean with a band of one standard deviation over repetitions, {} ({}). Right: the "
      "information plane of repetition {}, the median-deviating repetition ranked by the L2 "
      "distance of its (I(X;T), I(T;Y)) over all layers and epochs from the mean.\n",
      run_description(info), mi.estimator, describe_selection(selection),
      epochs_sentence(mi.epochs, drawn), mi.median_repetition);
  return f;
}

FigureText accuracy_figure(const RunInfo& info, const RunSelection& selection,
                           const AccuracySummary& acc, const PlotOptions& options) {
  const std::vector<std::size_t> drawn = require_drawn(acc.epochs, options, "accuracy");
  std::ostringstream dat;
  dat << "# accuracy.dat: accuracy of " << run_description(info) << " over "
      << selection.kept.size() << " repetitions\n";
  const double y_low = std::min(0.9, std::floor(write_accuracy_rows(dat, acc, drawn) * 20.0) / 20.0);
  const std::string title = figure_title(info, selection, "accuracy", options);
  Grid grid{400, title.empty() ? 290.0 : 306.0, 1, 1};
  grid.top = title.empty() ? 12 : 28;
  grid.right = 28;
  Script script("accuracy", grid.width, grid.height);
  std::ostream& gp = script.body;
  title_line(gp, title, grid.width, grid.height);
  axes_style(gp);
  epoch_axis(gp, options, acc.epochs[drawn.front()], acc.epochs[drawn.back()], 4, info.prefit_epochs);
  set_box(gp, grid.cell(0, 0));
  gp << fmt::format("set ylabel \"Accuracy\"\nset yrange [{}:1]\n", num(std::max(0.0, y_low)))
     << "set key bottom right samplen 1.5 opaque box lc rgb \"#cccccc\"\n"
     << "set style fill transparent solid 0.2 noborder\n"
     << accuracy_plot("accuracy.dat", "");
  FigureText f;
  f.name = "accuracy";
  f.data = dat.str();
  f.script = script.text("training and test accuracy of " + run_description(info));
  f.caption = fmt::format(
      "Training and test accuracy of {} against epoch: mean and 95% confidence interval of "
      "the mean (Student's t) over repetitions, {} ({}).\n",
      run_description(info), describe_selection(selection), epochs_sentence(acc.epochs, drawn));
  return f;
}

FigureText variance_figure(const RunInfo& info, const RunSelection& selection,
                           const MiSummary& mi, const PlotOptions& options) {
  const std::vector<std::size_t> drawn = require_drawn(mi.epochs, options, "variance");
  std::ostringstream dat;
  dat << "# variance.dat: spread of I(X;T) and I(T;Y) over " << selection.kept.size()
      << " repetitions of " << run_description(info) << ", estimator " << mi.estimator
      << "; bits\n";
  int index = 0;
  write_layer_curves(dat, mi, drawn, info, index);
  const std::string title = figure_title(info, selection, mi.estimator + " MI spread", options);
  Grid grid{640, title.empty() ? 314.0 : 330.0, 2, 1};
  grid.bottom = 70;
  grid.hgap = 84;
  grid.top = title.empty() ? 12 : 28;
  Script script("variance", grid.width, grid.height);
  std::ostream& gp = script.body;
  title_line(gp, title, grid.width, grid.height);
  axes_style(gp);
  epoch_axis(gp, options, mi.epochs[drawn.front()], mi.epochs[drawn.back()], 5, info.prefit_epochs);
  layer_legend(gp, info, mi, grid.width, grid.height);
  const char* names[2] = {"(X;T)", "(T;Y)"};
  for (int panel = 0; panel < 2; ++panel) {
    set_box(gp, grid.cell(0, panel));
    double top = 0.0;
    for (std::size_t l = 0; l < mi.layers.size(); ++l)
      for (const std::size_t e : drawn) {
        const Moments& m = panel == 0 ? mi.i_xt[mi.at(l, e)] : mi.i_ty[mi.at(l, e)];
        if (std::isfinite(m.std)) top = std::max(top, m.std);
      }
    top = top > 0.0 ? top * 1.05 : 1.0;  // a single repetition has no spread to show
    gp << fmt::format("set ylabel \"std of {{/:Italic I}}{} [bits]\"\nset yrange [0:{}]\n",
                      names[panel], num(top));
    if (panel == 1) gp << "unset label\nunset arrow\nunset object\n";
    gp << "plot ";
    for (std::size_t l = 0; l < mi.layers.size(); ++l)
      gp << (l ? ", \\\n     " : "")
         << fmt::format("'variance.dat' index {} using 1:{} with lines lw 1.2 lc rgb \"{}\"",
                        l, panel == 0 ? 4 : 6, layer_color(l));
    gp << "\n";
  }
  FigureText f;
  f.name = "variance";
  f.data = dat.str();
  f.script = script.text("spread between repetitions of " + run_description(info));
  f.caption = fmt::format(
      "Standard deviation over repetitions of I(X;T) (left) and I(T;Y) (right) of every layer "
      "of {}, estimator {}, against epoch; {} ({}).\n",
      run_description(info), mi.estimator, describe_selection(selection),
      epochs_sentence(mi.epochs, drawn));
  return f;
}

FigureText range_figure(const RunInfo& info, const RunSelection& selection,
                        const RangeSummary& ranges, const PlotOptions& options) {
  const std::vector<std::size_t> drawn = require_drawn(ranges.epochs, options, "range");
  std::ostringstream dat;
  dat << "# range.dat: activation range per layer of " << run_description(info) << " over "
      << selection.kept.size() << " repetitions\n";
  for (std::size_t l = 0; l < ranges.layers.size(); ++l) {
    dat << "# data set " << l << ": layer " << ranges.layers[l] << " ("
        << info.layer_label(ranges.layers[l]) << ")\n"
        << "# epoch min_mean max_mean min_lowest max_highest\n";
    std::size_t written = 0;
    for (const std::size_t e : drawn) {
      const std::size_t at = ranges.at(l, e);
      if (ranges.min[at].n == 0) continue;
      dat << ranges.epochs[e] << ' ' << num(ranges.min[at].mean) << ' '
          << num(ranges.max[at].mean) << ' ' << num(ranges.lowest[at]) << ' '
          << num(ranges.highest[at]) << '\n';
      ++written;
    }
    if (written == 0) dat << "NaN NaN NaN NaN NaN\n";
    dat << "\n\n";
  }
  double y_lo = 1e300, y_hi = -1e300;
  for (std::size_t l = 0; l < ranges.layers.size(); ++l)
    for (const std::size_t e : drawn) {
      const std::size_t at = ranges.at(l, e);
      if (std::isfinite(ranges.lowest[at])) y_lo = std::min(y_lo, ranges.lowest[at]);
      if (std::isfinite(ranges.highest[at])) y_hi = std::max(y_hi, ranges.highest[at]);
    }
  const int n = std::max<int>(1, static_cast<int>(ranges.layers.size()));
  const int cols = std::min(n, 3), rows = (n + cols - 1) / cols;
  const std::string title = figure_title(info, selection, "activation range", options);
  Grid grid{cols * 220.0 + 60, rows * 180.0 + 76 + (title.empty() ? 0 : 16), cols, rows};
  grid.top = title.empty() ? 26 : 42;
  grid.bottom = 70;
  grid.vgap = 44;
  grid.hgap = 34;
  Script script("range", grid.width, grid.height);
  std::ostream& gp = script.body;
  title_line(gp, title, grid.width, grid.height);
  axes_style(gp);
  epoch_axis(gp, options, ranges.epochs[drawn.front()], ranges.epochs[drawn.back()], 4, info.prefit_epochs);
  legend_row(gp,
             {{"mean minimum and maximum", "#404040", false},
              {"smallest minimum to largest maximum", "#808080", true}},
             grid.width, grid.height);
  gp << "set style fill transparent solid 0.15 noborder\n";
  if (!(y_hi >= y_lo)) y_lo = -1.0, y_hi = 1.0;                   // no values at all
  if (y_hi - y_lo < 1e-9) y_lo -= 0.5, y_hi += 0.5;                 // a constant range
  {
    const double step = nice_step((y_hi - y_lo) / 4);
    const double lo = std::floor(y_lo / step) * step, hi = std::ceil(y_hi / step) * step;
    gp << fmt::format("set yrange [{}:{}]\nset ytics {}\n", num(lo), num(hi), num(step));
  }
  for (int i = 0; i < static_cast<int>(ranges.layers.size()); ++i) {
    const std::size_t l = static_cast<std::size_t>(i);
    const int row = i / cols, col = i % cols;
    set_box(gp, grid.cell(row, col));
    const LayerInfo* layer = info.layer(ranges.layers[l]);
    std::string name = info.layer_label(ranges.layers[l]);
    if (layer != nullptr && !layer->activation.empty()) name += " (" + layer->activation + ")";
    const std::string color = layer_color(std::min<std::size_t>(l + 1, 100));
    const bool bottom_row = i + cols >= n;
    gp << fmt::format("set title {} noenhanced offset 0,-0.7\n", gp_string(name))
       << (col == 0 ? "set ylabel \"Activation\"\nset format y \"%g\"\n"
                    : "unset ylabel\nset format y \"\"\n")
       << (bottom_row ? "set xlabel \"Epoch\"\nset format x \"%g\"\n"
                      : "unset xlabel\nset format x \"\"\n")
       << fmt::format("plot 'range.dat' index {0} using 1:4:5 with filledcurves lc rgb \"{1}\", \\\n"
                      "     '' index {0} using 1:2 with lines lw 1.2 lc rgb \"{1}\", \\\n"
                      "     '' index {0} using 1:3 with lines lw 1.2 lc rgb \"{1}\"\n",
                      l, color)
       << "unset label\nunset arrow\nunset object\n";
  }
  FigureText f;
  f.name = "range";
  f.data = dat.str();
  f.script = script.text("activation range per layer of " + run_description(info));
  f.caption = fmt::format(
      "Activation range of every layer of {} against epoch: the mean over repetitions of the "
      "layer's minimum and maximum activation (lines), and the band between the "
      "smallest minimum and the largest maximum over repetitions; {} ({}).\n",
      run_description(info), describe_selection(selection), epochs_sentence(ranges.epochs, drawn));
  return f;
}

FigureText activations2d_figure(const RunInfo& info, const ActivationSnapshot& snap,
                                const PlotOptions& options) {
  // Ten distinct class colours (the Tableau 10 palette), repeated beyond ten classes.
  constexpr std::array<const char*, 10> kClassColors = {
      "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
      "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  IP_CHECK(!snap.epochs.empty() && snap.points.size() == snap.epochs.size());
  IP_CHECK(snap.width >= 2);
  std::uint32_t n_classes = 1;
  for (const auto& epoch : snap.points)
    for (const ActivationSnapshot::Point& p : epoch) n_classes = std::max(n_classes, p.label + 1);
  const std::string layer_name = info.layer_label(snap.layer);
  const std::string units = snap.width == 2
                                ? std::string("its two units")
                                : fmt::format("the first two of its {} units", snap.width);

  std::ostringstream dat;
  dat << "# activations2d.dat: layer " << snap.layer << " (" << layer_name << ") of "
      << run_description(info) << ", repetition " << snap.repetition << ", " << units << "\n"
      << "# data set e*" << n_classes << "+c: epoch number e (in the order below), class c\n"
      << "# v0 v1 (values before quantization)\n";
  for (std::size_t e = 0; e < snap.epochs.size(); ++e) {
    for (std::uint32_t c = 0; c < n_classes; ++c) {
      dat << "# epoch " << snap.epochs[e] << ", class " << c << "\n";
      std::size_t written = 0;
      for (const ActivationSnapshot::Point& p : snap.points[e]) {
        if (p.label != c) continue;
        dat << num(p.v0) << ' ' << num(p.v1) << '\n';
        ++written;
      }
      if (written == 0) dat << "NaN NaN\n";
      dat << "\n\n";
    }
  }

  const int n = static_cast<int>(snap.epochs.size());
  const int cols = std::min(n, 4), rows = (n + cols - 1) / cols;
  const std::string title =
      options.titles ? fmt::format("{} · layer {} ({}) values{} · repetition {}", info.name, snap.layer,
                                   layer_name,
                                   snap.width == 2 ? std::string()
                                                   : fmt::format(", units 1–2 of {}", snap.width),
                                   snap.repetition)
                     : std::string();
  Grid grid{cols * 210.0 + 70, rows * 200.0 + 76 + (title.empty() ? 0 : 16), cols, rows};
  grid.top = title.empty() ? 26 : 42;
  grid.bottom = 70;
  grid.left = 74;
  grid.vgap = 50;
  grid.hgap = 48;
  Script script("activations2d", grid.width, grid.height);
  std::ostream& gp = script.body;
  title_line(gp, title, grid.width, grid.height);
  axes_style(gp);
  gp << "colors = \"";
  for (std::uint32_t c = 0; c < n_classes; ++c) gp << (c ? " " : "") << kClassColors[c % kClassColors.size()];
  gp << "\"\n"
     << fmt::format("K = {}  # classes\n", n_classes)
     << "set offsets graph 0.04, graph 0.04, graph 0.04, graph 0.04\n"
     << "set xtics autofreq\nset ytics autofreq\nset format x \"%g\"\nset format y \"%g\"\n";
  // The class legend: a coloured marker and the class, in one row at the bottom.
  {
    const double marker = 10.0, gap = 3.0, spacing = 12.0;
    const std::string lead = "Class";
    std::vector<double> widths;
    double total = text_width(lead, kFont) + spacing;
    for (std::uint32_t c = 0; c < n_classes; ++c) {
      widths.push_back(marker + gap + text_width(std::to_string(c), kFont));
      total += widths.back() + (c + 1 < n_classes ? spacing : 0.0);
    }
    double x = (grid.width - total) / 2.0;
    const double y = 12.0 / grid.height;
    int tag = 2000;
    gp << fmt::format("set label {} \"{}\" at screen {:.4f},{:.4f} left front\n", tag++, lead,
                      x / grid.width, y);
    x += text_width(lead, kFont) + spacing;
    for (std::uint32_t c = 0; c < n_classes; ++c) {
      gp << fmt::format("set label {} \"\" at screen {:.4f},{:.4f} point pt 7 ps 0.9*S lc rgb \"{}\" front\n",
                        tag, (x + marker / 2.0) / grid.width, y, kClassColors[c % kClassColors.size()])
         << fmt::format("set label {} \"{}\" at screen {:.4f},{:.4f} left front\n", tag + 1, c,
                        (x + marker + gap) / grid.width, y);
      tag += 2;
      x += widths[c] + spacing;
    }
  }
  // Small markers for large data sets, so that the classes stay visible where they overlap.
  std::size_t n_points = 0;
  for (const auto& epoch : snap.points) n_points = std::max(n_points, epoch.size());
  const double size = n_points > 20000 ? 0.12 : n_points > 2000 ? 0.22 : 0.4;
  for (int i = 0; i < n; ++i) {
    const int row = i / cols, col = i % cols;
    set_box(gp, grid.cell(row, col));
    // About four ticks per axis, whatever the panel's range.
    float x_lo = 0.0f, x_hi = 0.0f, y_lo = 0.0f, y_hi = 0.0f;
    bool first = true;
    for (const ActivationSnapshot::Point& p : snap.points[static_cast<std::size_t>(i)]) {
      if (!std::isfinite(p.v0) || !std::isfinite(p.v1)) continue;
      x_lo = first ? p.v0 : std::min(x_lo, p.v0), x_hi = first ? p.v0 : std::max(x_hi, p.v0);
      y_lo = first ? p.v1 : std::min(y_lo, p.v1), y_hi = first ? p.v1 : std::max(y_hi, p.v1);
      first = false;
    }
    const double x_step = nice_step(std::max(1e-6, static_cast<double>(x_hi - x_lo)) / 4);
    const double y_step = nice_step(std::max(1e-6, static_cast<double>(y_hi - y_lo)) / 4);
    gp << fmt::format("set xtics {}\nset ytics {}\n", num(x_step), num(y_step));
    gp << fmt::format("set title \"Epoch {}\" offset 0,-0.7\n", snap.epochs[static_cast<std::size_t>(i)])
       << (col == 0 ? "set ylabel \"Unit 2\"\n" : "unset ylabel\n")
       << "set xlabel \"Unit 1\"\n"
       << fmt::format("plot for [c=0:K-1] 'activations2d.dat' index {}*K+c using 1:2 with points "
                      "pt 7 ps {:g}*S lc rgb word(colors, c+1)\n",
                      i, size);
    if (i == 0) gp << "unset label\n";  // the legend is drawn once
  }
  FigureText f;
  f.name = "activations2d";
  f.data = dat.str();
  f.script = script.text(fmt::format("layer {} values of repetition {} of {}", snap.layer, snap.repetition,
                                     run_description(info)));
  std::string epochs;
  for (std::size_t e = 0; e < snap.epochs.size(); ++e)
    epochs += (e == 0 ? "" : e + 1 == snap.epochs.size() ? " and " : ", ") + std::to_string(snap.epochs[e]);
  f.caption = fmt::format(
      "Values of layer {} ({}) of {}, repetition {}, before quantization: every sample as a point "
      "at ({}), coloured by its class ({} classes), one panel per stored epoch ({}).{}\n",
      snap.layer, layer_name, run_description(info), snap.repetition,
      snap.width == 2 ? "unit 1, unit 2" : "unit 1, unit 2 of the layer", n_classes, epochs,
      snap.width == 2 ? std::string()
                      : fmt::format(" The layer has {} units; only the first two are drawn.", snap.width));
  return f;
}

FigureText compare_plane_figure(std::span<const ComparePlaneInput> panels,
                                const PlotOptions& options) {
  IP_CHECK(!panels.empty(), "no panels to compare");
  std::vector<PlaneData> planes;
  std::vector<std::vector<std::size_t>> drawn_all;
  double x_top = 0, y_top = 0, e_first = 1e300, e_last = -1e300;
  for (const ComparePlaneInput& in : panels) {
    drawn_all.push_back(require_drawn(in.mi->epochs, options, "plane of " + in.title));
    planes.push_back(plane_from_summary(*in.info, *in.mi, drawn_all.back()));
    const PlaneData& p = planes.back();
    x_top = std::max(x_top, axis_top(in.info->h_x, p.max_x));
    y_top = std::max(y_top, axis_top(in.info->h_y, p.max_y));
    e_first = std::min(e_first, static_cast<double>(p.epochs.front()));
    e_last = std::max(e_last, static_cast<double>(p.epochs.back()));
  }
  const EpochScale scale{e_first, e_last, options.log_epochs};
  std::ostringstream dat;
  dat << "# compare_plane.dat: information planes of " << panels.size() << " runs, mean over "
         "kept repetitions; bits\n";
  int index = 0;
  std::vector<int> sets;
  for (std::size_t i = 0; i < panels.size(); ++i)
    sets.push_back(write_plane_data(dat, planes[i], scale, index, panels[i].title));

  const int n = static_cast<int>(panels.size());
  const int cols = std::min(n, 4), rows = (n + cols - 1) / cols;
  Grid grid{cols * 270.0 + 86, rows * 262.0 + 20, cols, rows};
  grid.right = 86;
  grid.top = 34;
  grid.vgap = 64;
  Script script("compare_plane", grid.width, grid.height);
  std::ostream& gp = script.body;
  axes_style(gp);
  palette(gp);
  scale.write(gp);
  std::string caption = fmt::format(
      "Information planes side by side (shared axes and colour scale), I(X;T) against I(T;Y) "
      "in bits, mean over repetitions, coloured by epoch:");
  for (int i = 0; i < n; ++i) {
    const Box box = grid.cell(i / cols, i % cols);
    if (i == cols - 1) {
      const Box bottom = grid.cell(rows - 1, cols - 1);
      colorbox(gp, Box{box.l, box.r, bottom.b, box.t}, 9, grid.width);
    } else if (i == 0) {
      gp << "unset colorbox\n";
    }
    if (i == cols) gp << "unset colorbox\n";
    const ComparePlaneInput& in = panels[static_cast<std::size_t>(i)];
    gp << fmt::format("set title {} noenhanced font \",{:g}\"\n", gp_string(in.title), kFont);
    plane_panel(gp, "compare_plane.dat", sets[static_cast<std::size_t>(i)], box,
                grid.panel_width(), grid.panel_height(), 0.0, x_top, 0.0, y_top,
                planes[static_cast<std::size_t>(i)], i % cols == 0);
    caption += fmt::format(" ({}) {}: {}, {}, {};", i + 1, in.title,
                           run_description(*in.info), in.mi->estimator,
                           describe_selection(*in.selection));
  }
  caption.back() = '.';
  FigureText f;
  f.name = "compare_plane";
  f.data = dat.str();
  f.script = script.text("information planes of several runs side by side");
  f.caption = caption + "\n";
  return f;
}

FigureText compare_accuracy_figure(std::span<const CompareAccuracyInput> panels,
                                   const PlotOptions& options) {
  IP_CHECK(!panels.empty(), "no panels to compare");
  std::ostringstream dat;
  dat << "# compare_accuracy.dat: accuracy of " << panels.size() << " runs over kept repetitions\n";
  double y_low = 1.0, e_first = 1e300, e_last = -1e300;
  for (std::size_t i = 0; i < panels.size(); ++i) {
    const AccuracySummary& acc = *panels[i].accuracy;
    const std::vector<std::size_t> drawn = require_drawn(acc.epochs, options, "accuracy of " + panels[i].title);
    e_first = std::min(e_first, static_cast<double>(acc.epochs[drawn.front()]));
    e_last = std::max(e_last, static_cast<double>(acc.epochs[drawn.back()]));
    dat << "# data set " << i << ": " << panels[i].title << "\n";
    y_low = std::min(y_low, write_accuracy_rows(dat, acc, drawn));
    dat << "\n\n";
  }
  y_low = std::clamp(std::floor(y_low * 20.0) / 20.0, 0.0, 0.9);
  const int n = static_cast<int>(panels.size());
  const int cols = std::min(n, 4), rows = (n + cols - 1) / cols;
  Grid grid{cols * 260.0 + 20, rows * 230.0 + 40, cols, rows};
  grid.top = 34;
  grid.vgap = 64;
  grid.bottom = 70;
  Script script("compare_accuracy", grid.width, grid.height);
  std::ostream& gp = script.body;
  axes_style(gp);
  epoch_axis(gp, options, e_first, e_last, 4);
  legend_row(gp, {{"Training", kTrainColor}, {"Test", kTestColor}}, grid.width, grid.height);
  gp << fmt::format("set yrange [{}:1]\n", num(y_low))
     << "set style fill transparent solid 0.2 noborder\n";
  std::string caption = "Training and test accuracy side by side (shared axes): mean and 95% "
                        "confidence interval of the mean over repetitions:";
  for (int i = 0; i < n; ++i) {
    set_box(gp, grid.cell(i / cols, i % cols));
    const CompareAccuracyInput& in = panels[static_cast<std::size_t>(i)];
    gp << fmt::format("set title {} noenhanced font \",{:g}\"\n", gp_string(in.title), kFont)
       << (i % cols == 0 ? "set ylabel \"Accuracy\"\n" : "unset ylabel\n")
       << "unset key\n"
       << accuracy_plot("compare_accuracy.dat", fmt::format(" index {}", i))
       << "unset label\nunset arrow\nunset object\n";
    caption += fmt::format(" ({}) {}: {}, {};", i + 1, in.title, run_description(*in.info),
                           describe_selection(*in.selection));
  }
  caption.back() = '.';
  FigureText f;
  f.name = "compare_accuracy";
  f.data = dat.str();
  f.script = script.text("accuracy of several runs side by side");
  f.caption = caption + "\n";
  return f;
}

FigureText compare_figure(const RunInfo& info, const RunSelection& selection,
                          std::span<const MiSummary> summaries, std::span<const LayerError> rows,
                          const PlotOptions& options) {
  IP_CHECK(!summaries.empty(), "no estimators to compare");
  const MiSummary& ref = summaries.front();
  std::vector<int> layers;
  for (const int l : ref.layers)
    if (l != 0) layers.push_back(l);
  IP_CHECK(!layers.empty(), "no network layer to compare");

  std::ostringstream dat;
  dat << "# compare.dat: I(X;T) and I(T;Y) of " << run_description(info)
      << ", mean over " << selection.kept.size() << " repetitions, by estimator; bits\n";
  // data set (k * n_layers + j): estimator k (0 = reference), layer layers[j]
  std::vector<std::pair<double, double>> range(2 * layers.size(), {1e300, -1e300});
  double e_first = 1e300, e_last = -1e300;
  int index = 0;
  for (const MiSummary& s : summaries) {
    const std::vector<std::size_t> drawn = require_drawn(s.epochs, options, "compare of " + s.estimator);
    e_first = std::min(e_first, static_cast<double>(s.epochs[drawn.front()]));
    e_last = std::max(e_last, static_cast<double>(s.epochs[drawn.back()]));
    for (std::size_t j = 0; j < layers.size(); ++j) {
      dat << "# data set " << index++ << ": " << s.estimator << ", layer " << layers[j] << " ("
          << info.layer_label(layers[j]) << ")\n# epoch i_xt_mean i_ty_mean\n";
      const auto it = std::find(s.layers.begin(), s.layers.end(), layers[j]);
      std::size_t written = 0;
      if (it != s.layers.end()) {
        const std::size_t l = static_cast<std::size_t>(it - s.layers.begin());
        for (const std::size_t e : drawn) {
          const double x = s.i_xt[s.at(l, e)].mean, y = s.i_ty[s.at(l, e)].mean;
          if (!std::isfinite(x) && !std::isfinite(y)) continue;
          dat << s.epochs[e] << ' ' << num(x) << ' ' << num(y) << '\n';
          ++written;
          for (int row = 0; row < 2; ++row) {
            const double v = row == 0 ? x : y;
            auto& r = range[static_cast<std::size_t>(row) * layers.size() + j];
            if (std::isfinite(v)) r = {std::min(r.first, v), std::max(r.second, v)};
          }
        }
      }
      if (written == 0) dat << "NaN NaN NaN\n";
      dat << "\n\n";
    }
  }

  const int cols = static_cast<int>(layers.size());
  const std::string title =
      options.titles ? fmt::format("{} · estimators against {} · {} of {} repetitions", info.name,
                                   ref.estimator, selection.kept.size(), selection.n_total())
                     : std::string();
  Grid grid{cols * 178.0 + 30.0, title.empty() ? 396.0 : 412.0, cols, 2};
  grid.left = 64;
  grid.right = 14;
  grid.hgap = 48;
  grid.vgap = 44;
  grid.bottom = 70;
  grid.top = title.empty() ? 24 : 46;
  Script script("compare", grid.width, grid.height);
  std::ostream& gp = script.body;
  title_line(gp, title, grid.width, grid.height);
  axes_style(gp);
  std::vector<std::string> colors;
  {
    std::vector<LegendEntry> legend;
    for (std::size_t k = 0; k < summaries.size(); ++k) {
      colors.push_back(k == 0 ? std::string("#262626") : layer_color(k));
      legend.push_back({k == 0 ? summaries[k].estimator + " (reference)" : summaries[k].estimator,
                        colors.back()});
    }
    legend.push_back({"bar at the top: compression detected", "#808080", true});
    legend_row(gp, legend, grid.width, grid.height);
  }
  const char* names[2] = {"(X;T)", "(T;Y)"};
  std::string marked;
  // room above the curves for one bar per estimator on the I(X;T) panels
  const double bar_step = 0.035, headroom = 0.03 + bar_step * static_cast<double>(summaries.size());
  for (int row = 0; row < 2; ++row)
    for (int j = 0; j < cols; ++j) {
      const std::size_t ju = static_cast<std::size_t>(j);
      set_box(gp, grid.cell(row, j));
      if (row == 0 && j == 0)
        epoch_axis(gp, options, e_first, e_last, 2);
      gp << (row == 1 ? "set xlabel \"Epoch\"\nset format x \"%g\"\n" : "unset xlabel\nset format x \"\"\n");
      gp << (row == 0 ? fmt::format("set title {} noenhanced font \",{:g}\"\n",
                                    gp_string(info.layer_label(layers[ju])), kFont)
                      : std::string("unset title\n"));
      auto [lo, hi] = range[static_cast<std::size_t>(row) * layers.size() + ju];
      if (!(lo <= hi)) lo = 0.0, hi = 1.0;
      const double pad = std::max(0.06 * (hi - lo), 0.01);
      lo = std::max(0.0, lo - pad);
      hi += pad;
      if (row == 0) hi += (hi - lo) * headroom / (1.0 - headroom);
      gp << fmt::format("set yrange [{}:{}]\nset ytics {}\n", num(lo), num(hi),
                        num(tick_step(lo, hi, grid.panel_height(), false)))
         << (j == 0 ? fmt::format("set ylabel \"{{/:Italic I}}{} [bits]\"\n", names[row])
                    : std::string("unset ylabel\n"));
      // detected compression phases: a bar over their epochs at the top of the panel
      int tag = 3000;
      if (row == 0)
        for (std::size_t k = 0; k < summaries.size(); ++k)
          for (const LayerError& r : rows) {
            if (r.layer != layers[ju]) continue;
            const bool is_ref = k == 0;
            if (!is_ref && r.estimator != summaries[k].estimator) continue;
            const PhaseResult& p = is_ref ? r.reference_compression : r.compression;
            if (!p.detected) continue;
            const double y = 1.0 - 0.03 - bar_step * (static_cast<double>(k) + 0.5);
            gp << fmt::format("set arrow {} from first {},graph {:.4f} to first {},graph {:.4f} "
                              "nohead front lw 3.2 lc rgb \"{}\"\n",
                              tag++, p.from_epoch, y, p.to_epoch, y, colors[k]);
            marked += fmt::format("{}{} in {} ({:.2f} bits)", marked.empty() ? "" : "; ",
                                  summaries[k].estimator, info.layer_label(layers[ju]), p.size);
            if (is_ref) break;
          }
      gp << "plot ";
      for (std::size_t k = summaries.size(); k-- > 0;)  // the reference last, on top
        gp << (k + 1 < summaries.size() ? ", \\\n     " : "")
           << fmt::format("'compare.dat' index {} using 1:{} with lines lw {} lc rgb \"{}\"",
                          k * layers.size() + ju, row == 0 ? 2 : 3, k == 0 ? 2.0 : 1.3, colors[k]);
      gp << "\nunset arrow\n";
    }
  gp << "unset label\nunset object\n";

  FigureText f;
  f.name = "compare";
  f.data = dat.str();
  f.script = script.text("estimators against " + ref.estimator + ", " + run_description(info));
  std::string est_list;
  for (std::size_t k = 1; k < summaries.size(); ++k)
    est_list += (k > 1 ? ", " : "") + summaries[k].estimator;
  f.caption = fmt::format(
      "I(X;T) (top) and I(T;Y) (bottom) in bits against epoch for every layer of {}, one column "
      "per layer: the mean over repetitions of {} (thick dark line) and of {}; {}. Bars at the "
      "top of the I(X;T) panels, in the estimator's colour, mark the detected compression "
      "phases, from the peak of I(X;T) to its lowest point after it (docs/phases.md){}.\n",
      run_description(info), ref.estimator, est_list, describe_selection(selection),
      marked.empty() ? ": none" : ": " + marked);
  return f;
}

}  // namespace infoplane::report
