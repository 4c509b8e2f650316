/// @brief TOML config reading (toml++), strict validation, JSON record.
#include "infoplane/experiment/config.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/ranges.h>
#include <toml++/toml.h>

#include "infoplane/common.h"
#include "infoplane/info/estimator.h"

namespace infoplane::experiment {

namespace {

/// Reads one TOML table, checking types and remembering which keys were used, so that
/// unknown keys can be reported with the list of valid ones.
class TableReader {
 public:
  TableReader(const toml::table* table, std::string section, std::string origin)
      : m_table(table), m_section(std::move(section)), m_origin(std::move(origin)) {}

  std::string key_name(std::string_view key) const {
    return m_section.empty() ? std::string(key) : fmt::format("[{}].{}", m_section, key);
  }

  template <typename T>
  void read(std::string_view key, T& out, std::string_view expected) {
    m_valid.emplace(key);
    if (m_table == nullptr) return;
    const toml::node* node = m_table->get(key);
    if (node == nullptr) return;
    if constexpr (std::is_same_v<T, std::string>) {
      if (const auto v = node->value_exact<std::string>()) {
        out = *v;
        return;
      }
    } else if constexpr (std::is_same_v<T, double>) {
      if (const auto v = node->value<double>()) {
        out = *v;
        return;
      }
    } else if constexpr (std::is_same_v<T, int>) {
      if (const auto v = node->value_exact<std::int64_t>(); v && *v >= INT32_MIN && *v <= INT32_MAX) {
        out = static_cast<int>(*v);
        return;
      }
    } else if constexpr (std::is_same_v<T, long>) {
      if (const auto v = node->value_exact<std::int64_t>()) {
        out = static_cast<long>(*v);
        return;
      }
    } else if constexpr (std::is_unsigned_v<T>) {
      if (const auto v = node->value_exact<std::int64_t>(); v && *v >= 0) {
        out = static_cast<T>(*v);
        return;
      }
    }
    fail(key, *node, expected);
  }

  void read_widths(std::string_view key, std::vector<std::size_t>& out) {
    m_valid.emplace(key);
    if (m_table == nullptr) return;
    const toml::node* node = m_table->get(key);
    if (node == nullptr) return;
    const toml::array* array = node->as_array();
    if (array == nullptr) fail(key, *node, "an array of layer widths, e.g. [10, 7, 5, 4, 3]");
    out.clear();
    for (std::size_t i = 0; i < array->size(); ++i) {
      const auto v = (*array)[i].value_exact<std::int64_t>();
      if (!v || *v <= 0) {
        input_error("{}: {}[{}] must be a positive integer (a layer width), got {}", m_origin,
                    key_name(key), i, describe((*array)[i]));
      }
      out.push_back(static_cast<std::size_t>(*v));
    }
  }

  void read_strings(std::string_view key, std::vector<std::string>& out, std::string_view expected) {
    m_valid.emplace(key);
    if (m_table == nullptr) return;
    const toml::node* node = m_table->get(key);
    if (node == nullptr) return;
    const toml::array* array = node->as_array();
    if (array == nullptr) fail(key, *node, expected);
    out.clear();
    for (std::size_t i = 0; i < array->size(); ++i) {
      const auto v = (*array)[i].value_exact<std::string>();
      if (!v) input_error("{}: {}[{}] must be a string, got {}", m_origin, key_name(key), i, describe((*array)[i]));
      out.push_back(*v);
    }
  }

  /// Marks a key as valid that the caller reads itself; returns its node (null if absent).
  const toml::node* take(std::string_view key) {
    m_valid.emplace(key);
    return m_table == nullptr ? nullptr : m_table->get(key);
  }

  [[noreturn]] void fail_node(std::string_view key, const toml::node& node, std::string_view expected) const {
    fail(key, node, expected);
  }

  void reject_unknown() const {
    if (m_table == nullptr) return;
    for (const auto& [key, node] : *m_table) {
      if (m_valid.count(std::string(key.str())) == 0) {
        const std::string where = m_section.empty() ? "at the top level" : fmt::format("in [{}]", m_section);
        input_error("{}: unknown key '{}' {}; valid keys: {}", m_origin, key.str(), where,
                    fmt::join(m_valid, ", "));
      }
    }
  }

