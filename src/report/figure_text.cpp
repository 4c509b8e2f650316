/// @brief The words of the figures (run descriptions, titles, epoch sentences) and the
/// epochs they draw.
#include "figure_text.h"

#include <fmt/format.h>

#include "infoplane/common.h"
#include "infoplane/report/figures.h"

namespace infoplane::report::detail {

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

}  // namespace infoplane::report::detail
