/// @brief Reading and writing manifest.json.
#include "infoplane/store/manifest.h"

#include <cmath>

#include <fmt/format.h>

#include "infoplane/common.h"
#include "infoplane/store/files.h"
#include "infoplane/store/layout.h"

namespace infoplane::store {

namespace {

using json = nlohmann::json;

/// Reads the fields of one JSON object, each removed from `rest` as it is read, so that
/// what is left are the keys this version does not know.
class Fields {
 public:
  Fields(const json& object, std::string where, std::string prefix = "")
      : m_rest(object), m_where(std::move(where)), m_prefix(std::move(prefix)) {
    if (!object.is_object()) {
      input_error("{}: {} must be a JSON object, got {}", m_where, m_prefix.empty() ? "the record" : m_prefix,
                  object.dump());
    }
  }

  std::string text(const char* key, std::string fallback = {}) {
    return take(key, fallback, "a string", [](const json& v) { return v.is_string(); });
  }
  std::size_t count(const char* key, std::size_t fallback = 0) {
    return take(key, fallback, "a whole number >= 0", [](const json& v) { return v.is_number_unsigned(); });
  }
  std::uint64_t seed(const char* key) {
    return take(key, std::uint64_t{0}, "a whole number >= 0", [](const json& v) { return v.is_number_unsigned(); });
  }
  /// A number; null (what JSON writes for NaN) reads as NaN.
  std::optional<double> number(const char* key) {
    const auto it = m_rest.find(key);
    if (it == m_rest.end()) return std::nullopt;
    const json value = *it;
    m_rest.erase(it);
    if (value.is_null()) return std::numeric_limits<double>::quiet_NaN();
    if (!value.is_number()) bad(key, "a number", value);
    return value.get<double>();
  }
  json any(const char* key, json fallback) {
    const auto it = m_rest.find(key);
    if (it == m_rest.end()) return fallback;
    json value = *it;
    m_rest.erase(it);
    return value;
  }
  /// The array under `key` (empty when absent), each element given to `read(element, where)`.
  template <typename Read>
  void array(const char* key, Read&& read) {
    const json value = any(key, json::array());
    if (!value.is_array()) bad(key, "an array", value);
    for (std::size_t i = 0; i < value.size(); ++i) read(value[i], fmt::format("{}[{}]", name_of(key), i));
  }
  std::vector<std::string> texts(const char* key) {
    std::vector<std::string> out;
    array(key, [&](const json& v, const std::string& name) {
      if (!v.is_string()) input_error("{}: {} must be a string, got {}", m_where, name, v.dump());
      out.push_back(v.get<std::string>());
    });
    return out;
  }
  std::string name_of(const char* key) const { return m_prefix.empty() ? std::string(key) : m_prefix + "." + key; }
  const std::string& where() const { return m_where; }
  json rest() const { return m_rest; }

 private:
  template <typename T, typename Is>
  T take(const char* key, T fallback, const char* expected, Is&& is) {
    const auto it = m_rest.find(key);
    if (it == m_rest.end()) return fallback;
    const json value = *it;
    m_rest.erase(it);
    if (!is(value)) bad(key, expected, value);
    return value.get<T>();
  }
  [[noreturn]] void bad(const char* key, const char* expected, const json& value) const {
    input_error("{}: {} must be {}, got {}", m_where, name_of(key), expected, value.dump());
  }

