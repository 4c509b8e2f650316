/// @brief KSG algorithms 1 and 2 (Kraskov et al. 2004) and Ross's (2014) continuous-discrete
/// estimator, max-norm, with a k-d tree for the neighbour searches and counts.
#include "infoplane/info/ksg.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <random>

#include "infoplane/common.h"

namespace infoplane::info {
namespace {

struct Neighbor {
  double dist;
  std::uint32_t index;
  bool operator<(const Neighbor& o) const {
    return dist < o.dist || (dist == o.dist && index < o.index);
  }
};

double max_norm(const double* a, const double* b, std::size_t d) {
  double m = 0.0;
  for (std::size_t c = 0; c < d; ++c) m = std::max(m, std::abs(a[c] - b[c]));
  return m;
}

/// k-d tree over a point set under the max-norm. Each node keeps the bounding box of its
/// points, which gives a lower bound on the distance to any of them (for pruning) and an
/// upper bound (to count a whole node at once).
class KdTree {
 public:
  /// Builds over the rows listed in `rows` (indices into `points`).
  KdTree(SampleView points, std::span<const std::uint32_t> rows) : m_dim(points.n_cols) {
    m_index.assign(rows.begin(), rows.end());
    if (m_index.empty()) return;
    m_nodes.reserve(2 * (m_index.size() / kLeafSize + 1));
    build(points, 0, static_cast<std::uint32_t>(m_index.size()));
    m_points.resize(m_index.size() * m_dim);
    for (std::size_t p = 0; p < m_index.size(); ++p)
      std::copy_n(points.row(m_index[p]), m_dim, m_points.data() + p * m_dim);
  }

  /// The k nearest points to q other than the point with original index `self`, ordered
  /// by (distance, index): ties at the k-th distance are resolved by the lower index.
  void knn(const double* q, std::uint32_t self, std::uint32_t k,
           std::vector<Neighbor>& heap) const {
    heap.clear();
    if (!m_nodes.empty()) knn_node(0, q, self, k, heap);
    std::sort_heap(heap.begin(), heap.end());
  }

  /// Number of points p (q itself included when it is in the tree) with ||p - q|| < r when
  /// `strict`, ||p - q|| <= r otherwise.
  std::size_t count(const double* q, double r, bool strict) const {
    return m_nodes.empty() ? 0 : count_node(0, q, r, strict);
  }

 private:
  static constexpr std::uint32_t kLeafSize = 16;

  struct Node {
    std::uint32_t begin, end;
    std::int32_t left = -1, right = -1;  // -1 for a leaf
    bool same = false;  // a leaf of identical points, stored in ascending original index
  };

  std::int32_t build(SampleView points, std::uint32_t begin, std::uint32_t end) {
    const std::int32_t id = static_cast<std::int32_t>(m_nodes.size());
    m_nodes.push_back({begin, end});
    m_lo.resize(m_lo.size() + m_dim, std::numeric_limits<double>::infinity());
    m_hi.resize(m_hi.size() + m_dim, -std::numeric_limits<double>::infinity());
    double* lo = m_lo.data() + id * m_dim;
    double* hi = m_hi.data() + id * m_dim;
    for (std::uint32_t p = begin; p < end; ++p) {
      const double* x = points.row(m_index[p]);
      for (std::size_t c = 0; c < m_dim; ++c) {
        lo[c] = std::min(lo[c], x[c]);
        hi[c] = std::max(hi[c], x[c]);
      }
    }
    std::size_t split = 0;
    double widest = 0.0;
    for (std::size_t c = 0; c < m_dim; ++c)
      if (hi[c] - lo[c] > widest) {
        widest = hi[c] - lo[c];
        split = c;
      }
    if (widest == 0.0) {
      // Identical points (ties from saturated or dead units): one leaf, however many.
      std::sort(m_index.begin() + begin, m_index.begin() + end);
      m_nodes[id].same = true;
      return id;
    }
    if (end - begin <= kLeafSize) return id;
    const std::uint32_t mid = begin + (end - begin) / 2;
    std::nth_element(m_index.begin() + begin, m_index.begin() + mid, m_index.begin() + end,
                     [&](std::uint32_t a, std::uint32_t b) {
                       return points.row(a)[split] < points.row(b)[split];
                     });
    const std::int32_t left = build(points, begin, mid);
    const std::int32_t right = build(points, mid, end);
    m_nodes[id].left = left;
    m_nodes[id].right = right;
    return id;
  }

