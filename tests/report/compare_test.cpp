/// @brief Estimators against the exact MI: errors, phases and DPI breaks with known answers.
#include "infoplane/report/compare.h"

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "infoplane/common.h"

namespace infoplane::report {
namespace {

namespace fs = std::filesystem;

/// A copy of the fixture run in a fresh temporary folder, removed at the end.
struct FixtureCopy {
  fs::path dir;
  explicit FixtureCopy(const std::string& name) {
    dir = fs::temp_directory_path() /
          ("infoplane_compare_" + std::to_string(::getpid()) + "_" + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    for (const char* f : {"manifest.json", "mi.csv", "accuracy.csv", "activation_range.csv"})
      fs::copy_file(fs::path(INFOPLANE_FIXTURES) / "run_small" / f, dir / f);
  }
  ~FixtureCopy() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

bool have_gnuplot() { return std::system("command -v gnuplot >/dev/null 2>&1") == 0; }

TEST(Compare, FixtureErrorsAreTheScaledExactValues) {
  // run_small's binning:30 rows are the exact values times 0.8 (layer 0 unchanged), so
  // the error at a layer is -0.2 times the exact value: mae = -bias = 0.2 * mean exact
  const FixtureCopy run("errors");
  const RunMi data = read_run_mi(run.dir, 0.55, "compare");
  ASSERT_EQ(data.selection.kept, (std::vector<int>{0, 1, 3}));
  const std::vector<LayerError> rows = compare_estimators(data, {});
  ASSERT_EQ(rows.size(), 6u);
  const MiSeries& exact = data.mi[0];
  ASSERT_EQ(exact.estimator, "exact");
  for (const LayerError& e : rows) {
    EXPECT_EQ(e.estimator, "binning:30");
    double sum_x = 0, sum_y = 0;
    std::size_t n = 0;
    const std::size_t l = static_cast<std::size_t>(e.layer);
    for (const std::size_t r : {0u, 1u, 3u})
      for (std::size_t k = 0; k < exact.epochs.size(); ++k) {
        sum_x += exact.i_xt[exact.at(r, l, k)];
        sum_y += exact.i_ty[exact.at(r, l, k)];
        ++n;
      }
    EXPECT_EQ(e.n_xt, 3u * 20u);
    EXPECT_EQ(e.n_ty, n);
    // the CSV values have 7 decimals
    EXPECT_NEAR(e.mae_xt, 0.2 * sum_x / static_cast<double>(n), 1e-6) << e.name;
    EXPECT_NEAR(e.bias_xt, -e.mae_xt, 1e-12) << e.name;
    EXPECT_NEAR(e.mae_ty, 0.2 * sum_y / static_cast<double>(n), 1e-6) << e.name;
    EXPECT_NEAR(e.bias_ty, -e.mae_ty, 1e-12) << e.name;
  }
  EXPECT_EQ(rows[0].name, "dense1");
  // the scaled curves compress where the exact ones do (dense5, output), by 0.8 times as much
  EXPECT_EQ(phase_agreement(rows[0].reference_compression, rows[0].compression), "neither");
  for (const std::size_t i : {4u, 5u}) {
    EXPECT_EQ(phase_agreement(rows[i].reference_compression, rows[i].compression), "both");
    EXPECT_NEAR(rows[i].compression.size, 0.8 * rows[i].reference_compression.size, 1e-6);
  }
  EXPECT_EQ(phase_agreement(rows[5].reference_fitting, rows[5].fitting), "both");
}

/// A run in memory: repetitions 0..n_reps-1, layers 0..n_layers-1, epochs 1..n_epochs.
MiSeries series(const std::string& name, std::size_t n_reps, std::size_t n_layers,
                std::size_t n_epochs) {
  MiSeries s;
  s.estimator = name;
  for (std::size_t r = 0; r < n_reps; ++r) s.repetitions.push_back(static_cast<int>(r));
  for (std::size_t l = 0; l < n_layers; ++l) s.layers.push_back(static_cast<int>(l));
  for (std::size_t e = 0; e < n_epochs; ++e) s.epochs.push_back(static_cast<int>(e + 1));
  s.i_xt.assign(n_reps * n_layers * n_epochs, 0.0);
  s.i_ty.assign(n_reps * n_layers * n_epochs, 0.0);
  return s;
}

TEST(Compare, SpuriousAndMissedPhasesDpiBreaksAndMissingValues) {
  // 3 layers (X, T1, T2), 4 repetitions, 100 epochs.
  // exact: T1 constant 8 bits, T2 compresses from 6 to 4 bits after epoch 50.
  // "bins":  T1 compresses (spurious), T2 constant 7 bits (misses it, and I(X;T2) = 7 is
  //          above I(X;T1) at epochs > 50, where T1 falls to 6 bits: a DPI break of 1 bit).
  // "knn":   no I(X;T); I(T;Y) off by +0.1 bit everywhere.
  const std::size_t R = 4, L = 3, E = 100;
  RunMi run;
  run.info.name = "synthetic";
  for (int l = 0; l < 3; ++l) run.info.layers.push_back({l, l == 0 ? "input" : "t" + std::to_string(l), "", 0, ""});
  run.selection.kept = {0, 1, 2, 3};
  MiSeries exact = series("exact", R, L, E), bins = series("bins", R, L, E), knn = series("knn", R, L, E);
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t e = 0; e < E; ++e) {
      const double wiggle = 0.01 * static_cast<double>((r * 7 + e * 3) % 5);
      const bool late = e >= 50;
      auto set = [&](MiSeries& s, std::size_t l, double x, double y) {
        s.i_xt[s.at(r, l, e)] = x;
        s.i_ty[s.at(r, l, e)] = y;
      };
      set(exact, 0, 12, 1);
      set(exact, 1, 8 + wiggle, 0.9);
      set(exact, 2, (late ? 6 - 2.0 * static_cast<double>(e - 50) / 49.0 : 6) + wiggle, 0.8);
      set(bins, 0, 12, 1);
      set(bins, 1, (late ? 6 : 8) + wiggle, 0.9);
      set(bins, 2, 7 + wiggle, 0.8);
      set(knn, 0, kMissing, 1.1);
      set(knn, 1, kMissing, 1.0);
      set(knn, 2, kMissing, 0.9);
    }
  run.mi = {exact, bins, knn};
  const std::vector<LayerError> rows = compare_estimators(run, {});
  ASSERT_EQ(rows.size(), 4u);
  const LayerError& b1 = rows[0];
  const LayerError& b2 = rows[1];
  const LayerError& k2 = rows[3];
  EXPECT_EQ(b1.name, "t1");
  EXPECT_EQ(phase_agreement(b1.reference_compression, b1.compression), "spurious");
  EXPECT_EQ(phase_agreement(b2.reference_compression, b2.compression), "missed");
  EXPECT_NEAR(b1.mae_xt, 1.0, 1e-12);  // 2 bits off in half the epochs
  EXPECT_NEAR(b1.bias_xt, -1.0, 1e-12);
  EXPECT_NEAR(b1.mae_ty, 0.0, 1e-12);
  // DPI: T1 <= X always; T2 (7) above T1 (6) in the 50 late epochs of every repetition
  EXPECT_EQ(b1.dpi_xt_share, 0.0);
  EXPECT_NEAR(b2.dpi_xt_share, 0.5, 1e-12);
  EXPECT_NEAR(b2.dpi_xt_excess, 1.0, 1e-12);
  EXPECT_EQ(b2.dpi_ty_share, 0.0);
  // kNN: nothing to compare for I(X;T)
  EXPECT_EQ(k2.estimator, "knn");
  EXPECT_EQ(k2.n_xt, 0u);
  EXPECT_TRUE(std::isnan(k2.mae_xt));
  EXPECT_TRUE(std::isnan(k2.dpi_xt_share));
  EXPECT_EQ(phase_agreement(k2.reference_compression, k2.compression), "n/a");
  EXPECT_EQ(k2.n_ty, R * E);
  EXPECT_NEAR(k2.mae_ty, 0.1, 1e-12);
  EXPECT_NEAR(k2.bias_ty, 0.1, 1e-12);
  const std::string csv = compare_csv(rows);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "estimator,layer,name,n_xt,mae_xt,bias_xt,n_ty,mae_ty,bias_ty,exact_compression,"
            "estimator_compression,compression,exact_fitting,estimator_fitting,fitting,"
            "dpi_xt_share,dpi_xt_excess,dpi_ty_share,dpi_ty_excess");
  EXPECT_NE(csv.find("\nbins,1,t1,400,1,-1,400,0,0,no,yes,spurious,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\nknn,2,t2,0,nan,nan,400,"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",n/a,n/a,"), std::string::npos) << csv;
}

TEST(Compare, ReferenceOfAnUnquantizedRun) {
  RunMi run;
  run.mi = {series("binning:30,bounds=global", 1, 2, 3), series("exact:levels=2^32", 1, 2, 3)};
  EXPECT_EQ(reference_estimator(run, {}), "exact:levels=2^32");
  run.mi.push_back(series("exact", 1, 2, 3));
  EXPECT_EQ(reference_estimator(run, {}), "exact");
  CompareOptions o;
  o.reference = "binning:30,bounds=global";
  EXPECT_EQ(reference_estimator(run, o), "binning:30,bounds=global");
}

TEST(Compare, RunDirectoryWritesCsvAndFigure) {
  const FixtureCopy run("files");
  CompareOptions o;
  o.render = have_gnuplot();
  const CompareReport r = compare_run(run.dir, o);
  EXPECT_EQ(r.csv, run.dir / "summary" / "compare.csv");
  EXPECT_TRUE(fs::exists(r.csv));
  EXPECT_TRUE(fs::exists(run.dir / "figures" / "compare.gp"));
  EXPECT_TRUE(fs::exists(run.dir / "figures" / "compare.dat"));
  std::ifstream caption(run.dir / "figures" / "compare.caption.txt");
  std::stringstream text;
  text << caption.rdbuf();
  EXPECT_NE(text.str().find("binning:30"), std::string::npos);
  EXPECT_NE(text.str().find("mark the detected compression phases"), std::string::npos);
  if (o.render) {
    ASSERT_EQ(r.figures.size(), 1u);
    EXPECT_GT(fs::file_size(r.figures[0]), 1000u);
  }
}

TEST(Compare, ErrorsOfTheRunDirectory) {
  const FixtureCopy run("errors_dir");
  CompareOptions o;
  o.figure = false;
  o.reference = "kde";
  try {
    compare_run(run.dir, o);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("has no estimator 'kde'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("expected one of exact, binning:30"), std::string::npos)
        << e.what();
  }
  // a run with only the exact values has nothing to compare
  std::ifstream in(run.dir / "mi.csv");
  std::string line, only_exact;
  while (std::getline(in, line))
    if (line.find("binning") == std::string::npos) only_exact += line + "\n";
  in.close();
  std::ofstream(run.dir / "mi.csv") << only_exact;
  o.reference = "exact";
  EXPECT_THROW(compare_run(run.dir, o), InputError);
}

}  // namespace
}  // namespace infoplane::report
