/// @brief The evaluation pass: every sample through the quantized network, the exact
/// information of every layer, and the accuracies.
///
/// Fast path (quantized network, epoch range rule): a layer's quantized output is a
/// function of the previous layer's state, so each layer forwards only the distinct states
/// of the layer before it and maps the samples' state ids through. The data-processing
/// inequality then holds exactly by construction, and deep layers cost almost nothing.
/// Each layer runs over its input states in chunks of 128 (product, activation,
/// quantization, codes), and keeps per state only its codes (packed several to a word for
/// wide layers) or, for max pooling, its values; the next layer rebuilds its input chunks
/// from those. A wide convolution's pass thus needs its codes, not copies of its values.
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
  // Distinct input rows, built on first use, in chunks of k_chunk states: chunk t (states
  // t k_chunk ..) is a features x states matrix of its own (one row per feature), so that
  // every layer reads one chunk at a time, contiguously. Kept as the pixel bytes when the
  // data set has them (converted per chunk), else as float.
  std::vector<float> m_input_states;
  std::vector<std::uint8_t> m_input_bytes;
  bool input_as_bytes() const;
  void build_input_states();
  /// How a layer's distinct states are kept for the next layer: the quantizer's codes
  /// (its values are lo + code step), or for max pooling the values themselves (pooled
  /// values on the grid of the layer before), in a row for each of the layer's inputs.
  struct Stored {
    enum Kind { Input, Codes, Values } kind = Input;
    nn::QuantGrid grid;
    std::size_t words = 0;       // Codes: 32-bit words per row
    std::size_t code_bytes = 4;  // Codes: 1 or 2 when packed in the words (wide layers)
  };
  std::vector<info::StateCounter> m_counters;  // one per layer: each keeps its table shape
  std::vector<std::uint32_t> m_scratch;
  Evaluation m_result;
  // Buffers of the fast path: one chunk (m_in, m_z, m_a, m_q, m_codes_t), or one row per
  // input state of a layer (codes, pooled values) for this layer and the previous one.
  std::vector<float> m_in, m_z, m_a, m_q, m_values, m_prev_values, m_softmax_scratch, m_best;
  std::vector<std::uint32_t> m_codes_t, m_codes, m_prev_codes, m_local_ids, m_ids, m_reps, m_prev_reps,
      m_predicted, m_state_class, m_sample_start, m_sample_order;
  std::vector<const std::uint8_t*> m_row_ptrs;
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
