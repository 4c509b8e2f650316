/// @brief [experiment].store_activations: validation, the values a short SZT run keeps at the
/// chosen epochs, and the activations files of the run directory.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

#include "infoplane/common.h"
#include "infoplane/experiment/config.h"
#include "infoplane/experiment/runner.h"
#include "infoplane/experiment/store.h"

namespace infoplane::experiment {
namespace {

namespace fs = std::filesystem;

std::string error_of(const std::string& toml) {
  try {
    parse_config(toml, "test.toml");
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

void expect_error(const std::string& toml, const std::string& part) {
  const std::string message = error_of(toml);
  EXPECT_NE(message.find("test.toml: "), std::string::npos) << message;
  EXPECT_NE(message.find(part), std::string::npos) << "expected '" << part << "' in: " << message;
}

TEST(StoreActivations, ParsedAndRecordedInTheConfigJson) {
  const Config c = parse_config(
      "[training]\nepochs = 3000\n[experiment]\n"
      "store_activations = { layers = [4, 2], epochs = [1, 100, 1000, 3000] }\n",
      "test.toml");
  EXPECT_EQ(c.experiment.store_activations.layers, (std::vector<std::size_t>{4, 2}));
  EXPECT_EQ(c.experiment.store_activations.epochs, (std::vector<std::size_t>{1, 100, 1000, 3000}));
  const nlohmann::json j = c.to_json();
  EXPECT_EQ(j["experiment"]["store_activations"]["layers"], nlohmann::json::array({4, 2}));
  EXPECT_EQ(j["experiment"]["store_activations"]["epochs"], nlohmann::json::array({1, 100, 1000, 3000}));
  // Unset: no key, so the records of runs without it are unchanged.
  EXPECT_FALSE(parse_config("", "test.toml").to_json()["experiment"].contains("store_activations"));
}

TEST(StoreActivations, LayerIndicesCountEveryPlaneLayerAndTheOutput) {
  // The default network: 5 hidden layers and the output.
  EXPECT_EQ(parse_config("[experiment]\nstore_activations = { layers = [6], epochs = [1] }\n", "t.toml")
                .n_plane_layers(), 6U);
  // bottleneck-2: 16, 8, 4, 2 and the output; a flatten layer is not one.
  EXPECT_EQ(parse_config("[network]\narchitecture = \"bottleneck-2\"\n", "t.toml").n_plane_layers(), 5U);
  EXPECT_EQ(parse_config("[network]\narchitecture = \"conv\"\n", "t.toml").n_plane_layers(), 6U);
}

TEST(StoreActivations, ErrorsNameFileKeyAndExpectedValue) {
  const std::string head = "[training]\nepochs = 20\n[experiment]\n";
  expect_error(head + "store_activations = { layers = [7], epochs = [1] }\n",
               "[experiment].store_activations.layers[0] must be a layer index in [1, 6] (the network's layers, "
               "the output last), got 7");
  expect_error(head + "store_activations = { layers = [0], epochs = [1] }\n",
               "[experiment].store_activations.layers[0] must be a positive integer");
  expect_error(head + "store_activations = { layers = [5, 5], epochs = [1] }\n",
               "[experiment].store_activations.layers[1] must be listed once, got 5 again");
  expect_error(head + "store_activations = { layers = [5], epochs = [1, 21] }\n",
               "[experiment].store_activations.epochs[1] must be an epoch in [1, 20] ([training].epochs), got 21");
  expect_error(head + "store_activations = { layers = [5], epochs = [10, 5] }\n",
               "[experiment].store_activations.epochs[1] must be greater than the epoch before it (10)");
  expect_error(head + "store_activations = { layers = [5], epochs = [\"last\"] }\n",
               "[experiment].store_activations.epochs[0] must be a positive integer (epochs, from 1), got 'last'");
  expect_error(head + "store_activations = { layers = [5], epochs = [] }\n",
               "[experiment].store_activations.epochs must be a non-empty array of epochs, got []");
  expect_error(head + "store_activations = { layers = [5] }\n",
               "[experiment].store_activations needs epochs = [...]");
  expect_error(head + "store_activations = { layers = 5, epochs = [1] }\n",
               "[experiment.store_activations].layers must be a non-empty array of layer indices");
  expect_error(head + "store_activations = { layers = [5], epochs = [1], every = 2 }\n",
               "unknown key 'every' in [experiment.store_activations]; valid keys: epochs, layers");
  expect_error(head + "store_activations = [5]\n",
               "[experiment].store_activations must be a table { layers = [L, ...], epochs = [E, ...] }");
  // A later --epochs override is checked too (validate runs again on the changed config).
  Config c = parse_config(head + "store_activations = { layers = [5], epochs = [1, 20] }\n", "test.toml");
  c.training.epochs = 10;
  EXPECT_THROW(validate(c), InputError);
}

TEST(StoreActivations, ShortSztRunWritesTheChosenEpochsOfTheLayer) {
  Config c = parse_config(
      "[training]\nepochs = 20\n[experiment]\nrepetitions = 1\n"
      "store_activations = { layers = [5], epochs = [1, 20] }\n",
      "test.toml");
  const data::Dataset dataset = load_dataset(c);
  const std::size_t n = dataset.n_samples();
  const RepetitionResult r = run_repetition(c, dataset, 0);
  ASSERT_TRUE(r.ok) << r.message;
  ASSERT_EQ(r.activations.size(), 2U);
  for (std::size_t k = 0; k < 2; ++k) {
    EXPECT_EQ(r.activations[k].epoch, k == 0 ? 1U : 20U);
    EXPECT_EQ(r.activations[k].layer, 5U);
    EXPECT_EQ(r.activations[k].width, 3U);  // the last hidden layer of 10-7-5-4-3
    ASSERT_EQ(r.activations[k].values.size(), n * 3);
    for (const float v : r.activations[k].values) {
      EXPECT_GE(v, -1.0f);  // tanh, before quantization
      EXPECT_LE(v, 1.0f);
    }
  }
  // The layer's range at that epoch is the range of the stored values.
  float lo = 1e9f, hi = -1e9f;
  for (const float v : r.activations[1].values) lo = std::min(lo, v), hi = std::max(hi, v);
  bool found = false;
  for (const RangeRow& row : r.ranges) {
    if (row.epoch != 20 || row.layer != 5) continue;
    EXPECT_EQ(row.min, lo);
    EXPECT_EQ(row.max, hi);
    found = true;
  }
  EXPECT_TRUE(found);
  // The same repetition without the option trains identically.
  Config plain = c;
  plain.experiment.store_activations = {};
  const RepetitionResult same = run_repetition(plain, dataset, 0);
  EXPECT_TRUE(same.activations.empty());
  ASSERT_EQ(same.accuracy.size(), r.accuracy.size());
  EXPECT_EQ(same.accuracy.back().train_loss, r.accuracy.back().train_loss);

  const fs::path dir = fs::temp_directory_path() / ("infoplane_activations_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  {
    RunStore store(dir);
    store.write_activations(r, dataset.y);
    RepetitionResult failed = r;
    failed.index = 1;
    failed.ok = false;
    store.write_activations(failed, dataset.y);  // nothing for a failed repetition
  }
  EXPECT_FALSE(fs::exists(store::activations_path(dir, 1, 5)));
  const fs::path file = store::activations_path(dir, 0, 5);
  EXPECT_EQ(file.filename().string(), "rep-000000.layer-5.csv");
  std::ifstream in(file);
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  EXPECT_EQ(line, "epoch,sample,label,v0,v1,v2");
  std::size_t rows = 0;
  while (std::getline(in, line)) {
    const std::size_t epoch = rows < n ? 1 : 20, sample = rows % n;
    std::stringstream ss(line);
    std::string field;
    std::vector<std::string> fields;
    while (std::getline(ss, field, ',')) fields.push_back(field);
    ASSERT_EQ(fields.size(), 6U) << line;
    ASSERT_EQ(fields[0], std::to_string(epoch)) << line;
    ASSERT_EQ(fields[1], std::to_string(sample)) << line;
    ASSERT_EQ(fields[2], std::to_string(dataset.y[sample])) << line;
    const std::size_t k = rows < n ? 0 : 1;
    ASSERT_NEAR(std::stof(fields[3]), r.activations[k].values[sample * 3], 1e-7) << line;
    ++rows;
  }
  EXPECT_EQ(rows, 2 * n);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace infoplane::experiment