  /// Lower bound on the distance from q to any point of the node.
  double box_near(std::int32_t id, const double* q) const {
    const double* lo = m_lo.data() + id * m_dim;
    const double* hi = m_hi.data() + id * m_dim;
    double m = 0.0;
    for (std::size_t c = 0; c < m_dim; ++c)
      m = std::max(m, std::max(lo[c] - q[c], q[c] - hi[c]));
    return m;
  }

  /// Upper bound on the distance from q to any point of the node.
  double box_far(std::int32_t id, const double* q) const {
    const double* lo = m_lo.data() + id * m_dim;
    const double* hi = m_hi.data() + id * m_dim;
    double m = 0.0;
    for (std::size_t c = 0; c < m_dim; ++c)
      m = std::max(m, std::max(q[c] - lo[c], hi[c] - q[c]));
    return m;
  }

  void knn_node(std::int32_t id, const double* q, std::uint32_t self, std::uint32_t k,
                std::vector<Neighbor>& heap) const {
    const Node& node = m_nodes[id];
    if (node.left < 0) {
      // In a leaf of identical points only the k lowest indices other than self can enter
      // the (distance, index) order: k + 1 points suffice, not the whole leaf.
      const std::uint32_t end =
          node.same ? std::min<std::uint32_t>(node.end, node.begin + k + 1) : node.end;
      for (std::uint32_t p = node.begin; p < end; ++p) {
        if (m_index[p] == self) continue;
        const Neighbor cand{max_norm(q, m_points.data() + p * m_dim, m_dim), m_index[p]};
        if (heap.size() < k) {
          heap.push_back(cand);
          std::push_heap(heap.begin(), heap.end());
        } else if (cand < heap.front()) {
          std::pop_heap(heap.begin(), heap.end());
          heap.back() = cand;
          std::push_heap(heap.begin(), heap.end());
        }
      }
      return;
    }
    const double near_left = box_near(node.left, q);
    const double near_right = box_near(node.right, q);
    const bool left_first = near_left <= near_right;
    const std::int32_t first = left_first ? node.left : node.right;
    const std::int32_t second = left_first ? node.right : node.left;
    const double near_second = left_first ? near_right : near_left;
    if (heap.size() < k || (left_first ? near_left : near_right) <= heap.front().dist)
      knn_node(first, q, self, k, heap);
    // A point at exactly the k-th distance may still win on its index: prune only beyond.
    if (heap.size() < k || near_second <= heap.front().dist) knn_node(second, q, self, k, heap);
  }

  std::size_t count_node(std::int32_t id, const double* q, double r, bool strict) const {
    const double near = box_near(id, q);
    if (strict ? near >= r : near > r) return 0;
    const Node& node = m_nodes[id];
    const double far = box_far(id, q);
    if (strict ? far < r : far <= r) return node.end - node.begin;
    if (node.left < 0) {
      std::size_t n = 0;
      for (std::uint32_t p = node.begin; p < node.end; ++p) {
        const double dist = max_norm(q, m_points.data() + p * m_dim, m_dim);
        n += strict ? dist < r : dist <= r;
      }
      return n;
    }
    return count_node(node.left, q, r, strict) + count_node(node.right, q, r, strict);
  }

