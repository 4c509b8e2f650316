/// @brief Quantization-aware network: initialisation, forward/backward, loss, Adam.
#include "infoplane/nn/network.h"

#include <algorithm>
#include <cmath>

#include "infoplane/common.h"
#include "infoplane/nn/dense.h"
#include "infoplane/nn/pool.h"

namespace infoplane::nn {

std::string_view to_string(Activation activation) {
  switch (activation) {
    case Activation::Linear: return "linear";
    case Activation::Tanh: return "tanh";
    case Activation::Relu: return "relu";
    case Activation::Relu6: return "relu6";
    case Activation::Softmax: return "softmax";
  }
  return "?";
}

std::string_view to_string(LayerKind kind) {
  switch (kind) {
    case LayerKind::Dense: return "dense";
    case LayerKind::Conv2D: return "conv";
    case LayerKind::MaxPool2D: return "maxpool";
    case LayerKind::Flatten: return "flatten";
  }
  return "?";
}

std::vector<MapShape> layer_shapes(const NetworkSpec& spec) {
  MapShape shape = spec.input_shape;
  if (shape.size() == 0) shape = {spec.n_inputs, 1, 1};
  IP_CHECK(shape.size() == spec.n_inputs, "input shape {}x{}x{} for {} inputs", shape.channels,
           shape.height, shape.width, spec.n_inputs);
  std::vector<MapShape> shapes;
  for (std::size_t l = 0; l < spec.layers.size(); ++l) {
    const LayerSpec& layer = spec.layers[l];
    switch (layer.kind) {
      case LayerKind::Dense:
        shape = {layer.width, 1, 1};
        break;
      case LayerKind::Conv2D:
        if (layer.kernel == 0 || layer.kernel > shape.height || layer.kernel > shape.width) {
          input_error("layers[{}]: a {}x{} convolution does not fit its {}x{}x{} input", l, layer.kernel,
                      layer.kernel, shape.channels, shape.height, shape.width);
        }
        shape = conv2d_output(shape, layer.width, layer.kernel);
        break;
      case LayerKind::MaxPool2D:
        if (layer.kernel == 0 || layer.kernel > shape.height || layer.kernel > shape.width) {
          input_error("layers[{}]: a {}x{} max pooling window does not fit its {}x{}x{} input", l,
                      layer.kernel, layer.kernel, shape.channels, shape.height, shape.width);
        }
        shape = maxpool_output(shape, layer.kernel);
        break;
      case LayerKind::Flatten:
        shape = {shape.size(), 1, 1};
        break;
    }
    if (shape.size() == 0) input_error("layers[{}]: the layer has no outputs", l);
    shapes.push_back(shape);
  }
  return shapes;
}

bool parse_activation(std::string_view name, Activation& activation) {
  for (const Activation a : {Activation::Linear, Activation::Tanh, Activation::Relu,
                             Activation::Relu6, Activation::Softmax}) {
    if (name == to_string(a)) {
      activation = a;
      return true;
    }
  }
  return false;
}

namespace {

constexpr float k_ema_decay = 0.999f;

/// Truncated normal (mean 0, given std), values beyond 2 std redrawn (Keras TruncatedNormal).
double truncated_normal(Rng& rng, double stddev) {
  for (;;) {
    const double z = rng.normal();
    if (std::fabs(z) <= 2.0) return z * stddev;
  }
}

bool uses_moving_average(Activation activation) {
  return activation == Activation::Relu || activation == Activation::Relu6 ||
         activation == Activation::Softmax;
}

}  // namespace

template <typename S>
S cross_entropy(const S* p, std::span<const std::uint32_t> labels, std::size_t n,
                std::size_t width, S* grad) {
  constexpr S k_eps = S(1e-7);
  const S inv_n = S(1) / static_cast<S>(n);
  S total = 0;
  for (std::size_t r = 0; r < n; ++r) {
    S sum = 0;
    for (std::size_t j = 0; j < width; ++j) sum += p[j * n + r];
    sum = std::max(sum, k_eps);
    const std::uint32_t y = labels[r];
    const S ratio = p[y * n + r] / sum;
    const S clipped = std::min(std::max(ratio, k_eps), S(1) - k_eps);
    total -= std::log(clipped);
    // d(-log r_y)/dp_k = -(1/r_y) (delta_ky - r_y) / sum, zero where the clip is active.
    const S d_ratio = (ratio > k_eps && ratio < S(1) - k_eps) ? -inv_n / ratio : S(0);
    for (std::size_t j = 0; j < width; ++j) grad[j * n + r] = -d_ratio * ratio / sum;
    grad[y * n + r] += d_ratio / sum;
  }
  return total * inv_n;
}

namespace {

// Hand-written kernels of the training step (hot loops), features x samples layout.

template <typename S>
S sum(const S* a, std::size_t n) {
  constexpr std::size_t k_lanes = 16;
  S acc[k_lanes] = {};
  std::size_t r = 0;
  for (; r + k_lanes <= n; r += k_lanes) {
    for (std::size_t k = 0; k < k_lanes; ++k) acc[k] += a[r + k];
  }
  S total = 0;
  for (std::size_t k = 0; k < k_lanes; ++k) total += acc[k];
  for (; r < n; ++r) total += a[r];
  return total;
}

/// gw (d_in x d_out) = x g^T, gb = row sums of g, and, when g_in is given,
/// g_in (d_in x n) = W g.
template <typename S>
void dense_backward(const S* x, const S* g, std::size_t n, std::size_t d_in, const S* w,
                    std::size_t d_out, S* gw, S* gb, S* g_in) {
  dense_weight_gradient(x, g, n, d_in, d_out, gw);
  for (std::size_t j = 0; j < d_out; ++j) gb[j] = sum(g + j * n, n);
  if (g_in == nullptr) return;
  for (std::size_t i = 0; i < d_in; ++i) {
    S* gi = g_in + i * n;
    std::fill(gi, gi + n, S(0));
    for (std::size_t j = 0; j < d_out; ++j) {
      const S wij = w[i * d_out + j];
      const S* gj = g + j * n;
      for (std::size_t r = 0; r < n; ++r) gi[r] += wij * gj[r];
    }
  }
}

}  // namespace

template <typename S>
Network<S>::Network(const NetworkSpec& spec, const QuantSpec& quant, std::size_t max_batch,
                    Rng& rng)
    : m_n_inputs(spec.n_inputs), m_quant(quant), m_max_batch(max_batch) {
  IP_CHECK(spec.n_inputs > 0 && !spec.layers.empty());
  const std::vector<MapShape> shapes = layer_shapes(spec);
  MapShape in_shape = spec.input_shape.size() == 0 ? MapShape{spec.n_inputs, 1, 1} : spec.input_shape;
  Activation carried = Activation::Linear;
  for (std::size_t l = 0; l < spec.layers.size(); ++l) {
    const LayerSpec& layer_spec = spec.layers[l];
    Layer<S> layer;
    layer.kind = layer_spec.kind;
    layer.in_shape = in_shape;
    layer.out_shape = shapes[l];
    layer.n_in = in_shape.size();
    layer.n_out = shapes[l].size();
    layer.kernel = layer_spec.kernel;
    layer.activation = layer.has_parameters() ? layer_spec.activation : carried;
    carried = layer.activation;
    if (layer.has_parameters()) {
      if (quant.quantized()) {
        layer.weight_bits = quant.weight_bits;
        if (quant.rule == RangeRule::Reference && uses_moving_average(layer.activation)) {
          layer.weight_bits = quant.bits;
        }
      }
      const bool conv = layer.kind == LayerKind::Conv2D;
      const auto in = static_cast<Eigen::Index>(conv ? in_shape.channels * layer.kernel * layer.kernel : layer.n_in);
      const auto out = static_cast<Eigen::Index>(layer_spec.width);
      layer.w.resize(in, out);
      // std 1/sqrt(width of the layer's output): units, or channels of a convolution.
      const double stddev = 1.0 / std::sqrt(static_cast<double>(layer_spec.width));
      for (Eigen::Index i = 0; i < in; ++i) {
        for (Eigen::Index j = 0; j < out; ++j) layer.w(i, j) = static_cast<S>(truncated_normal(rng, stddev));
      }
      layer.b = RowVector<S>::Zero(out);
      layer.gw = Matrix<S>::Zero(in, out);
      layer.m_w = Matrix<S>::Zero(in, out);
      layer.v_w = Matrix<S>::Zero(in, out);
      layer.gb = RowVector<S>::Zero(out);
      layer.m_b = RowVector<S>::Zero(out);
      layer.v_b = RowVector<S>::Zero(out);
      layer.wq = layer.w;
      layer.z.resize(max_batch * layer.n_out);
      layer.a.resize(max_batch * layer.n_out);
    }
    if (layer.kind == LayerKind::MaxPool2D) layer.arg.resize(max_batch * layer.n_out);
    layer.q.resize(max_batch * layer.n_out);
    layer.g.resize(max_batch * layer.n_out);
    m_layers.push_back(std::move(layer));
    in_shape = shapes[l];
  }
}

template <typename S>
void Network<S>::begin_epoch() {
  for (Layer<S>& layer : m_layers) layer.epoch_seen = false;
}

template <typename S>
void Network<S>::quantize_weights(Layer<S>& layer) {
  const S lo = std::min(layer.w.minCoeff(), S(0));
  const S hi = std::max(layer.w.maxCoeff(), S(0));
  layer.weight_grid = make_grid(static_cast<float>(lo), static_cast<float>(hi), layer.weight_bits, true);
  quantize(layer.w.data(), layer.wq.data(), nullptr, static_cast<std::size_t>(layer.w.size()),
           layer.weight_grid);
}

template <typename S>
void Network<S>::quantize_output(Layer<S>& layer, std::size_t n) {
  const std::size_t count = n * layer.n_out;
  const S* a = layer.a.data();
  S* q = layer.q.data();
  if (!m_quant.quantized()) {
    std::copy(a, a + count, q);
    return;
  }
  const auto [a_lo, a_hi] = value_range(a, count);
  const float batch_lo = static_cast<float>(a_lo);
  const float batch_hi = static_cast<float>(a_hi);
  if (m_quant.rule == RangeRule::Epoch) {
    layer.epoch_lo = layer.epoch_seen ? std::min(layer.epoch_lo, batch_lo) : batch_lo;
    layer.epoch_hi = layer.epoch_seen ? std::max(layer.epoch_hi, batch_hi) : batch_hi;
    layer.epoch_seen = true;
    layer.grid = make_grid(layer.epoch_lo, layer.epoch_hi, m_quant.bits, false);
  } else if (uses_moving_average(layer.activation)) {
    layer.ema_lo = layer.ema_lo * k_ema_decay + std::min(batch_lo, 0.0f) * (1.0f - k_ema_decay);
    layer.ema_hi = layer.ema_hi * k_ema_decay + std::max(batch_hi, 0.0f) * (1.0f - k_ema_decay);
    layer.grid = make_grid(layer.ema_lo, layer.ema_hi, m_quant.bits, true);
  } else {
    layer.grid = make_grid(batch_lo, batch_hi, m_quant.bits, true);
  }
  quantize(a, q, nullptr, count, layer.grid);
}

template <typename S>
S Network<S>::forward_backward(const S* x, std::span<const std::uint32_t> labels, std::size_t n) {
  IP_CHECK(labels.size() >= n && n <= m_max_batch && n > 0);
  for (std::size_t l = 0; l < m_layers.size(); ++l) {
    Layer<S>& layer = m_layers[l];
    const S* input = l == 0 ? x : m_layers[l - 1].q.data();
    switch (layer.kind) {
      case LayerKind::Dense:
      case LayerKind::Conv2D:
        if (layer.weight_bits > 0) quantize_weights(layer);
        if (layer.kind == LayerKind::Dense) {
          dense_forward(input, n, layer.n_in, layer.forward_weights().data(), layer.b.data(),
                        layer.n_out, layer.z.data());
        } else {
          conv2d_forward(input, n, layer.in_shape, layer.forward_weights().data(), layer.b.data(),
                         layer.out_shape.channels, layer.kernel, layer.z.data());
        }
        if (layer.activation == Activation::Softmax) {
          softmax_columns(layer.z.data(), layer.a.data(), n, layer.n_out, m_scratch);
        } else {
          activate(layer.activation, layer.z.data(), layer.a.data(), n * layer.n_out, 1);
        }
        quantize_output(layer, n);
        break;
      case LayerKind::MaxPool2D:
        maxpool_forward(input, n, layer.in_shape, layer.kernel, layer.q.data(), layer.arg.data());
        break;
      case LayerKind::Flatten:
        flatten_forward(input, n * layer.n_in, layer.q.data());
        break;
    }
  }

  Layer<S>& out = m_layers.back();
  const S loss = cross_entropy(out.q.data(), labels, n, out.n_out, out.g.data());
  for (std::size_t l = m_layers.size(); l-- > 0;) {
    Layer<S>& layer = m_layers[l];
    const std::size_t count = n * layer.n_out;
    S* g = layer.g.data();
    S* g_in = l == 0 ? nullptr : m_layers[l - 1].g.data();
    if (layer.kind == LayerKind::MaxPool2D) {
      if (g_in != nullptr) maxpool_backward(g, layer.arg.data(), n, layer.in_shape, layer.kernel, g_in);
      continue;
    }
    if (layer.kind == LayerKind::Flatten) {
      if (g_in != nullptr) flatten_forward(g, count, g_in);
      continue;
    }
    if (m_quant.quantized() && m_quant.rule == RangeRule::Reference) {
      quantize_backward(layer.a.data(), g, count, layer.grid);
    }
    if (layer.activation == Activation::Softmax) {
      softmax_columns_backward(layer.a.data(), g, n, layer.n_out, m_scratch);
    } else {
      activate_backward(layer.activation, layer.z.data(), layer.a.data(), g, count, 1);
    }
    const S* input = l == 0 ? x : m_layers[l - 1].q.data();
    if (layer.kind == LayerKind::Dense) {
      dense_backward(input, g, n, layer.n_in, layer.forward_weights().data(), layer.n_out,
                     layer.gw.data(), layer.gb.data(), g_in);
    } else {
      conv2d_backward(input, g, n, layer.in_shape, layer.forward_weights().data(),
                      layer.out_shape.channels, layer.kernel, layer.gw.data(), layer.gb.data(), g_in);
    }
  }
  return loss;
}

template <typename S>
void Network<S>::adam_step(const AdamSpec& adam) {
  ++m_step;
  const double t = static_cast<double>(m_step);
  const S lr_t = static_cast<S>(adam.learning_rate * std::sqrt(1.0 - std::pow(adam.beta2, t)) /
                                (1.0 - std::pow(adam.beta1, t)));
  const S b1 = static_cast<S>(adam.beta1);
  const S b2 = static_cast<S>(adam.beta2);
  const S eps = static_cast<S>(adam.epsilon);
  auto update = [&](auto& param, const auto& grad, auto& m, auto& v) {
    m.array() = b1 * m.array() + (S(1) - b1) * grad.array();
    v.array() = b2 * v.array() + (S(1) - b2) * grad.array().square();
    param.array() -= lr_t * m.array() / (v.array().sqrt() + eps);
  };
  for (Layer<S>& layer : m_layers) {
    if (!layer.has_parameters()) continue;
    update(layer.w, layer.gw, layer.m_w, layer.v_w);
    update(layer.b, layer.gb, layer.m_b, layer.v_b);
  }
}

template <typename S>
QuantGrid Network<S>::evaluation_grid(std::size_t l) const {
  while (l > 0 && !m_layers.at(l).has_parameters()) --l;
  const Layer<S>& layer = m_layers.at(l);
  IP_CHECK(layer.has_parameters(), "no quantizing layer at or before layer {}", l);
  if (m_quant.rule == RangeRule::Epoch) {
    return make_grid(layer.epoch_lo, layer.epoch_hi, m_quant.bits, false);
  }
  IP_CHECK(uses_moving_average(layer.activation), "layer {} has its range from the data", l);
  return make_grid(layer.ema_lo, layer.ema_hi, m_quant.bits, true);
}

template <typename S>
std::size_t Network<S>::n_parameters() const {
  std::size_t n = 0;
  for (const Layer<S>& layer : m_layers) n += static_cast<std::size_t>(layer.w.size() + layer.b.size());
  return n;
}

template <typename S>
std::vector<S> Network<S>::parameters() const {
  std::vector<S> out;
  out.reserve(n_parameters());
  for (const Layer<S>& layer : m_layers) {
    out.insert(out.end(), layer.w.data(), layer.w.data() + layer.w.size());
    out.insert(out.end(), layer.b.data(), layer.b.data() + layer.b.size());
  }
  return out;
}

template <typename S>
void Network<S>::set_parameters(std::span<const S> values) {
  IP_CHECK(values.size() == n_parameters());
  std::size_t at = 0;
  for (Layer<S>& layer : m_layers) {
    std::copy_n(values.data() + at, layer.w.size(), layer.w.data());
    at += static_cast<std::size_t>(layer.w.size());
    std::copy_n(values.data() + at, layer.b.size(), layer.b.data());
    at += static_cast<std::size_t>(layer.b.size());
  }
}

template <typename S>
std::vector<S> Network<S>::gradients() const {
  std::vector<S> out;
  out.reserve(n_parameters());
  for (const Layer<S>& layer : m_layers) {
    out.insert(out.end(), layer.gw.data(), layer.gw.data() + layer.gw.size());
    out.insert(out.end(), layer.gb.data(), layer.gb.data() + layer.gb.size());
  }
  return out;
}

template class Network<float>;
template class Network<double>;
template float cross_entropy<float>(const float*, std::span<const std::uint32_t>, std::size_t,
                                    std::size_t, float*);
template double cross_entropy<double>(const double*, std::span<const std::uint32_t>, std::size_t,
                                      std::size_t, double*);

}  // namespace infoplane::nn
