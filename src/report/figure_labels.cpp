/// @brief Text metrics and the placement of the layer labels inside a plane panel.
#include "figure_labels.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <fmt/format.h>

#include "figure_script.h"
#include "figure_style.h"
#include "infoplane/report/gnuplot.h"

namespace infoplane::report::detail {

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

CanvasRect text_extent(std::string_view text, double font, double x, double y,
                       std::string_view justify) {
  const double w = text_width(text, font), half = 0.5 * font * kCairoFontScale;
  const double left = justify == "right" ? x - w : justify == "center" ? x - w / 2 : x;
  return {left, left + w, y - half, y + half};
}

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
  // The box gnuplot draws around a label (textbox margins 1,1): the text's width plus a
  // point on each side, 1.2 em tall; markers are about 1.8 points in radius.
  const double box_h = 1.2 * kLabelFont * kCairoFontScale, margin = 1.0, gap = 5.0;
  const double anchor_r = 3.0, dot_clearance = 2.0, dot_cost = 10.0, touch_cost = 30.0;
  std::vector<Rect> taken;  // the anchors
  for (const Pt& p : pts)
    taken.push_back({p.u - anchor_r, p.u + anchor_r, p.v - anchor_r, p.v + anchor_r});
  std::vector<Rect> placed;  // the labels so far
  // the drawn points, once per half point (a layer that stays put piles up its epochs)
  std::vector<Pt> dots;
  {
    std::vector<std::pair<long, long>> seen;
    for (const auto& [x, y] : obstacles) {
      const Pt d = to_pt(x, y);
      if (!(d.u >= 0 && d.u <= pw && d.v >= 0 && d.v <= ph)) continue;
      seen.emplace_back(std::lround(2.0 * d.u), std::lround(2.0 * d.v));
    }
    std::sort(seen.begin(), seen.end());
    seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
    for (const auto& [u, v] : seen) dots.push_back({0.5 * static_cast<double>(u), 0.5 * static_cast<double>(v)});
  }

  std::vector<PlacedLabel> out;
  for (const auto& g : groups) {
    std::vector<std::string> names;
    for (const std::size_t i : g) names.push_back(anchors[i].text);
    const std::string text = join_layer_names(names);
    const double tw = text_width(text, kLabelFont), h = box_h;
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
    for (int k = 1; k <= 5; ++k) {
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
      const std::string_view justify = k.justify;
      const double left = justify == "right" ? cu - tw : justify == "center" ? cu - tw / 2 : cu;
      const Rect rect{left - margin, left + tw + margin, cv - h / 2, cv + h / 2};
      double score = 0.5 * static_cast<double>(c);
      const double outside = std::max(0.0, -rect.l) + std::max(0.0, rect.r - pw) +
                             std::max(0.0, -rect.b) + std::max(0.0, rect.t - ph);
      score += 50.0 * outside;
      for (const Rect& t : taken) score += t.overlap(rect);
      // another label: even a corner touching it costs more than a few places further on
      for (const Rect& o : placed) {
        const double area = o.overlap(rect);
        if (area > 0.0) score += touch_cost + area;
      }
      for (const Pt& d : dots)
        if (d.u > rect.l - dot_clearance && d.u < rect.r + dot_clearance &&
            d.v > rect.b - dot_clearance && d.v < rect.t + dot_clearance)
          score += dot_cost;
      if (score < best_score) {
        best_score = score;
        best = k;
        best_rect = rect;
      }
    }
    placed.push_back(best_rect);
    const Pt& anchor = pts[g.front()];
    out.push_back({x0 + (a.u + best.du) / pw * (x1 - x0), y0 + (a.v + best.dv) / ph * (y1 - y0),
                   text, best.justify, std::abs(best.dv) > h,
                   x0 + anchor.u / pw * (x1 - x0), y0 + anchor.v / ph * (y1 - y0),
                   {best_rect.l, best_rect.r, best_rect.b, best_rect.t}});
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

}  // namespace infoplane::report::detail
