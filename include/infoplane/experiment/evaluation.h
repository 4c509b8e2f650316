/// @brief The evaluation pass: every sample through the quantized network, the exact
/// information of every layer, and the accuracies.
///
/// Fast path (quantized network, epoch range rule): a layer's quantized output is a
/// function of the previous layer's state, so each layer forwards only the distinct states
/// of the layer before it and maps the samples' state ids through. The data-processing
/// inequality then holds exactly by construction, and deep layers cost almost nothing.
/// Full path (reference range rule, or an unquantized network): all samples through every
/// layer, in chunks, and each layer's states counted on their own, as the reference code
/// does.
///
/// Information-plane layers: every dense, convolution and max-pooling layer (the latter's
/// state is a function of the convolution's before it, so the data-processing inequality
/// holds through it too); a flatten layer is not one, its state being its input's. A
/// max-pooling layer's codes are those of its values on the grid of the layer before it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "infoplane/data/dataset.h"
#include "infoplane/info/entropy.h"
#include "infoplane/nn/network.h"

namespace infoplane::experiment {

/// Information measures of one layer at one evaluation, in bits.
struct LayerInfo {
  double i_xt = 0.0;  ///< I(X;T) = H(T) (T is a function of the distinct inputs)
  double i_ty = 0.0;  ///< I(T;Y)
  std::size_t n_states = 0;
  float min = 0.0f;   ///< smallest / largest activation value over the data (before quantization)
  float max = 0.0f;
  nn::Activation activation = nn::Activation::Linear;  ///< of the layer (carried through pooling)
};

struct Evaluation {
  std::vector<LayerInfo> layers;  ///< index 0 is the input X, then one per information-plane layer
  double train_accuracy = 0.0;
  double test_accuracy = 0.0;
  /// With `capture`: each layer's activations before quantization, per sample
  /// (n_samples x width, row-major); index l >= 1 as in `layers`, index 0 stays empty.
  std::vector<std::vector<float>> activations;
};

/// Runs evaluation passes of one data set; keeps its buffers between epochs.
class Evaluator {
 public:
  /// `n_chunks` is the number of chunks of the full path's forward pass (the reference code
  /// uses 10, which gives tanh layers a range per chunk under the reference rule).
  explicit Evaluator(const data::Dataset& dataset, std::size_t n_chunks = 10);

  /// Evaluates `network` as it is now. With `with_info` false only the accuracies (and the
  /// ranges) are filled. The returned reference is valid until the next call.
  const Evaluation& evaluate(const nn::Network<float>& network, bool with_info,
                             bool capture = false);

  /// The full path whatever the rule (for tests: on a quantized epoch-rule network it must
  /// give the same result as the fast path).
  const Evaluation& evaluate_full(const nn::Network<float>& network, bool with_info,
                                  bool capture = false);

  /// Information of the input layer (constant, computed once).
  const LayerInfo& input_info() const { return m_input; }

 private:
  void finish_accuracy(const std::vector<std::uint32_t>& predicted);
  /// Empty result rows for the network's information-plane layers, the input's filled in.
  void reset_result(const std::vector<nn::Layer<float>>& layers, bool capture);

  const data::Dataset& m_data;
  std::size_t m_n_chunks;
  LayerInfo m_input;
  std::vector<std::uint32_t> m_input_ids;   // per sample, state of X
  std::vector<std::uint32_t> m_input_reps;  // first sample of each input state
  // Distinct input rows, built on first use: features x states for a first conv or
  // pooling layer, or tiles of k_input_tile states (features x 16 each, contiguous, zero
  // padded) for a first dense layer, whose product then streams through memory in order.
  std::vector<float> m_input_states;
  std::vector<float> m_input_tiles;
  std::vector<float> m_tile_z;
  const std::vector<float>& input_states();
  const std::vector<float>& input_tiles();
  std::vector<info::StateCounter> m_counters;  // one per layer: each keeps its table shape
  std::vector<std::uint32_t> m_scratch;
  Evaluation m_result;
  // Buffers of the fast path.
  std::vector<float> m_states, m_z, m_a, m_q, m_softmax_scratch, m_best;
  std::vector<std::uint32_t> m_codes_t, m_codes, m_local_ids, m_ids, m_reps, m_predicted, m_state_class;
};

/// The same product in the features x samples layout: x is d_in x n, z is d_out x n (each
/// a row per feature); element (j, r) is accumulated in exactly the order of
/// dense_forward_rows, so both give identical values (hand-written hot kernel).
void dense_forward_columns(const float* x, std::size_t n, std::size_t d_in, const float* w,
                           const float* b, std::size_t d_out, float* z);

/// z = x W + b for n rows (x: n x d_in, W: d_in x d_out, both row-major), each element
/// accumulated in the same order whatever the row's position (hand-written hot kernel).
void dense_forward_rows(const float* x, std::size_t n, std::size_t d_in, const float* w,
                        const float* b, std::size_t d_out, float* z);

}  // namespace infoplane::experiment