 private:
  static std::string describe(const toml::node& node) {
    std::ostringstream ss;
    node.visit([&ss](const auto& value) { ss << value; });
    const char* type = node.is_string() ? "string" : node.is_integer() ? "integer"
                     : node.is_floating_point() ? "float" : node.is_boolean() ? "boolean"
                     : node.is_array() ? "array" : node.is_table() ? "table" : "value";
    return fmt::format("{} {}", type, ss.str());
  }

  [[noreturn]] void fail(std::string_view key, const toml::node& node, std::string_view expected) const {
    input_error("{}: {} must be {}, got {}", m_origin, key_name(key), expected, describe(node));
  }

  const toml::table* m_table;
  std::string m_section;
  std::string m_origin;
  std::set<std::string> m_valid;
};

const toml::table* section(const toml::table& root, std::string_view name, const std::string& origin) {
  const toml::node* node = root.get(name);
  if (node == nullptr) return nullptr;
  if (!node->is_table()) input_error("{}: [{}] must be a table", origin, name);
  return node->as_table();
}


constexpr std::string_view k_architectures = "bottleneck-2, bottleneck-4, hourglass, 4x10, conv";

/// The networks of the paper (section 4.2 and appendix E), hidden layers only.
bool apply_architecture(NetworkConfig& network) {
  const std::string& name = network.architecture;
  network.stack.clear();
  if (name == "bottleneck-2") {
    network.layers = {16, 8, 4, 2};
  } else if (name == "bottleneck-4") {
    network.layers = {16, 12, 8, 4};
  } else if (name == "hourglass") {
    network.layers = {16, 8, 4, 2, 4, 8};
  } else if (name == "4x10") {
    network.layers = {10, 10, 10, 10};
  } else if (name == "conv") {
    // conv 3x3 2 channels - maxpool 2x2 - conv 3x3 2 channels - maxpool 2x2 - dense 16
    // (the reference code's width; the paper's text says 20).
    network.layers.clear();
    network.stack = {{"conv", 2, 3, ""}, {"maxpool", 0, 2, ""}, {"conv", 2, 3, ""},
                     {"maxpool", 0, 2, ""}, {"flatten", 0, 0, ""}, {"dense", 16, 0, ""}};
  } else {
    return false;
  }
  return true;
}

bool is_width_array(const toml::array& array) {
  for (const toml::node& node : array) {
    if (node.is_table() || node.is_string()) return false;
  }
  return true;
}

/// `layers` with tables: { type = "conv", units = 2, size = 3, activation = "relu" },
/// { type = "maxpool", size = 2 }, "flatten" or { type = "flatten" }, { type = "dense",
/// units = 16 } or a plain width.
void read_stack(TableReader& network, const toml::array& array, NetworkConfig& out, const std::string& origin) {
  out.stack.clear();
  out.layers.clear();
  for (std::size_t i = 0; i < array.size(); ++i) {
    const toml::node& node = array[i];
    const std::string where = fmt::format("network.layers[{}]", i);
    LayerConfig layer;
    if (const auto width = node.value_exact<std::int64_t>()) {
      if (*width <= 0) input_error("{}: [{}] must be a positive integer (a layer width), got {}", origin, where, *width);
      layer.units = static_cast<std::size_t>(*width);
    } else if (const auto name = node.value_exact<std::string>()) {
      if (*name != "flatten") {
        input_error("{}: [{}] must be a width, a table or \"flatten\", got string {}", origin, where, *name);
      }
      layer.type = "flatten";
    } else if (const toml::table* table = node.as_table()) {
      TableReader reader(table, where, origin);
      reader.read("type", layer.type, "a layer type (dense, conv, maxpool, flatten)");
      reader.read("units", layer.units, "a positive integer (dense width or conv channels)");
      reader.read("size", layer.size, "a positive integer (conv kernel or maxpool window)");
      reader.read("activation", layer.activation, "an activation name (tanh, relu, relu6, linear)");
      reader.reject_unknown();
      if (table->get("type") == nullptr) {
        input_error("{}: [{}] needs a type (dense, conv, maxpool, flatten)", origin, where);
      }
    } else {
      network.fail_node("layers", node, "an array of layer widths or layer tables");
    }
    out.stack.push_back(layer);
  }
}

/// `store_activations = { layers = [4], epochs = [1, 100] }`: arrays of positive integers.
void read_store_activations(TableReader& experiment, StoreActivationsConfig& out, const std::string& origin) {
  const toml::node* node = experiment.take("store_activations");
  if (node == nullptr) return;
  const toml::table* table = node->as_table();
  if (table == nullptr) {
    experiment.fail_node("store_activations", *node,
                         "a table { layers = [L, ...], epochs = [E, ...] }, e.g. { layers = [4], epochs = [1, 100] }");
  }
  TableReader reader(table, "experiment.store_activations", origin);
  auto read_indices = [&](std::string_view key, std::vector<std::size_t>& values, std::string_view what) {
    const toml::node* list = reader.take(key);
    if (list == nullptr) {
      input_error("{}: [experiment].store_activations needs {} = [...] ({})", origin, key, what);
    }
    const toml::array* array = list->as_array();
    if (array == nullptr) reader.fail_node(key, *list, fmt::format("a non-empty array of {}", what));
    values.clear();
    for (std::size_t i = 0; i < array->size(); ++i) {
      const auto v = (*array)[i].value_exact<std::int64_t>();
      if (!v || *v <= 0) {
        std::ostringstream got;
        (*array)[i].visit([&got](const auto& value) { got << value; });
        input_error("{}: [experiment].store_activations.{}[{}] must be a positive integer ({}), got {}", origin,
                    key, i, what, got.str());
      }
      values.push_back(static_cast<std::size_t>(*v));
    }
  };
  read_indices("layers", out.layers, "layer indices, 1 = the first layer");
  read_indices("epochs", out.epochs, "epochs, from 1");
  reader.reject_unknown();
}

/// `dataset = "szt" | "mnist"`, or a table `{ idx = "DIR" }`, `{ csv = "FILE", label_column = N }`.
void read_dataset(TableReader& data, DataConfig& out, const std::string& origin) {
  const toml::node* node = data.take("dataset");
  if (node == nullptr) return;
  if (const auto name = node->value_exact<std::string>()) {
    out.dataset = *name;
    return;
  }
  const toml::table* table = node->as_table();
  if (table == nullptr) {
    data.fail_node("dataset", *node, "a data set name (szt, mnist) or a table { idx = \"DIR\" } or { csv = \"FILE\" }");
  }
  TableReader reader(table, "data.dataset", origin);
  std::string idx;
  std::string csv;
  reader.read("idx", idx, "a folder of IDX files (train-images-idx3-ubyte.gz, ...)");
  reader.read("csv", csv, "a CSV file of features and a label column");
  reader.read("label_column", out.label_column, "a column index (0-based; negative counts from the end)");
  reader.reject_unknown();
  if (idx.empty() == csv.empty()) {
    input_error("{}: [data].dataset must be a table with exactly one of idx = \"DIR\" or csv = \"FILE\"", origin);
  }
  out.dataset = idx.empty() ? "csv" : "idx";
  out.path = idx.empty() ? csv : idx;
  if (table->get("label_column") != nullptr && out.dataset != "csv") {
    input_error("{}: [data.dataset].label_column applies to csv data sets only", origin);
  }
}

}  // namespace

Config parse_config(const std::string& text, const std::filesystem::path& origin_path) {
  const std::string origin = origin_path.string();
  toml::table root;
  try {
    root = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    input_error("{}:{}:{}: invalid TOML: {}", origin, where.line, where.column, e.description());
  }
  Config config;
  config.source = origin_path;

  TableReader(&root, "", origin).read("name", config.name, "a string");
  TableReader data(section(root, "data", origin), "data", origin);
  read_dataset(data, config.data, origin);
  data.read("labels", config.data.labels, "a path to a labels file");
  data.read("test_fraction", config.data.test_fraction, "a number in [0, 1)");
  data.read("split_seed", config.data.split_seed, "a non-negative integer");
  data.read("subset", config.data.subset, "a non-negative integer (0 = all samples)");
  data.reject_unknown();
  // Keys that are valid but do nothing with this data set: said, not rejected.
  const auto given = [&](const char* key) { return root["data"][key].node() != nullptr; };
  const bool official_split = config.data.dataset == "mnist" || config.data.dataset == "idx";
  for (const char* key : {"test_fraction", "split_seed"}) {
    if (official_split && given(key)) {
      config.warnings.push_back(fmt::format("{}: [data].{} has no effect with dataset \"{}\": it has an official "
                                            "train/test split",
                                            origin, key, config.data.dataset));
    }
  }
  if (config.data.dataset != "szt" && given("labels")) {
    config.warnings.push_back(fmt::format("{}: [data].labels has no effect with dataset \"{}\": it replaces the "
                                          "SZT labels only",
                                          origin, config.data.dataset));
  }

  TableReader network(section(root, "network", origin), "network", origin);
  network.read("architecture", config.network.architecture,
               "a network name (bottleneck-2, bottleneck-4, hourglass, 4x10, conv)");
  const toml::node* layers_node = network.take("layers");
  if (layers_node != nullptr && layers_node->is_array() && !is_width_array(*layers_node->as_array())) {
    read_stack(network, *layers_node->as_array(), config.network, origin);
  } else {
    network.read_widths("layers", config.network.layers);
  }
  const bool activation_given = network.take("activation") != nullptr;
  network.read("activation", config.network.activation, "an activation name (tanh, relu, relu6, linear)");
  network.reject_unknown();
  if (!config.network.architecture.empty()) {
    if (layers_node != nullptr) {
      input_error("{}: [network].layers and [network].architecture exclude each other; give one", origin);
    }
    if (!apply_architecture(config.network)) {
      input_error("{}: [network].architecture must be one of: {}, got '{}'", origin, k_architectures,
                  config.network.architecture);
    }
    if (!activation_given) config.network.activation = "relu";
  }

  TableReader quant(section(root, "quantization", origin), "quantization", origin);
  quant.read("bits", config.quantization.bits, "an integer in [2, 16] or 32");
  quant.read("range", config.quantization.range, "\"epoch\" or \"reference\"");
  quant.read("weight_bits", config.quantization.weight_bits, "0 or an integer in [2, 16]");
  quant.reject_unknown();

  TableReader training(section(root, "training", origin), "training", origin);
  training.read("epochs", config.training.epochs, "a positive integer");
  training.read("prefit_epochs", config.training.prefit_epochs, "a non-negative integer");
  training.read("batch_size", config.training.batch_size, "a positive integer");
  training.read("learning_rate", config.training.adam.learning_rate, "a positive number");
  training.read("beta1", config.training.adam.beta1, "a number in [0, 1)");
  training.read("beta2", config.training.adam.beta2, "a number in [0, 1)");
  training.read("epsilon", config.training.adam.epsilon, "a positive number");
  training.reject_unknown();

  TableReader experiment(section(root, "experiment", origin), "experiment", origin);
  experiment.read("repetitions", config.experiment.repetitions, "a positive integer");
  experiment.read("seed", config.experiment.seed, "a non-negative integer");
  experiment.read("threads", config.experiment.threads, "a non-negative integer (0 = all cores)");
  experiment.read("mi_every", config.experiment.mi_every, "a positive integer");
  experiment.read("restart_below", config.experiment.restart_below, "an accuracy in [0, 1]");
  experiment.read("restart_from_epoch", config.experiment.restart_from_epoch, "a non-negative integer");
  experiment.read("max_restarts", config.experiment.max_restarts, "a non-negative integer");
  experiment.read_strings("estimators", config.experiment.estimators,
                          "an array of estimator specs, e.g. [\"exact\", \"binning:30\"]");
  read_store_activations(experiment, config.experiment.store_activations, origin);
  experiment.reject_unknown();

  // Top level: name plus the sections.
  for (const auto& [key, node] : root) {
    const std::string_view k = key.str();
    if (k != "name" && k != "data" && k != "network" && k != "quantization" && k != "training" &&
        k != "experiment") {
      input_error("{}: unknown key '{}' at the top level; valid keys: name, [data], [network], "
                  "[quantization], [training], [experiment]", origin, k);
    }
  }
  validate(config);
  return config;
}

Config load_config(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) input_error("{}: cannot open the config file", path.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_config(ss.str(), path);
}

void validate(const Config& c) {
  const std::string origin = c.source.empty() ? std::string("config") : c.source.string();
  auto bad = [&](std::string_view key, std::string_view expected, const auto& got) {
    input_error("{}: {} must be {}, got {}", origin, key, expected, got);
  };
  if (c.data.dataset != "szt" && c.data.dataset != "mnist" && c.data.dataset != "idx" && c.data.dataset != "csv") {
    bad("[data].dataset", "one of: szt, mnist, { idx = \"DIR\" }, { csv = \"FILE\" }", fmt::format("'{}'", c.data.dataset));
  }
  if ((c.data.dataset == "idx" || c.data.dataset == "csv") && c.data.path.empty()) {
    bad("[data].dataset", fmt::format("a non-empty {} path", c.data.dataset), "''");
  }
  if (!(c.data.test_fraction >= 0.0 && c.data.test_fraction < 1.0)) bad("[data].test_fraction", "in [0, 1)", c.data.test_fraction);
  if (c.network.layers.empty() && c.network.stack.empty()) bad("[network].layers", "a non-empty array of hidden layer widths", "[]");
  for (std::size_t i = 0; i < c.network.stack.size(); ++i) {
    const LayerConfig& layer = c.network.stack[i];
    const std::string key = fmt::format("[network].layers[{}]", i);
    if (layer.type == "dense") {
      if (layer.units == 0 || layer.units > 65536) bad(key + ".units", "in [1, 65536] for a dense layer", layer.units);
    } else if (layer.type == "conv") {
      if (layer.units == 0 || layer.units > 4096) bad(key + ".units", "in [1, 4096] (output channels) for a conv layer", layer.units);
      if (layer.size == 0 || layer.size > 64) bad(key + ".size", "in [1, 64] (kernel size) for a conv layer", layer.size);
    } else if (layer.type == "maxpool") {
      if (layer.size == 0 || layer.size > 64) bad(key + ".size", "in [1, 64] (window) for a maxpool layer", layer.size);
    } else if (layer.type != "flatten") {
      bad(key + ".type", "one of: dense, conv, maxpool, flatten", fmt::format("'{}'", layer.type));
    }
    nn::Activation layer_activation{};
    if (!layer.activation.empty() &&
        (!nn::parse_activation(layer.activation, layer_activation) || layer_activation == nn::Activation::Softmax)) {
      bad(key + ".activation", "one of: tanh, relu, relu6, linear", fmt::format("'{}'", layer.activation));
    }
  }
  for (std::size_t i = 0; i < c.network.layers.size(); ++i) {
    if (c.network.layers[i] == 0 || c.network.layers[i] > 65536) {
      bad(fmt::format("[network].layers[{}]", i), "in [1, 65536]", c.network.layers[i]);
    }
  }
  nn::Activation activation{};
  if (!nn::parse_activation(c.network.activation, activation) || activation == nn::Activation::Softmax) {
    bad("[network].activation", "one of: tanh, relu, relu6, linear", fmt::format("'{}'", c.network.activation));
  }
  if (!((c.quantization.bits >= 2 && c.quantization.bits <= 16) || c.quantization.bits == nn::k_unquantized_bits)) {
    bad("[quantization].bits", "in [2, 16], or 32 for an unquantized network", c.quantization.bits);
  }
  if (c.quantization.range != "epoch" && c.quantization.range != "reference") {
    bad("[quantization].range", "one of: epoch, reference", fmt::format("'{}'", c.quantization.range));
  }
  if (c.quantization.weight_bits != 0 && (c.quantization.weight_bits < 2 || c.quantization.weight_bits > 16)) {
    bad("[quantization].weight_bits", "0 (float weights) or in [2, 16]", c.quantization.weight_bits);
  }
  if (c.training.epochs == 0 || c.training.epochs > 10'000'000) bad("[training].epochs", "in [1, 10000000]", c.training.epochs);
  if (c.training.prefit_epochs > 10'000'000) bad("[training].prefit_epochs", "in [0, 10000000]", c.training.prefit_epochs);
  if (c.training.batch_size == 0) bad("[training].batch_size", "a positive integer", c.training.batch_size);
  if (!(c.training.adam.learning_rate > 0.0 && c.training.adam.learning_rate < 10.0)) bad("[training].learning_rate", "in (0, 10)", c.training.adam.learning_rate);
  if (!(c.training.adam.beta1 >= 0.0 && c.training.adam.beta1 < 1.0)) bad("[training].beta1", "in [0, 1)", c.training.adam.beta1);
  if (!(c.training.adam.beta2 >= 0.0 && c.training.adam.beta2 < 1.0)) bad("[training].beta2", "in [0, 1)", c.training.adam.beta2);
  if (!(c.training.adam.epsilon > 0.0)) bad("[training].epsilon", "a positive number", c.training.adam.epsilon);
  if (c.experiment.repetitions == 0 || c.experiment.repetitions > 100000) bad("[experiment].repetitions", "in [1, 100000]", c.experiment.repetitions);
  if (c.experiment.threads > 4096) bad("[experiment].threads", "in [0, 4096] (0 = all cores)", c.experiment.threads);
  if (c.experiment.mi_every == 0) bad("[experiment].mi_every", "a positive integer", c.experiment.mi_every);
  if (!(c.experiment.restart_below >= 0.0 && c.experiment.restart_below <= 1.0)) bad("[experiment].restart_below", "in [0, 1]", c.experiment.restart_below);
  if (c.experiment.max_restarts > 1000) bad("[experiment].max_restarts", "in [0, 1000]", c.experiment.max_restarts);
  if (c.experiment.estimators.empty()) bad("[experiment].estimators", "a non-empty array of estimator specs", "[]");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < c.experiment.estimators.size(); ++i) {
    const std::string& spec = c.experiment.estimators[i];
    std::string name = "exact";
    if (spec != "exact") {
      try {
        const auto estimator = info::make_estimator(spec);
        for (const std::string& hidden : c.hidden_activations()) estimator->check_activation(hidden);
        estimator->check_activation("softmax");
        name = estimator->canonical_name();
      } catch (const InputError& e) {
        input_error("{}: [experiment].estimators[{}]: {}", origin, i, e.what());
      }
    }
    if (!seen.insert(name).second) {
      bad(fmt::format("[experiment].estimators[{}]", i), "listed once", fmt::format("'{}' again", spec));
    }
  }
  const StoreActivationsConfig& store = c.experiment.store_activations;
  if (!store.layers.empty() || !store.epochs.empty()) {
    if (store.layers.empty()) bad("[experiment].store_activations.layers", "a non-empty array of layer indices", "[]");
    if (store.epochs.empty()) bad("[experiment].store_activations.epochs", "a non-empty array of epochs", "[]");
  }
  const std::size_t n_plane = c.n_plane_layers();
  for (std::size_t i = 0; i < store.layers.size(); ++i) {
    const std::string key = fmt::format("[experiment].store_activations.layers[{}]", i);
    if (store.layers[i] == 0 || store.layers[i] > n_plane) {
      bad(key, fmt::format("a layer index in [1, {}] (the network's layers, the output last)", n_plane), store.layers[i]);
    }
    if (std::find(store.layers.begin(), store.layers.begin() + static_cast<std::ptrdiff_t>(i), store.layers[i]) !=
        store.layers.begin() + static_cast<std::ptrdiff_t>(i)) {
      bad(key, "listed once", fmt::format("{} again", store.layers[i]));
    }
  }
  for (std::size_t i = 0; i < store.epochs.size(); ++i) {
    const std::string key = fmt::format("[experiment].store_activations.epochs[{}]", i);
    if (store.epochs[i] == 0 || store.epochs[i] > c.total_epochs()) {
      bad(key,
          fmt::format("an epoch in [1, {}] ({})", c.total_epochs(),
                      c.training.prefit_epochs > 0 ? "[training].prefit_epochs + epochs" : "[training].epochs"),
          store.epochs[i]);
    }
    if (i > 0 && store.epochs[i] <= store.epochs[i - 1]) {
      bad(key, fmt::format("greater than the epoch before it ({}): epochs ascending, each once", store.epochs[i - 1]),
          store.epochs[i]);
    }
  }
}

