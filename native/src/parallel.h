// The addon's own thread pool: the calling thread plus persistent workers share a kernel's
// work. OpenBLAS runs on one thread inside each task, so every parallel part of a step
// (products, element-wise loops, the optimizer) goes through one pool whose workers spin
// briefly between kernels and then sleep, instead of OpenBLAS's workers and threads started
// per call competing for the same two cores.
//
// Work is cut into a number of tasks that depends only on the sizes and the thread count
// asked for, never on which thread is free, so results are the same from run to run.
#pragma once
#include <algorithm>
#include <cstddef>

namespace tl {

// Threads a kernel may use (the caller included); 1 runs everything on the caller.
int parallelThreads();
// Sets the thread count (at least 1); workers are started on first use.
void setParallelThreads(int n);
// True on a pool worker, or on the caller while it runs tasks: nested parallel calls run inline.
bool inParallelTask();

// Runs fn(ctx, i) for i in [0, tasks), claimed by the caller and the workers; returns when all
// have finished. Runs inline when the pool is busy with another caller's job (several worker
// threads of the host may load the addon) or when called from inside a task.
void runTasks(int tasks, void (*fn)(void*, int), void* ctx);

template <class Body>
void parallelTasks(int tasks, Body&& body) {
  if (tasks <= 1 || parallelThreads() <= 1 || inParallelTask()) {
    for (int i = 0; i < tasks; i++) body(i);
    return;
  }
  runTasks(tasks, [](void* ctx, int i) { (*static_cast<Body*>(ctx))(i); }, &body);
}

// How many parts [0, n) is cut into: one per thread, each at least `minPerPart` long.
inline size_t partsFor(size_t n, size_t minPerPart) {
  const size_t threads = static_cast<size_t>(parallelThreads());
  return std::max<size_t>(1, std::min(threads, minPerPart > 0 ? n / minPerPart : threads));
}

// Runs body(part, begin, end) on `parts` consecutive ranges of [0, n), each a multiple of
// `align` long. Reductions keep one partial result per part and add them in part order.
template <class Body>
void forParts(size_t n, size_t parts, Body&& body, size_t align = 16) {
  if (parts <= 1) {
    body(size_t{0}, size_t{0}, n);
    return;
  }
  const size_t step = (n / parts + align - 1) / align * align;
  parallelTasks(static_cast<int>(parts), [&](int i) {
    const size_t part = static_cast<size_t>(i);
    const size_t begin = std::min(n, step * part);
    const size_t end = part + 1 == parts ? n : std::min(n, begin + step);
    body(part, begin, end);
  });
}

// body(begin, end) over one range per thread (see partsFor); small n runs as one range.
template <class Body>
void parallelRange(size_t n, size_t minPerThread, Body&& body, size_t align = 16) {
  forParts(n, partsFor(n, minPerThread), [&](size_t, size_t begin, size_t end) {
    if (begin < end || n == 0) body(begin, end);
  }, align);
}

// Element counts below which an element-wise loop stays on one thread: handing work to
// another core costs about a microsecond, a memory-bound loop does ~4 floats per ns.
constexpr size_t kParallelElements = size_t{1} << 14;

}  // namespace tl
