/// @brief The report of `infoplane reproduce`: report.md with the verdict table, the
/// accuracy table, each experiment's figures and phases, and the range-rule study.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "infoplane/report/verdicts.h"

namespace infoplane::report {

/// One experiment as the report shows it.
struct ReportEntry {
  std::string name;
  std::string title;
  std::string group;                 ///< "main", "appendix", "robustness"
  std::vector<std::string> figures;  ///< the paper's figures it makes
  std::string status;                ///< "complete", "complete (quick)", "not run", or what went wrong
  bool quick = false;                ///< the run is a --quick one
  std::size_t repetitions = 0;       ///< as run (after --quick)
  std::size_t epochs = 0;            ///< training epochs as run (prefit epochs not included)
  std::size_t prefit_epochs = 0;
  std::size_t paper_repetitions = 0; ///< the config's own sizes
  std::size_t paper_epochs = 0;
  double projected_full_seconds = kMissing;  ///< the full-size experiment on this machine
  /// Image files written for it, relative to the report's folder, each with a caption.
  std::vector<std::pair<std::filesystem::path, std::string>> images;
};

struct ReportInput {
  std::string command;     ///< how the report was made, shown at the top
  std::string runs_dir;    ///< the folder of the run directories
  std::string machine;     ///< e.g. "2 cores"
  std::vector<ReportEntry> entries;
};

/// The report's Markdown text. Reads what it needs of the runs through `evidence`.
std::string paper_report_markdown(const ReportInput& input, RunEvidence& evidence,
                                  const std::vector<Verdict>& verdicts);

}  // namespace infoplane::report
