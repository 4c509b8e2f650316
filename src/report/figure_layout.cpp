/// @brief Where things go on a figure's canvas: panel grids, axis tops and tick steps.
#include "figure_layout.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "figure_labels.h"
#include "figure_style.h"

namespace infoplane::report::detail {

double nice_step(double raw) {
  if (!(raw > 0) || !std::isfinite(raw)) return 1.0;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (const double f : {1.0, 2.0, 5.0, 10.0})
    if (f * mag >= raw * (1.0 - 1e-9)) return f * mag;
  return 10.0 * mag;
}

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

std::vector<std::string> tick_labels(double lo, double hi, double step) {
  std::vector<std::string> out;
  if (!(step > 0) || !(hi >= lo) || (hi - lo) / step > 1000) return out;
  for (double k = std::ceil(lo / step - 1e-9); k * step <= hi + 1e-9 * step; k += 1.0) {
    double v = k * step;
    if (std::abs(v) < 1e-12 * step) v = 0.0;
    out.push_back(fmt::format("{: g}", v));
  }
  return out;
}

double ylabel_offset(std::size_t n_chars) {
  return 22.5 + kCharWidth * static_cast<double>(n_chars);
}

double axis_top(double bound, double data_max) {
  double top = std::isfinite(bound) && bound > 0 ? std::max(bound, data_max) : data_max;
  if (!(top > 0)) top = 1.0;
  return top * 1.03;
}

}  // namespace infoplane::report::detail
