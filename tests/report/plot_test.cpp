/// @brief Plotting a run directory: files written, PNGs not blank, summaries, options, errors.
#include "infoplane/report/plot.h"

#include <unistd.h>
#include <zlib.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "infoplane/common.h"
#include "infoplane/report/figures.h"
#include "infoplane/report/gnuplot.h"
#include "../temp_dirs.h"

namespace infoplane::report {
namespace {

namespace fs = std::filesystem;

const infoplane::testing::TempDirs temp_dirs("infoplane_plot");

fs::path temp_dir(const std::string& name) {
  const fs::path dir = temp_dirs.make(name);
  return dir;
}

/// A copy of the fixture run (plotting writes into the run directory).
std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

bool have_gnuplot() {
  try {
    find_gnuplot();
    return true;
  } catch (const GnuplotMissing&) {
    return false;
  }
}

// ---------------------------------------------------------------------------------------
// A minimal PNG decoder (8-bit RGB or RGBA, not interlaced: what cairo writes), enough to
// check that a figure is not blank.

struct Image {
  std::uint32_t width = 0, height = 0;
  std::vector<std::uint8_t> rgb;  // width * height * 3
};

std::uint32_t be32(const std::string& s, std::size_t at) {
  return (std::uint32_t(std::uint8_t(s[at])) << 24) | (std::uint32_t(std::uint8_t(s[at + 1])) << 16) |
         (std::uint32_t(std::uint8_t(s[at + 2])) << 8) | std::uint32_t(std::uint8_t(s[at + 3]));
}

Image decode_png(const fs::path& path) {
  const std::string file = slurp(path);
  Image img;
  if (file.size() < 8 || file.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) return img;
  std::string idat;
  int color_type = -1, bit_depth = 0, interlace = 0;
  for (std::size_t at = 8; at + 12 <= file.size();) {
    const std::uint32_t len = be32(file, at);
    const std::string type = file.substr(at + 4, 4);
    if (type == "IHDR") {
      img.width = be32(file, at + 8);
      img.height = be32(file, at + 12);
      bit_depth = std::uint8_t(file[at + 16]);
      color_type = std::uint8_t(file[at + 17]);
      interlace = std::uint8_t(file[at + 20]);
    } else if (type == "IDAT") {
      idat += file.substr(at + 8, len);
    }
    at += 12 + len;
  }
  if (bit_depth != 8 || interlace != 0 || (color_type != 2 && color_type != 6)) return Image{};
  const std::size_t bpp = color_type == 6 ? 4 : 3, stride = img.width * bpp;
  std::vector<std::uint8_t> raw(img.height * (stride + 1));
  uLongf raw_size = raw.size();
  if (uncompress(raw.data(), &raw_size, reinterpret_cast<const Bytef*>(idat.data()), idat.size()) != Z_OK ||
      raw_size != raw.size())
    return Image{};
  std::vector<std::uint8_t> prev(stride, 0), cur(stride);
  img.rgb.resize(std::size_t(img.width) * img.height * 3);
  for (std::uint32_t y = 0; y < img.height; ++y) {
    const std::uint8_t filter = raw[y * (stride + 1)];
    const std::uint8_t* line = &raw[y * (stride + 1) + 1];
    for (std::size_t i = 0; i < stride; ++i) {
      const int a = i >= bpp ? cur[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
      int predictor = 0;
      switch (filter) {
        case 1: predictor = a; break;
        case 2: predictor = b; break;
        case 3: predictor = (a + b) / 2; break;
        case 4: {
          const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
          predictor = (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c);
          break;
        }
        default: break;
      }
      cur[i] = std::uint8_t(line[i] + predictor);
    }
    for (std::uint32_t x = 0; x < img.width; ++x) {
      // composite on white (cairo PNGs are opaque, but be safe)
      const std::uint8_t* px = &cur[x * bpp];
      const int alpha = bpp == 4 ? px[3] : 255;
      for (int k = 0; k < 3; ++k)
        img.rgb[(std::size_t(y) * img.width + x) * 3 + k] =
            std::uint8_t((px[k] * alpha + 255 * (255 - alpha)) / 255);
    }
    prev.swap(cur);
  }
  return img;
}

struct PixelStats {
  double ink = 0;             // fraction of pixels that are not (nearly) white
  std::size_t n_colors = 0;   // distinct colours
  std::size_t near_red = 0;   // pixels close to the palette's last-epoch red
};

PixelStats pixel_stats(const Image& img) {
  PixelStats s;
  std::set<std::uint32_t> colors;
  std::size_t ink = 0;
  const std::size_t n = std::size_t(img.width) * img.height;
  for (std::size_t i = 0; i < n; ++i) {
    const int r = img.rgb[3 * i], g = img.rgb[3 * i + 1], b = img.rgb[3 * i + 2];
    if (r < 235 || g < 235 || b < 235) ++ink;
    colors.insert(std::uint32_t(r) << 16 | std::uint32_t(g) << 8 | std::uint32_t(b));
    if (std::abs(r - 0xae) < 24 && std::abs(g - 0x0e) < 24 && std::abs(b - 0x24) < 24) ++s.near_red;
  }
  s.ink = n ? double(ink) / double(n) : 0.0;
  s.n_colors = colors.size();
  return s;
}

// ---------------------------------------------------------------------------------------

TEST(Plot, ThinEpochsKeepsTheEndsWithinBudget) {
  std::vector<int> epochs(8000);
  for (int i = 0; i < 8000; ++i) epochs[i] = i + 1;
  const std::vector<std::size_t> t = thin_epochs(epochs, 500);
  ASSERT_GE(t.size(), 400u);
  ASSERT_LE(t.size(), 500u);
  EXPECT_EQ(t.front(), 0u);
  EXPECT_EQ(t.back(), 7999u);
  for (std::size_t i = 1; i < t.size(); ++i) EXPECT_LT(t[i - 1], t[i]);
  // log-spaced half: the early epochs are dense
  std::size_t early = 0;
  for (const std::size_t i : t) early += i < 100;
  EXPECT_GE(early, 60u);
  // small inputs and max 0 draw everything
  EXPECT_EQ(thin_epochs(std::vector<int>{1, 2, 3}, 500).size(), 3u);
  EXPECT_EQ(thin_epochs(epochs, 0).size(), 8000u);
  EXPECT_TRUE(thin_epochs(std::vector<int>{}, 10).empty());
}

TEST(Plot, ParsesOptions) {
  EpochRange r = parse_epoch_range("100:2000");
  EXPECT_EQ(r.first, 100);
  EXPECT_EQ(r.last, 2000);
  r = parse_epoch_range("100:");
  EXPECT_EQ(r.first, 100);
  EXPECT_EQ(r.last, 0);
  EXPECT_TRUE(r.contains(5000));
  r = parse_epoch_range(":50");
  EXPECT_EQ(r.first, 0);
  EXPECT_EQ(r.last, 50);
  EXPECT_FALSE(r.contains(51));
  r = parse_epoch_range("7");
  EXPECT_TRUE(r.contains(7));
  EXPECT_FALSE(r.contains(8));
  EXPECT_THROW(parse_epoch_range("a:b"), InputError);
  EXPECT_THROW(parse_epoch_range("5:3"), InputError);
  EXPECT_THROW(parse_epoch_range(""), InputError);
  const ZoomBox z = parse_zoom_box("8:12.1,0.98:1");
  EXPECT_DOUBLE_EQ(z.x_min, 8.0);
  EXPECT_DOUBLE_EQ(z.x_max, 12.1);
  EXPECT_DOUBLE_EQ(z.y_min, 0.98);
  EXPECT_DOUBLE_EQ(z.y_max, 1.0);
  EXPECT_THROW(parse_zoom_box("8:12"), InputError);
  EXPECT_THROW(parse_zoom_box("12:8,0:1"), InputError);
  EXPECT_EQ(parse_figure("variance"), Figure::variance);
  EXPECT_EQ(figure_name(Figure::range), "range");
  EXPECT_EQ(parse_format("pdf"), Format::pdf);
  try {
    parse_figure("planes");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "plot: --what: unknown figure 'planes'; got planes, expected one of "
                           "plane, mi, accuracy, variance, range, activations2d");
  }
  EXPECT_THROW(parse_format("jpg"), InputError);
}

TEST(Plot, EpochColourFollowsThePalette) {
  EXPECT_EQ(epoch_color(0.0, 1.0), 0x001f3596u);
  EXPECT_EQ(epoch_color(1.0, 0.2), 0xccae0e24u);  // 80% transparent
  EXPECT_EQ(epoch_color(2.0, 1.0), epoch_color(1.0, 1.0));
}

TEST(Plot, DrawsEveryFigureInEveryFormat) {
  if (!have_gnuplot()) GTEST_SKIP() << "gnuplot is not installed";
  const fs::path run = temp_dirs.fixture_run("all");
  PlotOptions options;
  options.figures = {Figure::plane, Figure::mi, Figure::accuracy, Figure::variance, Figure::range};
  options.formats = {Format::png, Format::svg, Format::pdf};
  const PlotReport report = plot_run(run, options);
  EXPECT_EQ(report.figures.size(), 15u);
  EXPECT_EQ(report.n_repetitions, 4u);
  EXPECT_EQ(report.n_kept, 3u);
  EXPECT_EQ(report.n_bad_fit, 1u);
  for (const char* name : {"plane", "mi", "accuracy", "variance", "range"}) {
    const fs::path dir = run / "figures";
    // sizes measured on this fixture are 50-300 KB (PNG), 20-250 KB (SVG), 15-80 KB (PDF)
    EXPECT_GT(fs::file_size(dir / (std::string(name) + ".png")), 20'000u) << name;
    EXPECT_GT(fs::file_size(dir / (std::string(name) + ".svg")), 8'000u) << name;
    EXPECT_GT(fs::file_size(dir / (std::string(name) + ".pdf")), 5'000u) << name;
    EXPECT_EQ(slurp(dir / (std::string(name) + ".pdf")).substr(0, 5), "%PDF-");
    EXPECT_NE(slurp(dir / (std::string(name) + ".svg")).find("<svg"), std::string::npos);
    EXPECT_TRUE(fs::exists(dir / (std::string(name) + ".gp"))) << name;
    EXPECT_TRUE(fs::exists(dir / (std::string(name) + ".dat"))) << name;
    const std::string caption = slurp(dir / (std::string(name) + ".caption.txt"));
    EXPECT_NE(caption.find("mean over 3 of 4 repetitions; left out: 1 with final training "
                           "accuracy below 0.55 (repetition 2)"),
              std::string::npos)
        << caption;
  }
  // no temporary files left behind
  for (const auto& entry : fs::directory_iterator(run / "figures"))
    EXPECT_NE(entry.path().filename().string().front(), '.') << entry.path();
  for (const char* f : {"repetitions.csv", "deviation.csv", "mi.csv", "accuracy.csv",
                        "activation_range.csv"})
    EXPECT_TRUE(fs::exists(run / "summary" / f)) << f;
}

TEST(Plot, PlanePngIsNotBlank) {
  if (!have_gnuplot()) GTEST_SKIP() << "gnuplot is not installed";
  const fs::path run = temp_dirs.fixture_run("pixels");
  const PlotReport report = plot_run(run);  // defaults: plane.png
  ASSERT_EQ(report.figures.size(), 1u);
  EXPECT_EQ(report.figures[0], run / "figures" / "plane.png");
  const Image img = decode_png(run / "figures" / "plane.png");
  ASSERT_GT(img.width, 1000u) << "not a PNG this test can decode";
  EXPECT_EQ(img.width, 1600u);   // 640 x 316 points at 2.5 pixels per point
  EXPECT_EQ(img.height, 790u);
  const PixelStats s = pixel_stats(img);
  EXPECT_GT(s.ink, 0.04) << "figure looks blank";
  EXPECT_LT(s.ink, 0.6) << "figure looks flooded";
  EXPECT_GT(s.n_colors, 200u) << "expected a coloured figure";
  EXPECT_GT(s.near_red, 50u) << "no points in the last epoch's colour";
}

TEST(Plot, SummaryHoldsHandComputedValues) {
  const fs::path run = temp_dir("hand");
  write(run / "manifest.json", R"({"config": {"name": "hand"},
    "dataset": {"n_samples": 16, "h_y": 1.0},
    "layers": [{"index": 0, "name": "input"}, {"index": 1, "name": "dense1"},
               {"index": 2, "name": "output", "activation": "softmax"}],
    "repetitions": [{"index": 0, "seed": 10, "status": "ok", "final_train_accuracy": 0.9},
                    {"index": 1, "seed": 11, "status": "ok", "final_train_accuracy": 0.8},
                    {"index": 2, "seed": 12, "status": "ok", "final_train_accuracy": 0.5}]})");
  std::string mi = "repetition,epoch,layer,estimator,i_xt,i_ty\n";
  for (int r = 0; r < 3; ++r)
    for (int e = 1; e <= 2; ++e) {
      mi += fmt::format("{},{},0,exact,4,1\n", r, e);
      // layer 1 epoch 1: 1, 3 (kept) and 100 (bad fit, left out)
      mi += fmt::format("{},{},1,exact,{},{}\n", r, e, r == 2 ? 100.0 : 1.0 + 2 * r + (e - 1),
                        0.25 * (r + 1));
      mi += fmt::format("{},{},2,exact,1,0.5\n", r, e);
    }
  write(run / "mi.csv", mi);
  write(run / "accuracy.csv",
        "repetition,epoch,train_accuracy,test_accuracy,train_loss\n"
        "0,1,0.6,0.5,1\n0,2,0.9,0.8,0.5\n1,1,0.4,0.4,1\n1,2,0.8,0.7,0.7\n"
        "2,1,0.5,0.5,1\n2,2,0.5,0.5,1\n");
  PlotOptions options;
  options.figures = {Figure::plane, Figure::accuracy};
  options.render = false;
  const PlotReport report = plot_run(run, options);
  EXPECT_TRUE(report.figures.empty());
  EXPECT_EQ(report.scripts.size(), 2u);
  EXPECT_EQ(report.n_bad_fit, 1u);
  EXPECT_FALSE(fs::exists(run / "figures" / "plane.png"));

  const std::string summary = slurp(run / "summary" / "mi.csv");
  // kept 0, 1: i_xt 1, 3 -> mean 2, std sqrt(2), ci t(1) sqrt(2)/sqrt(2);
  // i_ty 0.25, 0.5 -> mean 0.375, std 0.1767767, ci 12.706204736 * 0.125 = 1.588275592
  EXPECT_NE(summary.find("exact,1,dense1,1,2,2,1.41421356,12.7062047,0.375,0.176776695,1.58827559\n"),
            std::string::npos) << summary;
  EXPECT_NE(summary.find("exact,0,input,2,2,4,0,0,1,0,0\n"), std::string::npos) << summary;
  const std::string reps = slurp(run / "summary" / "repetitions.csv");
  EXPECT_NE(reps.find("0,10,0,ok,0.9,nan,1,\n"), std::string::npos) << reps;
  EXPECT_NE(reps.find("2,12,0,ok,0.5,nan,0,final training accuracy below 0.55\n"),
            std::string::npos) << reps;
  const std::string acc = slurp(run / "summary" / "accuracy.csv");
  // epoch 2 train: 0.9, 0.8 -> mean 0.85, std 0.0707106781
  EXPECT_NE(acc.find("\n2,2,0.85,0.0707106781,"), std::string::npos) << acc;
  const std::string dev = slurp(run / "summary" / "deviation.csv");
  EXPECT_NE(dev.find("estimator,repetition,l2_distance,rank,median_deviating\n"), std::string::npos);
  // both kept repetitions are equally far from the mean: the first is the median one
  EXPECT_NE(dev.find("exact,0,"), std::string::npos);
  EXPECT_NE(dev.find(",1,1\n"), std::string::npos) << dev;
  EXPECT_NE(slurp(run / "figures" / "plane.caption.txt").find("left out: 1 with final training accuracy below 0.55 (repetition 2)"),
            std::string::npos);
}

TEST(Plot, OneRepetitionOfOneEpochStillDraws) {
  if (!have_gnuplot()) GTEST_SKIP() << "gnuplot is not installed";
  const fs::path run = temp_dir("tiny");
  write(run / "manifest.json", R"({"dataset": {"n_samples": 4096, "h_y": 1.0}})");
  write(run / "mi.csv", "repetition,epoch,layer,estimator,i_xt,i_ty\n"
                        "0,1,0,exact,12,1\n0,1,1,exact,11,0.9\n0,1,2,exact,3,0.5\n");
  write(run / "accuracy.csv", "repetition,epoch,train_accuracy,test_accuracy,train_loss\n"
                              "0,1,0.6,0.55,0.7\n");
  write(run / "activation_range.csv", "repetition,epoch,layer,min,max\n0,1,1,-1,1\n0,1,2,0,0\n");
  PlotOptions options;
  options.figures = {Figure::plane, Figure::mi, Figure::accuracy, Figure::variance, Figure::range};
  for (const bool log : {false, true}) {
    options.log_epochs = log;
    const PlotReport report = plot_run(run, options);
    EXPECT_EQ(report.figures.size(), 5u);
    EXPECT_EQ(report.n_kept, 1u);
  }
  EXPECT_NE(slurp(run / "summary" / "mi.csv").find("exact,1,T1,1,1,11,nan,nan,0.9,nan,nan\n"),
            std::string::npos);
}

TEST(Plot, EstimatorNamesWithCommasStayWhole) {
  const fs::path run = temp_dir("comma_names");
  write(run / "manifest.json", R"({"dataset": {"n_samples": 4096, "h_y": 1.0}})");
  write(run / "mi.csv", "repetition,epoch,layer,estimator,i_xt,i_ty\n"
                        "0,1,0,\"binning:30,bounds=fixed\",12,1\n0,1,1,\"binning:30,bounds=fixed\",5,0.5\n");
  PlotOptions options;
  options.render = false;
  options.estimator = "binning:30,bounds=fixed";
  plot_run(run, options);
  const std::string summary = slurp(run / "summary" / "mi.csv");
  EXPECT_NE(summary.find("\n\"binning:30,bounds=fixed\",1,T1,1,1,5,nan,nan,0.5,nan,nan\n"),
            std::string::npos) << summary;
  EXPECT_NE(slurp(run / "figures" / "plane.caption.txt").find("estimator binning:30,bounds=fixed"),
            std::string::npos);
}

TEST(Plot, EstimatorAndEpochWindow) {
  const fs::path run = temp_dirs.fixture_run("window");
  PlotOptions options;
  options.render = false;
  options.write_summary = false;
  options.estimator = "binning:30";
  options.epochs = parse_epoch_range("10:20");
  plot_run(run, options);
  EXPECT_FALSE(fs::exists(run / "summary"));
  const std::string dat = slurp(run / "figures" / "plane.dat");
  EXPECT_NE(dat.find("estimator binning:30"), std::string::npos);
  // the points data set: epochs 10, 12, ..., 20 only
  const std::size_t points = dat.find("# epoch layer i_xt i_ty\n");
  ASSERT_NE(points, std::string::npos);
  std::stringstream ss(dat.substr(points));
  std::set<int> epochs;
  for (std::string line; std::getline(ss, line);)
    if (!line.empty() && line[0] != '#') epochs.insert(std::stoi(line));
  EXPECT_EQ(epochs, (std::set<int>{10, 12, 14, 16, 18, 20}));
  const std::string gp = slurp(run / "figures" / "plane.gp");
  EXPECT_NE(gp.find("set cbrange [10:20]"), std::string::npos);

  options.estimator = "kde";
  try {
    plot_run(run, options);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("expected one of exact, binning:30"), std::string::npos)
        << e.what();
  }
  options.estimator = "";
  options.epochs = parse_epoch_range("1000:2000");
  try {
    plot_run(run, options);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("selects no recorded epoch"), std::string::npos)
        << e.what();
  }
}

TEST(Plot, PlaneScriptHasColourBarZoomAndLabels) {
  const fs::path run = temp_dirs.fixture_run("script");
  PlotOptions options;
  options.render = false;
  plot_run(run, options);
  const std::string gp = slurp(run / "figures" / "plane.gp");
  EXPECT_NE(gp.find("set cblabel \"Epoch\""), std::string::npos);
  EXPECT_NE(gp.find("set cbrange [2:40]"), std::string::npos);
  EXPECT_NE(gp.find("set xrange [0:12.36]"), std::string::npos);     // axes from 0 to H(X)
  EXPECT_NE(gp.find("set object 1 rectangle"), std::string::npos);   // the zoomed area
  EXPECT_NE(gp.find("lc palette"), std::string::npos);
  EXPECT_NE(gp.find("lc rgb variable"), std::string::npos);         // faint per-epoch lines
  EXPECT_NE(gp.find("'Ŷ'"), std::string::npos);
  EXPECT_NE(gp.find("'dense5'"), std::string::npos);
  EXPECT_EQ(gp.find("\nset logscale cb"), std::string::npos);

  options.zoom = false;
  options.log_epochs = true;
  plot_run(run, options);
  const std::string gp2 = slurp(run / "figures" / "plane.gp");
  EXPECT_EQ(gp2.find("set object 1 rectangle"), std::string::npos);
  EXPECT_NE(gp2.find("\nset logscale cb"), std::string::npos);
}

TEST(Plot, RejectsWhatItCannotDraw) {
  const fs::path run = temp_dirs.fixture_run("reject");
  PlotOptions options;
  options.render = false;
  options.figures = {Figure::activations2d};
  EXPECT_THROW(plot_run(run, options), InputError);
  options.figures = {Figure::plane};
  options.min_train_accuracy = 0.99;
  try {
    plot_run(run, options);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no repetition left to draw"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(plot_run(run / "nonexistent", PlotOptions{}), InputError);
}

TEST(Plot, MissingGnuplotSaysHowToInstallIt) {
  const fs::path run = temp_dirs.fixture_run("nognuplot");
  ::setenv("INFOPLANE_GNUPLOT", "/nonexistent/gnuplot", 1);
  try {
    plot_run(run);
    ::unsetenv("INFOPLANE_GNUPLOT");
    FAIL() << "expected GnuplotMissing";
  } catch (const GnuplotMissing& e) {
    ::unsetenv("INFOPLANE_GNUPLOT");
    EXPECT_NE(std::string(e.what()).find("apt-get install gnuplot-nox"), std::string::npos)
        << e.what();
  }
  // the data and script are there to draw later
  EXPECT_TRUE(fs::exists(run / "figures" / "plane.gp"));
  EXPECT_TRUE(fs::exists(run / "figures" / "plane.dat"));
}

TEST(Plot, ComparesRunsAndEstimatorsSideBySide) {
  const fs::path run = temp_dirs.fixture_run("compare");
  const fs::path out = temp_dir("compare_out");
  const std::vector<ComparePanel> panels = {{run, "exact", ""}, {run, "binning:30", ""}};
  PlotOptions options;
  options.figures = {Figure::plane, Figure::accuracy};
  options.render = have_gnuplot();
  EXPECT_THROW(plot_compare(panels, options), InputError);  // --out is required
  options.out_dir = out;
  const PlotReport report = plot_compare(panels, options);
  EXPECT_EQ(report.n_repetitions, 4u);  // one run, counted once
  const std::string gp = slurp(out / "compare_plane.gp");
  EXPECT_NE(gp.find("'synthetic-szt-tanh · exact'"), std::string::npos) << gp;
  EXPECT_NE(gp.find("'synthetic-szt-tanh · binning:30'"), std::string::npos);
  EXPECT_NE(slurp(out / "compare_plane.caption.txt").find("(2) synthetic-szt-tanh · binning:30"),
            std::string::npos);
  if (options.render) {
    EXPECT_GT(fs::file_size(out / "compare_plane.png"), 20'000u);
    EXPECT_GT(fs::file_size(out / "compare_accuracy.png"), 20'000u);
    const PixelStats s = pixel_stats(decode_png(out / "compare_plane.png"));
    EXPECT_GT(s.ink, 0.04);
  }
  options.figures = {Figure::mi};
  EXPECT_THROW(plot_compare(panels, options), InputError);
}

}  // namespace
}  // namespace infoplane::report

namespace infoplane::report {
namespace {

TEST(Plot, PrefittingIsMarkedInTheEpochFiguresAndCaptions) {
  const fs::path run = temp_dirs.fixture_run("prefit");
  std::string manifest = slurp(run / "manifest.json");
  const std::string training = "\"training\": {";
  ASSERT_NE(manifest.find(training), std::string::npos);
  manifest.replace(manifest.find(training), training.size(), training + "\n      \"prefit_epochs\": 10,");
  std::ofstream(run / "manifest.json") << manifest;
  PlotOptions options;
  options.figures = {Figure::mi, Figure::accuracy};
  options.render = false;
  plot_run(run, options);
  const std::string mi = slurp(run / "figures" / "mi.gp");
  // Both epoch panels of the MI figure, and the accuracy figure, carry the line at epoch 10.
  std::size_t marks = 0;
  for (std::size_t at = mi.find("set arrow 1990 from 10,"); at != std::string::npos;
       at = mi.find("set arrow 1990 from 10,", at + 1))
    ++marks;
  EXPECT_EQ(marks, 2U) << mi;
  EXPECT_NE(slurp(run / "figures" / "accuracy.gp").find("end of prefitting"), std::string::npos);
  EXPECT_NE(slurp(run / "figures" / "mi.caption.txt").find("epochs 1-10 prefitted on shuffled labels"),
            std::string::npos);
}

}  // namespace
}  // namespace infoplane::report
