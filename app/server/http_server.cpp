#include "http_server.hpp"

#include <sys/resource.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <fmt/format.h>

#include <array>
#include <atomic>
#include <deque>
#include <limits>
#include <map>
#include <optional>
#include <thread>
#include <type_traits>

#include "sagsflow/domain/log.hpp"
#include "sagsflow/domain/thread_annotations.hpp"

namespace sagsflow::server::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

// What is left of a refused body is read and dropped (up to this much, within
// kLingerTime) so the client, still sending, reads the answer instead of a reset.
constexpr std::size_t kMaxDrainBytes = 16 * 1024 * 1024;
constexpr std::chrono::seconds kLingerTime{2};

}  // namespace

std::string Request::header(std::string_view name, const std::string& fallback) const {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return v;
  }
  return fallback;
}

std::vector<std::pair<std::string, std::string>> standard_headers(bool tls) {
  std::vector<std::pair<std::string, std::string>> h{
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"Permissions-Policy",
       "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), "
       "usb=()"},
  };
  if (tls) h.emplace_back("Strict-Transport-Security", "max-age=31536000");
  return h;
}

namespace {

// A fixed number of worker threads over a bounded queue.
class WorkerPool {
 public:
  WorkerPool(int threads, int capacity) : capacity_(static_cast<std::size_t>(capacity)) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
  }
  ~WorkerPool() { stop(); }
  // False when the queue is full or the pool stopped: the job is not run.
  bool try_submit(std::function<void()> job) {
    {
      MutexLock lock(mutex_);
      if (stopping_ || jobs_.size() >= capacity_) return false;
      jobs_.push_back(std::move(job));
    }
    ready_.notify_one();
    return true;
  }
  // Drops the jobs not yet started and joins the threads (running jobs finish).
  void stop() {
    std::deque<std::function<void()>> dropped;
    {
      MutexLock lock(mutex_);
      stopping_ = true;
      dropped.swap(jobs_);
    }
    ready_.notify_all();
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }

 private:
  void run() {
    for (;;) {
      std::function<void()> job;
      {
        MutexLock lock(mutex_);
        while (!stopping_ && jobs_.empty()) ready_.wait(mutex_);
        if (stopping_) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job();
    }
  }
  Mutex mutex_;
  CondVar ready_;
  std::deque<std::function<void()>> jobs_ GUARDED_BY(mutex_);
  bool stopping_ GUARDED_BY(mutex_) = false;
  const std::size_t capacity_;
  std::vector<std::thread> threads_;  // set in the constructor, joined by stop()
};

struct Shared;

// What the connection caps need to know of a connection.
class Connection {
 public:
  Connection(std::shared_ptr<Shared> shared, std::uint64_t id, std::string address);
  virtual ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  // Closes the connection from any thread (on its own strand).
  virtual void close_from_outside() = 0;
  const std::uint64_t id;
  const std::string address;
  std::atomic<int> delivered{0};   // complete requests read
  std::atomic<bool> busy{false};   // a request is being answered

 protected:
  std::shared_ptr<Shared> shared_;
};

// The open connections, by address and in accept order (oldest first).
class Registry {
 public:
  // Registers `c` under the caps; what must be closed to make room is added
  // to `evict`. False (nothing registered) when no connection can give way.
  bool admit(const std::shared_ptr<Connection>& c, int max_total, int max_per_address,
             std::vector<std::shared_ptr<Connection>>& evict) {
    MutexLock lock(mutex_);
    auto& mine = by_address_[c->address];
    if (static_cast<int>(mine.size()) >= max_per_address) {
      if (!make_room(mine, evict)) {
        if (mine.empty()) by_address_.erase(c->address);
        return false;
      }
    } else if (static_cast<int>(all_.size()) >= max_total) {
      if (!make_room(all_, evict)) return false;
    }
    all_[c->id] = c;
    by_address_[c->address][c->id] = c;
    return true;
  }
  void remove(std::uint64_t id, const std::string& address) {
    MutexLock lock(mutex_);
    erase_locked(id, address);
  }
  long long open() const {
    MutexLock lock(mutex_);
    return static_cast<long long>(all_.size());
  }
  std::vector<std::shared_ptr<Connection>> all() const {
    MutexLock lock(mutex_);
    std::vector<std::shared_ptr<Connection>> out;
    for (const auto& [id, weak] : all_) {
      if (auto c = weak.lock()) out.push_back(std::move(c));
    }
    return out;
  }

