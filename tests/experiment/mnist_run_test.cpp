/// @brief MNIST experiments: the shipped configs, layer stacks in the config, a short
/// Bottleneck-2 run on a subset with the data-processing inequality at every epoch, and the
/// fast evaluation path against the full one on convolution networks.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "infoplane/common.h"
#include "infoplane/data/mnist.h"
#include "infoplane/data/table.h"
#include "infoplane/experiment/config.h"
#include "infoplane/experiment/evaluation.h"
#include "infoplane/experiment/runner.h"
#include "infoplane/random.h"
#include "../cli/run_cli.h"

namespace infoplane::experiment {
namespace {

namespace fs = std::filesystem;

fs::path experiments_dir() { return fs::path(INFOPLANE_FIXTURES).parent_path().parent_path() / "experiments"; }

/// The data set is loaded once for all tests (0.4 s).
const data::Dataset& mnist() {
  static const data::Dataset d = data::load_mnist();
  return d;
}

data::Dataset mnist_subset(std::size_t n) {
  data::Dataset d = mnist();
  data::take_subset(d, n);
  return d;
}

TEST(MnistConfigs, ShippedConfigsGiveThePapersNetworks) {
  struct Case {
    const char* file;
    std::vector<std::size_t> widths;  // information-plane layer widths
  };
  for (const Case& c : {Case{"mnist-bottleneck2-8bit.toml", {16, 8, 4, 2, 10}},
                        Case{"mnist-bottleneck4-8bit.toml", {16, 12, 8, 4, 10}},
                        Case{"mnist-hourglass-8bit.toml", {16, 8, 4, 2, 4, 8, 10}},
                        Case{"mnist-4x10-8bit.toml", {10, 10, 10, 10, 10}},
                        Case{"mnist-conv-8bit.toml", {2 * 26 * 26, 2 * 13 * 13, 2 * 11 * 11, 2 * 5 * 5, 16, 10}}}) {
    const Config config = load_config(experiments_dir() / c.file);
    EXPECT_EQ(config.data.dataset, "mnist") << c.file;
    EXPECT_EQ(config.network.activation, "relu") << c.file;
    EXPECT_EQ(config.training.epochs, 3000U) << c.file;
    EXPECT_EQ(config.experiment.repetitions, 20U) << c.file;
    const nn::NetworkSpec spec = config.network_spec(784, 10, {1, 28, 28});
    const nlohmann::json layers = plane_layers_json(spec);
    ASSERT_EQ(layers.size(), c.widths.size() + 1) << c.file;
    for (std::size_t l = 0; l < c.widths.size(); ++l) {
      EXPECT_EQ(layers[l + 1]["width"].get<std::size_t>(), c.widths[l]) << c.file << " layer " << l + 1;
      EXPECT_EQ(layers[l + 1]["activation"], l + 1 == c.widths.size() ? "softmax" : "relu");
    }
  }
  const Config conv = load_config(experiments_dir() / "mnist-conv-8bit.toml");
  Config named = parse_config("[data]\ndataset = \"mnist\"\n[network]\narchitecture = \"conv\"\n", "named.toml");
  EXPECT_EQ(plane_layers_json(named.network_spec(784, 10, {1, 28, 28})),
            plane_layers_json(conv.network_spec(784, 10, {1, 28, 28})));
  EXPECT_EQ(plane_layers_json(conv.network_spec(784, 10, {1, 28, 28}))[2]["name"], "maxpool2");
}

TEST(MnistConfigs, DataSetsAndLayerTablesAreValidated) {
  auto error = [](const std::string& text) {
    try {
      parse_config(text, "bad.toml");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error("[data]\ndataset = \"cifar\"\n").find("[data].dataset must be one of: szt, mnist"), std::string::npos);
  EXPECT_NE(error("[data]\ndataset = { idx = \"a\", csv = \"b\" }\n").find("exactly one of"), std::string::npos);
  EXPECT_NE(error("[data]\ndataset = { idx = \"a\", label_column = 1 }\n").find("csv data sets only"), std::string::npos);
  EXPECT_NE(error("[network]\narchitecture = \"resnet\"\n").find("bottleneck-2, bottleneck-4, hourglass, 4x10, conv"),
            std::string::npos);
  EXPECT_NE(error("[network]\narchitecture = \"4x10\"\nlayers = [3]\n").find("exclude each other"), std::string::npos);
  EXPECT_NE(error("[network]\nlayers = [{ type = \"conv\", units = 2 }]\n").find("[network].layers[0].size must be in [1, 64]"),
            std::string::npos);
  EXPECT_NE(error("[network]\nlayers = [{ type = \"pool\", size = 2 }]\n").find("one of: dense, conv, maxpool, flatten"),
            std::string::npos);
  EXPECT_NE(error("[network]\nlayers = [{ type = \"dense\", units = 4, stride = 2 }]\n").find("unknown key 'stride'"),
            std::string::npos);
  EXPECT_NE(error("[network]\nlayers = [{ units = 4 }]\n").find("needs a type"), std::string::npos);

  const Config csv = parse_config("[data]\ndataset = { csv = \"my.csv\", label_column = 0 }\nsubset = 500\n"
                                  "[network]\nlayers = [8, { type = \"dense\", units = 4, activation = \"tanh\" }]\n"
                                  "activation = \"relu\"\n",
                                  "csv.toml");
  EXPECT_EQ(csv.data.dataset, "csv");
  EXPECT_EQ(csv.data.path, "my.csv");
  EXPECT_EQ(csv.data.label_column, 0);
  EXPECT_EQ(csv.data.subset, 500U);
  const nn::NetworkSpec spec = csv.network_spec(5, 3);
  ASSERT_EQ(spec.layers.size(), 3U);
  EXPECT_EQ(spec.layers[0].activation, nn::Activation::Relu);
  EXPECT_EQ(spec.layers[1].activation, nn::Activation::Tanh);
  EXPECT_EQ(csv.to_json()["data"]["dataset"]["csv"], "my.csv");
  // Conv layers on plain features: a square count is an image, others are errors.
  const Config conv = parse_config("[network]\narchitecture = \"conv\"\n", "c.toml");
  EXPECT_EQ(conv.network_spec(784, 10).input_shape.height, 28U);
  EXPECT_THROW(conv.network_spec(12, 2), InputError);
  // Dense configs keep their JSON record.
  const Config szt = parse_config("", "szt.toml");
  EXPECT_FALSE(szt.to_json()["network"].contains("architecture"));
  EXPECT_EQ(szt.to_json()["network"]["layers"], nlohmann::json({10, 7, 5, 4, 3}));
}

/// Checks the data-processing inequality and the bounds at every evaluated epoch.
void expect_dpi(const RepetitionResult& r, std::size_t n_layers, double h_x, double h_y) {
  ASSERT_EQ(r.mi.size() % n_layers, 0U);
  for (std::size_t k = 0; k < r.mi.size(); k += n_layers) {
    EXPECT_DOUBLE_EQ(r.mi[k].i_xt, h_x);
    EXPECT_NEAR(r.mi[k].i_ty, h_y, 1e-9);
    for (std::size_t l = 1; l < n_layers; ++l) {
      const MiRow& prev = r.mi[k + l - 1];
      const MiRow& row = r.mi[k + l];
      EXPECT_LE(row.i_xt, prev.i_xt + 1e-12) << "epoch " << row.epoch << " layer " << l;
      EXPECT_LE(row.i_ty, prev.i_ty + 1e-12) << "epoch " << row.epoch << " layer " << l;
      EXPECT_LE(row.i_ty, row.i_xt + 1e-12);
      EXPECT_GE(row.i_ty, -1e-12);
    }
  }
}

TEST(MnistRun, Bottleneck2OnASubsetKeepsTheDataProcessingInequalityAtEveryEpoch) {
  Config c = parse_config("[data]\ndataset = \"mnist\"\nsubset = 2000\n[network]\narchitecture = \"bottleneck-2\"\n"
                          "[training]\nepochs = 20\nlearning_rate = 1e-3\n[experiment]\nrepetitions = 1\n",
                          "b2.toml");
  const data::Dataset d = mnist_subset(2000);
  ASSERT_EQ(d.train.size(), 1714U);
  const RepetitionResult r = run_repetition(c, d, 0);
  ASSERT_TRUE(r.ok) << r.message;
  ASSERT_EQ(r.accuracy.size(), 20U);
  ASSERT_EQ(r.mi.size(), 20U * 6U);
  expect_dpi(r, 6, std::log2(2000.0), data::label_entropy_bits(d));
  EXPECT_LT(r.accuracy.back().train_loss, r.accuracy.front().train_loss);
  EXPECT_GT(r.accuracy.back().train_accuracy, 0.3);
  // The 2-unit bottleneck at 8 bits has at most 2^16 states; the output is below it.
  EXPECT_LE(r.mi[4].i_xt, 16.0);
}

TEST(MnistRun, FastEvaluationEqualsTheFullPathOnConvAndDenseNetworks) {
  const data::Dataset d = mnist_subset(401);  // 401 states: a partial tile of the input
  for (const auto& [architecture, bits] : {std::pair<std::string, int>{"conv", 8}, {"conv", 4}, {"bottleneck-2", 8},
                                           {"hourglass", 4}}) {
    Config c = parse_config("[data]\ndataset = \"mnist\"\n[network]\narchitecture = \"" + architecture + "\"\n",
                            "net.toml");
    c.quantization.bits = bits;
    Rng rng(21);
    nn::Network<float> net(c.network_spec(784, 10, d.image_shape), c.quant_spec(), 256, rng);
    Evaluator fast(d), full(d);
    EpochTrainer trainer(d, 256);
    for (int epoch = 0; epoch < 3; ++epoch) {
      trainer.train_epoch(net, c.training.adam, rng);
      const Evaluation& a = fast.evaluate(net, true);
      const Evaluation& b = full.evaluate_full(net, true);
      ASSERT_EQ(a.layers.size(), b.layers.size());
      ASSERT_EQ(a.layers.size(), architecture == "hourglass" ? 8U : architecture == "conv" ? 7U : 6U);
      for (std::size_t l = 0; l < a.layers.size(); ++l) {
        EXPECT_EQ(a.layers[l].i_xt, b.layers[l].i_xt) << architecture << " bits " << bits << " layer " << l;
        EXPECT_EQ(a.layers[l].i_ty, b.layers[l].i_ty) << architecture << " bits " << bits << " layer " << l;
        EXPECT_EQ(a.layers[l].n_states, b.layers[l].n_states);
        EXPECT_EQ(a.layers[l].min, b.layers[l].min);
        EXPECT_EQ(a.layers[l].max, b.layers[l].max);
        if (l > 0) {
          EXPECT_LE(a.layers[l].i_xt, a.layers[l - 1].i_xt + 1e-12);
          EXPECT_LE(a.layers[l].i_ty, a.layers[l - 1].i_ty + 1e-12);
        }
      }
      EXPECT_EQ(a.train_accuracy, b.train_accuracy);
      EXPECT_EQ(a.test_accuracy, b.test_accuracy);
    }
  }
}

TEST(MnistCli, ConvRunOnASubsetWritesThePlaneLayersAndExactRows) {
  const fs::path dir = fs::temp_directory_path() / ("infoplane-mnist-cli-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  {
    std::ofstream config(dir / "conv.toml");
    config << "name = \"conv\"\n[data]\ndataset = \"mnist\"\nsubset = 300\n[network]\narchitecture = \"conv\"\n"
              "[training]\nepochs = 2\n[experiment]\nrepetitions = 1\n";
  }
  const testing::CliResult r =
      testing::run_cli("run " + (dir / "conv.toml").string() + " --out " + (dir / "run").string() + " --no-plot");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json manifest = nlohmann::json::parse(testing::slurp(dir / "run" / "manifest.json"));
  const nlohmann::json& layers = manifest.at("layers");
  ASSERT_EQ(layers.size(), 7U);
  EXPECT_EQ(layers[1]["name"], "conv1");
  EXPECT_EQ(layers[1]["shape"], nlohmann::json({2, 26, 26}));
  EXPECT_EQ(layers[4]["width"], 50);
  EXPECT_EQ(layers[6]["name"], "output");
  // 2 epochs x 7 layers of exact rows, after the header.
  const std::string mi = testing::slurp(dir / "run" / "mi.csv");
  EXPECT_EQ(std::count(mi.begin(), mi.end(), '\n'), 1 + 2 * 7);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace infoplane::experiment