std::size_t Config::n_plane_layers() const {
  if (network.stack.empty()) return network.layers.size() + 1;
  const auto flatten = static_cast<std::size_t>(std::count_if(
      network.stack.begin(), network.stack.end(), [](const LayerConfig& l) { return l.type == "flatten"; }));
  return network.stack.size() - flatten + 1;
}

nn::NetworkSpec Config::network_spec(std::size_t n_inputs, std::size_t n_classes,
                                     const std::vector<std::size_t>& image_shape) const {
  nn::NetworkSpec spec;
  spec.n_inputs = n_inputs;
  nn::Activation hidden{};
  IP_CHECK(nn::parse_activation(network.activation, hidden));
  if (network.stack.empty()) {
    for (const std::size_t width : network.layers) spec.layers.push_back({width, hidden});
  } else {
    for (const LayerConfig& layer : network.stack) {
      nn::LayerSpec l;
      l.width = layer.units;
      l.kernel = layer.size;
      l.activation = hidden;
      if (!layer.activation.empty()) IP_CHECK(nn::parse_activation(layer.activation, l.activation));
      l.kind = layer.type == "conv"      ? nn::LayerKind::Conv2D
               : layer.type == "maxpool" ? nn::LayerKind::MaxPool2D
               : layer.type == "flatten" ? nn::LayerKind::Flatten
                                         : nn::LayerKind::Dense;
      spec.layers.push_back(l);
    }
  }
  spec.layers.push_back({n_classes, nn::Activation::Softmax});
  const std::string origin = source.empty() ? std::string("config") : source.string();
  const bool spatial = std::any_of(spec.layers.begin(), spec.layers.end(), [](const nn::LayerSpec& l) {
    return l.kind == nn::LayerKind::Conv2D || l.kind == nn::LayerKind::MaxPool2D;
  });
  if (spatial) {
    if (image_shape.size() == 3) {
      spec.input_shape = {image_shape[0], image_shape[1], image_shape[2]};
    } else {
      // Plain features: a square number of them is taken as one channel of a square image.
      const auto side = static_cast<std::size_t>(std::llround(std::sqrt(static_cast<double>(n_inputs))));
      if (side * side != n_inputs) {
        input_error("{}: [network].layers: conv and maxpool layers need image data (mnist, an IDX data set, "
                    "or a square number of features); the data set has {} features", origin, n_inputs);
      }
      spec.input_shape = {1, side, side};
    }
  }
  try {
    nn::layer_shapes(spec);
  } catch (const InputError& e) {
    input_error("{}: [network].{}", origin, e.what());
  }
  return spec;
}

