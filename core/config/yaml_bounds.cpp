#include "sagsflow/config/yaml_bounds.hpp"

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <sstream>
#include <unordered_map>
#include <vector>

namespace sagsflow {
namespace {

// Thrown out of the handler to stop the parser at the first limit passed.
struct LimitPassed {
  YAML::Mark mark;
  std::string message;
};

class BoundsHandler : public YAML::EventHandler {
 public:
  explicit BoundsHandler(const YamlLimits& limits) : limits_(limits) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { leaf(mark, anchor); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const auto it = sizes_.find(anchor);
    add(mark, it == sizes_.end() ? 1 : it->second);
  }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, const std::string&) override {
    leaf(mark, anchor);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Open {
    YAML::anchor_t anchor;
    std::size_t nodes_at_start;
  };

  void add(const YAML::Mark& mark, std::size_t n) {
    nodes_ += n;
    if (nodes_ > limits_.max_nodes) {
      throw LimitPassed{mark, fmt::format("aliases and values make the file more than {} nodes; the limit is {}",
                                          limits_.max_nodes, limits_.max_nodes)};
    }
  }
  void leaf(const YAML::Mark& mark, YAML::anchor_t anchor) {
    add(mark, 1);
    if (anchor != 0) sizes_[anchor] = 1;
  }
  void open(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (static_cast<int>(open_.size()) + 1 > limits_.max_depth) {
      throw LimitPassed{mark, fmt::format("mappings and lists are nested deeper than {} levels; the limit is {}",
                                          limits_.max_depth, limits_.max_depth)};
    }
    open_.push_back({anchor, nodes_});
    add(mark, 1);
  }
  void close() {
    if (open_.empty()) return;
    const Open o = open_.back();
    open_.pop_back();
    if (o.anchor != 0) sizes_[o.anchor] = nodes_ - o.nodes_at_start;
  }

  const YamlLimits& limits_;
  std::vector<Open> open_;
  std::unordered_map<YAML::anchor_t, std::size_t> sizes_;
  std::size_t nodes_ = 0;
};

Diagnostic at(std::string_view file, const YAML::Mark& mark, std::string message) {
  return {std::string(file), mark.line < 0 ? SourcePosition{} : SourcePosition{mark.line + 1, mark.column + 1},
          std::move(message)};
}

}  // namespace

std::optional<Diagnostic> yaml_bounds_error(std::string_view text, std::string_view file_name,
                                            const YamlLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return Diagnostic{std::string(file_name), {},
                      fmt::format("the file has {} bytes; the limit is {}", text.size(), limits.max_bytes)};
  }
  std::istringstream in{std::string(text)};
  BoundsHandler handler(limits);
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(handler)) {
    }
  } catch (const LimitPassed& passed) {
    return at(file_name, passed.mark, passed.message);
  } catch (const YAML::DeepRecursion& e) {
    return at(file_name, e.mark,
              fmt::format("mappings and lists are nested deeper than {} levels; the limit is {}", limits.max_depth,
                          limits.max_depth));
  } catch (const YAML::Exception&) {
    // A syntax error: the tree's builder reports it with its position.
  }
  return std::nullopt;
}

}  // namespace sagsflow
