/// @brief `verify_run`: checksums of a run directory and the invariants of exact MI.
#include "infoplane/experiment/verify.h"
#include "infoplane/store/layout.h"
#include "infoplane/store/files.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <set>
#include <string_view>
#include <tuple>
#include <type_traits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "infoplane/common.h"
#include "infoplane/experiment/store.h"
#include "infoplane/info/spec.h"
#include "infoplane/store/rows.h"

namespace infoplane::experiment {

namespace fs = std::filesystem;

namespace {

/// Calls `row(line_no, text)` for each data line of a CSV file after checking its header.
template <typename RowFn>
bool for_each_row(const fs::path& path, std::string_view header, const std::string& content,
                  VerifyReport& report, RowFn&& row) {
  const std::string name = path.filename().string();
  std::size_t start = 0;
  std::size_t line_no = 0;
  while (start < content.size()) {
    std::size_t end = content.find('\n', start);
    if (end == std::string::npos) end = content.size();
    std::string_view line(content.data() + start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++line_no;
    if (line_no == 1) {
      if (line != header) {
        report.violations.push_back({name + " line 1", fmt::format("header is '{}', expected '{}'", line, header)});
        return false;
      }
    } else if (!line.empty()) {
      ++report.n_rows;
      row(line_no, line);
    }
    start = end + 1;
  }
  if (line_no == 0) report.violations.push_back({name, "empty file, expected at least the header"});
  return true;
}

struct ExactPoint {
  double i_xt = 0, i_ty = 0;
  std::size_t line = 0;
};

}  // namespace

VerifyReport verify_run(const fs::path& run_dir, double tolerance) {
  std::error_code ec;
  if (!fs::exists(run_dir, ec)) input_error("{}: no such directory", run_dir.string());
  if (!fs::is_directory(run_dir, ec)) input_error("{}: not a directory, expected a run directory", run_dir.string());
  if (!fs::exists(run_dir / store::k_manifest_file, ec)) {
    input_error("{}: not a run directory (no manifest.json)", run_dir.string());
  }
  VerifyReport report;
  const auto violation = [&](std::string where, std::string what) {
    report.violations.push_back({std::move(where), std::move(what)});
  };
  for (const fs::path& file : stray_temporary_files(run_dir)) {
    violation(fs::relative(file, run_dir, ec).string(),
              "stray temporary file of a killed writer; 'infoplane run ... --resume' or a rerun of the "
              "same merge removes it");
  }
  store::Manifest manifest;
  try {
    manifest = store::read_manifest(run_dir);
  } catch (const InputError& e) {
    // A damaged manifest fails verification like a damaged CSV; nothing else can be checked.
    violation("manifest.json", fmt::format("cannot be read ({}); the run's record is damaged", e.what()));
    return report;
  }

  // --- manifest: status, checksums -------------------------------------------------------
  const std::string& status = manifest.status;
  const bool complete = status == store::k_status_complete;
  if (status == store::k_status_merging) {
    violation("manifest.json", "status is 'merging', expected 'complete': the merge did not finish; run the "
                               "same 'infoplane merge' command again");
  } else if (status == store::k_status_failed) {
    violation("manifest.json", "status is 'failed', expected 'complete': every repetition failed (see "
                               "repetitions[].message)");
  } else if (!complete) {
    violation("manifest.json", fmt::format("status is '{}', expected 'complete': the run did not finish; "
                                           "continue it with 'infoplane run ... --resume'", status));
  }
  const store::ManifestChecksums& checksums = manifest.checksums;
  if (!checksums.recorded) {
    report.notes.push_back("manifest.json records no checksums (written by an older infoplane): only the rows are checked");
  } else {
    if (!checksums.config.empty()) {
      const std::string actual = config_checksum(manifest.config);
      if (checksums.config != actual) {
        violation("manifest.json", fmt::format("config checksum {} does not match the recorded \"{}\": the config "
                                               "record was changed", actual, checksums.config));
      }
    }
    for (const std::string_view name : store::k_result_files) {
      const auto recorded = checksums.files.find(std::string(name));
      if (recorded == checksums.files.end()) {
        if (complete) violation("manifest.json", fmt::format("no checksum recorded for {}", name));
        continue;
      }
      const fs::path path = run_dir / name;
      if (!fs::exists(path, ec)) {
        violation(std::string(name), "missing");
        continue;
      }
      ++report.n_files;
      const store::FileChecksum actual = store::file_checksum(store::read_file(path));
      if (actual != recorded->second) {
        violation(std::string(name),
                  fmt::format("checksum mismatch: crc32 {} and {} bytes, manifest records crc32 {} and {} bytes",
                              actual.crc32, actual.bytes, recorded->second.crc32, recorded->second.bytes));
      }
    }
  }

  // --- repetitions and their parts ---------------------------------------------------------
  std::set<std::size_t> listed;
  std::set<std::size_t> listed_ok;
  for (const store::ManifestRepetition& r : manifest.repetitions) {
    if (!listed.insert(r.index).second) violation("manifest.json", fmt::format("repetition {} is listed twice", r.index));
    if (r.ok()) listed_ok.insert(r.index);
    if (fs::exists(store::part_path(run_dir, r.index, "json"), ec)) {
      const PartCheck part = check_part(run_dir, r.index);
      if (!part.problem.empty()) {
        violation(fs::relative(store::part_path(run_dir, r.index, "json"), run_dir, ec).string(), part.problem);
      } else {
        report.n_files += std::size(store::k_part_suffixes);
      }
    }
  }

  const double n_samples = static_cast<double>(manifest.dataset.n_samples);
  const double h_x = n_samples > 0 ? std::log2(n_samples) : std::numeric_limits<double>::quiet_NaN();
  const double h_y = manifest.dataset.h_y;
  if (!std::isfinite(h_x) || !std::isfinite(h_y)) {
    report.notes.push_back("manifest.json: dataset.n_samples or dataset.h_y missing: the bounds log2 N and H(Y) are not checked");
  }

  // --- mi.csv ------------------------------------------------------------------------------
  const fs::path mi_path = run_dir / store::k_mi_file;
  if (fs::exists(mi_path, ec)) {
    std::map<std::string, std::uint16_t> estimator_ids;
    std::vector<std::string> estimator_names;
    // (repetition, epoch, estimator) -> layer -> values, for the exact estimators.
    std::map<std::tuple<std::size_t, std::uint32_t, std::uint16_t>, std::map<std::uint16_t, ExactPoint>> exact;
    std::set<std::tuple<std::size_t, std::uint32_t, std::uint16_t, std::uint16_t>> seen_other;
    std::set<std::size_t> with_exact_rows;
    const std::string content = store::read_file(mi_path);
    for_each_row(mi_path, store::k_mi_header, content, report, [&](std::size_t line_no, std::string_view line) {
      const std::string where = fmt::format("mi.csv line {}", line_no);
      const std::optional<store::MiRecord> row = store::parse_mi_row(line);
      if (!row) {
        violation(where, fmt::format("malformed row '{}'", line));
        return;
      }
      const auto [it, inserted] = estimator_ids.try_emplace(row->estimator, static_cast<std::uint16_t>(estimator_ids.size()));
      if (inserted) estimator_names.push_back(row->estimator);
      const std::uint16_t id = it->second;
      if (!listed.empty() && listed.count(row->repetition) == 0) {
        violation(where, fmt::format("repetition {} is not listed in manifest.json", row->repetition));
      }
      const std::string point = fmt::format("repetition {}, epoch {}, layer {} ({})", row->repetition, row->epoch,
                                            row->layer, row->estimator);
      if (!info::is_exact_estimator(row->estimator)) {
        if (!seen_other.insert({row->repetition, row->epoch, row->layer, id}).second) {
          violation(where, point + ": duplicate row");
        }
        return;
      }
      with_exact_rows.insert(row->repetition);
      auto& layers = exact[{row->repetition, row->epoch, id}];
      if (!layers.try_emplace(row->layer, ExactPoint{row->i_xt, row->i_ty, line_no}).second) {
        violation(where, point + ": duplicate row");
        return;
      }
      if (!std::isfinite(row->i_xt) || !std::isfinite(row->i_ty)) {
        violation(where, fmt::format("{}: I(X;T) = {}, I(T;Y) = {}: exact values must be finite", point, row->i_xt, row->i_ty));
        return;
      }
      if (row->i_xt < -tolerance) violation(where, fmt::format("{}: I(X;T) = {} < 0", point, row->i_xt));
      if (row->i_ty < -tolerance) violation(where, fmt::format("{}: I(T;Y) = {} < 0", point, row->i_ty));
      if (std::isfinite(h_x) && row->i_xt > h_x + tolerance) {
        violation(where, fmt::format("{}: I(X;T) = {} > log2 N = {}", point, row->i_xt, h_x));
      }
      if (std::isfinite(h_y) && row->i_ty > h_y + tolerance) {
        violation(where, fmt::format("{}: I(T;Y) = {} > H(Y) = {}", point, row->i_ty, h_y));
      }
      if (row->i_ty > row->i_xt + tolerance) {
        violation(where, fmt::format("{}: I(T;Y) = {} > I(X;T) = {}", point, row->i_ty, row->i_xt));
      }
    });
    for (const auto& [key, layers] : exact) {
      const auto& [repetition, epoch, id] = key;
      const ExactPoint* previous = nullptr;
      std::uint16_t previous_layer = 0;
      for (const auto& [layer, p] : layers) {
        if (previous != nullptr && layer == previous_layer + 1 && std::isfinite(p.i_xt) && std::isfinite(previous->i_xt)) {
          const std::string where = fmt::format("mi.csv line {}", p.line);
          const std::string point = fmt::format("repetition {}, epoch {}, layer {} ({})", repetition, epoch, layer,
                                                estimator_names[id]);
          if (p.i_xt > previous->i_xt + tolerance) {
            violation(where, fmt::format("{}: I(X;T) = {} > {} of layer {} (data-processing inequality)", point,
                                         p.i_xt, previous->i_xt, previous_layer));
          }
          if (p.i_ty > previous->i_ty + tolerance) {
            violation(where, fmt::format("{}: I(T;Y) = {} > {} of layer {} (data-processing inequality)", point,
                                         p.i_ty, previous->i_ty, previous_layer));
          }
        }
        previous = &p;
        previous_layer = layer;
      }
    }
    for (const std::size_t r : listed_ok) {
      if (with_exact_rows.count(r) == 0 && !exact.empty()) {
        violation("mi.csv", fmt::format("repetition {} is listed as ok in manifest.json but has no exact rows", r));
      }
    }
  } else if (complete) {
    violation("mi.csv", "missing");
  }

  // --- accuracy.csv ------------------------------------------------------------------------
  const fs::path accuracy_path = run_dir / store::k_accuracy_file;
  if (fs::exists(accuracy_path, ec)) {
    std::set<std::pair<std::size_t, std::size_t>> seen;
    const std::string content = store::read_file(accuracy_path);
    for_each_row(accuracy_path, store::k_accuracy_header, content, report, [&](std::size_t line_no, std::string_view line) {
      const std::string where = fmt::format("accuracy.csv line {}", line_no);
      const std::optional<store::AccuracyRecord> row = store::parse_accuracy_row(line);
      if (!row) {
        violation(where, fmt::format("malformed row '{}'", line));
        return;
      }
      if (!seen.insert({row->repetition, row->epoch}).second) {
        violation(where, fmt::format("repetition {}, epoch {}: duplicate row", row->repetition, row->epoch));
      }
      if (!listed.empty() && listed.count(row->repetition) == 0) {
        violation(where, fmt::format("repetition {} is not listed in manifest.json", row->repetition));
      }
      for (const auto& [name, value] : {std::pair{"train", row->train_accuracy}, std::pair{"test", row->test_accuracy}}) {
        if (!(value >= 0.0 && value <= 1.0)) {
          violation(where, fmt::format("repetition {}, epoch {}: {} accuracy {} is not in [0, 1]", row->repetition,
                                       row->epoch, name, value));
        }
      }
      if (!std::isfinite(row->train_loss)) {
        violation(where, fmt::format("repetition {}, epoch {}: training loss {} is not finite", row->repetition,
                                     row->epoch, row->train_loss));
      }
    });
  } else if (complete) {
    violation("accuracy.csv", "missing");
  }

  // --- activation_range.csv ----------------------------------------------------------------
  const fs::path range_path = run_dir / store::k_range_file;
  if (fs::exists(range_path, ec)) {
    const std::string content = store::read_file(range_path);
    for_each_row(range_path, store::k_range_header, content, report, [&](std::size_t line_no, std::string_view line) {
      const std::string where = fmt::format("activation_range.csv line {}", line_no);
      const std::optional<store::RangeRecord> row = store::parse_range_row(line);
      if (!row) {
        violation(where, fmt::format("malformed row '{}'", line));
        return;
      }
      if (!std::isfinite(row->min) || !std::isfinite(row->max) || row->min > row->max) {
        violation(where, fmt::format("repetition {}, epoch {}, layer {}: range [{}, {}] is not finite with min <= max",
                                     row->repetition, row->epoch, row->layer, row->min, row->max));
      }
    });
  } else if (complete) {
    violation("activation_range.csv", "missing");
  }
  return report;
}

}  // namespace infoplane::experiment