nlohmann::json plane_layers_json(const nn::NetworkSpec& spec) {
  using nlohmann::json;
  json layers = json::array();
  layers.push_back({{"index", 0}, {"name", "input"}, {"width", spec.n_inputs}, {"activation", "input"}});
  const std::vector<nn::MapShape> shapes = nn::layer_shapes(spec);
  std::size_t index = 0;
  std::string carried = "linear";
  for (std::size_t l = 0; l < spec.layers.size(); ++l) {
    const nn::LayerSpec& layer = spec.layers[l];
    const bool parameters = layer.kind == nn::LayerKind::Dense || layer.kind == nn::LayerKind::Conv2D;
    if (parameters) carried = std::string(nn::to_string(layer.activation));
    if (!nn::is_plane_layer(layer.kind)) continue;
    const bool output = l + 1 == spec.layers.size();
    json entry{{"index", ++index},
               {"name", output ? std::string("output") : fmt::format("{}{}", nn::to_string(layer.kind), l + 1)},
               {"width", shapes[l].size()},
               {"activation", carried}};
    if (layer.kind == nn::LayerKind::Conv2D || layer.kind == nn::LayerKind::MaxPool2D) {
      entry["shape"] = {shapes[l].channels, shapes[l].height, shapes[l].width};
    }
    layers.push_back(entry);
  }
  return layers;
}

