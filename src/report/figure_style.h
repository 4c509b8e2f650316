/// @brief The look shared by every figure: sizes in points, fonts, palettes and colours.
#pragma once

#include <array>
#include <cstddef>
#include <string>

namespace infoplane::report::detail {

// Sizes in points (1/72 in); PNG is drawn at kPngScale pixels per point.
constexpr double kPngScale = 2.5;
constexpr double kCairoFontScale = 4.0 / 3.0;
constexpr double kFont = 9.0;        // ticks, axis labels, keys
constexpr double kLabelFont = 8.0;   // layer labels inside the plane
constexpr double kTitleFont = 10.0;  // figure title
constexpr double kPointSize = 0.42;  // plane markers, times the terminal's S
constexpr double kLineOpacity = 0.2;
constexpr std::size_t kMaxLines = 150;  // epochs whose layers are joined by a line
constexpr double kCharWidth = 7.7;   // gnuplot's "character" unit at kFont (pngcairo, measured)

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

inline std::string layer_color(std::size_t position) {
  return kLayerColors[position % kLayerColors.size()];
}

}  // namespace infoplane::report::detail
