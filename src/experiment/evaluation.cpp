/// @brief Evaluation pass: forward of the data, layer codes, exact information, accuracy.
#include "infoplane/experiment/evaluation.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <tuple>
#ifdef __AVX512F__
#include <immintrin.h>
#endif

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

/// States per chunk of the fast path: each layer's buffers hold one chunk, whatever the
/// number of states (a chunk of 784 input features, or of a 1352-wide layer's values, stays
/// in the core's L2 cache).
constexpr std::size_t k_chunk = 128;

std::size_t chunk_len(std::size_t n, std::size_t t) { return std::min(k_chunk, n - t * k_chunk); }

#ifdef __AVX512F__
/// Transposes 16 x 16 bytes: four rounds of interleaving rows i and i + 8 (each round
/// moves one bit of the column index into the row index).
inline void transpose_bytes(__m128i (&v)[16]) {
  for (int round = 0; round < 4; ++round) {
    __m128i t[16];
    for (int i = 0; i < 8; ++i) {
      t[2 * i] = _mm_unpacklo_epi8(v[i], v[i + 8]);
      t[2 * i + 1] = _mm_unpackhi_epi8(v[i], v[i + 8]);
    }
    for (int i = 0; i < 16; ++i) v[i] = t[i];
  }
}
#endif

/// Codes below 256 (width x len, a row per feature) to byte rows: rows + r stride holds
/// state r's codes, one byte each.
void codes_to_byte_rows(const std::uint32_t* codes_t, std::size_t len, std::size_t width, std::uint8_t* rows,
                        std::size_t stride) {
  std::size_t r0 = 0;
#ifdef __AVX512F__
  for (; r0 + 16 <= len; r0 += 16) {
    std::size_t f0 = 0;
    for (; f0 + 16 <= width; f0 += 16) {
      __m128i v[16];
      for (std::size_t f = 0; f < 16; ++f) v[f] = _mm512_cvtepi32_epi8(_mm512_loadu_si512(codes_t + (f0 + f) * len + r0));
      transpose_bytes(v);
      for (std::size_t r = 0; r < 16; ++r) _mm_storeu_si128(reinterpret_cast<__m128i*>(rows + (r0 + r) * stride + f0), v[r]);
    }
    for (std::size_t f = f0; f < width; ++f) {
      for (std::size_t r = r0; r < r0 + 16; ++r) rows[r * stride + f] = static_cast<std::uint8_t>(codes_t[f * len + r]);
    }
  }
#endif
  for (std::size_t r = r0; r < len; ++r) {
    for (std::size_t f = 0; f < width; ++f) rows[r * stride + f] = static_cast<std::uint8_t>(codes_t[f * len + r]);
  }
}

/// Copies 16 x 16 floats: rows src + i src_stride (i < 16) to columns, dst + j dst_stride
/// holding element j of every source row (AVX-512: transposed in registers).
inline void transpose_floats(const float* const* src, float* dst, std::size_t dst_stride) {
#ifdef __AVX512F__
  const __m512i lo = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const __m512i hi = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  __m512 v[16];
  for (int i = 0; i < 16; ++i) v[i] = _mm512_loadu_ps(src[i]);
  for (int round = 0; round < 4; ++round) {
    __m512 t[16];
    for (int i = 0; i < 8; ++i) {
      t[2 * i] = _mm512_permutex2var_ps(v[i], lo, v[i + 8]);
      t[2 * i + 1] = _mm512_permutex2var_ps(v[i], hi, v[i + 8]);
    }
    for (int i = 0; i < 16; ++i) v[i] = t[i];
  }
  for (int j = 0; j < 16; ++j) _mm512_storeu_ps(dst + j * dst_stride, v[j]);
#else
  for (std::size_t j = 0; j < 16; ++j) {
    for (std::size_t i = 0; i < 16; ++i) dst[j * dst_stride + i] = src[i][j];
  }
#endif
}

/// The values lo + code step of byte rows (one per state: rows[k]) into out (width x len,
/// a row per feature), as the quantizer computes them.
void byte_rows_to_values(const std::uint8_t* const* rows, std::size_t len, std::size_t width,
                         const nn::QuantGrid& grid, float* out) {
  const float lo = grid.lo;
  const float step = grid.step;
  std::size_t k0 = 0;
#ifdef __AVX512F__
  const __m512 lo16 = _mm512_set1_ps(lo);
  const __m512 step16 = _mm512_set1_ps(step);
  for (; k0 + 16 <= len; k0 += 16) {
    std::size_t f0 = 0;
    for (; f0 + 16 <= width; f0 += 16) {
      __m128i v[16];
      for (std::size_t k = 0; k < 16; ++k) v[k] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(rows[k0 + k] + f0));
      transpose_bytes(v);
      for (std::size_t f = 0; f < 16; ++f) {
        const __m512 codes = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(v[f]));
        _mm512_storeu_ps(out + (f0 + f) * len + k0, _mm512_add_ps(lo16, _mm512_mul_ps(codes, step16)));
      }
    }
    for (std::size_t f = f0; f < width; ++f) {
      for (std::size_t k = k0; k < k0 + 16; ++k) out[f * len + k] = lo + static_cast<float>(rows[k][f]) * step;
    }
  }
