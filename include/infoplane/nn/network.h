/// @brief A feed-forward network of dense, convolution, max-pooling and flatten layers with
/// k-bit quantization-aware training.
///
/// A dense layer computes z = x W + b (W: n_in x n_out, row-major), a = f(z), and passes
/// q = quantize(a) to the next layer; a convolution layer does the same with z = conv(x, W)
/// + b (nn/conv2d.h). Max pooling passes the window maxima of its (already quantized) input
/// on, flatten its input unchanged (nn/pool.h): neither has parameters or a quantizer.
/// Trained with softmax cross-entropy and Adam.
/// Batch layout: features x samples, each feature one contiguous row of n samples, so that
/// the hand-written kernels run over rows of the batch length (256) whatever the tiny layer
/// widths (2..12); Eigen's GEMM on these shapes is dominated by packing overhead.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "infoplane/nn/activation.h"
#include "infoplane/nn/conv2d.h"
#include "infoplane/nn/quantizer.h"
#include "infoplane/random.h"

namespace infoplane::nn {

template <typename S>
using Matrix = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <typename S>
using RowVector = Eigen::Matrix<S, 1, Eigen::Dynamic>;

/// How a layer's quantization range [lo, hi] is chosen.
enum class RangeRule {
  /// The paper's text: min/max of the layer's output tracked over the epoch. Training batch
  /// b of an epoch uses the running min/max of batches 1..b; the evaluation pass after the
  /// epoch uses the min/max over all of the epoch's batches.
  Epoch,
  /// The reference TensorFlow code: relu/softmax layers use moving averages (decay 0.999,
  /// start [-6, 6], widened to include 0) of the batch min/max and k-bit weights; tanh
  /// layers use the current batch's (or evaluation chunk's) min/max; ranges nudged so
  /// that 0 is a level.
  Reference,
};

enum class LayerKind { Dense, Conv2D, MaxPool2D, Flatten };

/// "dense", "conv", "maxpool", "flatten".
std::string_view to_string(LayerKind kind);

struct LayerSpec {
  std::size_t width = 0;  ///< dense: units; conv: output channels; others: unused
  Activation activation = Activation::Tanh;  ///< dense and conv layers
  LayerKind kind = LayerKind::Dense;
  std::size_t kernel = 0;  ///< conv: k of the k x k kernel; maxpool: the window (and stride)
};

struct NetworkSpec {
  std::size_t n_inputs = 0;
  std::vector<LayerSpec> layers;  ///< the last one is the output layer
  /// The input as a feature map (needed by conv and maxpool layers); all 0: n_inputs x 1 x 1.
  MapShape input_shape{0, 0, 0};
};

/// Number of features each layer of `spec` outputs, with the feature map shapes; throws
/// InputError when a kernel or window does not fit its input ("layers[i]: ...").
std::vector<MapShape> layer_shapes(const NetworkSpec& spec);

/// Whether layer l of a network is an information-plane layer: every layer except
/// flatten, whose state is its input's state with the features renamed.
inline bool is_plane_layer(LayerKind kind) { return kind != LayerKind::Flatten; }

struct QuantSpec {
  int bits = 8;         ///< 2..16, or k_unquantized_bits for a float network
  RangeRule rule = RangeRule::Epoch;
  int weight_bits = 0;  ///< 0 = weights not quantized (the reference rule sets its own)
  bool quantized() const { return bits != k_unquantized_bits; }
};

/// Adam as in Keras/TensorFlow: lr_t = lr sqrt(1 - b2^t) / (1 - b1^t),
/// w -= lr_t m / (sqrt(v) + epsilon).
struct AdamSpec {
  double learning_rate = 1e-4;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-7;
};

/// One layer: parameters, optimiser state, quantizer state and batch buffers.
template <typename S>
struct Layer {
  LayerKind kind = LayerKind::Dense;
  std::size_t n_in = 0;   ///< features per sample coming in
  std::size_t n_out = 0;  ///< features per sample going out
  MapShape in_shape;      ///< conv / maxpool: the input map (dense: n_in x 1 x 1)
  MapShape out_shape;
  std::size_t kernel = 0;
  /// Dense and conv: the activation applied. Maxpool and flatten apply none; they carry
  /// the activation of the layer that produced their input (for estimators' bounds).
  Activation activation = Activation::Tanh;
  int weight_bits = 0;  ///< 0 = float weights

