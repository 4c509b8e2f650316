/// @brief libFuzzer target: `parse_config` on the fuzzer's bytes as TOML text, then what
/// `infoplane run` derives from an accepted config (its JSON record, the estimator names,
/// the network for SZT's and MNIST's shapes). Anything but InputError is a bug.
///
/// Built by the `fuzz` preset and run by scripts/fuzz.sh (docs/long-runs.md).
#include <cstddef>
#include <cstdint>
#include <string>

#include "infoplane/common.h"
#include "infoplane/experiment/config.h"

namespace {

/// The network of `config` for a data set's shape; InputError when a layer does not fit.
void derive_network(const infoplane::experiment::Config& config, std::size_t n_inputs, std::size_t n_classes,
                    const std::vector<std::size_t>& image_shape) {
  try {
    const infoplane::nn::NetworkSpec spec = config.network_spec(n_inputs, n_classes, image_shape);
    (void)infoplane::experiment::plane_layers_json(spec).dump();
  } catch (const infoplane::InputError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  infoplane::experiment::Config config;
  try {
    config = infoplane::experiment::parse_config(text, "fuzz.toml");
  } catch (const infoplane::InputError&) {
    return 0;
  }
  (void)config.to_json().dump();
  (void)config.estimator_names();
  (void)config.n_plane_layers();
  (void)config.hidden_activations();
  (void)config.quant_spec();
  derive_network(config, 12, 2, {});
  derive_network(config, 784, 10, {1, 28, 28});
  return 0;
}
