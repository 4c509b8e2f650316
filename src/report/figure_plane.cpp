/// @brief One information-plane panel: the mean or one repetition's trajectories, their
/// data sets, the panel's script with its layer labels, and the automatic zoom area.
#include "figure_plane.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "figure_style.h"
#include "infoplane/report/figures.h"
#include "infoplane/report/gnuplot.h"

namespace infoplane::report::detail {

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

void plane_panel(std::ostream& gp, CanvasLayout& canvas, const std::string& dat, int first_set,
                 const Box& box, double pw, double ph, double x0, double x1, double y0,
                 double y1, const PlaneData& p, bool with_ylabel) {
  set_box(gp, box);
  gp << fmt::format("set xrange [{}:{}]\nset yrange [{}:{}]\n", num(x0), num(x1), num(y0), num(y1))
     << fmt::format("set xtics {}\nset ytics {}\n", num(tick_step(x0, x1, pw, true)),
                    num(tick_step(y0, y1, ph, false)))
     << "set xlabel \"{/:Italic I}(X;T) [bits]\"\n"
     << (with_ylabel ? "set ylabel \"{/:Italic I}(T;Y) [bits]\"\n" : "unset ylabel\n");
  std::vector<std::pair<double, double>> dots;
  for (std::size_t i = 0; i < p.x.size(); ++i)
    if (std::isfinite(p.x[i]) && std::isfinite(p.y[i])) dots.emplace_back(p.x[i], p.y[i]);
  const std::vector<PlacedLabel> labels = place_labels(final_points(p), dots, x0, x1, y0, y1, pw, ph);
  write_labels(gp, labels);
  const double left = box.l * canvas.width, bottom = box.b * canvas.height;
  for (const PlacedLabel& l : labels)
    canvas.items.push_back({CanvasItem::Kind::label, l.text,
                            {left + l.extent.left, left + l.extent.right,
                             bottom + l.extent.bottom, bottom + l.extent.top}});
  gp << fmt::format("plot {} index {} using 1:2:3 with lines lw 0.7 lc rgb variable, \\\n"
                    "     '' index {} using 3:4:1 with points pt 7 ps {:g}*S lc palette\n",
                    gp_string(dat), first_set, first_set + 1, kPointSize);
  gp << "unset label\nunset object\nunset arrow\n";
}

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

}  // namespace infoplane::report::detail
