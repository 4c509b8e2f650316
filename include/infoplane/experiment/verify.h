/// @brief Checks a run directory: the checksums its manifest records and the invariants of
/// exact mutual information.
///
/// Checked, each failure reported as one Violation:
/// - manifest.json: status "complete"; the CRC-32 of the config record; the CRC-32 and
///   size of mi.csv, accuracy.csv and activation_range.csv; the part files of each
///   repetition under parts/ against the checksums in their .json marker.
/// - mi.csv, rows of the exact estimators ("exact", "exact:levels=2^32"): finite values,
///   0 <= I(X;T) <= log2 N, 0 <= I(T;Y) <= H(Y), I(T;Y) <= I(X;T), and the data-processing
///   inequality along the layers of each repetition and epoch: I(X;T_l) <= I(X;T_{l-1}) and
///   I(T_l;Y) <= I(T_{l-1};Y). N and H(Y) come from the manifest's "dataset". Estimator rows
///   are not bound by these (they estimate; ksg gives no I(X;T) and writes NaN).
/// - every file: well-formed rows, no duplicate (repetition, epoch, layer, estimator),
///   repetitions that the manifest lists; every repetition the manifest lists as "ok" has
///   exact rows; accuracies in [0, 1], finite losses; activation ranges with min <= max.
/// Comparisons allow `tolerance` bits (the files print 10 significant digits).
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace infoplane::experiment {

struct Violation {
  std::string where;  ///< "mi.csv line 17", "manifest.json", "parts/rep-000003.mi.csv"
  std::string what;   ///< e.g. "repetition 0, epoch 3, layer 4 (exact): I(X;T) = 5.2 > 5.1 of layer 3 ..."
};

struct VerifyReport {
  std::vector<Violation> violations;
  std::vector<std::string> notes;  ///< what could not be checked, and why
  std::size_t n_files = 0;         ///< files whose checksum was compared
  std::size_t n_rows = 0;          ///< data rows read from the three result files
  bool ok() const { return violations.empty(); }
};

/// Verifies RUN_DIR. Throws InputError only when RUN_DIR is not a run directory (missing,
/// not a directory, no readable manifest.json); everything else is reported.
VerifyReport verify_run(const std::filesystem::path& run_dir, double tolerance = 1e-8);

}  // namespace infoplane::experiment