 private:
  using Group = std::map<std::uint64_t, std::weak_ptr<Connection>>;
  void erase_locked(std::uint64_t id, const std::string& address) REQUIRES(mutex_) {
    all_.erase(id);
    auto it = by_address_.find(address);
    if (it == by_address_.end()) return;
    it->second.erase(id);
    if (it->second.empty()) by_address_.erase(it);
  }
  // Frees one place in `group`: a connection already gone, else the oldest
  // one that has delivered nothing, else the oldest one not being answered.
  bool make_room(Group& group, std::vector<std::shared_ptr<Connection>>& evict) REQUIRES(mutex_) {
    std::shared_ptr<Connection> second_choice;
    for (auto it = group.begin(); it != group.end(); ++it) {
      auto c = it->second.lock();
      if (!c) {
        // Its destructor is about to remove it: take its place.
        const std::uint64_t id = it->first;
        for (auto& [address, g] : by_address_) {
          if (g.erase(id) > 0) break;
        }
        all_.erase(id);
        return true;
      }
      if (c->busy) continue;
      if (c->delivered == 0) {
        erase_locked(c->id, c->address);
        evict.push_back(std::move(c));
        return true;
      }
      if (!second_choice) second_choice = std::move(c);
    }
    if (!second_choice) return false;
    erase_locked(second_choice->id, second_choice->address);
    evict.push_back(std::move(second_choice));
    return true;
  }
  mutable Mutex mutex_;
  Group all_ GUARDED_BY(mutex_);
  std::map<std::string, Group> by_address_ GUARDED_BY(mutex_);
};

// What every connection shares; alive while any connection is.
struct Shared {
  Shared(const Settings& s, Callbacks c) : settings(s), callbacks(std::move(c)), pool(s.workers, s.queue) {}
  const Settings settings;
  const Callbacks callbacks;
  Registry registry;
  WorkerPool pool;
  std::atomic<bool> stopping{false};
  std::atomic<long long> accepted{0}, refused{0}, evicted{0}, timed_out{0}, busy{0};
};

Connection::Connection(std::shared_ptr<Shared> shared, std::uint64_t i, std::string a)
    : id(i), address(std::move(a)), shared_(std::move(shared)) {}
Connection::~Connection() { shared_->registry.remove(id, address); }

bool is_parse_error(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message && ec != bhttp::error::need_more;
}

// One connection: reads requests one at a time, each within the request
// deadline, hands each to the pool and writes its answer.
template <class Stream>
class Session final : public Connection, public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  template <class... Args>
  Session(std::shared_ptr<Shared> shared, std::uint64_t id, std::string address, Args&&... args)
      : Connection(std::move(shared), id, std::move(address)), stream_(std::forward<Args>(args)...) {}

