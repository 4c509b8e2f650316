/// @brief Assembles an IDX image data set (MNIST layout) from its four files.
#include "infoplane/data/mnist.h"

#include <algorithm>

#include "infoplane/common.h"
#include "infoplane/data/idx.h"

namespace infoplane::data {

namespace {

std::filesystem::path find_file(const std::filesystem::path& dir, const std::string& stem) {
  std::error_code ec;
  for (const std::string& name : {stem + ".gz", stem}) {
    if (std::filesystem::is_regular_file(dir / name, ec)) return dir / name;
  }
  input_error("{}: no IDX file '{}.gz' or '{}' in the data set folder", dir.string(), stem, stem);
}

struct Part {
  IdxArray images;
  IdxArray labels;
  std::filesystem::path images_file;
  std::filesystem::path labels_file;
};

Part read_part(const std::filesystem::path& dir, const std::string& prefix) {
  Part part;
  part.images_file = find_file(dir, prefix + "-images-idx3-ubyte");
  part.labels_file = find_file(dir, prefix + "-labels-idx1-ubyte");
  part.images = read_idx(part.images_file);
  part.labels = read_idx(part.labels_file);
  if (part.images.dims.size() < 2 || part.images.dims.size() > 4) {
    input_error("{}: expected images of 2 to 4 dimensions (count [x height] x width [x channels]); got {} "
                "dimensions", part.images_file.string(), part.images.dims.size());
  }
  if (part.labels.dims.size() != 1) {
    input_error("{}: expected a 1-dimensional label file; got {} dimensions", part.labels_file.string(),
                part.labels.dims.size());
  }
  if (part.labels.dims[0] != part.images.dims[0]) {
    input_error("{}: {} labels for {} images in {}", part.labels_file.string(), part.labels.dims[0],
                part.images.dims[0], part.images_file.string());
  }
  return part;
}

}  // namespace

Dataset load_idx_dataset(const std::filesystem::path& dir, const std::string& name) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) input_error("{}: no such data set folder", dir.string());
  const Part train = read_part(dir, "train");
  const Part test = read_part(dir, "t10k");
  const std::vector<std::size_t> shape(train.images.dims.begin() + 1, train.images.dims.end());
  const std::vector<std::size_t> test_shape(test.images.dims.begin() + 1, test.images.dims.end());
  if (shape != test_shape) {
    input_error("{}: test images have another shape than the training images in {}",
                test.images_file.string(), train.images_file.string());
  }
  std::size_t d = 1;
  for (const std::size_t s : shape) d *= s;
  const std::size_t n_train = train.labels.dims[0];
  const std::size_t n_test = test.labels.dims[0];
  const std::size_t n = n_train + n_test;

  Dataset dataset;
  dataset.name = name;
  dataset.x.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(d));
  float* x = dataset.x.data();
  constexpr float k_scale = 1.0f / 255.0f;
  // Pixels in the file's order; a 4-dimensional file (count x h x w x c) is moved to
  // channel, row, column order.
  const std::size_t channels = shape.size() == 3 ? shape[2] : 1;
  const std::size_t height = shape.size() >= 2 ? shape[0] : 1;
  const std::size_t width = shape.size() >= 2 ? shape[1] : shape[0];
  dataset.x_bytes.resize(n * d);
  dataset.x_byte_scale = k_scale;
  auto copy = [&](const IdxArray& images, std::size_t first_row) {
    const std::size_t rows = images.dims[0];
    for (std::size_t i = 0; i < rows; ++i) {
      const std::uint8_t* src = images.values.data() + i * d;
      std::uint8_t* bytes = dataset.x_bytes.data() + (first_row + i) * d;
      for (std::size_t p = 0; p < height * width; ++p) {
        for (std::size_t c = 0; c < channels; ++c) bytes[c * height * width + p] = src[p * channels + c];
      }
      float* dst = x + (first_row + i) * d;
      for (std::size_t f = 0; f < d; ++f) dst[f] = static_cast<float>(bytes[f]) * k_scale;
    }
  };
  copy(train.images, 0);
  copy(test.images, n_train);
  dataset.y.reserve(n);
  for (const std::uint8_t label : train.labels.values) dataset.y.push_back(label);
  for (const std::uint8_t label : test.labels.values) dataset.y.push_back(label);
  dataset.n_classes = static_cast<std::size_t>(*std::max_element(dataset.y.begin(), dataset.y.end())) + 1;
  if (dataset.n_classes < 2) input_error("{}: all labels are {}, expected at least 2 classes", train.labels_file.string(), dataset.y[0]);
  dataset.train.resize(n_train);
  for (std::size_t i = 0; i < n_train; ++i) dataset.train[i] = static_cast<std::uint32_t>(i);
  dataset.test.resize(n_test);
  for (std::size_t i = 0; i < n_test; ++i) dataset.test[i] = static_cast<std::uint32_t>(n_train + i);
  dataset.image_shape = {channels, height, width};
  return dataset;
}

Dataset load_mnist() { return load_idx_dataset(data_dir() / "mnist", "mnist"); }

}  // namespace infoplane::data
