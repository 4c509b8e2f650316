/// @brief Evaluation pass: forward of the data, layer codes, exact information, accuracy.
#include "infoplane/experiment/evaluation.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <tuple>

#include "infoplane/common.h"
#include "infoplane/nn/dense.h"
#include "infoplane/nn/pool.h"

namespace infoplane::experiment {

void dense_forward_rows(const float* x, std::size_t n, std::size_t d_in, const float* w,
                        const float* b, std::size_t d_out, float* z) {
  for (std::size_t r = 0; r < n; ++r) {
    float* zr = z + r * d_out;
    const float* xr = x + r * d_in;
    std::copy(b, b + d_out, zr);
    for (std::size_t i = 0; i < d_in; ++i) {
      const float xi = xr[i];
      const float* wi = w + i * d_out;
      for (std::size_t j = 0; j < d_out; ++j) zr[j] += xi * wi[j];
    }
  }
}

void dense_forward_columns(const float* x, std::size_t n, std::size_t d_in, const float* w,
                           const float* b, std::size_t d_out, float* z) {
  nn::dense_forward(x, n, d_in, w, b, d_out, z);
}

namespace {

/// First sample of each state, given ids numbered in order of first appearance.
void first_appearances(const std::vector<std::uint32_t>& ids, std::size_t n_states,
                       std::vector<std::uint32_t>& reps) {
  reps.resize(n_states);
  std::uint32_t next = 0;
  for (std::size_t i = 0; i < ids.size() && next < n_states; ++i) {
    if (ids[i] == next) reps[next++] = static_cast<std::uint32_t>(i);
  }
}

/// Index of the first largest entry, the same rule as the fast path's.
std::uint32_t argmax_row(const float* row, std::size_t width) {
  std::uint32_t best = 0;
  for (std::size_t j = 1; j < width; ++j) {
    if (row[j] > row[best]) best = static_cast<std::uint32_t>(j);
  }
  return best;
}

}  // namespace

Evaluator::Evaluator(const data::Dataset& dataset, std::size_t n_chunks)
    : m_data(dataset), m_n_chunks(std::max<std::size_t>(1, n_chunks)) {
  const std::size_t n = dataset.n_samples();
  const std::size_t d = dataset.n_features();
  // The input's states: rows of X compared bit for bit.
  std::vector<std::uint32_t> bits(n * d);
  for (std::size_t i = 0; i < n * d; ++i) bits[i] = std::bit_cast<std::uint32_t>(dataset.x.data()[i]);
  m_input_ids.resize(n);
  info::StateCounter counter;
  const std::size_t n_states = counter.assign({bits.data(), n, d}, m_input_ids);
  first_appearances(m_input_ids, n_states, m_input_reps);
  const info::DiscreteInfo info =
      info::info_from_ids(m_input_ids, n_states, dataset.y, dataset.n_classes, m_scratch);
  m_input.i_xt = info.h_t;
  m_input.i_ty = info.i_ty;
  m_input.n_states = n_states;
  m_input.min = dataset.x.minCoeff();
  m_input.max = dataset.x.maxCoeff();
}

namespace {
constexpr std::size_t k_input_tile = 16;
}  // namespace

const std::vector<float>& Evaluator::input_states() {
  if (m_input_states.empty()) {
    const std::size_t n_states = m_input_reps.size();
    const std::size_t d = m_data.n_features();
    m_input_states.resize(n_states * d);
    for (std::size_t s = 0; s < n_states; ++s) {
      const float* row = m_data.x.data() + static_cast<std::size_t>(m_input_reps[s]) * d;
      for (std::size_t f = 0; f < d; ++f) m_input_states[f * n_states + s] = row[f];
    }
  }
  return m_input_states;
}

const std::vector<float>& Evaluator::input_tiles() {
  if (m_input_tiles.empty()) {
    const std::size_t n_states = m_input_reps.size();
    const std::size_t d = m_data.n_features();
    const std::size_t n_tiles = (n_states + k_input_tile - 1) / k_input_tile;
    m_input_tiles.assign(n_tiles * d * k_input_tile, 0.0f);
    for (std::size_t s = 0; s < n_states; ++s) {
      const float* row = m_data.x.data() + static_cast<std::size_t>(m_input_reps[s]) * d;
      float* tile = m_input_tiles.data() + (s / k_input_tile) * d * k_input_tile + s % k_input_tile;
      for (std::size_t f = 0; f < d; ++f) tile[f * k_input_tile] = row[f];
    }
  }
  return m_input_tiles;
}

void Evaluator::finish_accuracy(const std::vector<std::uint32_t>& predicted) {
  auto accuracy = [&](const std::vector<std::uint32_t>& rows) {
    if (rows.empty()) return 0.0;
    std::size_t hits = 0;
    for (const std::uint32_t r : rows) hits += predicted[r] == m_data.y[r] ? 1 : 0;
    return static_cast<double>(hits) / static_cast<double>(rows.size());
  };
  m_result.train_accuracy = accuracy(m_data.train);
  m_result.test_accuracy = accuracy(m_data.test);
}

void Evaluator::reset_result(const std::vector<nn::Layer<float>>& layers, bool capture) {
  std::size_t n_plane = 0;
  for (const auto& layer : layers) n_plane += nn::is_plane_layer(layer.kind) ? 1 : 0;
  m_result.layers.assign(n_plane + 1, LayerInfo{});
  m_result.activations.resize(capture ? n_plane + 1 : 0);
  m_result.layers[0] = m_input;
}

const Evaluation& Evaluator::evaluate(const nn::Network<float>& network, bool with_info,
                                      bool capture) {
  const nn::QuantSpec& quant = network.quant();
  if (!quant.quantized() || quant.rule != nn::RangeRule::Epoch) {
    return evaluate_full(network, with_info, capture);
  }
  const std::size_t n = m_data.n_samples();
  const auto& layers = network.layers();
  reset_result(layers, capture);

  // The distinct input rows are the first states. States are kept features x states
  // (one contiguous row per feature), so every kernel below runs over long rows.
  std::size_t n_prev = m_input_reps.size();
  std::size_t width_prev = m_data.n_features();
  // The input states are read in place (not copied); a first dense layer reads them in tiles.
  const bool tiled = !layers.empty() && layers[0].kind == nn::LayerKind::Dense;
  const float* states = tiled ? input_tiles().data() : input_states().data();
  m_ids = m_input_ids;

  std::size_t p = 0;  // information-plane layer
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const nn::Layer<float>& layer = layers[l];
    if (!nn::is_plane_layer(layer.kind)) continue;  // flatten: the same states
    const std::size_t width = layer.n_out;
    const std::size_t count = n_prev * width;
    m_z.resize(count);
    m_a.resize(count);
    m_q.resize(count);
    m_codes_t.resize(count);
    m_codes.resize(count);
    m_local_ids.resize(n_prev);
    if (layer.kind == nn::LayerKind::MaxPool2D) {
      nn::maxpool_forward(states, n_prev, layer.in_shape, layer.kernel, m_a.data(), nullptr);
    } else {
      if (layer.kind == nn::LayerKind::Dense && l == 0 && tiled) {
        // Tile by tile: the same operations per element as on the untiled states.
        m_tile_z.resize(width * k_input_tile);
        for (std::size_t s0 = 0; s0 < n_prev; s0 += k_input_tile) {
          nn::dense_forward(states + s0 * width_prev, k_input_tile, width_prev, layer.forward_weights().data(),
                            layer.b.data(), width, m_tile_z.data());
          const std::size_t len = std::min(k_input_tile, n_prev - s0);
          for (std::size_t j = 0; j < width; ++j) {
            std::copy_n(m_tile_z.data() + j * k_input_tile, len, m_z.data() + j * n_prev + s0);
          }
        }
      } else if (layer.kind == nn::LayerKind::Dense) {
        dense_forward_columns(states, n_prev, width_prev, layer.forward_weights().data(),
                              layer.b.data(), width, m_z.data());
      } else {
        nn::conv2d_forward(states, n_prev, layer.in_shape, layer.forward_weights().data(),
                           layer.b.data(), layer.out_shape.channels, layer.kernel, m_z.data());
      }
      if (layer.activation == nn::Activation::Softmax) {
        nn::softmax_columns(m_z.data(), m_a.data(), n_prev, width, m_softmax_scratch);
      } else {
        nn::activate(layer.activation, m_z.data(), m_a.data(), count, 1);
      }
    }
    const nn::QuantGrid grid = network.evaluation_grid(l);
    nn::quantize(m_a.data(), m_q.data(), m_codes_t.data(), count, grid);
    // Pooled values are already on the grid: forwarded as they are.
    if (layer.kind == nn::LayerKind::MaxPool2D) std::copy(m_a.begin(), m_a.end(), m_q.begin());
    // Codes to states x features, in 32 x 32 tiles (wide conv layers: millions of codes).
    constexpr std::size_t k_tile = 32;
    for (std::size_t f0 = 0; f0 < width; f0 += k_tile) {
      const std::size_t f1 = std::min(width, f0 + k_tile);
      for (std::size_t s0 = 0; s0 < n_prev; s0 += k_tile) {
        const std::size_t s1 = std::min(n_prev, s0 + k_tile);
        for (std::size_t f = f0; f < f1; ++f) {
          const std::uint32_t* column = m_codes_t.data() + f * n_prev;
          for (std::size_t s = s0; s < s1; ++s) m_codes[s * width + f] = column[s];
        }
      }
    }
    if (m_counters.size() <= p) m_counters.resize(p + 1);
    const std::size_t n_states =
        m_counters[p].assign({m_codes.data(), n_prev, width}, m_local_ids, grid.max_code);
    ++p;
    if (capture) {
      // m_ids still holds each sample's state of the previous layer, the column of m_a.
      std::vector<float>& rows = m_result.activations[p];
      rows.resize(n * width);
      for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t f = 0; f < width; ++f) rows[i * width + f] = m_a[f * n_prev + m_ids[i]];
      }
    }
    for (std::uint32_t& id : m_ids) id = m_local_ids[id];

    LayerInfo& out = m_result.layers[p];
    std::tie(out.min, out.max) = nn::value_range(m_a.data(), count);
    out.activation = layer.activation;
    out.n_states = n_states;
    if (with_info) {
      const info::DiscreteInfo info =
          info::info_from_ids(m_ids, n_states, m_data.y, m_data.n_classes, m_scratch);
      out.i_xt = info.h_t;
      out.i_ty = info.i_ty;
    }

    // The distinct states of this layer feed the next one.
    first_appearances(m_local_ids, n_states, m_reps);
    m_states.resize(n_states * width);
    for (std::size_t f = 0; f < width; ++f) {
      const float* column = m_q.data() + f * n_prev;
      float* target = m_states.data() + f * n_states;
      for (std::size_t s = 0; s < n_states; ++s) target[s] = column[m_reps[s]];
    }
    states = m_states.data();
    n_prev = n_states;
    width_prev = width;
  }

  // Prediction per output state (first largest output), then per sample.
  m_state_class.assign(n_prev, 0);
  m_best.assign(m_states.begin(), m_states.begin() + static_cast<std::ptrdiff_t>(n_prev));
  for (std::size_t j = 1; j < width_prev; ++j) {
    const float* column = m_states.data() + j * n_prev;
    for (std::size_t s = 0; s < n_prev; ++s) {
      if (column[s] > m_best[s]) {
        m_best[s] = column[s];
        m_state_class[s] = static_cast<std::uint32_t>(j);
      }
    }
  }
  m_predicted.resize(n);
  for (std::size_t i = 0; i < n; ++i) m_predicted[i] = m_state_class[m_ids[i]];
  finish_accuracy(m_predicted);
  return m_result;
}

