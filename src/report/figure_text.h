/// @brief The words of the figures (run descriptions, titles, epoch sentences) and the
/// epochs they draw.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "infoplane/report/aggregate.h"
#include "infoplane/report/plot.h"
#include "infoplane/report/run_data.h"

namespace infoplane::report::detail {

/// "run 'NAME' (dataset, activation, N bits, ...)" for titles and captions.
std::string run_description(const RunInfo& info);

/// "NAME · WHAT · K of N repetitions", or empty without options.titles.
std::string figure_title(const RunInfo& info, const RunSelection& sel, const std::string& what,
                         const PlotOptions& options);

/// "epochs A to B; K of the N recorded epochs drawn".
std::string epochs_sentence(const std::vector<int>& all, const std::vector<std::size_t>& drawn);

/// drawn_positions(), or an InputError naming `what` if no epoch is drawn.
std::vector<std::size_t> require_drawn(std::span<const int> epochs, const PlotOptions& options,
                                       const std::string& what);

}  // namespace infoplane::report::detail