  std::size_t m_dim;
  std::vector<std::uint32_t> m_index;  // original row of each tree position
  std::vector<double> m_points;        // rows in tree order, row-major
  std::vector<Node> m_nodes;
  std::vector<double> m_lo, m_hi;      // bounding box per node, m_dim each
};

std::vector<std::uint32_t> all_rows(std::size_t n) {
  std::vector<std::uint32_t> rows(n);
  for (std::size_t i = 0; i < n; ++i) rows[i] = static_cast<std::uint32_t>(i);
  return rows;
}

/// Side-by-side copy of x and y (the joint space z = (x, y)).
std::vector<double> joint(SampleView x, SampleView y) {
  const std::size_t d = x.n_cols + y.n_cols;
  std::vector<double> z(x.n_rows * d);
  for (std::size_t i = 0; i < x.n_rows; ++i) {
    std::copy_n(x.row(i), x.n_cols, z.data() + i * d);
    std::copy_n(y.row(i), y.n_cols, z.data() + i * d + x.n_cols);
  }
  return z;
}

void check_pair(SampleView x, SampleView y, std::uint32_t k, int algorithm) {
  IP_CHECK(algorithm == 1 || algorithm == 2, "algorithm = {}", algorithm);
  IP_CHECK(k >= 1, "k = 0");
  IP_CHECK(x.n_cols >= 1 && y.n_cols >= 1, "no columns");
  if (x.n_rows != y.n_rows)
    input_error("ksg: x and y must have the same number of samples; got {} and {}, expected "
                "equal counts",
                x.n_rows, y.n_rows);
  if (x.n_rows < static_cast<std::size_t>(k) + 1)
    input_error("ksg: k = {} needs at least {} samples; got {}, expected more samples or a "
                "smaller k",
                k, k + 1, x.n_rows);
}

/// The KSG sum from per-sample counts: alg 1 psi(k) + psi(N) - <psi(n_x+1) + psi(n_y+1)>,
/// alg 2 psi(k) - 1/k + psi(N) - <psi(n_x) + psi(n_y)>; counts already include the +1.
double ksg_combine(double sum_psi, std::size_t n, std::uint32_t k, int algorithm) {
  double v = digamma(k) + digamma(static_cast<double>(n)) - sum_psi / static_cast<double>(n);
  if (algorithm == 2) v -= 1.0 / k;
  return v;
}

}  // namespace

double digamma(double x) {
  IP_CHECK(x > 0.0, "digamma of {}", x);
  double result = 0.0;
  while (x < 10.0) {  // psi(x) = psi(x + 1) - 1/x
    result -= 1.0 / x;
    x += 1.0;
  }
  // psi(x) ~ ln x - 1/(2x) - sum_n B_2n / (2n x^2n)
  const double f = 1.0 / (x * x);
  const double series =
      f * (-1.0 / 12 +
           f * (1.0 / 120 +
                f * (-1.0 / 252 + f * (1.0 / 240 + f * (-1.0 / 132 + f * (691.0 / 32760))))));
  return result + std::log(x) - 0.5 / x + series;
}

void ksg_preprocess(std::span<double> values, std::size_t n_rows, std::size_t n_cols,
                    bool normalize, double noise, std::uint64_t seed) {
  IP_CHECK(values.size() == n_rows * n_cols, "{} values for {}x{}", values.size(), n_rows,
           n_cols);
  if (normalize && n_rows > 0) {
    for (std::size_t c = 0; c < n_cols; ++c) {
      double mean = 0.0;
      for (std::size_t i = 0; i < n_rows; ++i) mean += values[i * n_cols + c];
      mean /= static_cast<double>(n_rows);
      double var = 0.0;
      for (std::size_t i = 0; i < n_rows; ++i) {
        const double dv = values[i * n_cols + c] - mean;
        var += dv * dv;
      }
      const double sd = std::sqrt(var / static_cast<double>(n_rows));
      const double inv = sd > 0.0 ? 1.0 / sd : 1.0;
      for (std::size_t i = 0; i < n_rows; ++i)
        values[i * n_cols + c] = (values[i * n_cols + c] - mean) * inv;
    }
  }
  if (noise > 0.0) {
    std::mt19937_64 gen(seed);
    const auto uniform = [&gen] {  // in (0, 1]
      return (static_cast<double>(gen() >> 11) + 1.0) * (1.0 / 9007199254740992.0);
    };
    for (std::size_t i = 0; i < values.size(); i += 2) {
      const double radius = std::sqrt(-2.0 * std::log(uniform()));
      const double angle = 2.0 * std::numbers::pi * uniform();
      values[i] += noise * radius * std::cos(angle);
      if (i + 1 < values.size()) values[i + 1] += noise * radius * std::sin(angle);
    }
  }
}

double ksg_mi(SampleView x, SampleView y, std::uint32_t k, int algorithm) {
  check_pair(x, y, k, algorithm);
  const std::size_t n = x.n_rows;
  const std::vector<double> z = joint(x, y);
  const SampleView zv{z.data(), n, x.n_cols + y.n_cols};
  const std::vector<std::uint32_t> rows = all_rows(n);
  const KdTree z_tree(zv, rows);
  const KdTree x_tree(x, rows);
  const KdTree y_tree(y, rows);
  std::vector<Neighbor> heap;
  heap.reserve(k);
  double sum_psi = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t self = static_cast<std::uint32_t>(i);
    z_tree.knn(zv.row(i), self, k, heap);
    if (algorithm == 1) {
      // n_x = #{j != i: ||x_j - x_i|| < eps}; the count includes i when eps > 0.
      const double eps = heap.back().dist;
      const std::size_t self_in = eps > 0.0 ? 1 : 0;
      const std::size_t n_x = x_tree.count(x.row(i), eps, true) - self_in;
      const std::size_t n_y = y_tree.count(y.row(i), eps, true) - self_in;
      sum_psi += digamma(static_cast<double>(n_x + 1)) + digamma(static_cast<double>(n_y + 1));
    } else {
      double eps_x = 0.0, eps_y = 0.0;
      for (const Neighbor& nb : heap) {
        eps_x = std::max(eps_x, max_norm(x.row(i), x.row(nb.index), x.n_cols));
        eps_y = std::max(eps_y, max_norm(y.row(i), y.row(nb.index), y.n_cols));
      }
      const std::size_t n_x = x_tree.count(x.row(i), eps_x, false) - 1;
      const std::size_t n_y = y_tree.count(y.row(i), eps_y, false) - 1;
      sum_psi += digamma(static_cast<double>(n_x)) + digamma(static_cast<double>(n_y));
    }
  }
  return ksg_combine(sum_psi, n, k, algorithm);
}

