// DG_HD marks a function that nvcc compiles for both the CPU and the GPU (`__host__ __device__`).
// Under a plain C++ compiler it is empty, so the same formulas (the rows of unary.hpp, the index
// logic of cuda/index.hpp) build, run and are unit-tested without CUDA.
#pragma once

#if defined(__CUDACC__)
#define DG_HD __host__ __device__
#else
#define DG_HD
#endif
