/// @brief Entry point of the `infoplane_bench` Google Benchmark binary.
#include <benchmark/benchmark.h>

BENCHMARK_MAIN();