std::vector<std::string> Config::hidden_activations() const {
  std::vector<std::string> names{network.activation};
  for (const LayerConfig& layer : network.stack) {
    if (!layer.activation.empty() && std::find(names.begin(), names.end(), layer.activation) == names.end()) {
      names.push_back(layer.activation);
    }
  }
  return names;
}

nn::QuantSpec Config::quant_spec() const {
  nn::QuantSpec spec;
  spec.bits = quantization.bits;
  spec.rule = quantization.range == "reference" ? nn::RangeRule::Reference : nn::RangeRule::Epoch;
  spec.weight_bits = quantization.weight_bits;
  return spec;
}

std::vector<std::string> Config::estimator_names() const {
  std::vector<std::string> names;
  for (const std::string& spec : experiment.estimators) {
    if (spec == "exact") {
      names.push_back(quantization.bits == nn::k_unquantized_bits ? "exact:levels=2^32" : "exact");
    } else {
      names.push_back(info::make_estimator(spec)->canonical_name());
    }
  }
  return names;
}

nlohmann::json Config::to_json() const {
  using nlohmann::json;
  json j{
      {"name", name},
      {"data", {{"dataset", data.dataset}, {"labels", data.labels}, {"test_fraction", data.test_fraction},
                {"split_seed", data.split_seed}}},
      {"network", {{"layers", network.layers}, {"activation", network.activation}}},
      {"quantization", {{"bits", quantization.bits}, {"range", quantization.range},
                        {"weight_bits", quantization.weight_bits}}},
      {"training", {{"epochs", training.epochs}, {"batch_size", training.batch_size},
                    {"learning_rate", training.adam.learning_rate}, {"beta1", training.adam.beta1},
                    {"beta2", training.adam.beta2}, {"epsilon", training.adam.epsilon}}},
      {"experiment", {{"repetitions", experiment.repetitions}, {"seed", experiment.seed},
                      {"threads", experiment.threads}, {"mi_every", experiment.mi_every},
                      {"restart_below", experiment.restart_below},
                      {"restart_from_epoch", experiment.restart_from_epoch},
                      {"max_restarts", experiment.max_restarts},
                      {"estimators", experiment.estimators}}},
  };
  if (!network.architecture.empty()) j["network"]["architecture"] = network.architecture;
  if (!network.stack.empty()) {
    json stack = json::array();
    for (const LayerConfig& layer : network.stack) {
      json l{{"type", layer.type}};
      if (layer.units > 0) l["units"] = layer.units;
      if (layer.size > 0) l["size"] = layer.size;
      if (!layer.activation.empty()) l["activation"] = layer.activation;
      stack.push_back(l);
    }
    j["network"]["layers"] = stack;
  }
  if (data.dataset == "idx" || data.dataset == "csv") j["data"]["dataset"] = json{{data.dataset, data.path}};
  if (data.dataset == "csv") j["data"]["dataset"]["label_column"] = data.label_column;
  if (data.subset > 0) j["data"]["subset"] = data.subset;
  // Only when set: the config records of runs without them stay as they were.
  if (training.prefit_epochs > 0) j["training"]["prefit_epochs"] = training.prefit_epochs;
  if (experiment.store_activations.enabled()) {
    j["experiment"]["store_activations"] = {{"layers", experiment.store_activations.layers},
                                            {"epochs", experiment.store_activations.epochs}};
  }
  return j;
}

}  // namespace infoplane::experiment
