/// @brief The chunked evaluation pass against the full path on MNIST networks: input
/// states read from pixel bytes or from floats, wide layers' codes packed one or two
/// bytes each (4, 8 and 12 bits), and the captured activations.
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "infoplane/data/mnist.h"
#include "infoplane/data/table.h"
#include "infoplane/experiment/config.h"
#include "infoplane/experiment/evaluation.h"
#include "infoplane/experiment/runner.h"
#include "infoplane/random.h"

namespace infoplane::experiment {
namespace {

TEST(ChunkedEvaluation, EqualsTheFullPathWithPackedCodesBytesOrFloatsAndCapture) {
  data::Dataset with_bytes = data::load_mnist();
  data::take_subset(with_bytes, 300);  // 300 states: two full chunks of 128 and a partial one
  ASSERT_EQ(with_bytes.x_bytes.size(), static_cast<std::size_t>(with_bytes.x.size()));
  data::Dataset floats_only = with_bytes;
  floats_only.x_bytes.clear();
  for (const auto& [architecture, bits] : {std::pair<std::string, int>{"conv", 12}, {"conv", 4}, {"bottleneck-2", 12},
                                           {"4x10", 8}}) {
    for (const data::Dataset* d : {&with_bytes, &floats_only}) {
      Config c = parse_config("[data]\ndataset = \"mnist\"\n[network]\narchitecture = \"" + architecture + "\"\n",
                              "net.toml");
      c.quantization.bits = bits;
      Rng rng(4);
      nn::Network<float> net(c.network_spec(784, 10, d->image_shape), c.quant_spec(), 256, rng);
      Evaluator fast(*d), full(*d);
      EpochTrainer trainer(*d, 64);
      for (int epoch = 0; epoch < 2; ++epoch) {
        trainer.train_epoch(net, c.training.adam, rng);
        const Evaluation& a = fast.evaluate(net, true, true);
        const Evaluation& b = full.evaluate_full(net, true, true);
        const std::string where = architecture + " bits " + std::to_string(bits) +
                                  (d == &with_bytes ? " bytes" : " floats") + " epoch " + std::to_string(epoch);
        ASSERT_EQ(a.layers.size(), b.layers.size()) << where;
        for (std::size_t l = 0; l < a.layers.size(); ++l) {
          EXPECT_EQ(a.layers[l].i_xt, b.layers[l].i_xt) << where << " layer " << l;
          EXPECT_EQ(a.layers[l].i_ty, b.layers[l].i_ty) << where << " layer " << l;
          EXPECT_EQ(a.layers[l].n_states, b.layers[l].n_states) << where << " layer " << l;
          EXPECT_EQ(a.layers[l].min, b.layers[l].min) << where << " layer " << l;
          EXPECT_EQ(a.layers[l].max, b.layers[l].max) << where << " layer " << l;
        }
        ASSERT_EQ(a.activations.size(), b.activations.size()) << where;
        for (std::size_t l = 1; l < a.activations.size(); ++l) {
          EXPECT_EQ(a.activations[l], b.activations[l]) << where << " layer " << l;
        }
        EXPECT_EQ(a.train_accuracy, b.train_accuracy) << where;
        EXPECT_EQ(a.test_accuracy, b.test_accuracy) << where;
      }
    }
  }
}

}  // namespace
}  // namespace infoplane::experiment