const Evaluation& Evaluator::evaluate_full(const nn::Network<float>& network, bool with_info,
                                           bool capture) {
  const nn::QuantSpec& quant = network.quant();
  const std::size_t n = m_data.n_samples();
  const auto& layers = network.layers();
  reset_result(layers, capture);

  std::vector<float> input(m_data.x.data(), m_data.x.data() + n * m_data.n_features());
  std::size_t width_prev = m_data.n_features();
  std::vector<float> a;
  std::vector<float> q;
  std::vector<double> levels;
  std::size_t p = 0;
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const nn::Layer<float>& layer = layers[l];
    if (!nn::is_plane_layer(layer.kind)) continue;  // flatten: the same values, rows unchanged
    const std::size_t width = layer.n_out;
    a.resize(n * width);
    q.resize(n * width);
    m_codes.resize(n * width);
    m_z.resize(n * width);
    const bool pool = layer.kind == nn::LayerKind::MaxPool2D;
    if (pool) {
      nn::maxpool_forward_naive(input.data(), n, layer.in_shape, layer.kernel, a.data());
    } else {
      if (layer.kind == nn::LayerKind::Dense) {
        dense_forward_rows(input.data(), n, width_prev, layer.forward_weights().data(), layer.b.data(),
                           width, m_z.data());
      } else {
        nn::conv2d_forward_naive(input.data(), n, layer.in_shape, layer.forward_weights().data(),
                                 layer.b.data(), layer.out_shape.channels, layer.kernel, m_z.data());
      }
      nn::activate(layer.activation, m_z.data(), a.data(), n, width);
    }
    const bool range_from_data = !pool && quant.quantized() && quant.rule == nn::RangeRule::Reference &&
                                 (layer.activation == nn::Activation::Tanh ||
                                  layer.activation == nn::Activation::Linear);
    if (!quant.quantized() || pool) {
      q = a;
      if (pool && quant.quantized() && quant.rule == nn::RangeRule::Epoch) {
        m_z.resize(n * width);
        nn::quantize(a.data(), m_z.data(), m_codes.data(), n * width, network.evaluation_grid(l));
      }
    } else if (!range_from_data) {
      nn::quantize(a.data(), q.data(), m_codes.data(), n * width, network.evaluation_grid(l));
    } else {
      // Reference rule: a tanh layer's range is the min/max of the chunk being evaluated.
      const std::size_t chunk_rows = (n + m_n_chunks - 1) / m_n_chunks;
      for (std::size_t start = 0; start < n; start += chunk_rows) {
        const std::size_t rows = std::min(chunk_rows, n - start);
        const float* ca = a.data() + start * width;
        const auto [lo, hi] = nn::value_range(ca, rows * width);
        nn::quantize(ca, q.data() + start * width, nullptr, rows * width,
                     nn::make_grid(lo, hi, quant.bits, true));
      }
    }

    ++p;
    LayerInfo& out = m_result.layers[p];
    std::tie(out.min, out.max) = nn::value_range(a.data(), a.size());
    out.activation = layer.activation;
    if (capture) m_result.activations[p] = a;
    // Codes of the layer's states: the quantizer's own under the epoch rule.
    std::uint32_t max_code = UINT32_MAX;
    if (quant.quantized() && quant.rule == nn::RangeRule::Epoch) {
      max_code = network.evaluation_grid(l).max_code;
    } else {
      // Reference code: values mapped to levels between the layer's min and max over the
      // data, round((v - min) * L / (max - min)) with L = 2^k (2^32 - 1 unquantized).
      const auto [vmin, vmax] = nn::value_range(q.data(), q.size());
      const double lo_v = vmin;
      const double span = static_cast<double>(vmax) - lo_v;
      const double n_levels = quant.quantized() ? std::ldexp(1.0, quant.bits) : 4294967295.0;
      const double scale = span > 0.0 ? n_levels / span : 0.0;
      for (std::size_t i = 0; i < n * width; ++i) {
        const double level = std::floor((static_cast<double>(q[i]) - lo_v) * scale + 0.5);
        m_codes[i] = static_cast<std::uint32_t>(std::min(level, 4294967295.0));
      }
    }
    m_ids.resize(n);
    if (m_counters.size() <= p - 1) m_counters.resize(p);
    const std::size_t n_states = m_counters[p - 1].assign({m_codes.data(), n, width}, m_ids, max_code);
    out.n_states = n_states;
    if (with_info) {
      const info::DiscreteInfo info =
          info::info_from_ids(m_ids, n_states, m_data.y, m_data.n_classes, m_scratch);
      out.i_xt = info.h_t;
      out.i_ty = info.i_ty;
    }
    input.swap(q);
    width_prev = width;
  }
  m_predicted.resize(n);
  for (std::size_t i = 0; i < n; ++i) m_predicted[i] = argmax_row(input.data() + i * width_prev, width_prev);
  finish_accuracy(m_predicted);
  return m_result;
}

}  // namespace infoplane::experiment