  /// Dense: n_in x n_out; conv: (c_in k k) x c_out; none for maxpool and flatten.
  Matrix<S> w, gw, m_w, v_w;
  RowVector<S> b, gb, m_b, v_b;  ///< 1 x units (dense) or channels (conv)
  Matrix<S> wq;                  ///< quantized weights used by the forward pass (weight_bits > 0)
  QuantGrid weight_grid;

  // Quantizer state of the output.
  float epoch_lo = 0, epoch_hi = 0;  ///< range over the epoch's batches so far
  bool epoch_seen = false;
  float ema_lo = -6, ema_hi = 6;     ///< reference rule's moving averages
  QuantGrid grid;                    ///< grid of the latest training batch

  // Batch buffers, n_out x n (features x samples, contiguous) for the current batch of n.
  std::vector<S> z, a, q, g;
  std::vector<std::uint32_t> arg;  ///< maxpool: input feature of each maximum

  const Matrix<S>& forward_weights() const { return weight_bits > 0 ? wq : w; }
  /// Dense and conv layers have parameters and quantize their output.
  bool has_parameters() const { return kind == LayerKind::Dense || kind == LayerKind::Conv2D; }
};

template <typename S>
using DenseLayer = Layer<S>;

template <typename S>
class Network {
 public:
  /// Builds the layers and draws the initial weights from `rng` (truncated normal, std
  /// 1/sqrt(n_out), cut at 2 std, redrawn beyond; biases 0), layer by layer, row-major.
  Network(const NetworkSpec& spec, const QuantSpec& quant, std::size_t max_batch, Rng& rng);

  /// Starts an epoch: the epoch rule forgets the previous epoch's range.
  void begin_epoch();

  /// Forward and backward pass on a batch of n <= max_batch samples, x given features x
  /// samples (n_inputs rows of n values); fills the gradients and returns the mean Keras
  /// categorical cross-entropy of the quantized output.
  S forward_backward(const S* x, std::span<const std::uint32_t> labels, std::size_t n);

  /// One Adam step with the current gradients.
  void adam_step(const AdamSpec& adam);

  /// forward_backward followed by adam_step; returns the batch loss.
  S train_batch(const S* x, std::span<const std::uint32_t> labels, std::size_t n,
                const AdamSpec& adam) {
    const S loss = forward_backward(x, labels, n);
    adam_step(adam);
    return loss;
  }

  /// The grid the evaluation pass uses for layer l: the epoch's range (epoch rule), the
  /// moving averages (reference rule, relu/softmax). Not defined for tanh layers under the
  /// reference rule, whose range comes from the evaluated data itself. A maxpool or
  /// flatten layer's values lie on the grid of the nearest quantizing layer before it.
  QuantGrid evaluation_grid(std::size_t l) const;

  std::vector<Layer<S>>& layers() { return m_layers; }
  const std::vector<Layer<S>>& layers() const { return m_layers; }
  const QuantSpec& quant() const { return m_quant; }
  std::size_t n_inputs() const { return m_n_inputs; }
  std::size_t n_parameters() const;

  /// Flat copies of all parameters / gradients (w then b per layer), for tests.
  std::vector<S> parameters() const;
  void set_parameters(std::span<const S> values);
  std::vector<S> gradients() const;

 private:
  void quantize_weights(Layer<S>& layer);
  void quantize_output(Layer<S>& layer, std::size_t n);

  std::size_t m_n_inputs = 0;
  QuantSpec m_quant;
  std::vector<Layer<S>> m_layers;
  std::size_t m_max_batch = 0;
  std::vector<S> m_scratch;
  std::int64_t m_step = 0;
};

extern template class Network<float>;
extern template class Network<double>;

/// Keras' categorical cross-entropy on probabilities: each sample's probabilities are
/// normalised to sum 1, clipped to [1e-7, 1 - 1e-7], and -log of the label's entry taken.
/// p and grad are width x n (features x samples). Returns the mean over the n samples and
/// writes d(mean loss)/dp into grad.
template <typename S>
S cross_entropy(const S* p, std::span<const std::uint32_t> labels, std::size_t n,
                std::size_t width, S* grad);

}  // namespace infoplane::nn