  void start() {
    lowest().expires_after(shared_->settings.request_timeout);
    if constexpr (kTls) {
      stream_.async_handshake(asio::ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
        if (ec) return self->fail(ec);
        self->read_header();
      });
    } else {
      read_header();
    }
  }

  void close_from_outside() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->shut(); });
  }

 private:
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  // A later request on a kept-alive connection: wait up to the keep-alive
  // timeout for its first byte, then give it the request deadline.
  void wait_for_next() {
    if (buffer_.size() > 0) {
      lowest().expires_after(shared_->settings.request_timeout);
      return read_header();
    }
    lowest().expires_after(shared_->settings.keep_alive_timeout);
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                              if (ec) return self->fail(ec);
                              self->buffer_.commit(n);
                              self->lowest().expires_after(self->shared_->settings.request_timeout);
                              self->read_header();
                            });
  }

  void read_header() {
    const auto& s = shared_->settings;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(s.max_uri_bytes + s.max_header_bytes));
    // Beast's own default (8 MiB) would refuse a declared length while the
    // headers are read; on_header sets the route's limit before any body byte.
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                               self->on_header(ec, n);
                             });
  }

  void on_header(beast::error_code ec, std::size_t bytes) {
    const auto& s = shared_->settings;
    if (ec == bhttp::error::header_limit) {
      // The parser takes the request line first: if it has it, the fields were too many (431), else the line (414).
      if (parser_->get().target().empty()) {
        return refuse(414, "uri_too_long", fmt::format("the request target is over {} bytes", s.max_uri_bytes));
      }
      return refuse(431, "headers_too_large", fmt::format("the header block is over {} bytes", s.max_header_bytes));
    }
    if (ec == bhttp::error::bad_transfer_encoding || ec == bhttp::error::bad_content_length) {
      return refuse(400, "bad_framing",
                    "the request's length cannot be trusted: Content-Length together with Transfer-Encoding, "
                    "Content-Length given twice or not a number, or a Transfer-Encoding that does not end in "
                    "chunked (RFC 9112 §6)");
    }
    if (is_parse_error(ec)) {
      return refuse(400, "malformed_request", "the request is not valid HTTP/1.1: " + ec.message());
    }
    if (ec) return fail(ec);
    const auto& h = parser_->get();
    const std::string target(h.target());
    if (target.size() > s.max_uri_bytes) {
      return refuse(414, "uri_too_long",
                    fmt::format("the request target has {} bytes; the limit is {}", target.size(), s.max_uri_bytes));
    }
    const std::size_t line = h.method_string().size() + target.size() + 10;  // "M T HTTP/1.1\r\n"
    if (bytes > line && bytes - line > s.max_header_bytes) {
      return refuse(431, "headers_too_large",
                    fmt::format("the header block has {} bytes; the limit is {}", bytes - line, s.max_header_bytes));
    }
    head_ = h.method() == bhttp::verb::head;
    keep_alive_ = h.keep_alive();
    const std::size_t limit = shared_->callbacks.body_limit(std::string(h.method_string()), target);
    if (const auto declared = parser_->content_length(); declared && *declared > limit) {
      return refuse(413, "body_too_large", fmt::format("the body has {} bytes; the limit is {}", *declared, limit));
    }
    body_limit_ = limit;
    parser_->body_limit(limit);
    if (parser_->is_done()) return deliver();
    if (iequals(std::string_view(h[bhttp::field::expect]), "100-continue")) {
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      return asio::async_write(stream_, asio::buffer(kContinue),
                               [self = this->shared_from_this()](beast::error_code e, std::size_t) {
                                 if (e) return self->fail(e);
                                 self->read_body();
                               });
    }
    read_body();
  }

  void read_body() {
    bhttp::async_read(stream_, buffer_, *parser_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec == bhttp::error::body_limit) {
        return self->refuse(413, "body_too_large",
                            fmt::format("the body is over the limit of {} bytes", self->body_limit_));
      }
      if (is_parse_error(ec)) return self->refuse(400, "malformed_request", "the body is malformed: " + ec.message());
      if (ec) return self->fail(ec);
      self->deliver();
    });
  }

  void deliver() {
    ++delivered;
    busy = true;
    auto& h = parser_->get();
    Request req;
    req.method = std::string(h.method_string());
    req.target = std::string(h.target());
    for (const auto& f : h) req.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    req.body = std::move(h.body());
    req.client_address = address;
    req.tls = kTls;
    parser_.reset();
    auto self = this->shared_from_this();
    const bool queued = shared_->pool.try_submit([self, req = std::move(req)]() mutable {
      Response r;
      try {
        r = self->shared_->callbacks.handle(req);
      } catch (const std::exception& e) {
        logger()->error("{}: {}", req.method, e.what());
        r = self->shared_->callbacks.refuse(500, "internal", "the server failed while answering; the error is in its log");
      }
      asio::post(self->stream_.get_executor(), [self, r = std::move(r)]() mutable { self->answer(std::move(r)); });
    });
    if (!queued) {
      ++shared_->busy;
      Response r = shared_->callbacks.refuse(503, "busy", "every worker is busy; try again in a second");
      r.headers.emplace_back("Retry-After", "1");
      answer(std::move(r));
    }
  }

  void refuse(int status, const std::string& code, const std::string& detail) {
    Response r = shared_->callbacks.refuse(status, code, detail);
    r.close = true;
    answer(std::move(r));
  }

  void answer(Response r) {
    busy = false;
    const auto& s = shared_->settings;
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    res->version(11);
    res->result(static_cast<unsigned>(r.status));
    for (const auto& [k, v] : standard_headers(kTls)) res->set(k, v);
    bool cache_control = false;
    for (const auto& [k, v] : r.headers) {
      cache_control = cache_control || iequals(k, "Cache-Control");
      res->set(k, v);
    }
    if (!cache_control) res->set(bhttp::field::cache_control, "no-store");
    if (!r.content_type.empty()) res->set(bhttp::field::content_type, r.content_type);
    ++served_;
    keep_ = keep_alive_ && !r.close && served_ < s.max_requests_per_connection && !shared_->stopping;
    res->keep_alive(keep_);
    if (r.status != 204 && r.status != 304 && r.status >= 200) {
      res->body() = std::move(r.body);
      res->prepare_payload();
      if (r.omit_body || head_) res->body().clear();
    }
    response_ = res;
    lowest().expires_after(s.request_timeout);
    bhttp::async_write(stream_, *response_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      self->response_.reset();
      if (ec) return self->fail(ec);
      if (!self->keep_) return self->linger_close();
      self->head_ = false;
      self->wait_for_next();
    });
  }

  // Closes after an answer: what the client still sends is read and dropped
  // for a moment, so it reads the answer rather than a reset connection.
  void linger_close() {
    lowest().expires_after(kLingerTime);
    if constexpr (kTls) {
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->shut(); });
    } else {
      beast::error_code ignored;
      lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
      drain();
    }
  }

  void drain() {
    lowest().async_read_some(asio::buffer(scratch_),
                             [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                               self->drained_ += n;
                               if (ec || self->drained_ > kMaxDrainBytes) return self->shut();
                               self->drain();
                             });
  }

  void fail(const beast::error_code& ec) {
    if (ec == beast::error::timeout) ++shared_->timed_out;
    shut();
  }

  void shut() {
    beast::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    lowest().close();
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::shared_ptr<bhttp::response<bhttp::string_body>> response_;
  std::size_t body_limit_ = 0;
  int served_ = 0;
  bool head_ = false;
  bool keep_alive_ = true;  // what the client asked for
  bool keep_ = true;        // what the last answer said
  std::array<char, 8192> scratch_{};
  std::size_t drained_ = 0;
};

