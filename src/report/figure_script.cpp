/// @brief Writing a figure's gnuplot script: the per-format wrapper, axes, colour bar,
/// epoch axis and the legend row drawn by hand.
#include "figure_script.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "figure_labels.h"
#include "figure_style.h"
#include "infoplane/report/gnuplot.h"

namespace infoplane::report::detail {

std::string num(double v) {
  if (std::isnan(v)) return "NaN";
  return fmt::format("{:.7g}", v);
}

std::string Script::text(const std::string& description) const {
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

void title_line(std::ostream& gp, CanvasLayout& canvas, const std::string& title) {
  if (title.empty()) return;
  const double width = canvas.width, height = canvas.height;
  // a long run name gets a smaller font rather than running off the canvas
  const double font = std::max(6.0, std::min(kTitleFont, kTitleFont * (width - 16.0) /
                                                             text_width(title, kTitleFont)));
  gp << fmt::format("set label 1000 {} at screen 0.5,{:.4f} center front noenhanced font \",{:.3g}\"\n",
                    gp_string(title), 1.0 - 11.0 / height, font);
  canvas.items.push_back({CanvasItem::Kind::title, title,
                          text_extent(title, font, width / 2.0, height - 11.0, "center")});
}

void record_ylabel(CanvasLayout& canvas, const std::string& text, const Box& panel,
                   std::size_t n_chars) {
  const double x = panel.l * canvas.width - ylabel_offset(n_chars);
  const double y = (panel.b + panel.t) / 2.0 * canvas.height;
  const double half = 0.5 * kFont * kCairoFontScale, w = text_width(text, kFont);
  canvas.items.push_back({CanvasItem::Kind::axis_label, text, {x - half, x + half, y - w / 2, y + w / 2}});
}

void palette(std::ostream& gp) {
  gp << "set palette defined (";
  for (std::size_t i = 0; i < kEpochPalette.size(); ++i) {
    const Stop& s = kEpochPalette[i];
    gp << (i ? ", " : "") << fmt::format("{:.4f} \"#{:02x}{:02x}{:02x}\"", s.at, s.r, s.g, s.b);
  }
  gp << ")\n";
}

void colorbox(std::ostream& gp, const Box& panel, double width_pt, double canvas_width) {
  const double gap = 10.0 / canvas_width, w = width_pt / canvas_width;
  gp << fmt::format("set colorbox user origin screen {:.4f},{:.4f} size screen {:.4f},{:.4f} "
                    "front\n",
                    panel.r + gap, panel.b, w, panel.t - panel.b)
     << "set cblabel \"Epoch\" offset 0.8,0\n"
     << "set cbtics scale 0.5 out\n";
}

double EpochAxis::position(double epoch) const {
  if (!(hi > lo)) return 0.0;
  if (log) return std::log(std::max(epoch, lo) / lo) / std::log(hi / lo);
  return (epoch - lo) / (hi - lo);
}

EpochAxis epoch_axis_range(const PlotOptions& options, double first, double last) {
  if (options.log_epochs) return {std::max(first, 1.0), std::max(last, first + 1.0), true};
  const double lo = first < 0.05 * last ? 0.0 : first;
  const double hi = last > lo ? last : lo + 1.0;
  return {lo, hi, false};
}

bool prefit_shown(int prefit_epochs, double first, double last) {
  return prefit_epochs > 0 && prefit_epochs >= first && prefit_epochs < last;
}

void prefit_marker(std::ostream& gp, CanvasLayout& canvas, const Box* panel,
                   const EpochAxis& axis, int prefit_epochs, double first, double last) {
  if (!prefit_shown(prefit_epochs, first, last)) return;
  const std::string text = "end of prefitting";
  const double font = 9.0;
  // The label goes right of the dashed line, or left of it where the panel ends too soon.
  bool right_of_line = true;
  double x = 0.0, y = 0.0;
  if (panel != nullptr) {
    const double l = panel->l * canvas.width, r = panel->r * canvas.width;
    const double b = panel->b * canvas.height, t = panel->t * canvas.height;
    x = l + axis.position(prefit_epochs) * (r - l);
    y = b + 0.04 * (t - b);
    right_of_line = x + kCharWidth / 2.0 + text_width(text, font) <= r;
  }
  gp << fmt::format("set arrow 1990 from {0}, graph 0 to {0}, graph 1 nohead dt 2 lw 1.5 lc rgb \"#777777\" front\n"
                    "set label 1990 \"{1}\" at {0}, graph 0.04 {2} offset "
                    "character {3}, 0 front font \",{4:g}\" textcolor rgb \"#555555\"\n",
                    prefit_epochs, text, right_of_line ? "left" : "right",
                    right_of_line ? "0.5" : "-0.5", font);
  if (panel == nullptr) return;
  canvas.items.push_back(
      {CanvasItem::Kind::label, text,
       right_of_line ? text_extent(text, font, x + kCharWidth / 2.0, y, "left")
                     : text_extent(text, font, x - kCharWidth / 2.0, y, "right")});
}

void epoch_axis(std::ostream& gp, CanvasLayout& canvas, const PlotOptions& options,
                double first, double last, int target_ticks, int prefit_epochs,
                const Box* prefit_panel) {
  const EpochAxis axis = epoch_axis_range(options, first, last);
  if (axis.log) {
    gp << "set logscale x\nset xtics autofreq\nset format x \"%g\"\n"
       << fmt::format("set xrange [{}:{}]\n", num(axis.lo), num(axis.hi));
  } else {
    gp << "unset logscale x\n"
       << fmt::format("set xrange [{}:{}]\nset xtics {}\n", num(axis.lo), num(axis.hi),
                      num(std::max(nice_step((axis.hi - axis.lo) / target_ticks), 1.0)));
  }
  gp << "set xlabel \"Epoch\"\n";
  prefit_marker(gp, canvas, prefit_panel, axis, prefit_epochs, first, last);
}

namespace {

constexpr double kLegendSample = 16.0, kLegendGap = 4.0, kLegendSpacing = 14.0;
constexpr double kLegendMargin = 8.0, kLegendRowStep = 14.0;

double legend_entry_width(const LegendEntry& e) {
  return kLegendSample + kLegendGap + text_width(e.text, kFont);
}

}  // namespace

std::vector<std::vector<std::size_t>> legend_lines(const std::vector<LegendEntry>& entries,
                                                   double width) {
  std::vector<std::vector<std::size_t>> lines;
  double used = 0.0;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const double w = legend_entry_width(entries[i]);
    if (lines.empty() || used + kLegendSpacing + w > width - 2.0 * kLegendMargin) {
      lines.push_back({i});
      used = w;
    } else {
      lines.back().push_back(i);
      used += kLegendSpacing + w;
    }
  }
  return lines;
}

double legend_room(const std::vector<LegendEntry>& entries, double width) {
  const std::size_t rows = legend_lines(entries, width).size();
  return rows > 1 ? kLegendRowStep * static_cast<double>(rows - 1) : 0.0;
}

void legend_row(std::ostream& gp, CanvasLayout& canvas, const std::vector<LegendEntry>& entries) {
  const double width = canvas.width, height = canvas.height;
  const std::vector<std::vector<std::size_t>> lines = legend_lines(entries, width);
  int tag = 2000;
  for (std::size_t row = 0; row < lines.size(); ++row) {
    double total = 0;
    for (const std::size_t i : lines[row]) total += legend_entry_width(entries[i]);
    total += kLegendSpacing * static_cast<double>(lines[row].size() - 1);
    double x = (width - total) / 2.0;
    const double y = (9.0 + kLegendRowStep * static_cast<double>(lines.size() - 1 - row)) / height;
    for (const std::size_t i : lines[row]) {
      const LegendEntry& e = entries[i];
      const double a = x / width, b = (x + kLegendSample) / width;
      if (e.box)
        gp << fmt::format("set object {} rectangle from screen {:.4f},{:.4f} to screen {:.4f},{:.4f} "
                          "front fillstyle transparent solid 0.35 noborder fillcolor rgb \"{}\"\n",
                          tag, a, y - 4.0 / height, b, y + 4.0 / height, e.color);
      else
        gp << fmt::format("set arrow {} from screen {:.4f},{:.4f} to screen {:.4f},{:.4f} nohead "
                          "front lw 1.6 lc rgb \"{}\"\n",
                          tag, a, y, b, y, e.color);
      const double text_x = x + kLegendSample + kLegendGap;
      gp << fmt::format("set label {} {} at screen {:.4f},{:.4f} left front noenhanced\n", tag,
                        gp_string(e.text), text_x / width, y);
      CanvasRect extent = text_extent(e.text, kFont, text_x, y * height, "left");
      extent.left = x;
      canvas.items.push_back({CanvasItem::Kind::legend, e.text, extent});
      ++tag;
      x += legend_entry_width(e) + kLegendSpacing;
    }
  }
}

}  // namespace infoplane::report::detail
