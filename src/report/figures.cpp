/// @brief The helpers of figures.h that every figure shares: the colour of an epoch and
/// the epochs drawn.
#include "infoplane/report/figures.h"

#include <algorithm>
#include <cmath>

#include "figure_style.h"

namespace infoplane::report {

using namespace detail;

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

}  // namespace infoplane::report
