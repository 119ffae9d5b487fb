#include "scanhook/core/store/postgres_pool.hpp"

#include <algorithm>

namespace scanhook::core {

PostgresPool::PostgresPool(std::string url, std::string password, std::size_t size)
    : url_(std::move(url)), password_(std::move(password)), size_(std::max<std::size_t>(size, 1)) {
  all_.push_back(std::make_unique<PostgresConnection>(url_, password_));
  idle_.push_back(all_.back().get());
}

PostgresPool::Lease::Lease(PostgresPool& owner) : pool(owner), connection(nullptr) {
  std::unique_lock lock(pool.mutex_);
  pool.released_.wait(
      lock, [&] { return !pool.idle_.empty() || pool.all_.size() + pool.opening_ < pool.size_; });
  if (!pool.idle_.empty()) {
    connection = pool.idle_.back();
    pool.idle_.pop_back();
    return;
  }
  // A new connection, opened outside the lock.
  ++pool.opening_;
  lock.unlock();
  std::unique_ptr<PostgresConnection> opened;
  try {
    opened = std::make_unique<PostgresConnection>(pool.url_, pool.password_);
  } catch (...) {
    lock.lock();
    --pool.opening_;
    pool.released_.notify_one();
    throw;
  }
  lock.lock();
  --pool.opening_;
  connection = opened.get();
  pool.all_.push_back(std::move(opened));
}

PostgresPool::Lease::~Lease() {
  {
    std::lock_guard lock(pool.mutex_);
    pool.idle_.push_back(connection);
  }
  pool.released_.notify_one();
}

}  // namespace scanhook::core