  json m_rest;
  std::string m_where;
  std::string m_prefix;
};

ManifestShard shard_from_json(const json& j, const std::string& where, const std::string& name) {
  Fields f(j, where, name);
  ManifestShard shard{f.count("index"), f.count("count")};
  f.any("rule", json());  // the constant rule text below
  return shard;
}

json to_json(const ManifestShard& shard) {
  return {{"index", shard.index}, {"count", shard.count}, {"rule", "repetition % count == index - 1"}};
}

/// `extra` merged under `j` (keys of another version, kept as they were).
json with_extra(json j, const json& extra) {
  for (const auto& [key, value] : extra.items()) j.emplace(key, value);
  return j;
}

}  // namespace

FileChecksum file_checksum(std::string_view content) { return {crc32_hex(content), content.size()}; }

const ManifestRepetition* Manifest::repetition(std::size_t index) const {
  for (const ManifestRepetition& r : repetitions) {
    if (r.index == index) return &r;
  }
  return nullptr;
}

json to_json(const FileChecksum& checksum) { return {{"crc32", checksum.crc32}, {"bytes", checksum.bytes}}; }

json to_json(const ManifestRepetition& r) {
  json j{{"index", r.index},   {"seed", r.seed},     {"restarts", r.restarts}, {"restart_reasons", r.restart_reasons},
         {"status", r.status}, {"wall_seconds", r.wall_seconds}};
  if (!r.ok()) j["message"] = r.message;
  if (r.final_train_accuracy) j["final_train_accuracy"] = *r.final_train_accuracy;
  if (r.final_test_accuracy) j["final_test_accuracy"] = *r.final_test_accuracy;
  return with_extra(std::move(j), r.extra);
}

json to_json(const Manifest& m) {
  json layers = json::array();
  for (const ManifestLayer& l : m.layers) {
    json entry{{"index", l.index}, {"name", l.name}, {"width", l.width}, {"activation", l.activation}};
    if (!l.shape.empty()) entry["shape"] = l.shape;
    layers.push_back(with_extra(std::move(entry), l.extra));
  }
  json repetitions = json::array();
  for (const ManifestRepetition& r : m.repetitions) repetitions.push_back(to_json(r));
  const ManifestDataset& d = m.dataset;
  json j{{"status", m.status},
         {"infoplane_version", m.infoplane_version},
         {"git_commit", m.git_commit},
         {"config_file", m.config_file},
         {"config", m.config},
         {"dataset",
          {{"name", d.name}, {"n_samples", d.n_samples}, {"n_features", d.n_features}, {"n_train", d.n_train},
           {"n_test", d.n_test}, {"n_classes", d.n_classes}, {"h_y", d.h_y}}},
         {"layers", layers},
         {"repetitions", repetitions},
         {"threads", m.threads},
         {"started", m.started}};
  if (m.shard) j["shard"] = to_json(*m.shard);
  if (!m.merged_from.empty()) {
    j["merged_from"] = json::array();
    for (const ManifestSource& s : m.merged_from) {
      json from{{"dir", s.dir}, {"wall_seconds", s.wall_seconds}, {"n_repetitions", s.n_repetitions}};
      if (s.shard) from["shard"] = to_json(*s.shard);
      j["merged_from"].push_back(from);
    }
  }
  if (m.checksums.recorded) {
    json c{{"algorithm", m.checksums.algorithm}};
    if (!m.checksums.config.empty()) c["config"] = m.checksums.config;
    if (!m.checksums.labels.empty()) c["labels"] = m.checksums.labels;
    if (!m.checksums.files.empty()) {
      c["files"] = json::object();
      for (const auto& [name, checksum] : m.checksums.files) c["files"][name] = to_json(checksum);
    }
    j["checksums"] = c;
  }
  if (!m.resumed.empty()) j["resumed"] = m.resumed;
  if (!m.finished.empty()) j["finished"] = m.finished;
  if (m.wall_seconds) j["wall_seconds"] = *m.wall_seconds;
  if (!m.build.is_null()) j["build"] = m.build;
  if (!m.verification.is_null()) j["verification"] = m.verification;
  return with_extra(std::move(j), m.extra);
}

ManifestRepetition repetition_from_json(const json& j, std::string_view where) {
  Fields f(j, std::string(where));
  ManifestRepetition r;
  r.index = f.count("index");
  r.seed = f.seed("seed");
  r.restarts = f.count("restarts");
  r.restart_reasons = f.texts("restart_reasons");
  r.status = f.text("status", "ok");
  r.message = f.text("message");
  r.wall_seconds = f.number("wall_seconds").value_or(0.0);
  r.final_train_accuracy = f.number("final_train_accuracy");
  r.final_test_accuracy = f.number("final_test_accuracy");
  r.extra = f.rest();
  return r;
}

Manifest manifest_from_json(const json& j, std::string_view where_view) {
  const std::string where(where_view);
  Fields f(j, where);
  Manifest m;
  m.status = f.text("status", "(none)");
  m.infoplane_version = f.text("infoplane_version");
  m.git_commit = f.text("git_commit");
  m.config_file = f.text("config_file");
  m.config = f.any("config", json::object());
  if (!m.config.is_object()) input_error("{}: config must be a JSON object, got {}", where, m.config.dump());
  {
    Fields d(f.any("dataset", json::object()), where, "dataset");
    m.dataset.name = d.text("name");
    m.dataset.n_samples = d.count("n_samples");
    m.dataset.n_features = d.count("n_features");
    m.dataset.n_train = d.count("n_train");
    m.dataset.n_test = d.count("n_test");
    m.dataset.n_classes = d.count("n_classes");
    m.dataset.h_y = d.number("h_y").value_or(std::numeric_limits<double>::quiet_NaN());
  }
  f.array("layers", [&](const json& v, const std::string& name) {
    Fields l(v, where, name);
    ManifestLayer layer;
    layer.index = l.count("index", m.layers.size());
    layer.name = l.text("name");
    layer.width = l.count("width");
    layer.activation = l.text("activation");
    l.array("shape", [&](const json& s, const std::string& at) {
      if (!s.is_number_unsigned()) input_error("{}: {} must be a whole number >= 0, got {}", where, at, s.dump());
      layer.shape.push_back(s.get<std::size_t>());
    });
    layer.extra = l.rest();
    m.layers.push_back(std::move(layer));
  });
  f.array("repetitions", [&](const json& v, const std::string& name) {
    m.repetitions.push_back(repetition_from_json(v, fmt::format("{}: {}", where, name)));
  });
  const json shard = f.any("shard", json());
  if (!shard.is_null()) m.shard = shard_from_json(shard, where, "shard");
  f.array("merged_from", [&](const json& v, const std::string& name) {
    Fields s(v, where, name);
    ManifestSource source;
    source.dir = s.text("dir");
    source.wall_seconds = s.number("wall_seconds").value_or(0.0);
    source.n_repetitions = s.count("n_repetitions");
    const json from_shard = s.any("shard", json());
    if (!from_shard.is_null()) source.shard = shard_from_json(from_shard, where, name + ".shard");
    m.merged_from.push_back(std::move(source));
  });
  m.threads = f.count("threads");
  const json checksums = f.any("checksums", json());
  if (!checksums.is_null()) {
    Fields c(checksums, where, "checksums");
    m.checksums.recorded = true;
    m.checksums.algorithm = c.text("algorithm", "crc32");
    m.checksums.config = c.text("config");
    m.checksums.labels = c.text("labels");
    const json files = c.any("files", json::object());
    if (!files.is_object()) input_error("{}: checksums.files must be a JSON object, got {}", where, files.dump());
    for (const auto& [name, value] : files.items()) {
      Fields file(value, where, "checksums.files." + name);
      m.checksums.files[name] = {file.text("crc32"), file.count("bytes")};
    }
  }
  m.started = f.text("started");
  m.resumed = f.texts("resumed");
  m.finished = f.text("finished");
  m.wall_seconds = f.number("wall_seconds");
  m.build = f.any("build", nullptr);
  m.verification = f.any("verification", nullptr);
  m.extra = f.rest();
  return m;
}

Manifest read_manifest(const std::filesystem::path& run_dir) {
  const std::filesystem::path path = run_dir / k_manifest_file;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) input_error("{}: not a run directory (no manifest.json)", run_dir.string());
  json j;
  try {
    j = json::parse(read_file(path));
  } catch (const json::exception& e) {
    input_error("{}: not valid JSON: {}", path.string(), e.what());
  }
  if (!j.is_object()) input_error("{}: expected a JSON object, got {}", path.string(), j.type_name());
  return manifest_from_json(j, path.string());
}

void write_manifest(const std::filesystem::path& run_dir, const Manifest& manifest) {
  write_file_atomic(run_dir / k_manifest_file, to_json(manifest).dump(2) + "\n");
}

}  // namespace infoplane::store
