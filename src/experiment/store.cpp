/// @brief Run directory writer: atomic files, part files per repetition, checksums, merge,
/// manifest, and reading parts back for a resumed run.
#include "infoplane/experiment/store.h"
#include "infoplane/store/layout.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "infoplane/common.h"
#include "infoplane/experiment/lock.h"
#include "infoplane/store/csv.h"
#include "infoplane/store/rows.h"

namespace infoplane::experiment {

namespace fs = std::filesystem;

namespace {

std::vector<std::string_view> lines_of(std::string_view content) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < content.size()) {
    std::size_t end = content.find('\n', start);
    if (end == std::string_view::npos) end = content.size();
    lines.push_back(content.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

}  // namespace

std::string config_checksum(const nlohmann::json& config) { return store::crc32_hex(config.dump()); }

std::string labels_checksum(const std::vector<std::uint32_t>& labels) {
  fmt::memory_buffer text;
  for (const std::uint32_t y : labels) fmt::format_to(std::back_inserter(text), "{}\n", y);
  return store::crc32_hex({text.data(), text.size()});
}

nlohmann::json result_config(const nlohmann::json& config) {
  nlohmann::json c = config;
  if (c.is_object() && c.contains("experiment") && c["experiment"].is_object()) c["experiment"].erase("threads");
  return c;
}

std::string json_difference(const nlohmann::json& a, const nlohmann::json& b) {
  if (a.is_object() && b.is_object()) {
    for (const auto& [key, value] : a.items()) {
      if (!b.contains(key)) return fmt::format("{}: {} vs (absent)", key, value.dump());
      const std::string inner = json_difference(value, b.at(key));
      if (!inner.empty()) return inner.front() == ':' ? key + inner : key + "." + inner;
    }
    for (const auto& [key, value] : b.items()) {
      if (!a.contains(key)) return fmt::format("{}: (absent) vs {}", key, value.dump());
    }
    return {};
  }
  if (a == b) return {};
  return fmt::format(": {} vs {}", a.dump(), b.dump());
}

PartCheck check_part(const fs::path& run_dir, std::size_t index) {
  PartCheck check;
  const fs::path marker = store::part_path(run_dir, index, "json");
  std::error_code ec;
  if (!fs::exists(marker, ec)) return check;
  try {
    nlohmann::json meta = nlohmann::json::parse(store::read_file(marker));
    if (!meta.is_object()) {
      check.problem = fmt::format("{}: not a JSON object", marker.string());
      return check;
    }
    if (meta.contains("files")) {
      for (const std::string_view suffix : store::k_part_suffixes) {
        const fs::path file = store::part_path(run_dir, index, suffix);
        const nlohmann::json& recorded = meta["files"].at(std::string(suffix));
        const store::FileChecksum expected{recorded.at("crc32").get<std::string>(), recorded.at("bytes").get<std::size_t>()};
        if (!fs::exists(file, ec)) {
          check.problem = fmt::format("{}: missing", file.string());
          return check;
        }
        if (store::file_checksum(store::read_file(file)) != expected) {
          check.problem = fmt::format("{}: checksum mismatch", file.string());
          return check;
        }
      }
      meta.erase("files");
    } else {
      for (const std::string_view suffix : store::k_part_suffixes) {
        if (!fs::exists(store::part_path(run_dir, index, suffix), ec)) {
          check.problem = fmt::format("{}: missing", store::part_path(run_dir, index, suffix).string());
          return check;
        }
      }
    }
    check.meta = store::repetition_from_json(meta, marker.string());
    check.complete = true;
  } catch (const std::exception& e) {
    check.problem = fmt::format("{}: unreadable: {}", marker.string(), e.what());
  }
  return check;
}

std::vector<fs::path> stray_temporary_files(const fs::path& run_dir) {
  std::vector<fs::path> found;
  std::error_code ec;
  for (const fs::path& folder : {run_dir, run_dir / "parts", run_dir / "activations"}) {
    if (!fs::is_directory(folder, ec)) continue;
    for (const fs::directory_entry& entry : fs::directory_iterator(folder, ec)) {
      if (entry.is_regular_file(ec) && entry.path().filename().string().find(".tmp-") != std::string::npos) {
        found.push_back(entry.path());
      }
    }
  }
  std::sort(found.begin(), found.end());
  return found;
}

RunStore::RunStore(fs::path dir, StoreMode mode) : m_dir(std::move(dir)) {
  std::error_code ec;
  if (fs::exists(m_dir, ec) && !fs::is_directory(m_dir, ec)) {
    input_error("{}: the output path is a file, expected a directory", m_dir.string());
  }
  if (mode == StoreMode::resume) {
    if (!fs::is_directory(m_dir, ec)) {
      input_error("{}: no run to resume: the directory does not exist; start the run without --resume",
                  m_dir.string());
    }
    if (!fs::exists(m_dir / store::k_manifest_file, ec)) {
      input_error("{}: no run to resume: not a run directory (no manifest.json); start the run without --resume",
                  m_dir.string());
    }
    m_lock = std::make_unique<RunLock>(m_dir);
  } else {
    fs::create_directories(m_dir, ec);
    if (ec) input_error("{}: cannot create the run directory: {}", m_dir.string(), ec.message());
    m_lock = std::make_unique<RunLock>(m_dir);
    // An empty parts/ without a manifest is what a process killed right at its start leaves.
    const bool parts_used = fs::is_directory(m_dir / "parts", ec) && !fs::is_empty(m_dir / "parts", ec);
    const bool has_manifest = fs::exists(m_dir / store::k_manifest_file, ec);
    const auto interrupted_merge = [&] {
      try {
        return store::read_manifest(m_dir).status == store::k_status_merging;
      } catch (const InputError&) {
        return false;
      }
    };
    if ((has_manifest || parts_used) && !(mode == StoreMode::merge && has_manifest && interrupted_merge())) {
      input_error("{}: the directory already holds a run; choose another --out, remove it{}", m_dir.string(),
                  mode == StoreMode::merge ? "" : ", or continue it with --resume");
    }
  }
  // Temporary files of a killed writer (we hold the lock, so nobody else writes them).
  for (const fs::path& file : stray_temporary_files(m_dir)) fs::remove(file, ec);
  fs::create_directories(m_dir / "parts", ec);
  if (ec) input_error("{}: cannot create the run directory: {}", m_dir.string(), ec.message());
}

RunStore::~RunStore() = default;

const std::string& RunStore::stale_lock_holder() const { return m_lock->stale_holder(); }

void RunStore::write_repetition(const RepetitionResult& r,
                                const std::vector<std::string>& estimator_names) const {
  // Canonical estimator names contain commas ("binning:30,bounds=fixed"): quoted (RFC 4180).
  std::vector<std::string> quoted;
  for (const std::string& name : estimator_names) quoted.push_back(store::csv_field(name));
  std::string mi, accuracy, ranges;
  for (const MiRow& row : r.mi) {
    store::append_mi_row(mi, r.index, row.epoch, row.layer, quoted.at(row.estimator), row.i_xt, row.i_ty);
  }
  for (const AccuracyRow& row : r.accuracy) {
    store::append_accuracy_row(accuracy, {r.index, row.epoch, row.train_accuracy, row.test_accuracy, row.train_loss});
  }
  for (const RangeRow& row : r.ranges) store::append_range_row(ranges, {r.index, row.epoch, row.layer, row.min, row.max});
  const std::string_view contents[] = {mi, accuracy, ranges};
  nlohmann::json meta = store::to_json(repetition_record(r));
  meta["files"] = nlohmann::json::object();
  for (std::size_t k = 0; k < std::size(store::k_part_suffixes); ++k) {
    store::write_file_atomic(store::part_path(m_dir, r.index, store::k_part_suffixes[k]), contents[k]);
    meta["files"][std::string(store::k_part_suffixes[k])] = store::to_json(store::file_checksum(contents[k]));
  }
  // Written last: its presence marks the repetition as complete.
  store::write_file_atomic(store::part_path(m_dir, r.index, "json"), meta.dump(2) + "\n");
}

void RunStore::write_activations(const RepetitionResult& r, const std::vector<std::uint32_t>& labels) const {
  if (!r.ok || r.activations.empty()) return;
  std::vector<std::uint32_t> layers;
  for (const StoredActivations& a : r.activations) {
    if (std::find(layers.begin(), layers.end(), a.layer) == layers.end()) layers.push_back(a.layer);
  }
  std::error_code ec;
  fs::create_directories(m_dir / "activations", ec);
  if (ec) input_error("{}: cannot create the folder: {}", (m_dir / "activations").string(), ec.message());
  const std::size_t n = labels.size();
  for (const std::uint32_t layer : layers) {
    fmt::memory_buffer out;
    bool header = false;
    for (const StoredActivations& a : r.activations) {
      if (a.layer != layer) continue;
      IP_CHECK(a.values.size() == n * a.width, "stored activations of layer {} do not match the samples", layer);
      if (!header) {
        const std::string h = store::activations_header(a.width);
        out.append(h.data(), h.data() + h.size());
        out.push_back('\n');
        header = true;
      }
      for (std::size_t i = 0; i < n; ++i) {
        fmt::format_to(std::back_inserter(out), "{},{},{}", a.epoch, i, labels[i]);
        const float* row = a.values.data() + i * a.width;
        for (std::size_t j = 0; j < a.width; ++j) fmt::format_to(std::back_inserter(out), ",{:.8g}", row[j]);
        out.push_back('\n');
      }
    }
    store::write_file_atomic(store::activations_path(m_dir, r.index, layer), std::string_view(out.data(), out.size()));
  }
}

RepetitionResult RunStore::read_repetition(std::size_t index,
                                           const std::vector<std::string>& estimator_names) const {
  const PartCheck check = check_part(m_dir, index);
  if (!check.complete) {
    input_error("{}: repetition {} is not complete{}{}", m_dir.string(), index,
                check.problem.empty() ? "" : ": ", check.problem);
  }
  RepetitionResult r;
  const store::ManifestRepetition& meta = check.meta;
  r.index = meta.index;
  r.seed = meta.seed;
  r.restarts = meta.restarts;
  r.restart_reasons = meta.restart_reasons;
  r.ok = meta.ok();
  r.message = meta.message;
  r.wall_seconds = meta.wall_seconds;
  const auto bad = [&](std::string_view suffix, std::size_t line_no) {
    input_error("{} line {}: malformed row", store::part_path(m_dir, index, suffix).string(), line_no);
  };
  const auto for_each_line = [&](std::string_view suffix, const auto& on_line) {
    const std::string text = store::read_file(store::part_path(m_dir, index, suffix));
    std::size_t line_no = 0;
    for (const std::string_view line : lines_of(text)) on_line(line, ++line_no);
  };
  for_each_line("mi.csv", [&](std::string_view line, std::size_t line_no) {
    const std::optional<store::MiRecord> row = store::parse_mi_row(line);
    if (!row) bad("mi.csv", line_no);
    std::size_t k = 0;
    while (k < estimator_names.size() && estimator_names[k] != row->estimator) ++k;
    if (k == estimator_names.size()) {
      input_error("{} line {}: estimator '{}' is not one of the config's", store::part_path(m_dir, index, "mi.csv").string(),
                  line_no, row->estimator);
    }
    r.mi.push_back({row->epoch, row->layer, static_cast<std::uint16_t>(k), row->i_xt, row->i_ty});
  });
  for_each_line("accuracy.csv", [&](std::string_view line, std::size_t line_no) {
    const std::optional<store::AccuracyRecord> row = store::parse_accuracy_row(line);
    if (!row) bad("accuracy.csv", line_no);
    r.accuracy.push_back({row->epoch, row->train_accuracy, row->test_accuracy, row->train_loss});
  });
  for_each_line("range.csv", [&](std::string_view line, std::size_t line_no) {
    const std::optional<store::RangeRecord> row = store::parse_range_row(line);
    if (!row) bad("range.csv", line_no);
    // Written from float32 values, so read back exactly (a checksum guards the part).
    r.ranges.push_back({row->epoch, row->layer, static_cast<float>(row->min), static_cast<float>(row->max)});
  });
  return r;
}

void RunStore::copy_repetition(const fs::path& from_dir, std::size_t index) const {
  std::error_code ec;
  if (fs::is_directory(from_dir / "activations", ec)) {
    const std::string prefix = fmt::format("rep-{:06}.layer-", index);
    for (const fs::directory_entry& entry : fs::directory_iterator(from_dir / "activations", ec)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind(prefix, 0) != 0 || name.find(".tmp-") != std::string::npos) continue;
      fs::create_directories(m_dir / "activations", ec);
      store::write_file_atomic(m_dir / "activations" / name, store::read_file(entry.path()));
    }
  }
  for (const std::string_view suffix : store::k_part_suffixes) {
    store::write_file_atomic(store::part_path(m_dir, index, suffix), store::read_file(store::part_path(from_dir, index, suffix)));
  }
  store::write_file_atomic(store::part_path(m_dir, index, "json"), store::read_file(store::part_path(from_dir, index, "json")));
}

std::map<std::string, store::FileChecksum> RunStore::merge(const std::vector<std::size_t>& indices) const {
  struct Target {
    std::string_view name;
    std::string_view suffix;
    std::string_view header;
  };
  std::map<std::string, store::FileChecksum> checksums;
  for (const Target& t : {Target{"mi.csv", "mi.csv", store::k_mi_header},
                          Target{"accuracy.csv", "accuracy.csv", store::k_accuracy_header},
                          Target{"activation_range.csv", "range.csv", store::k_range_header}}) {
    std::string content(t.header);
    content += '\n';
    for (const std::size_t index : indices) content += store::read_file(store::part_path(m_dir, index, t.suffix));
    store::write_file_atomic(m_dir / t.name, content);
    checksums[std::string(t.name)] = store::file_checksum(content);
  }
  return checksums;
}

store::ManifestRepetition repetition_record(const RepetitionResult& r) {
  store::ManifestRepetition record;
  record.index = r.index;
  record.seed = r.seed;
  record.restarts = r.restarts;
  record.restart_reasons = r.restart_reasons;
  record.status = r.ok ? "ok" : "failed";
  record.message = r.message;
  record.wall_seconds = r.wall_seconds;
  if (!r.accuracy.empty()) {
    record.final_train_accuracy = r.accuracy.back().train_accuracy;
    record.final_test_accuracy = r.accuracy.back().test_accuracy;
  }
  return record;
}

}  // namespace infoplane::experiment
