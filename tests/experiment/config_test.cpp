/// @brief Config parsing and validation: defaults, shipped experiments, error messages.
#include "infoplane/experiment/config.h"

#include <gtest/gtest.h>

#include "infoplane/common.h"

namespace infoplane::experiment {
namespace {

std::string error_of(const std::string& toml) {
  try {
    parse_config(toml, "test.toml");
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(Config, ShippedExperimentsParse) {
  const Config tanh = load_config(std::filesystem::path(INFOPLANE_DATA_DIR) / ".." / "experiments" / "szt-tanh-8bit.toml");
  EXPECT_EQ(tanh.name, "szt-tanh-8bit");
  EXPECT_EQ(tanh.network.activation, "tanh");
  EXPECT_EQ(tanh.training.epochs, 8000U);
  EXPECT_EQ(tanh.experiment.repetitions, 50U);
  EXPECT_EQ(tanh.quantization.bits, 8);
  const Config relu = load_config(std::filesystem::path(INFOPLANE_DATA_DIR) / ".." / "experiments" / "szt-relu-8bit.toml");
  EXPECT_EQ(relu.network.activation, "relu");
  const nn::NetworkSpec spec = relu.network_spec(12, 2);
  ASSERT_EQ(spec.layers.size(), 6U);
  EXPECT_EQ(spec.layers.back().activation, nn::Activation::Softmax);
  EXPECT_EQ(spec.layers[0].activation, nn::Activation::Relu);
}

TEST(Config, EmptyFileGivesThePaperDefaults) {
  const Config c = parse_config("", "empty.toml");
  EXPECT_EQ(c.network.layers, (std::vector<std::size_t>{10, 7, 5, 4, 3}));
  EXPECT_DOUBLE_EQ(c.training.adam.learning_rate, 1e-4);
  EXPECT_DOUBLE_EQ(c.training.adam.epsilon, 1e-7);
  EXPECT_EQ(c.training.batch_size, 256U);
  EXPECT_EQ(c.data.split_seed, 1000U);
  EXPECT_EQ(c.total_epochs(), 8000U);
  // Unset options stay out of the record, so older runs' configs still compare equal.
  EXPECT_FALSE(c.to_json()["training"].contains("prefit_epochs"));
}

TEST(Config, KeysWithoutEffectAreSaid) {
  const Config mnist = parse_config("[data]\ndataset = \"mnist\"\ntest_fraction = 0.3\nlabels = \"y.txt\"\n", "m.toml");
  ASSERT_EQ(mnist.warnings.size(), 2U);
  EXPECT_EQ(mnist.warnings[0],
            "m.toml: [data].test_fraction has no effect with dataset \"mnist\": it has an official train/test split");
  EXPECT_EQ(mnist.warnings[1], "m.toml: [data].labels has no effect with dataset \"mnist\": it replaces the SZT "
                               "labels only");
  EXPECT_TRUE(parse_config("[data]\ntest_fraction = 0.3\n", "szt.toml").warnings.empty());
}

TEST(Config, PrefittingAddsItsEpochsBeforeTraining) {
  const Config c = parse_config("[training]\nepochs = 8000\nprefit_epochs = 1000\n", "prefit.toml");
  EXPECT_EQ(c.training.prefit_epochs, 1000U);
  EXPECT_EQ(c.total_epochs(), 9000U);
  EXPECT_EQ(c.to_json()["training"]["prefit_epochs"], 1000);
  EXPECT_EQ(error_of("[training]\nprefit_epochs = -1\n"),
            "test.toml: [training].prefit_epochs must be a non-negative integer, got integer -1");
}

TEST(Config, ErrorsNameFileKeyAndExpectedValue) {
  EXPECT_EQ(error_of("[quantization]\nbits = 0\n"),
            "test.toml: [quantization].bits must be in [2, 16], or 32 for an unquantized network, got 0");
  EXPECT_EQ(error_of("[training]\nepochs = \"many\"\n"),
            "test.toml: [training].epochs must be a positive integer, got string 'many'");
  EXPECT_EQ(error_of("[training]\nlearning_rate = -1.0\n"),
            "test.toml: [training].learning_rate must be in (0, 10), got -1");
  EXPECT_EQ(error_of("[network]\nactivation = \"sigmoid\"\n"),
            "test.toml: [network].activation must be one of: tanh, relu, relu6, linear, got 'sigmoid'");
  EXPECT_EQ(error_of("[network]\nlayers = [10, 0]\n"),
            "test.toml: [network].layers[1] must be a positive integer (a layer width), got integer 0");
  EXPECT_EQ(error_of("[data]\ndataset = \"cifar\"\n"),
            "test.toml: [data].dataset must be one of: szt, mnist, { idx = \"DIR\" }, { csv = \"FILE\" }, "
            "got 'cifar'");
  EXPECT_EQ(error_of("[experiment]\nrepetitions = 0\n"),
            "test.toml: [experiment].repetitions must be in [1, 100000], got 0");
}

TEST(Config, UnknownKeysAreRejectedWithTheValidOnes) {
  EXPECT_EQ(error_of("[training]\nepoch = 5\n"),
            "test.toml: unknown key 'epoch' in [training]; valid keys: batch_size, beta1, beta2, "
            "epochs, epsilon, learning_rate, prefit_epochs");
  EXPECT_NE(error_of("colour = 1\n").find("unknown key 'colour' at the top level"), std::string::npos);
}

TEST(Config, MalformedTomlGivesLineAndColumn) {
  const std::string e = error_of("[training\nepochs = 5\n");
  EXPECT_EQ(e.rfind("test.toml:1:", 0), 0U) << e;
  EXPECT_NE(e.find("invalid TOML"), std::string::npos) << e;
}

}  // namespace
}  // namespace infoplane::experiment
