// The pool behind parallel.h. One job at a time: the caller publishes it in a single word
// (generation, task count, next task), and every thread claims tasks by compare-and-swap
// on that word, so a thread that wakes late can never run a task of a finished job.
#include "parallel.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define TL_PAUSE() _mm_pause()
#else
#define TL_PAUSE() std::this_thread::yield()
#endif

namespace tl {
namespace {

// How long a worker keeps polling after its last task before it sleeps: longer than the
// gap between two kernels of a training step (tens of microseconds) and than the work
// between two steps of a small model (measured: 0.3 ms let the MLP's first product of each
// step find the worker asleep, 1.3 vs 1.8 ms a step), short enough that an idle engine
// leaves the core alone.
constexpr auto kSpinBeforeSleep = std::chrono::microseconds(3000);
constexpr int kMaxTasks = 0xFFFF;

// word = generation << 32 | tasks << 16 | next task
inline uint32_t generationOf(uint64_t w) { return static_cast<uint32_t>(w >> 32); }
inline int tasksOf(uint64_t w) { return static_cast<int>((w >> 16) & 0xFFFF); }
inline int nextOf(uint64_t w) { return static_cast<int>(w & 0xFFFF); }

thread_local bool insideTask = false;

class Pool {
 public:
  int threads() const { return wanted_.load(std::memory_order_relaxed); }
  void setThreads(int n) { wanted_.store(std::max(1, n), std::memory_order_relaxed); }

  // Returns false when another caller's job is running (the caller then runs inline).
  bool run(int tasks, void (*fn)(void*, int), void* ctx) {
    std::unique_lock<std::mutex> one(submit_, std::try_to_lock);
    if (!one.owns_lock()) return false;
    startWorkers(threads() - 1);
    fn_ = fn;
    ctx_ = ctx;
    done_.store(0, std::memory_order_relaxed);
    const uint64_t w = (static_cast<uint64_t>(++generation_) << 32) | (static_cast<uint64_t>(tasks) << 16);
    word_.store(w, std::memory_order_seq_cst);
    if (sleepers_.load(std::memory_order_seq_cst) > 0) {
      std::lock_guard<std::mutex> lock(sleepLock_);
      wake_.notify_all();
    }
    insideTask = true;
    claimAll(generation_);
    insideTask = false;
    while (done_.load(std::memory_order_acquire) < tasks) TL_PAUSE();
    return true;
  }

 private:
  // Claims and runs tasks of generation g until none is left.
  void claimAll(uint32_t g) {
    uint64_t w = word_.load(std::memory_order_acquire);
    for (;;) {
      if (generationOf(w) != g || nextOf(w) >= tasksOf(w)) return;
      if (!word_.compare_exchange_weak(w, w + 1, std::memory_order_acq_rel, std::memory_order_acquire)) continue;
      // A claimed task keeps its job unfinished, so fn_ and ctx_ are still this job's.
      fn_(ctx_, nextOf(w));
      done_.fetch_add(1, std::memory_order_release);
      w = word_.load(std::memory_order_acquire);
    }
  }

  void startWorkers(int count) {
    while (started_ < count) {
      std::thread([this] { workerLoop(); }).detach();
      started_++;
    }
  }

  void workerLoop() {
    insideTask = true;
    uint32_t seen = 0;
    for (;;) {
      uint64_t w = word_.load(std::memory_order_acquire);
      if (generationOf(w) != seen) {
        seen = generationOf(w);
        claimAll(seen);
        continue;
      }
      // Poll for a while, then sleep until a new generation is published.
      const auto until = std::chrono::steady_clock::now() + kSpinBeforeSleep;
      bool fresh = false;
      while (!fresh) {
        for (int i = 0; i < 64 && !fresh; i++) {
          TL_PAUSE();
          fresh = generationOf(word_.load(std::memory_order_acquire)) != seen;
        }
        if (!fresh && std::chrono::steady_clock::now() > until) break;
      }
      if (fresh) continue;
      std::unique_lock<std::mutex> lock(sleepLock_);
      sleepers_.fetch_add(1, std::memory_order_seq_cst);
      wake_.wait(lock, [&] { return generationOf(word_.load(std::memory_order_seq_cst)) != seen; });
      sleepers_.fetch_sub(1, std::memory_order_seq_cst);
    }
  }

  std::atomic<int> wanted_{static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))};
  std::mutex submit_;
  int started_ = 0;
  uint32_t generation_ = 0;
  std::atomic<uint64_t> word_{0};
  std::atomic<int> done_{0};
  void (*fn_)(void*, int) = nullptr;
  void* ctx_ = nullptr;
  std::mutex sleepLock_;
  std::condition_variable wake_;
  std::atomic<int> sleepers_{0};
};

// Never destroyed: detached workers may still be polling while the process exits.
Pool& pool() {
  static Pool* p = new Pool();
  return *p;
}

}  // namespace

int parallelThreads() { return pool().threads(); }
void setParallelThreads(int n) { pool().setThreads(n); }
bool inParallelTask() { return insideTask; }

void runTasks(int tasks, void (*fn)(void*, int), void* ctx) {
  if (tasks <= 0) return;
  if (tasks > kMaxTasks || inParallelTask() || !pool().run(tasks, fn, ctx)) {
    for (int i = 0; i < tasks; i++) fn(ctx, i);
  }
}

}  // namespace tl