using PlainSession = Session<beast::tcp_stream>;
using TlsSession = Session<beast::ssl_stream<beast::tcp_stream>>;

void raise_open_file_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (limit.rlim_cur >= limit.rlim_max) return;
  const rlim_t before = limit.rlim_cur;
  limit.rlim_cur = limit.rlim_max;
  if (::setrlimit(RLIMIT_NOFILE, &limit) == 0) {
    logger()->info("open file limit raised from {} to {}", before, limit.rlim_cur);
  }
}

}  // namespace

struct Listener::Impl {
  explicit Impl(std::shared_ptr<Shared> s) : shared(std::move(s)) {}
  std::shared_ptr<Shared> shared;
  std::optional<asio::ssl::context> tls;  // outlives the connections (destroyed with ioc)
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  asio::steady_timer retry{ioc};
  std::vector<std::thread> io_threads;
  std::atomic<std::uint64_t> next_id{1};
  std::atomic<bool> stopped{false};
  unsigned port = 0;

  void accept() {
    acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || shared->stopping) return;
      if (ec) {
        // Out of file descriptors, most likely: wait a moment rather than spin.
        logger()->warn("accept failed: {}", ec.message());
        retry.expires_after(std::chrono::milliseconds(100));
        retry.async_wait([this](beast::error_code e) {
          if (!e) accept();
        });
        return;
      }
      on_accept(std::move(socket));
      accept();
    });
  }

  void on_accept(tcp::socket socket) {
    beast::error_code ec;
    const auto peer = socket.remote_endpoint(ec);
    if (ec) return;
    socket.set_option(tcp::no_delay(true), ec);
    const std::string address = peer.address().to_string();
    const std::uint64_t id = next_id++;
    if (tls) {
      admit(std::make_shared<TlsSession>(shared, id, address, std::move(socket), *tls));
    } else {
      admit(std::make_shared<PlainSession>(shared, id, address, std::move(socket)));
    }
  }

  template <class S>
  void admit(std::shared_ptr<S> session) {
    const auto& s = shared->settings;
    std::vector<std::shared_ptr<Connection>> evict;
    if (!shared->registry.admit(session, s.max_connections, s.max_connections_per_address, evict)) {
      ++shared->refused;
      return;  // the session goes, and its socket is closed
    }
    ++shared->accepted;
    for (auto& victim : evict) {
      ++shared->evicted;
      victim->close_from_outside();
    }
    session->start();
  }
};

