// A bare HTTP/1.1 client over a blocking POSIX socket, for tests that send
// what a well-behaved client library never would (malformed targets, framing
// that contradicts itself, a request a byte at a time) and watch the
// connection itself: whether the server answered, kept it or closed it.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cctype>
#include <chrono>
#include <cstring>
#include <map>
#include <string>
#include <string_view>

namespace sagsflow::testing {

struct RawResponse {
  int status = 0;  // 0: no complete answer arrived
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  nlohmann::json json;  // parsed when the body is JSON
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class RawConnection {
 public:
  explicit RawConnection(unsigned port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) return;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      fd_ = -1;
      return;
    }
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  RawConnection(RawConnection&& other) noexcept : fd_(other.fd_), pending_(std::move(other.pending_)) {
    other.fd_ = -1;
  }

  bool ok() const { return fd_ >= 0; }
  int fd() const { return fd_; }

  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // One answer: the status line, the headers and a Content-Length body (none
  // for HEAD, 204 and 304), waiting at most `timeout` in all.
  RawResponse read_response(std::chrono::milliseconds timeout = std::chrono::seconds(10), bool head = false) {
    RawResponse r;
    const auto until = std::chrono::steady_clock::now() + timeout;
    std::size_t end;
    while ((end = pending_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill(until)) return r;
    }
    const std::string head_text = pending_.substr(0, end);
    pending_.erase(0, end + 4);
    std::size_t line_end = head_text.find("\r\n");
    const std::string status_line = head_text.substr(0, line_end);
    if (status_line.size() < 12) return r;
    const int status = std::stoi(status_line.substr(9, 3));
    while (line_end != std::string::npos) {
      const std::size_t next = head_text.find("\r\n", line_end + 2);
      const std::string line = head_text.substr(line_end + 2, next == std::string::npos ? std::string::npos
                                                                                        : next - line_end - 2);
      const auto colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        r.headers[name] = value;
      }
      line_end = next;
    }
    std::size_t length = 0;
    if (!head && status != 204 && status != 304 && r.headers.contains("content-length")) {
      length = std::stoul(r.headers["content-length"]);
    }
    while (pending_.size() < length) {
      if (!fill(until)) return r;
    }
    r.body = pending_.substr(0, length);
    pending_.erase(0, length);
    r.status = status;
    if (r.header("content-type").find("json") != std::string::npos) {
      r.json = nlohmann::json::parse(r.body, nullptr, false);
    }
    return r;
  }

  // Whether the server closes the connection (end of stream or reset) within
  // `timeout`, with nothing more sent to this side.
  bool closed_by_server(std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
      char buffer[4096];
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) return true;
      pending_.append(buffer, static_cast<size_t>(n));
    }
  }

 private:
  bool fill(std::chrono::steady_clock::time_point until) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buffer[16384];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) return false;
    pending_.append(buffer, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string pending_;
};

// "GET <target> HTTP/1.1" with Host and the given extra header lines ("Name: value\r\n" each).
inline std::string raw_request(const std::string& method, const std::string& target, const std::string& extra = {},
                               const std::string& body = {}) {
  std::string r = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra;
  if (!body.empty()) r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  return r + "\r\n" + body;
}

}  // namespace sagsflow::testing