#endif
  for (std::size_t k = k0; k < len; ++k) {
    for (std::size_t f = 0; f < width; ++f) out[f * len + k] = lo + static_cast<float>(rows[k][f]) * step;
  }
}

}  // namespace

bool Evaluator::input_as_bytes() const {
  return !m_data.x_bytes.empty() && m_data.x_bytes.size() == static_cast<std::size_t>(m_data.x.size());
}

void Evaluator::build_input_states() {
  if (!m_input_states.empty() || !m_input_bytes.empty()) return;
  const std::size_t n_states = m_input_reps.size();
  const std::size_t d = m_data.n_features();
  const bool bytes = input_as_bytes();
  if (bytes) {
    m_input_bytes.resize(n_states * d);
  } else {
    m_input_states.resize(n_states * d);
  }
  for (std::size_t s = 0; s < n_states; ++s) {
    const std::size_t t = s / k_chunk;
    const std::size_t len = chunk_len(n_states, t);
    const std::size_t at = t * k_chunk * d + (s - t * k_chunk);
    const std::size_t row = static_cast<std::size_t>(m_input_reps[s]) * d;
    for (std::size_t f = 0; f < d; ++f) {
      if (bytes) {
        m_input_bytes[at + f * len] = m_data.x_bytes[row + f];
      } else {
        m_input_states[at + f * len] = m_data.x.data()[row + f];
      }
    }
  }
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

  // The distinct input rows are the first states, read in place in chunks (pixel bytes
  // converted per chunk as the loader converts them: a quarter of the memory traffic).
  build_input_states();
  const bool input_bytes = input_as_bytes();
  m_ids = m_input_ids;
  // The previous layer's distinct states: n_prev states of width_prev features, the
  // input's (chunked), or, after a layer, stored as that layer's output for its own
  // inputs (prev codes or values) at the rows prev_reps.
  std::size_t n_prev = m_input_reps.size();
  std::size_t width_prev = m_data.n_features();
  Stored prev;
  prev.kind = Stored::Input;

  // Column s of the previous layer's states into `out` (features x len, column k).
  auto fill_column = [&](std::size_t s, float* out, std::size_t len, std::size_t k) {
    const std::size_t rep = m_prev_reps[s];
    if (prev.kind == Stored::Codes) {
      const std::uint32_t* row = m_prev_codes.data() + rep * prev.words;
      const auto* bytes = reinterpret_cast<const unsigned char*>(row);
      for (std::size_t f = 0; f < width_prev; ++f) {
        std::uint32_t code = 0;
        if (prev.code_bytes == 1) {
          code = bytes[f];
        } else if (prev.code_bytes == 2) {
          std::uint16_t half = 0;
          std::memcpy(&half, bytes + 2 * f, sizeof half);
          code = half;
        } else {
          code = row[f];
        }
        out[f * len + k] = prev.grid.lo + static_cast<float>(code) * prev.grid.step;
      }
    } else {
      const float* row = m_prev_values.data() + rep * width_prev;
      for (std::size_t f = 0; f < width_prev; ++f) out[f * len + k] = row[f];
    }
  };

  std::size_t p = 0;  // information-plane layer
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const nn::Layer<float>& layer = layers[l];
    if (!nn::is_plane_layer(layer.kind)) continue;  // flatten: the same states
    const std::size_t width = layer.n_out;
    const bool pool = layer.kind == nn::LayerKind::MaxPool2D;
    const nn::QuantGrid grid = network.evaluation_grid(l);
    // Wide rows (hashed by the counter) are packed several codes to a word, which keeps
    // equal rows equal and different rows different.
    Stored out_store;
    out_store.kind = pool ? Stored::Values : Stored::Codes;
    out_store.grid = grid;
    const unsigned code_bits = static_cast<unsigned>(std::bit_width(grid.max_code));
    const bool pack = width * code_bits > 128;
    out_store.code_bytes = !pack ? 4 : code_bits <= 8 ? 1 : code_bits <= 16 ? 2 : 4;
    out_store.words = (width * out_store.code_bytes + 3) / 4;
    m_codes.resize(n_prev * out_store.words);
    if (pool) m_values.resize(n_prev * width);
    m_local_ids.resize(n_prev);
    m_in.resize(width_prev * k_chunk);
    m_z.resize(width * k_chunk);
    m_a.resize(width * k_chunk);
    m_q.resize(width * k_chunk);
    m_codes_t.resize(width * k_chunk);
    if (capture) {
      m_result.activations[p + 1].resize(n * width);
      // Samples grouped by their state of the previous layer.
      m_sample_start.assign(n_prev + 1, 0);
      for (const std::uint32_t id : m_ids) ++m_sample_start[id + 1];
      for (std::size_t s = 0; s < n_prev; ++s) m_sample_start[s + 1] += m_sample_start[s];
      m_sample_order.resize(n);
      m_scratch.assign(m_sample_start.begin(), m_sample_start.end() - 1);
      for (std::size_t i = 0; i < n; ++i) m_sample_order[m_scratch[m_ids[i]]++] = static_cast<std::uint32_t>(i);
    }
    float lo = 0.0f;
    float hi = 0.0f;

    for (std::size_t t = 0; t * k_chunk < n_prev; ++t) {
      const std::size_t s0 = t * k_chunk;
      const std::size_t len = chunk_len(n_prev, t);
      const std::size_t count = width * len;
      const float* in = m_in.data();
      if (prev.kind == Stored::Input && input_bytes) {
        const std::uint8_t* bytes = m_input_bytes.data() + s0 * width_prev;
        const float scale = m_data.x_byte_scale;
        float* converted = m_in.data();
        for (std::size_t i = 0; i < width_prev * len; ++i) converted[i] = static_cast<float>(bytes[i]) * scale;
      } else if (prev.kind == Stored::Input) {
        in = m_input_states.data() + s0 * width_prev;
      } else if (prev.kind == Stored::Codes && prev.code_bytes == 1) {
        m_row_ptrs.resize(len);
        for (std::size_t k = 0; k < len; ++k) {
          m_row_ptrs[k] = reinterpret_cast<const std::uint8_t*>(m_prev_codes.data() + m_prev_reps[s0 + k] * prev.words);
        }
        byte_rows_to_values(m_row_ptrs.data(), len, width_prev, prev.grid, m_in.data());
      } else if (prev.kind == Stored::Values) {
        // The representatives' rows to columns, in 16 x 16 tiles.
        const std::size_t len16 = len - len % 16;
        const std::size_t width16 = width_prev - width_prev % 16;
        for (std::size_t k0 = 0; k0 < len16; k0 += 16) {
          const float* rows[16];
          for (std::size_t k = 0; k < 16; ++k) rows[k] = m_prev_values.data() + m_prev_reps[s0 + k0 + k] * width_prev;
          for (std::size_t f0 = 0; f0 < width16; f0 += 16) {
            const float* src[16];
            for (std::size_t k = 0; k < 16; ++k) src[k] = rows[k] + f0;
            transpose_floats(src, m_in.data() + f0 * len + k0, len);
          }
          for (std::size_t f = width16; f < width_prev; ++f) {
            for (std::size_t k = 0; k < 16; ++k) m_in[f * len + k0 + k] = rows[k][f];
          }
        }
        for (std::size_t k = len16; k < len; ++k) fill_column(s0 + k, m_in.data(), len, k);
      } else {
        for (std::size_t k = 0; k < len; ++k) fill_column(s0 + k, m_in.data(), len, k);
      }
      if (pool) {
        nn::maxpool_forward(in, len, layer.in_shape, layer.kernel, m_a.data(), nullptr);
      } else {
        if (layer.kind == nn::LayerKind::Dense) {
          nn::dense_forward(in, len, width_prev, layer.forward_weights().data(), layer.b.data(), width,
                            m_z.data());
        } else {
          nn::conv2d_forward(in, len, layer.in_shape, layer.forward_weights().data(), layer.b.data(),
                             layer.out_shape.channels, layer.kernel, m_z.data());
        }
        if (layer.activation == nn::Activation::Softmax) {
          nn::softmax_columns(m_z.data(), m_a.data(), len, width, m_softmax_scratch);
        } else {
          nn::activate(layer.activation, m_z.data(), m_a.data(), count, 1);
        }
      }
      const auto [chunk_lo, chunk_hi] = nn::value_range(m_a.data(), count);
      lo = t == 0 ? chunk_lo : std::min(lo, chunk_lo);
      hi = t == 0 ? chunk_hi : std::max(hi, chunk_hi);
      nn::quantize(m_a.data(), m_q.data(), m_codes_t.data(), count, grid);
      // Pooled values are already on the grid: kept as they are.
      if (pool) {
        // Rows per state, in 16 x 16 tiles.
        const std::size_t len16 = len - len % 16;
        const std::size_t width16 = width - width % 16;
        for (std::size_t r0 = 0; r0 < len16; r0 += 16) {
          for (std::size_t f0 = 0; f0 < width16; f0 += 16) {
            const float* src[16];
            for (std::size_t f = 0; f < 16; ++f) src[f] = m_a.data() + (f0 + f) * len + r0;
            transpose_floats(src, m_values.data() + (s0 + r0) * width + f0, width);
          }
          for (std::size_t f = width16; f < width; ++f) {
            for (std::size_t r = r0; r < r0 + 16; ++r) m_values[(s0 + r) * width + f] = m_a[f * len + r];
          }
        }
        for (std::size_t r = len16; r < len; ++r) {
          for (std::size_t f = 0; f < width; ++f) m_values[(s0 + r) * width + f] = m_a[f * len + r];
        }
      }
      // Codes to rows (states x words); narrower codes than words are packed, zero padded.
      std::uint32_t* rows = m_codes.data() + s0 * out_store.words;
      if (out_store.code_bytes < 4) {
        for (std::size_t r = 0; r < len; ++r) rows[r * out_store.words + out_store.words - 1] = 0;
      }
      if (out_store.code_bytes == 1) {
        codes_to_byte_rows(m_codes_t.data(), len, width, reinterpret_cast<std::uint8_t*>(rows), 4 * out_store.words);
      } else if (out_store.code_bytes == 2) {
        auto* bytes = reinterpret_cast<unsigned char*>(rows);
        for (std::size_t r = 0; r < len; ++r) {
          for (std::size_t f = 0; f < width; ++f) {
            const auto half = static_cast<std::uint16_t>(m_codes_t[f * len + r]);
            std::memcpy(bytes + r * 4 * out_store.words + 2 * f, &half, sizeof half);
          }
        }
      } else {
        // In tiles of 32 x 32 (wide layers: millions of codes).
        constexpr std::size_t k_tile = 32;
        for (std::size_t f0 = 0; f0 < width; f0 += k_tile) {
          const std::size_t f1 = std::min(width, f0 + k_tile);
          for (std::size_t r0 = 0; r0 < len; r0 += k_tile) {
            const std::size_t r1 = std::min(len, r0 + k_tile);
            for (std::size_t f = f0; f < f1; ++f) {
              for (std::size_t r = r0; r < r1; ++r) rows[r * width + f] = m_codes_t[f * len + r];
            }
          }
        }
      }
      if (capture) {
        std::vector<float>& rows = m_result.activations[p + 1];
        for (std::size_t k = 0; k < len; ++k) {
          for (std::uint32_t j = m_sample_start[s0 + k]; j < m_sample_start[s0 + k + 1]; ++j) {
            float* row = rows.data() + static_cast<std::size_t>(m_sample_order[j]) * width;
            for (std::size_t f = 0; f < width; ++f) row[f] = m_a[f * len + k];
          }
        }
      }
    }

    if (m_counters.size() <= p) m_counters.resize(p + 1);
    const std::size_t n_states = m_counters[p].assign({m_codes.data(), n_prev, out_store.words}, m_local_ids,
                                                       pack ? UINT32_MAX : grid.max_code);
    ++p;
    for (std::uint32_t& id : m_ids) id = m_local_ids[id];

    LayerInfo& out = m_result.layers[p];
    out.min = lo;
    out.max = hi;
    out.activation = layer.activation;
    out.n_states = n_states;
    if (with_info) {
      const info::DiscreteInfo info =
          info::info_from_ids(m_ids, n_states, m_data.y, m_data.n_classes, m_scratch);
      out.i_xt = info.h_t;
      out.i_ty = info.i_ty;
    }

    // The distinct states of this layer feed the next one: their first rows here.
    first_appearances(m_local_ids, n_states, m_reps);
    m_prev_reps.swap(m_reps);
    m_prev_codes.swap(m_codes);
    m_prev_values.swap(m_values);
    prev = out_store;
    n_prev = n_states;
    width_prev = width;
  }

  // Prediction per output state (first largest output), then per sample.
  m_state_class.assign(n_prev, 0);
  m_best.resize(width_prev);
  for (std::size_t s = 0; s < n_prev; ++s) {
    fill_column(s, m_best.data(), 1, 0);
    std::uint32_t best = 0;
    for (std::size_t j = 1; j < width_prev; ++j) {
      if (m_best[j] > m_best[best]) best = static_cast<std::uint32_t>(j);
    }
    m_state_class[s] = best;
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
