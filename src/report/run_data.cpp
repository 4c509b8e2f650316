/// @brief Reading a run directory written by `infoplane run`: manifest, MI, accuracy, ranges.
#include "infoplane/report/run_data.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "infoplane/common.h"
#include "infoplane/store/layout.h"
#include "infoplane/store/manifest.h"
#include "infoplane/store/csv.h"

namespace infoplane::report {

namespace {

using nlohmann::json;

/// Integer index columns arrive as doubles; they must be whole and non-negative.
std::vector<int> to_indices(const store::CsvTable& table, std::string_view column, int minimum) {
  const std::span<const double> values = table.numbers(column);
  std::vector<int> out(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double v = values[i];
    if (!(v >= minimum && v <= 1e7 && v == std::floor(v)))
      input_error("{} line {}: column {} must be an integer >= {}; got {}",
                  table.path().filename().string(), table.line(i), column, minimum, v);
    out[i] = static_cast<int>(v);
  }
  return out;
}

/// The sorted distinct values of an index column and a lookup from value to position.
struct Axis {
  std::vector<int> values;
  std::vector<std::int32_t> position;  // by value; -1 if absent

  /// Values are non-negative and bounded (to_indices checks), so a presence table beats
  /// sorting millions of rows.
  explicit Axis(std::span<const int> raw) {
    int max_value = -1;
    for (const int v : raw) max_value = std::max(max_value, v);
    position.assign(static_cast<std::size_t>(max_value + 1), -1);
    for (const int v : raw) position[static_cast<std::size_t>(v)] = 0;
    for (std::size_t v = 0; v < position.size(); ++v)
      if (position[v] == 0) {
        position[v] = static_cast<std::int32_t>(values.size());
        values.push_back(static_cast<int>(v));
      }
  }
  std::size_t operator[](int value) const { return static_cast<std::size_t>(position[value]); }
  std::size_t size() const { return values.size(); }
};

[[noreturn]] void duplicate_row(const store::CsvTable& table, std::size_t row) {
  input_error("{} line {}: duplicate row; got a second value for the same key, expected one row "
              "per key", table.path().filename().string(), table.line(row));
}

template <typename T>
T get_or(const json& object, const char* key, T fallback, const std::string& where) {
  if (!object.is_object() || !object.contains(key) || object.at(key).is_null()) return fallback;
  try {
    return object.at(key).get<T>();
  } catch (const json::exception&) {
    input_error("{}: field '{}' has the wrong type; got {}", where, key, object.at(key).dump());
  }
}

std::string default_label(const std::string& name, const std::string& activation, int index,
                          bool is_last) {
  if (index == 0 || activation == "input" || name == "input") return "X";
  if (is_last && (name == "output" || activation == "softmax")) return "Ŷ";
  if (!name.empty()) return name;
  return fmt::format("T{}", index);
}

}  // namespace

const LayerInfo* RunInfo::layer(int index) const {
  for (const LayerInfo& l : layers)
    if (l.index == index) return &l;
  return nullptr;
}

std::string RunInfo::layer_label(int index) const {
  const LayerInfo* l = layer(index);
  if (l != nullptr && !l->label.empty()) return l->label;
  return index == 0 ? std::string("X") : fmt::format("T{}", index);
}

RunInfo read_run_info(const std::filesystem::path& run_dir) {
  const store::Manifest manifest = store::read_manifest(run_dir);
  const std::string where = (run_dir / store::k_manifest_file).string();
  RunInfo info;
  info.dir = run_dir;
  const json& config = manifest.config;
  info.name = get_or<std::string>(config, "name", "", where);
  if (info.name.empty()) {
    std::filesystem::path dir = run_dir;
    if (dir.filename().empty()) dir = dir.parent_path();
    info.name = dir.filename().string();
  }
  info.dataset = manifest.dataset.name;
  if (info.dataset.empty() && config.contains("data"))
    info.dataset = get_or<std::string>(config.at("data"), "dataset", "", where);
  if (config.contains("network"))
    info.activation = get_or<std::string>(config.at("network"), "activation", "", where);
  if (config.contains("quantization"))
    info.bits = get_or<int>(config.at("quantization"), "bits", 0, where);
  if (config.contains("training"))
    info.prefit_epochs = get_or<int>(config.at("training"), "prefit_epochs", 0, where);
  info.n_samples = static_cast<int>(manifest.dataset.n_samples);
  info.h_y = manifest.dataset.h_y;
  if (info.n_samples > 0) info.h_x = std::log2(static_cast<double>(info.n_samples));

  for (std::size_t i = 0; i < manifest.layers.size(); ++i) {
    const store::ManifestLayer& l = manifest.layers[i];
    LayerInfo layer;
    layer.index = static_cast<int>(l.index);
    layer.name = l.name;
    layer.width = static_cast<int>(l.width);
    layer.activation = l.activation;
    layer.label = default_label(layer.name, layer.activation, layer.index, i + 1 == manifest.layers.size());
    if (layer.index == 0) {
      const double max_bits = get_or<double>(l.extra, "max_bits_h", kMissing, fmt::format("{}: layers[{}]", where, i));
      if (std::isfinite(max_bits)) info.h_x = max_bits;
    }
    info.layers.push_back(std::move(layer));
  }
  std::sort(info.layers.begin(), info.layers.end(),
            [](const LayerInfo& a, const LayerInfo& b) { return a.index < b.index; });

  for (const store::ManifestRepetition& r : manifest.repetitions) {
    RepetitionInfo rep;
    rep.index = static_cast<int>(r.index);
    rep.seed = r.seed;
    rep.restarts = static_cast<int>(r.restarts);
    rep.status = r.status;
    rep.final_train_accuracy = r.final_train_accuracy.value_or(kMissing);
    rep.final_test_accuracy = r.final_test_accuracy.value_or(kMissing);
    rep.wall_seconds = r.wall_seconds;
    info.repetitions.push_back(std::move(rep));
  }
  std::sort(info.repetitions.begin(), info.repetitions.end(),
            [](const RepetitionInfo& a, const RepetitionInfo& b) { return a.index < b.index; });
  return info;
}

std::vector<MiSeries> read_mi(const std::filesystem::path& run_dir) {
  static const store::CsvColumn columns[] = {{"repetition"}, {"epoch"}, {"layer"},
                                      {"estimator", store::CsvKind::text}, {"i_xt"}, {"i_ty"}};
  const store::CsvTable table = store::read_csv(run_dir / store::k_mi_file, columns);
  const std::vector<int> rep = to_indices(table, "repetition", 0);
  const std::vector<int> epoch = to_indices(table, "epoch", 0);
  const std::vector<int> layer = to_indices(table, "layer", 0);
  const std::span<const std::uint32_t> estimator = table.codes("estimator");
  const std::span<const double> i_xt = table.numbers("i_xt");
  const std::span<const double> i_ty = table.numbers("i_ty");
  const std::vector<std::string>& names = table.levels("estimator");
  const std::size_t n_rows = table.n_rows();

  std::vector<MiSeries> out;
  for (std::uint32_t k = 0; k < names.size(); ++k) {
    // Each estimator gets its own grid: another estimator may cover fewer epochs.
    std::vector<int> r_k, e_k, l_k;
    for (std::size_t i = 0; i < n_rows; ++i)
      if (estimator[i] == k) {
        r_k.push_back(rep[i]);
        e_k.push_back(epoch[i]);
        l_k.push_back(layer[i]);
      }
    const Axis reps(r_k), epochs(e_k), layers(l_k);
    MiSeries s;
    s.estimator = names[k];
    s.repetitions = reps.values;
    s.layers = layers.values;
    s.epochs = epochs.values;
    s.i_xt.assign(reps.size() * layers.size() * epochs.size(), kMissing);
    s.i_ty.assign(s.i_xt.size(), kMissing);
    std::vector<bool> seen(s.i_xt.size(), false);
    for (std::size_t i = 0; i < n_rows; ++i) {
      if (estimator[i] != k) continue;
      const std::size_t at = s.at(reps[rep[i]], layers[layer[i]], epochs[epoch[i]]);
      if (seen[at]) duplicate_row(table, i);
      seen[at] = true;
      s.i_xt[at] = i_xt[i];
      s.i_ty[at] = i_ty[i];
    }
    out.push_back(std::move(s));
  }
  return out;
}

AccuracySeries read_accuracy(const std::filesystem::path& run_dir) {
  static const store::CsvColumn columns[] = {{"repetition"}, {"epoch"}, {"train_accuracy"},
                                      {"test_accuracy"}, {"train_loss"}};
  const store::CsvTable table = store::read_csv(run_dir / store::k_accuracy_file, columns);
  const std::vector<int> rep = to_indices(table, "repetition", 0);
  const std::vector<int> epoch = to_indices(table, "epoch", 0);
  const Axis reps(rep), epochs(epoch);
  AccuracySeries s;
  s.repetitions = reps.values;
  s.epochs = epochs.values;
  const std::size_t n = reps.size() * epochs.size();
  s.train.assign(n, kMissing);
  s.test.assign(n, kMissing);
  s.loss.assign(n, kMissing);
  std::vector<bool> seen(n, false);
  const std::span<const double> train = table.numbers("train_accuracy");
  const std::span<const double> test = table.numbers("test_accuracy");
  const std::span<const double> loss = table.numbers("train_loss");
  for (std::size_t i = 0; i < table.n_rows(); ++i) {
    const std::size_t at = s.at(reps[rep[i]], epochs[epoch[i]]);
    if (seen[at]) duplicate_row(table, i);
    seen[at] = true;
    s.train[at] = train[i];
    s.test[at] = test[i];
    s.loss[at] = loss[i];
  }
  return s;
}

RangeSeries read_ranges(const std::filesystem::path& run_dir) {
  static const store::CsvColumn columns[] = {{"repetition"}, {"epoch"}, {"layer"}, {"min"}, {"max"}};
  const store::CsvTable table = store::read_csv(run_dir / store::k_range_file, columns);
  const std::vector<int> rep = to_indices(table, "repetition", 0);
  const std::vector<int> epoch = to_indices(table, "epoch", 0);
  const std::vector<int> layer = to_indices(table, "layer", 0);
  const Axis reps(rep), epochs(epoch), layers(layer);
  RangeSeries s;
  s.repetitions = reps.values;
  s.layers = layers.values;
  s.epochs = epochs.values;
  const std::size_t n = reps.size() * layers.size() * epochs.size();
  s.min.assign(n, kMissing);
  s.max.assign(n, kMissing);
  std::vector<bool> seen(n, false);
  const std::span<const double> lo = table.numbers("min");
  const std::span<const double> hi = table.numbers("max");
  for (std::size_t i = 0; i < table.n_rows(); ++i) {
    const std::size_t at = s.at(reps[rep[i]], layers[layer[i]], epochs[epoch[i]]);
    if (seen[at]) duplicate_row(table, i);
    seen[at] = true;
    s.min[at] = lo[i];
    s.max[at] = hi[i];
  }
  return s;
}

}  // namespace infoplane::report