double ksg_mi_naive(SampleView x, SampleView y, std::uint32_t k, int algorithm) {
  check_pair(x, y, k, algorithm);
  const std::size_t n = x.n_rows;
  std::vector<Neighbor> all;
  double sum_psi = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    all.clear();
    for (std::size_t j = 0; j < n; ++j)
      if (j != i)
        all.push_back({std::max(max_norm(x.row(i), x.row(j), x.n_cols),
                                max_norm(y.row(i), y.row(j), y.n_cols)),
                       static_cast<std::uint32_t>(j)});
    std::sort(all.begin(), all.end());
    double eps_x = 0.0, eps_y = 0.0;
    for (std::uint32_t m = 0; m < k; ++m) {
      eps_x = std::max(eps_x, max_norm(x.row(i), x.row(all[m].index), x.n_cols));
      eps_y = std::max(eps_y, max_norm(y.row(i), y.row(all[m].index), y.n_cols));
    }
    const double eps = all[k - 1].dist;
    std::size_t n_x = 0, n_y = 0;
    for (std::size_t j = 0; j < n; ++j) {
      if (j == i) continue;
      const double dx = max_norm(x.row(i), x.row(j), x.n_cols);
      const double dy = max_norm(y.row(i), y.row(j), y.n_cols);
      if (algorithm == 1) {
        n_x += dx < eps;
        n_y += dy < eps;
      } else {
        n_x += dx <= eps_x;
        n_y += dy <= eps_y;
      }
    }
    if (algorithm == 1)
      sum_psi += digamma(static_cast<double>(n_x + 1)) + digamma(static_cast<double>(n_y + 1));
    else
      sum_psi += digamma(static_cast<double>(n_x)) + digamma(static_cast<double>(n_y));
  }
  return ksg_combine(sum_psi, n, k, algorithm);
}