Listener::Listener(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

Listener::~Listener() { stop(); }

Result<std::unique_ptr<Listener>> Listener::start(const Settings& settings, Callbacks callbacks) {
  raise_open_file_limit();
  auto impl = std::make_shared<Impl>(std::make_shared<Shared>(settings, std::move(callbacks)));
  try {
    if (!settings.tls_certificate.empty()) {
      impl->tls.emplace(asio::ssl::context::tls_server);
      impl->tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                             asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                             asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
      impl->tls->use_certificate_chain_file(settings.tls_certificate);
      impl->tls->use_private_key_file(settings.tls_private_key, asio::ssl::context::pem);
      SSL_CTX_set_cipher_list(impl->tls->native_handle(), "HIGH:!aNULL:!MD5");
    }
    const tcp::endpoint endpoint(asio::ip::make_address(settings.address), static_cast<unsigned short>(settings.port));
    impl->acceptor.open(endpoint.protocol());
    impl->acceptor.set_option(asio::socket_base::reuse_address(true));
    impl->acceptor.bind(endpoint);
    impl->acceptor.listen(asio::socket_base::max_listen_connections);
    impl->port = impl->acceptor.local_endpoint().port();
  } catch (const boost::system::system_error& e) {
    impl->shared->pool.stop();
    return InvalidArgument(fmt::format("cannot serve on {}:{}{}: {}", settings.address, settings.port,
                                       settings.tls_certificate.empty() ? "" : " (TLS)", e.what()));
  }
  impl->accept();
  for (int i = 0; i < std::max(1, settings.io_threads); ++i) {
    impl->io_threads.emplace_back([raw = impl.get()] {
      for (;;) {
        try {
          raw->ioc.run();
          return;
        } catch (const std::exception& e) {
          logger()->error("HTTP IO thread: {}", e.what());
        }
      }
    });
  }
  return std::unique_ptr<Listener>(new Listener(std::move(impl)));
}

unsigned Listener::port() const { return impl_->port; }

ConnectionCounts Listener::counts() const {
  const auto& s = *impl_->shared;
  return {s.registry.open(), s.accepted, s.refused, s.evicted, s.timed_out, s.busy};
}

void Listener::stop() {
  if (!impl_ || impl_->stopped.exchange(true)) return;
  impl_->shared->stopping = true;
  asio::post(impl_->ioc, [raw = impl_.get()] {
    beast::error_code ignored;
    raw->acceptor.close(ignored);
    raw->retry.cancel();
  });
  for (auto& c : impl_->shared->registry.all()) c->close_from_outside();
  impl_->shared->pool.stop();
  impl_->ioc.stop();
  for (auto& t : impl_->io_threads) {
    if (t.joinable()) t.join();
  }
}

}  // namespace sagsflow::server::http
