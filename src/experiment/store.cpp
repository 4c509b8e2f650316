/// @brief Run directory writer: atomic files, part files per repetition, merge, manifest.
#include "infoplane/experiment/store.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "infoplane/common.h"

namespace infoplane::experiment {

namespace fs = std::filesystem;

void write_file_atomic(const fs::path& path, std::string_view content) {
  const fs::path tmp = path.string() + fmt::format(".tmp-{}", ::getpid());
  std::FILE* file = std::fopen(tmp.c_str(), "wb");
  if (file == nullptr) {
    input_error("{}: cannot write: {}", path.string(), std::strerror(errno));
  }
  const bool written = std::fwrite(content.data(), 1, content.size(), file) == content.size();
  const bool flushed = std::fflush(file) == 0 && ::fsync(::fileno(file)) == 0;
  const int saved_errno = errno;
  const bool closed = std::fclose(file) == 0;
  if (!written || !flushed || !closed) {
    std::remove(tmp.c_str());
    input_error("{}: write failed: {}", path.string(), std::strerror(saved_errno));
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    std::remove(tmp.c_str());
    input_error("{}: cannot rename the written file into place: {}", path.string(), ec.message());
  }
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) input_error("{}: cannot read the file", path.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

RunStore::RunStore(fs::path dir) : m_dir(std::move(dir)) {
  std::error_code ec;
  if (fs::exists(m_dir, ec) && !fs::is_directory(m_dir, ec)) {
    input_error("{}: the output path is a file, expected a directory", m_dir.string());
  }
  if (fs::exists(m_dir / "manifest.json", ec) || fs::exists(m_dir / "parts", ec)) {
    input_error("{}: the directory already holds a run; choose another --out or remove it",
                m_dir.string());
  }
  fs::create_directories(m_dir / "parts", ec);
  if (ec) input_error("{}: cannot create the run directory: {}", m_dir.string(), ec.message());
}

fs::path RunStore::part(std::size_t index, std::string_view suffix) const {
  return m_dir / "parts" / fmt::format("rep-{:06}.{}", index, suffix);
}

void RunStore::write_repetition(const RepetitionResult& r,
                                const std::vector<std::string>& estimator_names) const {
  // Canonical estimator names contain commas ("binning:30,bounds=fixed"): quoted (RFC 4180).
  std::vector<std::string> quoted;
  for (const std::string& name : estimator_names) {
    quoted.push_back(name.find(',') == std::string::npos ? name : "\"" + name + "\"");
  }
  fmt::memory_buffer mi;
  for (const MiRow& row : r.mi) {
    fmt::format_to(std::back_inserter(mi), "{},{},{},{},{:.10g},{:.10g}\n", r.index, row.epoch,
                   row.layer, quoted.at(row.estimator), row.i_xt, row.i_ty);
  }
  fmt::memory_buffer accuracy;
  for (const AccuracyRow& row : r.accuracy) {
    fmt::format_to(std::back_inserter(accuracy), "{},{},{:.6f},{:.6f},{:.8g}\n", r.index, row.epoch,
                   row.train_accuracy, row.test_accuracy, row.train_loss);
  }
  fmt::memory_buffer ranges;
  for (const RangeRow& row : r.ranges) {
    fmt::format_to(std::back_inserter(ranges), "{},{},{},{:.8g},{:.8g}\n", r.index, row.epoch,
                   row.layer, row.min, row.max);
  }
  write_file_atomic(part(r.index, "mi.csv"), {mi.data(), mi.size()});
  write_file_atomic(part(r.index, "accuracy.csv"), {accuracy.data(), accuracy.size()});
  write_file_atomic(part(r.index, "range.csv"), {ranges.data(), ranges.size()});
  // Written last: its presence marks the repetition as complete.
  write_file_atomic(part(r.index, "json"), repetition_json(r).dump(2) + "\n");
}

void RunStore::merge(const std::vector<std::size_t>& indices) const {
  struct Target {
    std::string_view name;
    std::string_view suffix;
    std::string_view header;
  };
  for (const Target& t : {Target{"mi.csv", "mi.csv", k_mi_header},
                          Target{"accuracy.csv", "accuracy.csv", k_accuracy_header},
                          Target{"activation_range.csv", "range.csv", k_range_header}}) {
    std::string content(t.header);
    content += '\n';
    for (const std::size_t index : indices) content += read_file(part(index, t.suffix));
    write_file_atomic(m_dir / t.name, content);
  }
}

void RunStore::write_manifest(const nlohmann::json& manifest) const {
  write_file_atomic(m_dir / "manifest.json", manifest.dump(2) + "\n");
}

nlohmann::json RunStore::repetition_json(const RepetitionResult& r) {
  nlohmann::json j{{"index", r.index},
                   {"seed", r.seed},
                   {"restarts", r.restarts},
                   {"restart_reasons", r.restart_reasons},
                   {"status", r.ok ? "ok" : "failed"},
                   {"wall_seconds", r.wall_seconds}};
  if (!r.ok) j["message"] = r.message;
  if (!r.accuracy.empty()) {
    j["final_train_accuracy"] = r.accuracy.back().train_accuracy;
    j["final_test_accuracy"] = r.accuracy.back().test_accuracy;
  }
  return j;
}

}  // namespace infoplane::experiment
