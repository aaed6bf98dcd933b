// Tape helpers shared by the graph layers: per-edge differences of node rows, aggregation of edge
// rows over receivers, and the first layer of an edge MLP computed without its concatenated input.
//
// Edge e carries a message from node j = senders[e] to node i = receivers[e]; "per edge" tensors
// are (E, C), "per node" tensors (N, C).
//
// Why edge_linear: an edge MLP's first layer sees [h_i, h_j, e_ij] (E, 2F + A). Splitting its
// weight W (2F + A, H) into row blocks W_i (F, H), W_j (F, H) and W_e (A, H) gives
//   [h_i, h_j, e_ij] W + b = (h W_i)[i] + (h W_j)[j] + e_ij W_e + b,
// two products over the N nodes and gathers instead of one product over the E > N edges and an
// (E, 2F + A) copy. The parameters stay those of an ordinary Linear(2F + A, H), so checkpoints and
// imported weights do not see the difference.
#pragma once

#include "autodiff/ops.hpp"
#include "nn/activation.hpp"
#include "nn/graph/graph_batch.hpp"
#include "nn/linear.hpp"

namespace dg::nn {

// How edge rows are combined at their receiver.
enum class Aggregation { Sum, Mean };  // Mean divides by the receiver's in-degree (0 rows stay 0)

const char* aggregation_name(Aggregation a);  // "sum", "mean"

// (E, C) x[receiver] - x[sender]: x_i - x_j for every edge. x (N, C).
template <class T>
Var<T> edge_difference(const GraphBatch& g, Var<T> x);

// (N, C) the rows of m (E, C) summed or averaged over each receiver.
template <class T>
Var<T> aggregate(const GraphBatch& g, Var<T> m, Aggregation how);

// (N, 1) 1 / (M - 1) for each node, M the size of its graph (0 for a graph of one node): the
// normalisation of the EGNN paper, equal to the mean over a fully connected graph.
template <class T>
Var<T> inverse_graph_degree(Tape<T>& tape, const GraphBatch& g);

// (E, H) f([h_i, h_j, e_ij] W + b) for layer = Linear(2F + A, H), computed as described above.
// h (N, F); e (E, A) or an empty Var when A = 0. Throws ShapeError naming `who` on a mismatch.
template <class T>
Var<T> edge_linear(Tape<T>& tape, Linear<T>& layer, const GraphBatch& g, Var<T> h, Var<T> e, Activation f,
                   const char* who);

// Throws ShapeError naming `who` unless v is an (rows, cols) Var (cols < 0: any width).
template <class T>
void require_rows(const char* who, const char* what, Var<T> v, index_t rows, index_t cols = -1);

}  // namespace dg::nn
