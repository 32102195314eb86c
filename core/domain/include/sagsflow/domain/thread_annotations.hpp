// Thread-safety annotations for clang's -Wthread-safety, and a mutex that
// carries them.
//
// The macros expand to clang's capability attributes under clang and to
// nothing under other compilers, so GCC builds are unchanged. The analysis
// runs in the clang build of ./scripts/test (-DSAGSFLOW_THREAD_SAFETY=ON,
// which makes every thread-safety warning an error).
//
// libstdc++'s std::mutex and std::lock_guard carry no annotations, so shared
// state is guarded by a sagsflow::Mutex and locked with a sagsflow::MutexLock:
//
//   class Counter {
//    public:
//     void add() EXCLUDES(mutex_) { MutexLock lock(mutex_); ++n_; }
//    private:
//     void add_locked() REQUIRES(mutex_) { ++n_; }  // the caller holds mutex_
//     Mutex mutex_;
//     long n_ GUARDED_BY(mutex_) = 0;
//   };
//
// Waiting for a condition uses sagsflow::CondVar with the Mutex held, in a
// loop that rechecks the condition (wakeups may be spurious):
//
//   const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
//   MutexLock lock(stop_mutex_);
//   while (!stopping_) {  // bool stopping_ GUARDED_BY(stop_mutex_);
//     if (stop_signal_.wait_until(stop_mutex_, deadline) == std::cv_status::timeout) break;
//   }
//
// The analysis checks each function on its own, and a lambda is a function of
// its own: one that touches guarded state takes the lock itself.
//
// Thread-safety: Mutex, MutexLock and CondVar are as thread-safe as the
// std::mutex, std::lock_guard and std::condition_variable they wrap; a
// MutexLock belongs to the thread that made it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#if defined(__clang__) && !defined(SWIG)
#define SAGSFLOW_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define SAGSFLOW_THREAD_ANNOTATION(x)
#endif

// A class whose objects are capabilities (a mutex); `x` names the kind ("mutex").
#define CAPABILITY(x) SAGSFLOW_THREAD_ANNOTATION(capability(x))
// An RAII class that holds a capability for its lifetime.
#define SCOPED_CAPABILITY SAGSFLOW_THREAD_ANNOTATION(scoped_lockable)
// A data member read or written only with `x` held.
#define GUARDED_BY(x) SAGSFLOW_THREAD_ANNOTATION(guarded_by(x))
// A pointer member whose pointee is read or written only with `x` held.
#define PT_GUARDED_BY(x) SAGSFLOW_THREAD_ANNOTATION(pt_guarded_by(x))
// Mutexes that must be taken before / after this one.
#define ACQUIRED_BEFORE(...) SAGSFLOW_THREAD_ANNOTATION(acquired_before(__VA_ARGS__))
#define ACQUIRED_AFTER(...) SAGSFLOW_THREAD_ANNOTATION(acquired_after(__VA_ARGS__))
// The caller must hold the capabilities (exclusively / shared).
#define REQUIRES(...) SAGSFLOW_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define REQUIRES_SHARED(...) SAGSFLOW_THREAD_ANNOTATION(requires_shared_capability(__VA_ARGS__))
// The function takes / releases the capabilities (and the caller does not / does hold them).
#define ACQUIRE(...) SAGSFLOW_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define ACQUIRE_SHARED(...) SAGSFLOW_THREAD_ANNOTATION(acquire_shared_capability(__VA_ARGS__))
#define RELEASE(...) SAGSFLOW_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define RELEASE_SHARED(...) SAGSFLOW_THREAD_ANNOTATION(release_shared_capability(__VA_ARGS__))
// The function takes the capabilities when it returns the first argument (true: TRY_ACQUIRE(true)).
#define TRY_ACQUIRE(...) SAGSFLOW_THREAD_ANNOTATION(try_acquire_capability(__VA_ARGS__))
// The caller must not hold the capabilities (the function takes them).
#define EXCLUDES(...) SAGSFLOW_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
// The function asserts at run time that the capability is held.
#define ASSERT_CAPABILITY(x) SAGSFLOW_THREAD_ANNOTATION(assert_capability(x))
// The function returns a reference to the capability `x`.
#define RETURN_CAPABILITY(x) SAGSFLOW_THREAD_ANNOTATION(lock_returned(x))
// Turns the analysis off for one function (say why beside it).
#define NO_THREAD_SAFETY_ANALYSIS SAGSFLOW_THREAD_ANNOTATION(no_thread_safety_analysis)

namespace sagsflow {

// A std::mutex the analysis knows about. Not recursive.
class CAPABILITY("mutex") Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void lock() ACQUIRE() { mutex_.lock(); }
  void unlock() RELEASE() { mutex_.unlock(); }
  bool try_lock() TRY_ACQUIRE(true) { return mutex_.try_lock(); }
  // Tells the analysis the caller holds this mutex (checked by nothing at run time).
  void assert_held() const ASSERT_CAPABILITY(this) {}

  // The wrapped mutex, for code the analysis cannot follow; prefer MutexLock and CondVar.
  std::mutex& native() { return mutex_; }

 private:
  std::mutex mutex_;
};

// Holds a Mutex from construction to destruction (std::lock_guard with annotations).
class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mutex) ACQUIRE(mutex) : mutex_(mutex) { mutex_.lock(); }
  ~MutexLock() RELEASE() { mutex_.unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex& mutex_;
};

// A std::condition_variable waited on with a sagsflow::Mutex held. Each wait
// releases the mutex while it blocks and holds it again when it returns, as
// std::condition_variable does; wakeups may be spurious, so wait in a loop
// that rechecks the condition.
class CondVar {
 public:
  void wait(Mutex& mutex) REQUIRES(mutex) {
    std::unique_lock<std::mutex> lock(mutex.native(), std::adopt_lock);
    cv_.wait(lock);
    lock.release();  // still held: the caller's MutexLock releases it
  }
  template <typename Rep, typename Period>
  std::cv_status wait_for(Mutex& mutex, const std::chrono::duration<Rep, Period>& timeout) REQUIRES(mutex) {
    std::unique_lock<std::mutex> lock(mutex.native(), std::adopt_lock);
    const std::cv_status status = cv_.wait_for(lock, timeout);
    lock.release();
    return status;
  }
  template <typename ClockType, typename Duration>
  std::cv_status wait_until(Mutex& mutex, const std::chrono::time_point<ClockType, Duration>& deadline)
      REQUIRES(mutex) {
    std::unique_lock<std::mutex> lock(mutex.native(), std::adopt_lock);
    const std::cv_status status = cv_.wait_until(lock, deadline);
    lock.release();
    return status;
  }
  void notify_one() { cv_.notify_one(); }
  void notify_all() { cv_.notify_all(); }

 private:
  std::condition_variable cv_;
};

}  // namespace sagsflow
