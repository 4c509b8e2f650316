/// @brief Running gnuplot on the scripts the plotter writes, and small script-writing helpers.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "infoplane/common.h"

namespace infoplane::report {

/// gnuplot is not installed (or INFOPLANE_GNUPLOT names no program). The message says how
/// to install it.
class GnuplotMissing : public InputError {
 public:
  explicit GnuplotMissing(const std::string& message) : InputError(message) {}
};

/// The gnuplot program: $INFOPLANE_GNUPLOT if set, else `gnuplot` on PATH. Throws
/// GnuplotMissing with an install hint if there is none.
std::filesystem::path find_gnuplot();

/// One script to run: `gnuplot -e 'formats="png svg"; outbase=".NAME.tmp"' NAME.gp` in
/// `dir`; on success each `.NAME.tmp.FMT` is renamed to `NAME.FMT`, so a killed plot never
/// leaves a truncated figure under the final name.
struct GnuplotJob {
  std::filesystem::path dir;
  std::string name;                  ///< script NAME.gp, outputs NAME.FMT
  std::vector<std::string> formats;  ///< "png", "svg", "pdf"
};

/// Runs the jobs (at most `parallel` at a time) and waits for all. Throws InputError naming
/// the script and quoting gnuplot's last error lines if one fails or makes no output.
/// Returns the image files, in job then format order.
std::vector<std::filesystem::path> run_gnuplot(std::span<const GnuplotJob> jobs,
                                               std::size_t parallel = 2);

/// A gnuplot string literal holding `text` verbatim (single-quoted, quotes doubled).
std::string gp_string(std::string_view text);

}  // namespace infoplane::report