namespace {

/// Per-sample pieces of Ross's estimator: which samples take part (classes of >= 2), their
/// class size N_y and their k_i = min(k, N_y - 1).
struct MixedSetup {
  std::vector<std::uint32_t> rows;              // participating samples
  std::vector<std::vector<std::uint32_t>> by_class;
  std::vector<std::size_t> class_size;
};

MixedSetup mixed_setup(SampleView t, std::span<const std::uint32_t> labels,
                       std::size_t n_classes, std::uint32_t k) {
  IP_CHECK(k >= 1, "k = 0");
  IP_CHECK(labels.size() == t.n_rows, "{} labels for {} rows", labels.size(), t.n_rows);
  MixedSetup s;
  s.by_class.resize(n_classes);
  s.class_size.assign(n_classes, 0);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    IP_CHECK(labels[i] < n_classes, "label {} >= {}", labels[i], n_classes);
    s.by_class[labels[i]].push_back(static_cast<std::uint32_t>(i));
  }
  for (std::size_t y = 0; y < n_classes; ++y) {
    s.class_size[y] = s.by_class[y].size();
    if (s.class_size[y] < 2) s.by_class[y].clear();
    s.rows.insert(s.rows.end(), s.by_class[y].begin(), s.by_class[y].end());
  }
  std::sort(s.rows.begin(), s.rows.end());
  return s;
}

}  // namespace

double mixed_mi(SampleView t, std::span<const std::uint32_t> labels, std::size_t n_classes,
                std::uint32_t k) {
  const MixedSetup s = mixed_setup(t, labels, n_classes, k);
  const std::size_t n = s.rows.size();
  if (n < 2) return std::numeric_limits<double>::quiet_NaN();
  const KdTree all_tree(t, s.rows);
  std::vector<Neighbor> heap;
  double sum = 0.0;  // sum over samples of psi(k_i) - psi(N_y) - psi(m_i)
  for (std::size_t y = 0; y < n_classes; ++y) {
    if (s.by_class[y].empty()) continue;
    const KdTree class_tree(t, s.by_class[y]);
    const std::uint32_t k_y =
        static_cast<std::uint32_t>(std::min<std::size_t>(k, s.class_size[y] - 1));
    const double psi_class = digamma(static_cast<double>(s.class_size[y]));
    for (const std::uint32_t i : s.by_class[y]) {
      class_tree.knn(t.row(i), i, k_y, heap);
      const double d = heap.back().dist;
      // m_i = 1 + #{j != i: ||t_j - t_i|| < d}; the count includes i itself when d > 0.
      const std::size_t m = all_tree.count(t.row(i), d, true) + (d > 0.0 ? 0 : 1);
      sum += digamma(k_y) - psi_class - digamma(static_cast<double>(m));
    }
  }
  return digamma(static_cast<double>(n)) + sum / static_cast<double>(n);
}

double mixed_mi_naive(SampleView t, std::span<const std::uint32_t> labels,
                      std::size_t n_classes, std::uint32_t k) {
  const MixedSetup s = mixed_setup(t, labels, n_classes, k);
  const std::size_t n = s.rows.size();
  if (n < 2) return std::numeric_limits<double>::quiet_NaN();
  double sum = 0.0;
  std::vector<double> dists;
  for (const std::uint32_t i : s.rows) {
    const std::uint32_t y = labels[i];
    const std::uint32_t k_y =
        static_cast<std::uint32_t>(std::min<std::size_t>(k, s.class_size[y] - 1));
    dists.clear();
    for (const std::uint32_t j : s.by_class[y])
      if (j != i) dists.push_back(max_norm(t.row(i), t.row(j), t.n_cols));
    std::sort(dists.begin(), dists.end());
    const double d = dists[k_y - 1];
    std::size_t m = 1;
    for (const std::uint32_t j : s.rows)
      if (j != i && max_norm(t.row(i), t.row(j), t.n_cols) < d) ++m;
    sum += digamma(k_y) - digamma(static_cast<double>(s.class_size[y])) -
           digamma(static_cast<double>(m));
  }
  return digamma(static_cast<double>(n)) + sum / static_cast<double>(n);
}

}  // namespace infoplane::info
